//! Lab 12: commit before or after processing — a Kafka-like log whose consumer commits offsets
//! automatically loses records and repeats others when it crashes.

use super::common::arm;
use super::evidence::survives_crash_at;
use super::{Lab, Narrative, Prediction};
use crate::i18n::n_;
use crate::sim::checker::Outcome;
use crate::sim::command::{ArmMode, CrashPoint};
use crate::sim::config::{AckTiming, BrokerKind, Config, LogSettings, Strategy};
use crate::sim::goal::{Goal, GoalKind, outcome_at_least};

pub const LAB: Lab = Lab {
    id: "commit-timing",
    number: 12,
    title: n_("Commit before or after processing"),
    summary: n_(
        "A log consumer with automatic offset commits loses some payments and charges others twice.",
    ),
    narrative: Narrative {
        predict: lesson!(
            "The payments go through a Kafka-like log. The consumer fetches a few records at a time and commits its position automatically every 100 ms, whether or not it has processed what it fetched. It crashes now and then right after charging a card. After a restart it resumes from the last committed offset. What happens to the records around each crash?"
        ),
        run: lesson!(
            "Press play. Find a payment that was lost and one that was charged twice. Then change when the consumer commits its offsets (and what it does with a record it sees again) so that no crash loses or repeats a payment, and rerun the same seed."
        ),
        observe: lesson!(
            "A lost payment was fetched, its offset was committed by the timer, and the consumer crashed before processing it: after the restart it resumed past it. A payment charged twice was processed after the last automatic commit; the crash came before the next one, so the restart read it again."
        ),
        explain: lesson!(
            "A log does not track each message: the committed offset is the one fact the consumer group keeps, and everything after it is read again after a crash or a rebalance. Committing before processing turns a crash into a loss: at-most-once. Automatic commits, as modelled here, commit the position of what was fetched on a timer, processed or not — librdkafka-based clients commit from a background thread this way; the Java client commits inside poll(), which is safe only when every record is processed before the next poll. Committing after processing turns it into a repeat: at-least-once, which the consumer must absorb with a processed record or a gateway key keyed on the payment. Storing the offset in the same database transaction as the ledger row is the third choice: the database then says both what was done and where to resume."
        ),
    },
    prediction: Some(Prediction {
        question: lesson!(
            "With automatic commits every 100 ms and a crash in the middle of a batch, the payments around the crash are…"
        ),
        options: &[
            lesson!("all processed exactly once: the log keeps every record"),
            lesson!("some lost and some charged twice, depending on where the last commit fell"),
            lesson!("charged twice, never lost"),
        ],
        answer: 1,
        why: lesson!(
            "The last commit can be ahead of the processing (those records are skipped after the restart) or behind it (those are processed again)."
        ),
    }),
    diagnosis: None,
    seed: 11,
    config: const {
        Config {
            prefetch: 4,
            strategy: Strategy {
                ack_timing: AckTiming::Auto,
                ..Strategy::NAIVE
            },
            broker: BrokerKind::Log(LogSettings {
                partitions: 2,
                auto_commit_interval_ms: 100,
                offsets_in_transaction: false,
            }),
            ..Config::DEFAULT
        }
    },
    actions: statics![arm(0, CrashPoint::AfterCharge, ArmMode::EveryKth(5))],
    goals: statics![
        Goal {
            id: "lost",
            text: lesson!("See a payment lost: its offset was committed before it was processed"),
            kind: GoalKind::See,
            check: |s, _| outcome_at_least(s, Outcome::Lost, 1),
        },
        Goal {
            id: "repeated",
            text: lesson!(
                "See a payment charged twice: processed after the last commit, read again"
            ),
            kind: GoalKind::See,
            check: |s, _| outcome_at_least(s, Outcome::Duplicate, 1),
        },
        Goal {
            id: "fix",
            text: lesson!(
                "Fix it: same seed, same crashes, records read again after each restart, every payment charged once"
            ),
            kind: GoalKind::Fix,
            check: |s, _| survives_crash_at(s, &[CrashPoint::AfterCharge], false),
        },
    ],
    hints: &[
        lesson!(
            "Compare the time of the last offset commit before a crash with the records the consumer had fetched and processed by then."
        ),
        lesson!(
            "Committing after processing stops the losses. What then happens to a record processed just before a crash?"
        ),
        lesson!(
            "Commit after the database commit (ack after commit) and turn on the processed-payment check with the transaction; or store the offsets in the database transaction and send the gateway key."
        ),
    ],
    solution: lesson!(
        "Commit offsets after processing (the ack timing “after commit”) so that no record is skipped, and make the repeat harmless: the processed-payment check with the transaction, keyed on the payment, and the gateway key for a crash between the charge and the commit."
    ),
    fix: |c| {
        c.strategy.ack_timing = AckTiming::AfterCommit;
        c.strategy.idempotency = true;
        c.strategy.transactional = true;
        c.strategy.gateway_key = true;
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::goal::GoalStatus;

    #[test]
    fn committing_before_loses_after_repeats_and_after_with_idempotency_is_safe() {
        let lab = LAB;
        let run = |ack: AckTiming, safe: bool| {
            let mut c = lab.config.clone();
            c.strategy.ack_timing = ack;
            if safe {
                (lab.fix)(&mut c);
                c.strategy.ack_timing = ack;
            }
            lab.run(&c, lab.seed, 600_000)
        };
        let before = run(AckTiming::ManualFirst, false);
        assert_eq!(before.totals().duplicate, 0, "nothing is read twice");
        assert!(
            before.totals().lost + before.totals().orphan > 0,
            "a crash after the commit of the offset loses the work"
        );
        let after = run(AckTiming::AfterCommit, false);
        assert!(after.totals().duplicate > 0 && after.totals().lost == 0);
        let fixed = run(AckTiming::AfterCommit, true);
        assert_eq!(
            survives_crash_at(&fixed, &[CrashPoint::AfterCharge], false).status,
            GoalStatus::Pass
        );
    }
}
