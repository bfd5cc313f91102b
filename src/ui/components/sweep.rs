//! The sweep: every crash point against every strategy on the sandbox's seed, as one truth table.
//!
//! The core runs the cells; this view only schedules them a few at a time (so the page keeps
//! breathing and the progress bar moves) and draws the verdicts it returns. Every cell opens its exact
//! run in the sandbox, so a surprising verdict can be watched, not just read.

use crate::i18n::{n_, tr, trf, trf_n};
use crate::sim::sweep::{Sweep, SweepRow, Verdict, crash_schedule};
use crate::sim::{AckTiming, Command, Config, CrashPoint, RecordCheck, Strategy};
use crate::ui::{atr, vtext, vtr};
use gloo::timers::callback::Interval;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Fewest and most payments per sweep run.
pub const SWEEP_PAYMENTS: (u32, u32) = (20, 1000);

/// Real milliseconds of sweep work per tick, so a frame is never blocked for long.
const BUDGET_MS: f64 = 12.0;

/// A strategy as one short line, in the CLI table's words (`I T commit K unique`, `-` for a
/// safeguard off), with the naive and the safe ones named.
pub fn strategy_label(s: &Strategy) -> String {
    let mut label = strategy_key(s);
    if *s == Strategy::NAIVE {
        label.push_str(tr(" (naive)"));
    } else if *s == Strategy::SAFE {
        label.push_str(tr(" (all safeguards)"));
    }
    label
}

/// A strategy in words, for a reader who has not learnt the codes: `processed check (unique) · one
/// transaction · ack after commit · gateway key`. Without the check, how it would be made does not
/// matter, so two rows can read alike; their codes still tell them apart.
pub fn strategy_words(s: &Strategy) -> String {
    let check = if s.idempotency {
        tr(match s.record_check {
            RecordCheck::CheckThenInsert => n_("processed check (check-then-insert)"),
            RecordCheck::UniqueConstraint => n_("processed check (unique)"),
        })
    } else {
        tr("no processed check")
    };
    let ack = tr(match s.ack_timing {
        AckTiming::Auto => n_("auto-ack"),
        AckTiming::ManualFirst => n_("ack first"),
        AckTiming::AfterCommit => n_("ack after commit"),
    });
    let tx = tr(if s.transactional {
        n_("one transaction")
    } else {
        n_("no transaction")
    });
    let key = tr(if s.gateway_key {
        n_("gateway key")
    } else {
        n_("no gateway key")
    });
    [check, tx, ack, key].join(" · ")
}

/// What the codes of [`strategy_key`] stand for, wherever they are shown.
pub fn codes() -> &'static str {
    tr(
        "Codes, as in the command line's table: I = processed-message check · T = record and ledger \
    in one transaction · auto = auto-ack, first = manual ack before any work, commit = manual ack after the commit · \
    K = gateway idempotency key · check = check-then-insert, unique = unique constraint · - = off.",
    )
}

/// The CLI table's five columns with single spaces: `- T early K check`.
pub fn strategy_key(s: &Strategy) -> String {
    s.code()
}

/// The rows the lessons hinge on, as in the reality check's key rows: the naive consumer, every
/// safeguard, and every safeguard but one (the gateway key, the ack after the commit).
fn key_row(s: &Strategy) -> bool {
    *s == Strategy::NAIVE
        || (s.idempotency
            && s.transactional
            && s.record_check == RecordCheck::UniqueConstraint
            && (s.gateway_key || s.ack_timing == AckTiming::AfterCommit))
}

