//! Lab 3: the failure-injection test — five steps, run once at each of the six crash boundaries.
//!
//! A test that crashes at one convenient boundary proves little: a consumer without the gateway key
//! survives a crash after its commit and double-charges after a crash right after the charge. So the
//! lab runs the five steps at every boundary and shows a 6 × 5 grid of verdicts.

use super::common::{arm, harm_words};
use super::{Lab, Narrative, Prediction};
use crate::i18n::{n_, tr, trf, trf_n};
use crate::sim::checker::Outcome;
use crate::sim::command::{ArmMode, Command, CrashPoint};
use crate::sim::config::{Config, Strategy};
use crate::sim::event::Event;
use crate::sim::goal::{Goal, GoalKind, GoalStatus, Judged};
use crate::sim::message::payment_label;
use crate::sim::simulation::Sim;

/// Simulated-time limit of one boundary's run.
const LIMIT_MS: u64 = 60_000;

/// The five steps, as the grid's column headings, in the page's language.
pub fn steps_headings() -> [&'static str; 5] {
    [
        tr("1. Unique ids"),
        tr("2. Crash fired"),
        tr("3. Restarted"),
        tr("4. Same message redelivered"),
        tr("5. No side effect twice"),
    ]
}

/// One row of the grid: a boundary and the five steps' verdicts there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Where the crash was armed.
    pub boundary: CrashPoint,
    /// The five verdicts, in step order.
    pub steps: [Judged; 5],
}

/// The test at one boundary: `config` and `seed` with a single crash armed there at t = 0.
pub fn run_at(config: &Config, seed: u64, boundary: CrashPoint) -> Sim {
    let mut sim = Sim::new(config.clone(), seed);
    let _ = sim.apply(Command::ArmCrash {
        consumer: None,
        point: boundary,
        mode: ArmMode::Once,
    });
    sim.run_to_completion(LIMIT_MS);
    sim
}

/// The five steps judged on a run with one crash armed at `boundary`.
pub fn steps(sim: &Sim, boundary: CrashPoint) -> [Judged; 5] {
    let c = &sim.metrics().counters;
    let settled = sim.is_settled();
    // Step 1: every published message carries its own id, tied to the payment.
    // Distinct ids counted by sorting and deduplicating: equal `u32`s are indistinguishable, so
    // an unstable sort gives the same count; the core's small heapsort (the broker's too), where a
    // `BTreeSet` would bring its own sort and tree code into the wasm.
    let mut ids: Vec<u32> = (0..sim.published())
        .map(|p| sim.message(p).msg_id)
        .collect();
    crate::sim::heap_sort::sort(&mut ids);
    ids.dedup();
    let step1 = if sim.published() == 0 {
        Judged::fail(tr("Nothing was published."))
    } else if ids.len() as u32 == sim.published() {
        Judged::pass(trf_n(
            "{0} messages, {1} distinct ids.",
            &[sim.published() as u64, ids.len() as u64],
        ))
    } else {
        Judged::fail(trf_n(
            "{0} messages share {1} ids: a repeat could not be told from a new payment.",
            &[sim.published() as u64, ids.len() as u64],
        ))
    };
    // Step 2: the crash fired at this boundary, holding a payment.
    let crash = sim.events().window().iter().find_map(|e| match e.event {
        Event::Crashed {
            point,
            payment: Some(p),
            ..
        } if point == boundary => Some((e.seq, p)),
        _ => None,
    });
    let step2 = match crash {
        Some((_, p)) => Judged::pass(trf(
            "The consumer crashed {0} holding {1}.",
            &[boundary.label(), &payment_label(p)],
        )),
        None => Judged::fail(trf(
            "No consumer ever crashed {0}: this consumer never reaches that boundary with a message.",
            &[boundary.label()],
        )),
    };
    let step3 = if c.restarts > 0 {
        Judged::pass(tr("The consumer restarted with empty memory."))
    } else {
        Judged::fail(tr("The consumer never restarted."))
    };
    let step4 = match crash {
        None => Judged::fail(tr("No crash, so nothing to redeliver.")),
        Some((seq, p)) => {
            let again = sim.events().window().iter().any(|e| {
                e.seq > seq && matches!(e.event, Event::Delivered { payment, .. } if payment == p)
            });
            let acked_done = sim.events().window().iter().any(|e| {
                e.seq < seq && matches!(e.event, Event::Acked { payment, .. } if payment == p)
            }) && sim.outcome(p) == Outcome::ChargedOnce;
            if again {
                Judged::pass(trf("{0} itself was delivered again.", &[&payment_label(p)]))
            } else if acked_done && boundary == CrashPoint::AfterAck {
                Judged::pass(trf(
                    "{0} was acknowledged after its work was committed: nothing to redeliver.",
                    &[&payment_label(p)],
                ))
            } else {
                Judged::fail(trf(
                    "{0} was never delivered again: the broker had already forgotten it, and it ended {1}.",
                    &[&payment_label(p), sim.outcome(p).label()],
                ))
            }
        }
    };
    let t = sim.totals();
    let step5 = if t.duplicate > 0 {
        let p = (0..sim.config().payments)
            .find(|p| sim.outcome(*p) == Outcome::Duplicate)
            .unwrap_or(0);
        let f = sim.facts(p);
        Judged::fail(trf(
            "{0}: card charged {1}×, ledger written {2}×.",
            &[
                &payment_label(p),
                &f.charges.to_string(),
                &f.ledger_rows.to_string(),
            ],
        ))
    } else if !settled {
        Judged::fail(tr(
            "The run did not settle within a minute of simulated time.",
        ))
    } else if let Some(h) = harm_words(sim) {
        Judged::fail(trf("No double effect, but {0}.", &[&h]))
    } else {
        Judged::pass(tr(
            "Every payment charged once and recorded once, the card included.",
        ))
    };
    [step1, step2, step3, step4, step5]
}

