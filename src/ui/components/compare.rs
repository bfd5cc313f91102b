//! Side by side: the sandbox's run (same seed, same settings, same crashes) under two strategies at
//! once, stepping together, with the payments whose fate differs.
//!
//! Nothing but the strategy differs between the two sides, so every row of the difference table is
//! caused by the strategy. The core's `Comparison` runs both; this view only drives and draws it.

use super::sweep::{strategy_label, strategy_words};
use super::words::{counted, seconds};
use crate::i18n::{n_, tr, tr_n, trf, trf_n, trs};
use crate::sim::compare::Comparison;
use crate::sim::{Outcome, Strategy, Totals};
use crate::ui::state::World;
use crate::ui::{atr, vtext, vtr};
use yew::prelude::*;

/// Most differing payments listed; the count above the table is always complete.
const MAX_DIFF_ROWS: usize = 200;
/// Most events "to the end" processes, so a run that never settles cannot freeze the tab.
const END_LIMIT: u32 = 2_000_000;

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// The sandbox's run: its configuration, seed and action log are replayed on both sides.
    pub world: World,
    /// Simulated milliseconds per real millisecond while playing.
    pub speed: f64,
}

fn outcome_icon(o: Outcome) -> &'static str {
    match o {
        Outcome::ChargedOnce => "✓",
        Outcome::Duplicate => "‼",
        Outcome::Lost => "✗",
        Outcome::Orphan => "◌",
        Outcome::DeadLettered => "☠",
        Outcome::Pending => "…",
    }
}

fn build(world: &World, left: Strategy, right: Strategy) -> Comparison {
    let t = world.timeline();
    let mut cmp = Comparison::new(t.config(), t.seed(), t.actions(), left, right);
    cmp.advance(0);
    cmp
}

fn settled(cmp: &Comparison) -> bool {
    cmp.left.is_settled() && cmp.right.is_settled()
}

