//! Lab 6: a visibility timeout shorter than processing — duplicates with no failure at all.

use super::common::every_payment_once;
use super::evidence::raced;
use super::{Lab, Narrative, Prediction};
use crate::i18n::{n_, tr};
use crate::sim::checker::Outcome;
use crate::sim::config::{Config, RecordCheck, RedeliveryMode, Strategy};
use crate::sim::goal::{Goal, GoalKind, Judged, at_least, outcome_at_least};

/// The visibility-timeout lab's seed, chosen so check-then-insert visibly races.
pub const VISIBILITY_SEED: u64 = 3;

const fn visibility_config(record_check: RecordCheck) -> Config {
    Config {
        consumers: 2,
        payments: 30,
        redelivery: RedeliveryMode::VisibilityTimeout { timeout_ms: 45 },
        strategy: Strategy {
            record_check,
            ..Strategy::SAFE
        },
        ..Config::DEFAULT
    }
}

pub const LAB: Lab = Lab {
    id: "visibility-timeout",
    number: 6,
    title: n_("Visibility timeout shorter than processing"),
    summary: n_("No crash at all, and still two consumers process the same payment at once."),
    narrative: Narrative {
        predict: lesson!(
            "The queue hides a delivered message for 45 ms; processing takes about 60. Two consumers. Nothing crashes. What can go wrong?"
        ),
        run: lesson!(
            "Press play. Then make the database, not the application, decide which of two concurrent deliveries wins, and rerun."
        ),
        observe: lesson!(
            "Redeliveries without restarts. Two consumers both read “not processed yet” and both write a ledger row."
        ),
        explain: lesson!(
            "A visibility timeout redelivers while the first consumer is still working. Check-then-insert is a race: both readers see no record, both insert. A unique constraint on the processed record lets one insert win; the loser's transaction aborts and its ledger row goes with it. A conditional or commutative ledger write is another safe answer. The card stays safe in this lab only because the gateway key is on: the constraint guards the database, the key guards the card. When the two calls overlap, this gateway answers the second with the first charge; Stripe refuses a same-key request while the first is still running, and a retry then gets the first charge back. (Time is shrunk: SQS sets this timeout in whole seconds, 30 s by default.)"
        ),
    },
    prediction: Some(Prediction {
        question: lesson!(
            "With a visibility timeout shorter than processing, duplicates come from…"
        ),
        options: &[
            lesson!("crashes"),
            lesson!("two live consumers working on the same message"),
            lesson!("lost acks"),
        ],
        answer: 1,
        why: lesson!(
            "The message became visible again while the first consumer was still processing it."
        ),
    }),
    diagnosis: None,
    seed: VISIBILITY_SEED,
    config: const { visibility_config(RecordCheck::CheckThenInsert) },
    actions: statics![],
    goals: statics![
        Goal {
            id: "concurrent",
            text: lesson!("See a message redelivered while it is still being processed"),
            kind: GoalKind::See,
            check: |s, _| {
                at_least(
                    s,
                    s.metrics().counters.redelivered_after_visibility,
                    1,
                    tr("redeliveries after a visibility timeout"),
                )
            },
        },
        Goal {
            id: "race",
            text: lesson!("See check-then-insert let a second ledger row through"),
            kind: GoalKind::See,
            check: |s, _| outcome_at_least(s, Outcome::Duplicate, 1),
        },
        Goal {
            id: "fix",
            text: lesson!(
                "Fix it: concurrent redeliveries still happen, and no payment gets two rows or two charges"
            ),
            kind: GoalKind::Fix,
            check: |s, _| {
                let harm = every_payment_once(s);
                if harm.status != crate::sim::goal::GoalStatus::Pass {
                    return harm;
                }
                // A payment two live consumers held at once, not any visibility redelivery: a
                // crash, one consumer or a copy waiting in a buffer also time out, with no race.
                let raced = raced(s);
                if raced.status != crate::sim::goal::GoalStatus::Pass {
                    return raced;
                }
                Judged::pass(format!("{} {}", raced.why, harm.why))
            },
        },
    ],
    hints: &[
        lesson!("The restarts counter stays at zero: these redeliveries are the timeout's doing."),
        lesson!("Which record check lets the database, not the application, decide who wins?"),
    ],
    solution: lesson!(
        "Use a unique constraint on the processed record inside the transaction (a conditional or commutative ledger write also works). Lengthening the visibility timeout beyond the processing time makes the race rarer, not impossible: a slow call can always outlast it."
    ),
    fix: |c| c.strategy.record_check = RecordCheck::UniqueConstraint,
};