thread_local! {
    /// The grid last worked out, with the configuration and seed it is for: the five goals, the
    /// progress check and the page's grid all ask for the same thirty runs of one finished run.
    static LAST: std::cell::RefCell<Option<(Config, u64, Vec<Row>)>> = const { std::cell::RefCell::new(None) };
}

/// The 6 × 5 grid for `config` on `seed` (worked out once for the last configuration and seed asked).
pub fn grid(config: &Config, seed: u64) -> Vec<Row> {
    LAST.with_borrow_mut(|last| match last {
        Some((c, s, rows)) if c == config && *s == seed => rows.clone(),
        _ => {
            let rows: Vec<Row> = CrashPoint::BOUNDARIES
                .into_iter()
                .map(|b| Row {
                    boundary: b,
                    steps: steps(&run_at(config, seed, b), b),
                })
                .collect();
            *last = Some((config.clone(), seed, rows.clone()));
            rows
        }
    })
}

/// Step `k` (0-based) judged across the grid: passes when it passes at every boundary; otherwise the
/// first boundary where it fails, and why.
fn step_everywhere(sim: &Sim, k: usize) -> Judged {
    if !sim.is_settled() {
        return Judged::pending(tr("Run the test: the grid fills in when the run is over."));
    }
    let rows = grid(sim.config(), sim.seed());
    match rows.iter().find(|r| r.steps[k].status != GoalStatus::Pass) {
        Some(r) => Judged::fail(trf("At {0}: {1}", &[r.boundary.label(), &r.steps[k].why])),
        None => Judged::pass(tr("Passes at all six boundaries.")),
    }
}

/// The configuration the lab starts from: a consumer that claims to be idempotent (processed
/// records, a transaction, a unique constraint, ack after commit) but sends no gateway key.
pub const fn starting_config() -> Config {
    Config {
        payments: 3,
        strategy: Strategy {
            gateway_key: false,
            ..Strategy::SAFE
        },
        ..Config::DEFAULT
    }
}

