//! Lab 4: acknowledging before the work is durable — at-most-once by accident.

use super::common::arm;
use super::evidence::survives_crash_at;
use super::{Lab, Narrative, Prediction};
use crate::i18n::{n_, tr, trf_n};
use crate::sim::checker::Outcome;
use crate::sim::command::{ArmMode, CrashPoint};
use crate::sim::config::{AckTiming, Config, Strategy};
use crate::sim::goal::{Goal, GoalKind, Judged, outcome_at_least};

pub const LAB: Lab = Lab {
    id: "ack-before-commit",
    number: 4,
    title: n_("Ack before commit"),
    summary: n_("Acknowledge early and crashes stop duplicating — they start losing money."),
    narrative: Narrative {
        predict: lesson!(
            "This consumer acks as soon as it receives a message. What happens to a payment when it crashes before charging?"
        ),
        run: lesson!(
            "Press play: the consumer crashes after every fifth record check. Then change when the consumer acknowledges, and rerun."
        ),
        observe: lesson!(
            "No duplicates at all — and yet payments are missing. The lost counter and the missing money are the symptoms; nothing was redelivered."
        ),
        explain: lesson!(
            "The ack told the broker to forget the message before any work was durable, and the crash erased the only other copy, in the consumer's memory. Acking first turns the consumer into at-most-once: no duplicates, but a crash between the ack and the commit loses the payment (or leaves a charge with no ledger row) — and a loss is quieter than a duplicate, because no customer complains about a charge they never saw. (A crash before that early ack still redelivers.)"
        ),
    },
    prediction: Some(Prediction {
        question: lesson!("Ack on receive, crash before the charge. The payment is…"),
        options: &[
            lesson!("charged twice"),
            lesson!("lost"),
            lesson!("redelivered and charged once"),
        ],
        answer: 1,
        why: lesson!("The broker already forgot it, and the consumer's memory died with it."),
    }),
    diagnosis: None,
    seed: 4,
    config: const {
        Config {
            strategy: Strategy {
                ack_timing: AckTiming::ManualFirst,
                ..Strategy::SAFE
            },
            ..Config::DEFAULT
        }
    },
    actions: statics![arm(0, CrashPoint::AfterCheck, ArmMode::EveryKth(5))],
    goals: statics![
        Goal {
            id: "lose",
            text: lesson!("See a payment lost"),
            kind: GoalKind::See,
            check: |s, _| outcome_at_least(s, Outcome::Lost, 1),
        },
        Goal {
            id: "no-duplicates",
            text: lesson!("Notice: crashes, and not a single duplicate"),
            kind: GoalKind::See,
            check: |s, _| {
                let crashes = s.metrics().counters.crashes;
                let dup = s.totals().duplicate;
                if dup > 0 {
                    Judged::fail(trf_n(
                        "{0} payments were charged twice in this run.",
                        &[dup],
                    ))
                } else if !s.is_settled() {
                    Judged::pending(tr("Keep playing until the run is over."))
                } else if crashes == 0 {
                    Judged::fail(tr("No crash fired in this run."))
                } else {
                    Judged::pass(trf_n("{0} crashes and no duplicate.", &[crashes]))
                }
            },
        },
        Goal {
            id: "fix",
            text: lesson!(
                "Fix it: same crashes, each crashed payment redelivered, every payment charged exactly once"
            ),
            kind: GoalKind::Fix,
            check: |s, _| survives_crash_at(s, &[CrashPoint::AfterCheck], true),
        },
    ],
    hints: &[lesson!(
        "Look at the ack-timing setting in the strategy panel."
    )],
    solution: lesson!(
        "Set ack timing to “after commit”. A crash now leads to a redelivery, and the idempotency safeguards absorb it."
    ),
    fix: |c| c.strategy.ack_timing = AckTiming::AfterCommit,
};