/// A broker kind's name in the page's words (`queue` is a plain word; `sqs` and `log` are names).
fn broker_word(name: &'static str) -> &'static str {
    if name == "queue" { tr("queue") } else { name }
}

/// Which run a sweep cell opened, in words, for the note above the sandbox.
pub fn opened_text(config: &Config, command: &Command, seed: u64) -> String {
    let point = match command {
        Command::ArmCrash { point, .. } => point.label(),
        _ => "",
    };
    trf(
        "Opened from the sweep: {0}; every consumer crashes {1} ({2}); seed {3}. Press Play to watch it.",
        &[
            &strategy_words(&config.strategy),
            point,
            &crash_schedule(config.payments),
            &seed.to_string(),
        ],
    )
}

/// The icon, name (for classes and tests), word (in the reader's language) and count of a verdict.
fn verdict_text(r: &SweepRow) -> (&'static str, &'static str, &'static str, Option<u64>) {
    let t = &r.totals;
    let (icon, name, word, count) = match r.verdict {
        Verdict::Safe => ("✓", "safe", n_("safe"), None),
        Verdict::Duplicate => ("‼", "duplicate", n_("duplicate"), Some(t.duplicate)),
        Verdict::Lost => ("✗", "lost", n_("lost"), Some(t.lost)),
        Verdict::Orphan => ("◌", "orphan", n_("orphan"), Some(t.orphan)),
        Verdict::Unsettled => ("…", "unsettled", n_("unsettled"), Some(t.pending)),
    };
    (icon, name, tr(word), count)
}

#[derive(Properties)]
pub struct SweepProps {
    /// The sandbox's configuration (its strategy is replaced cell by cell).
    pub config: Config,
    pub seed: u64,
    /// Opens one cell's run in the sandbox.
    pub onopen: Callback<(Config, Command)>,
}

// Not `onopen`: the app makes a new one on every render (what it captures is the seed, compared
// here), and comparing it would redraw the hidden sweep on every play tick.
impl PartialEq for SweepProps {
    fn eq(&self, other: &Self) -> bool {
        (&self.config, self.seed) == (&other.config, other.seed)
    }
}

/// A sweep under way or done, and the rows it has so far.
struct Run {
    plan: Sweep,
    seed: u64,
    payments: u32,
    rows: Vec<SweepRow>,
}

#[component]
pub fn SweepView(props: &SweepProps) -> Html {
    let run = use_mut_ref(|| None::<Run>);
    let running = use_state(|| false);
    let key_only = use_state(|| false);
    let redraw = use_force_update();
    let payments = props
        .config
        .payments
        .clamp(SWEEP_PAYMENTS.0, SWEEP_PAYMENTS.1);

    // The work loop: a short interval that runs cells for a few milliseconds per tick.
    {
        let (run, running, redraw) = (run.clone(), running.clone(), redraw.clone());
        use_effect_with(*running, move |&on| {
            let interval = on.then(|| {
                Interval::new(1, move || {
                    let done = step(&run);
                    redraw.force_update();
                    if done {
                        running.set(false);
                    }
                })
            });
            move || drop(interval)
        });
    }

    let onrun = {
        let (run, running, config, seed) = (
            run.clone(),
            running.clone(),
            props.config.clone(),
            props.seed,
        );
        Callback::from(move |_: MouseEvent| {
            let plan = Sweep::new(&config, seed, payments);
            *run.borrow_mut() = Some(Run {
                rows: Vec::with_capacity(plan.len()),
                plan,
                seed,
                payments,
            });
            running.set(true);
        })
    };

    let state = run.borrow();
    let (done, total) = state
        .as_ref()
        .map_or((0, 0), |r| (r.rows.len(), r.plan.len()));
    let label_note = match state.as_ref() {
        Some(r) if done == total => trf(
            "{0} runs on seed {1}, {2} payments each, {3} broker.",
            &[
                &total.to_string(),
                &r.seed.to_string(),
                &r.payments.to_string(),
                broker_word(r.plan.broker().name()),
            ],
        ),
        Some(_) => trf_n("Running {0} of {1}…", &[done as u64, total as u64]),
        None => String::new(),
    };
    html! {
        <section class="panel sweep" aria-labelledby="sweep-title" data-testid="sweep">
            <h2 class="panel__title" id="sweep-title">{ vtr("Sweep: every crash point × every strategy") }</h2>
            <p class="panel__note">
                { vtext(trf("Seed {0}, {1} payments per run on the sandbox's {2} broker (its payments kept between {3} and {4}). \
                    Each run crashes every consumer at one boundary ({5}) and lets the broker redeliver. \
                    A cell opens its exact run in the sandbox.", &[&props.seed.to_string(), &payments.to_string(), broker_word(props.config.broker.name()), &SWEEP_PAYMENTS.0.to_string(), &SWEEP_PAYMENTS.1.to_string(), &crash_schedule(payments)])) }
            </p>
            <div class="sweep__bar">
                <button type="button" class="button button--primary" data-testid="sweep-run"
                    disabled={*running} onclick={onrun}>
                    { vtr(if done > 0 { n_("Run the sweep again") } else { n_("Run the sweep") }) }
                </button>
                <progress class="sweep__progress" data-testid="sweep-progress" max={total.max(1).to_string()}
                    value={done.to_string()} aria-label={atr("Sweep progress")}
                    aria-valuetext={trf_n("{0} of {1} runs", &[done as u64, total.max(1) as u64])} />
                <span class="sweep__status mono" role="status" data-testid="sweep-status"
                    data-done={(total > 0 && done == total).to_string()}>{ vtext(label_note) }</span>
            </div>
            if let Some(r) = state.as_ref() {
                <button type="button" class="button sweep__filter" data-testid="sweep-key-rows" aria-pressed={key_only.to_string()}
                    onclick={{ let k = key_only.clone(); Callback::from(move |_: MouseEvent| k.set(!*k)) }}>
                    { vtr("Key rows only") }
                </button>
                { table(r, &props.onopen, &props.config, *key_only) }
            }
            <p class="panel__note"><a href="audit.html" class="sweep__audit" data-testid="sweep-audit">{ vtr("Audit your own handler") }</a></p>
        </section>
    }
}

/// Runs cells for a few milliseconds; true when the sweep is finished.
fn step(run: &Rc<RefCell<Option<Run>>>) -> bool {
    let mut guard = run.borrow_mut();
    let Some(r) = guard.as_mut() else {
        return true;
    };
    let started = crate::ui::browser::now_ms();
    while r.rows.len() < r.plan.len() {
        let i = r.rows.len();
        r.rows.push(r.plan.run(i));
        if crate::ui::browser::now_ms() - started > BUDGET_MS {
            break;
        }
    }
    r.rows.len() == r.plan.len()
}

fn table(r: &Run, onopen: &Callback<(Config, Command)>, sandbox: &Config, key_only: bool) -> Html {
    let points = CrashPoint::BOUNDARIES;
    let strategies = Strategy::all_combinations();
    let cells = r.plan.cells();
    let body = strategies.iter().map(|s| {
        let key = strategy_key(s);
        let row = points.iter().map(|p| {
            let Some(i) = cells.iter().position(|c| c.0 == *p && c.1 == *s) else {
                return html! { <td /> };
            };
            let Some(result) = r.rows.get(i) else {
                return html! { <td class="sweep__cell sweep__cell--waiting"><span aria-hidden="true">{ "·" }</span></td> };
            };
            let (icon, word, shown, count) = verdict_text(result);
            let onclick = {
                let (onopen, (mut config, command)) = (onopen.clone(), r.plan.setup(i));
                // The sweep keeps a tiny event window for speed; the sandbox shows the whole log.
                config.event_window = sandbox.event_window;
                Callback::from(move |_: MouseEvent| {
                    onopen.emit((config.clone(), command));
                    // The run opens at the top of the sandbox: start there, not mid-page.
                    crate::ui::browser::scroll_to_top();
                })
            };
            let t = &result.totals;
            html! {
                <td class={classes!("sweep__cell", format!("sweep__cell--{word}"))}>
                    <button type="button" class="sweep__open" data-testid="sweep-cell"
                        data-crash-point={p.name()} data-strategy={key.clone()} data-verdict={word}
                        data-duplicate={t.duplicate.to_string()} data-lost={t.lost.to_string()}
                        data-orphan={t.orphan.to_string()} data-charged-once={t.charged_once.to_string()}
                        {onclick}>
                        // The column in words: the cell's name, and its label where a phone stacks the cells.
                        <span class="sweep__point">{ vtext(trf("crash {0}: ", &[p.label()])) }</span>
                        <span aria-hidden="true">{ vtext(icon) }</span>{ " " }{ vtext(shown) }
                        if let Some(n) = count { { " " }<span class="mono">{ n }</span> }
                    </button>
                </td>
            }
        });
        let named = (*s == Strategy::NAIVE || *s == Strategy::SAFE).then_some("sweep__row--named");
        let is_key = key_row(s).then_some("sweep__row--key");
        html! {
            <tr class={classes!(named, is_key)} data-testid="sweep-row">
                <th scope="row" class="sweep__strategy" data-testid="sweep-row-label">
                    if *s == Strategy::NAIVE { <strong>{ vtr("Naive: ") }</strong> }
                    if *s == Strategy::SAFE { <strong>{ vtr("All safeguards: ") }</strong> }
                    { vtext(strategy_words(s)) }
                    <span class="sweep__code mono">{ vtext(format!(" ({key})")) }</span>
                </th>
                { for row }
            </tr>
        }
    });
    html! {
        <>
            <p class="panel__note sweep__legend" data-testid="sweep-legend">
                { vtr("Rows are strategies, in words with their code in brackets; columns are where every consumer crashes. \
                   Cells: ✓ safe, ‼ duplicate, ✗ lost, ◌ orphan, with how many payments. ") }
                { vtext(codes()) }
            </p>
        <div class="sweep__scroll" tabindex="0" role="region" aria-label={atr("Sweep results table")}>
            <table class={classes!("table", "sweep__table", key_only.then_some("sweep__table--key"))} data-testid="sweep-table">
                <caption class="visually-hidden">
                    { vtr("Verdict of each strategy (rows) when consumers crash at each boundary (columns)") }
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{ vtr("Strategy") }</th>
                        { for points.iter().map(|p| html! { <th scope="col">{ vtext(trf("crash {0}", &[p.label()])) }</th> }) }
                    </tr>
                </thead>
                <tbody>{ for body }</tbody>
            </table>
        </div>
        </>
    }
}

/// The note above the sandbox after a sweep cell opened a run: which run it is, and the way back.
pub fn opened_note(text: String, onback: Callback<()>) -> Html {
    html! {
        <p class="sweep-opened" role="status" data-testid="sweep-opened">
            { text }{ " " }
            <button type="button" class="link-button" data-testid="sweep-back"
                onclick={onback.reform(|_: MouseEvent| ())}>{ vtr("Back to the sweep") }</button>
        </p>
    }
}