#[component]
pub fn CompareView(props: &CompareProps) -> Html {
    let cmp = {
        let world = props.world.clone();
        use_mut_ref(move || {
            let own = world.timeline().config().strategy;
            let left = if own == Strategy::SAFE {
                Strategy::NAIVE
            } else {
                own
            };
            build(&world, left, Strategy::SAFE)
        })
    };
    let playing = use_state(|| false);
    let redraw = use_force_update();

    // The sandbox's play clock; the owed fraction of a millisecond carries to the next tick.
    let carry = use_mut_ref(|| 0.0_f64);
    crate::ui::hooks::use_play_clock(*playing, {
        let (cmp, playing, redraw, speed) =
            (cmp.clone(), playing.clone(), redraw.clone(), props.speed);
        Callback::from(move |elapsed_ms: f64| {
            let owed = *carry.borrow() + speed * elapsed_ms.clamp(0.0, 250.0);
            *carry.borrow_mut() = owed.fract();
            let done = {
                let mut c = cmp.borrow_mut();
                c.advance(owed.floor() as u64);
                settled(&c)
            };
            redraw.force_update();
            if done {
                playing.set(false);
            }
        })
    });

    let act = |f: fn(&mut Comparison)| {
        let (cmp, playing, redraw) = (cmp.clone(), playing.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            f(&mut cmp.borrow_mut());
            playing.set(false);
            redraw.force_update();
        })
    };
    let onclassic = {
        let (cmp, playing, redraw, world) = (
            cmp.clone(),
            playing.clone(),
            redraw.clone(),
            props.world.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            *cmp.borrow_mut() = build(&world, Strategy::NAIVE, Strategy::SAFE);
            playing.set(false);
            redraw.force_update();
        })
    };
    let onplay = {
        let playing = playing.clone();
        let cmp = cmp.clone();
        Callback::from(move |_: MouseEvent| {
            if !*playing && settled(&cmp.borrow()) {
                return;
            }
            playing.set(!*playing);
        })
    };
    let onstep = act(|c| {
        c.step_event();
    });
    let onend = act(|c| {
        for _ in 0..END_LIMIT {
            if settled(c) || !c.step_event() {
                break;
            }
        }
    });
    let onreset = act(|c| c.seek(0));
    let c = cmp.borrow();
    let (lt, rt) = c.totals();
    let diff = c.diff();
    let (now, end) = (c.left.now(), c.left.horizon().max(c.right.horizon()));
    let (ls, rs) = (c.left.config().strategy, c.right.config().strategy);
    let side = |name: &'static str, title: &'static str, s: Strategy, t: &Totals| {
        html! {
            <section class="panel compare__side"
                data-testid={format!("compare-{name}")}>
                <h3 class="panel__title">{ vtext(title) }{ ": " }<span class="mono">{ vtext(strategy_label(&s)) }</span></h3>
                <p class="compare__strategy-words" data-testid={format!("compare-{name}-strategy-words")}>{ vtext(strategy_words(&s)) }</p>
                <dl class="totals__grid" data-testid={format!("compare-{name}-totals")}>
                    { for Outcome::ALL.into_iter().map(|o| {
                        let v = t.get(o);
                        let alarm = o.is_anomaly() && v > 0;
                        html! {
                            <div class={classes!("stat", alarm.then_some("stat--alarm"))}>
                                <dt class="stat__label">{ vtext(outcome_icon(o)) }{ " " }{ vtext(o.label()) }</dt>
                                <dd class="stat__value" data-testid={format!("compare-{name}-{}", o.name())}>{ v }</dd>
                            </div>
                        }
                    }) }
                </dl>
            </section>
        }
    };
    let cell = |(o, charges, rows): (Outcome, u8, u8), other: (Outcome, u8, u8)| {
        let differs = o != other.0;
        html! {
            <td class={classes!(differs.then_some("compare__differs"), format!("compare__cell--{}", o.name()))}>
                <span aria-hidden="true">{ vtext(outcome_icon(o)) }</span>{ " " }{ vtext(o.label()) }
                <span class="compare__facts mono">{ " · " }{ counted(charges as u64, tr_n("1 charge", "{0} charges", charges as u64)) }{ ", " }{ counted(rows as u64, tr_n("1 ledger row", "{0} ledger rows", rows as u64)) }</span>
            </td>
        }
    };
    html! {
        <section class="compare" aria-labelledby="compare-title" data-testid="compare"
            data-settled={settled(&c).to_string()}>
            <div class="panel compare__bar">
                <h2 class="panel__title" id="compare-title">{ vtr("Side by side: same seed, same crashes, two strategies") }</h2>
                <p class="panel__note">
                    { vtext(trf("Both runs replay the sandbox's seed {0}, settings and {1}; only the strategy differs. \
                        The left side starts with the sandbox's strategy (change it there), the right with every safeguard.",
                        &[&c.left.seed().to_string(), &{ let n = c.left.actions().len() as u64; counted(n, tr_n("1 recorded action", "{0} recorded actions", n)) }])) }
                </p>
                <div class="toolbar" role="group" aria-label={atr("Side-by-side controls")}>
                    // Disabled while the classic pair is already on screen: a control never does nothing.
                    <button type="button" class="button" data-testid="compare-classic" onclick={onclassic}
                        disabled={ls == Strategy::NAIVE && rs == Strategy::SAFE}
                        title={atr("Left: the naive consumer. Right: every safeguard.")}>
                        { vtr("Classic pair: naive vs all safeguards") }
                    </button>
                    <button type="button" class="button button--primary" data-testid="compare-play"
                        aria-pressed={playing.to_string()} onclick={onplay}>
                        { vtr(if *playing { n_("❚❚ Pause both") } else { n_("▶ Play both") }) }
                    </button>
                    <button type="button" class="button" data-testid="compare-step" onclick={onstep}>{ vtr("Step both ▶") }</button>
                    <button type="button" class="button" data-testid="compare-end" onclick={onend}>{ vtr("To the end ▶▶") }</button>
                    <button type="button" class="button" data-testid="compare-reset" onclick={onreset}>{ vtr("Back to 0") }</button>
                    <span class="mono" data-testid="compare-clock">{ vtext(trf("t = {0} of {1}", &[&seconds(now), &seconds(end)])) }</span>
                </div>
            </div>
            <div class="compare__sides">
                { side("left", tr("Left"), ls, &lt) }
                { side("right", tr("Right"), rs, &rt) }
            </div>
            <section class="panel compare__diff" aria-labelledby="compare-diff-title">
                <h3 class="panel__title" id="compare-diff-title" data-testid="compare-diff-count">
                    { match diff.len() {
                        0 => trs("No payment differs so far."),
                        n => counted(n as u64, tr_n("1 payment differs", "{0} payments differ", n as u64)),
                    } }
                </h3>
                if !diff.is_empty() {
                    <div class="sweep__scroll">
                        <table class="table compare__table">
                            <thead><tr>
                                <th scope="col">{ vtr("Payment") }</th>
                                <th scope="col">{ vtr("Left") }</th>
                                <th scope="col">{ vtr("Right") }</th>
                            </tr></thead>
                            <tbody>
                                { for diff.iter().take(MAX_DIFF_ROWS).map(|d| html! {
                                    <tr data-testid="compare-diff-row" data-payment={d.payment.to_string()}>
                                        <th scope="row" class="mono">{ vtext(format!("#{}", d.payment)) }</th>
                                        { cell(d.left, d.right) }
                                        { cell(d.right, d.left) }
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                    if diff.len() > MAX_DIFF_ROWS {
                        <p class="panel__note">{ vtext(trf_n("The first {0} are listed.", &[MAX_DIFF_ROWS as u64])) }</p>
                    }
                }
            </section>
        </section>
    }
}