pub const LAB: Lab = Lab {
    id: "failure-injection",
    number: 3,
    title: n_("The failure-injection test"),
    summary: n_(
        "Five steps every at-least-once consumer should pass, at each of the six crash boundaries.",
    ),
    narrative: Narrative {
        predict: lesson!(
            "This consumer claims to be idempotent: processed records, a transaction, a unique constraint, ack after commit. Where would a crash catch it out?"
        ),
        run: lesson!(
            "Press play: this run crashes after the commit. When it ends, the grid runs the five steps once per crash boundary. Find the failing cell, change the consumer, and rerun until every cell passes."
        ),
        observe: lesson!(
            "Steps 1–4 check that the fault really happened to the right message; step 5 judges the consumer. Read the grid row by row."
        ),
        explain: lesson!(
            "A test that crashes at one convenient point proves little. Crashing after the commit only exercises the processed record; crashing right after the charge, before anything is written, exercises the card — and a consumer without the gateway key charges again there. Run the test at every boundary your consumer has."
        ),
    },
    prediction: Some(Prediction {
        question: lesson!("At which boundary does the test catch this consumer?"),
        options: &[
            lesson!("after commit, before ack"),
            lesson!("after the card charge"),
            lesson!("none: it is idempotent"),
        ],
        answer: 1,
        why: lesson!(
            "After the charge (and after the ledger write, still uncommitted) nothing is committed, so the redelivery finds no processed record and charges the card again; only a gateway key stops that, or a “charge pending” record committed before the call, which tells the redelivery to ask the gateway what happened instead of charging again."
        ),
    }),
    diagnosis: None,
    seed: 7,
    config: const { starting_config() },
    actions: statics![arm(0, CrashPoint::AfterCommit, ArmMode::Once)],
    goals: statics![
        Goal {
            id: "hole",
            text: lesson!("Find the hole: a boundary where a step fails"),
            kind: GoalKind::See,
            check: |s, _| {
                if !s.is_settled() {
                    return Judged::pending(tr(
                        "Run the test: the grid fills in when the run is over.",
                    ));
                }
                let rows = grid(s.config(), s.seed());
                let hole = rows.iter().find_map(|r| {
                    r.steps
                        .iter()
                        .position(|j| j.status != GoalStatus::Pass)
                        .map(|k| (r.boundary, k))
                });
                match hole {
                    Some((b, k)) => Judged::pass(trf(
                        "Step {0} fails at {1}.",
                        &[&(k + 1).to_string(), b.label()],
                    )),
                    None => Judged::fail(tr(
                        "Every cell passes with this consumer: there is no hole to find.",
                    )),
                }
            },
        },
        Goal {
            id: "produce",
            text: lesson!("1. Produce messages with unique ids"),
            kind: GoalKind::Fix,
            check: |s, _| step_everywhere(s, 0),
        },
        Goal {
            id: "crash",
            text: lesson!("2. Crash the consumer at each boundary"),
            kind: GoalKind::Fix,
            check: |s, _| step_everywhere(s, 1),
        },
        Goal {
            id: "restart",
            text: lesson!("3. Restart the consumer"),
            kind: GoalKind::Fix,
            check: |s, _| step_everywhere(s, 2),
        },
        Goal {
            id: "redelivered",
            text: lesson!("4. Confirm the crashed message itself is redelivered"),
            kind: GoalKind::Fix,
            check: |s, _| step_everywhere(s, 3),
        },
        Goal {
            id: "no-duplicate",
            text: lesson!("5. Verify no side effect happened twice, the card included"),
            kind: GoalKind::Fix,
            check: |s, _| step_everywhere(s, 4),
        },
    ],
    hints: &[
        lesson!(
            "Read the row “after charge”: what has the consumer done, and what has it written down?"
        ),
        lesson!(
            "Nothing in the database can remember a charge that happened before the transaction wrote anything. What could the gateway remember?"
        ),
    ],
    solution: lesson!(
        "Turn on the gateway idempotency key: the redelivery after a crash right after the charge is then recognised by the gateway, and all thirty cells pass."
    ),
    fix: |c| c.strategy = Strategy::SAFE,
};
