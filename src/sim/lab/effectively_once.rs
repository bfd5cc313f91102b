//! Lab 13: exactly-once, effectively — offsets stored in the database transaction keep the ledger
//! exactly right through every crash, while the card gateway, outside that transaction, still needs
//! its idempotency key.

use super::common::arm;
use super::evidence::survives_crash_at;
use super::{Lab, Narrative, Prediction};
use crate::i18n::{n_, tr, trf, trf_n};
use crate::sim::command::{ArmMode, CrashPoint};
use crate::sim::config::{AckTiming, BrokerKind, Config, LogSettings, Strategy};
use crate::sim::goal::{Goal, GoalKind, Judged};
use crate::sim::message::payment_label;
use crate::sim::simulation::Sim;

/// A payment with exactly one ledger row and more than one charge: the database was exactly right,
/// the card was not.
pub fn ledger_right_card_wrong(sim: &Sim) -> Option<u32> {
    (0..sim.config().payments).find(|p| {
        let f = sim.facts(*p);
        f.ledger_rows == 1 && f.charges > 1
    })
}

fn see_split(sim: &Sim) -> Judged {
    match ledger_right_card_wrong(sim) {
        Some(p) => Judged::pass(trf(
            "{0} has one ledger row and was charged twice.",
            &[&payment_label(p)],
        )),
        None if sim.is_settled() => Judged::fail(tr(
            "No payment in this run had one ledger row and two charges.",
        )),
        None => Judged::pending(tr("Not yet; keep playing.")),
    }
}

fn ledger_never_doubled(sim: &Sim) -> Judged {
    let doubled = (0..sim.config().payments).find(|p| sim.facts(*p).ledger_rows > 1);
    match doubled {
        Some(p) => Judged::fail(trf(
            "{0} has {1} ledger rows.",
            &[&payment_label(p), &sim.facts(p).ledger_rows.to_string()],
        )),
        None if sim.metrics().counters.redeliveries == 0 => {
            Judged::pending(tr("No record has been read again yet; keep playing."))
        }
        None => Judged::pass(trf_n(
            "{0} records were read again and no payment got a second ledger row.",
            &[sim.metrics().counters.redeliveries],
        )),
    }
}

pub const LAB: Lab = Lab {
    id: "effectively-once",
    number: 13,
    title: n_("Exactly-once, effectively"),
    summary: n_(
        "The offsets commit with the ledger, the ledger is perfect, and a card is still charged twice.",
    ),
    narrative: Narrative {
        predict: lesson!(
            "The consumer of a Kafka-like log stores its offset in the same database transaction as the ledger row, and resumes from the database's offset after a crash: a record is either written with its offset or not at all. It crashes sometimes after committing, sometimes right after charging the card. Will any customer be charged twice?"
        ),
        run: lesson!(
            "Press play. Check the ledger: one row per payment, however often the consumer crashed. Then find the payment charged twice. Change the consumer so the card is as safe as the ledger, and rerun the same seed."
        ),
        observe: lesson!(
            "After a crash right after a commit, the consumer resumed after the committed record: nothing was read twice. After a crash between the charge and the commit, the transaction rolled back, the offset with it, and the record was read again: the ledger got its single row, and the card got a second charge."
        ),
        explain: lesson!(
            "Storing the offset with the result makes the database effectively-once: at-least-once delivery, plus a write that records where to resume in the same transaction as the work. Kafka's own exactly-once (an idempotent producer and transactions) covers the same idea inside Kafka — reading, processing and writing back to topics. Neither reaches a card gateway: a charge is a side effect in another system, and the only thing that recognises its repeat is the gateway's idempotency key, and only when the key is the payment id (or derived from it), so that every repeat of the payment carries the same key. Exactly-once is never one component's property; it is what at-least-once delivery plus idempotent effects add up to, end to end."
        ),
    },
    prediction: Some(Prediction {
        question: lesson!(
            "Offsets commit in the ledger's transaction. After a crash between charging the card and committing…"
        ),
        options: &[
            lesson!("nothing happens twice: the offset and the ledger row roll back together"),
            lesson!(
                "the ledger stays right, and the card is charged again when the record is read again"
            ),
            lesson!("the payment is lost"),
        ],
        answer: 1,
        why: lesson!(
            "The rollback undoes the ledger row and the offset, not the charge: the record is read again and charged again."
        ),
    }),
    diagnosis: None,
    seed: 12,
    config: const {
        Config {
            strategy: Strategy {
                transactional: true,
                ack_timing: AckTiming::AfterCommit,
                ..Strategy::NAIVE
            },
            broker: BrokerKind::Log(LogSettings {
                partitions: 2,
                auto_commit_interval_ms: 100,
                offsets_in_transaction: true,
            }),
            ..Config::DEFAULT
        }
    },
    actions: statics![
        arm(0, CrashPoint::AfterCommit, ArmMode::EveryKth(4)),
        arm(0, CrashPoint::AfterCharge, ArmMode::EveryKth(7)),
    ],
    goals: statics![
        Goal {
            id: "ledger",
            text: lesson!("See the ledger stay exactly right: records read again, no second row"),
            kind: GoalKind::See,
            check: |s, _| ledger_never_doubled(s),
        },
        Goal {
            id: "card",
            text: lesson!("See a payment with one ledger row charged twice"),
            kind: GoalKind::See,
            check: |s, _| see_split(s),
        },
        Goal {
            id: "fix",
            text: lesson!(
                "Fix it: same seed, same crashes, records read again, every payment charged once"
            ),
            kind: GoalKind::Fix,
            check: |s, _| survives_crash_at(s, &[CrashPoint::AfterCharge], false),
        },
    ],
    hints: &[
        lesson!(
            "Which crash point leads to the second charge, and what did the rollback undo there?"
        ),
        lesson!(
            "The database cannot take money back from a card. Who else could recognise the repeated charge?"
        ),
        lesson!("Send the payment id as the gateway's idempotency key."),
    ],
    solution: lesson!(
        "Keep the offsets in the transaction and turn on the gateway idempotency key: the ledger is protected by the transaction, the card by the key."
    ),
    fix: |c| c.strategy.gateway_key = true,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::goal::GoalStatus;

    #[test]
    fn a_processed_record_does_not_save_the_card_and_the_key_does() {
        let lab = LAB;
        let naive = lab.run(&lab.config, lab.seed, 600_000);
        assert!(ledger_right_card_wrong(&naive).is_some());
        assert_eq!(ledger_never_doubled(&naive).status, GoalStatus::Pass);
        let mut record = lab.config.clone();
        record.strategy.idempotency = true;
        let sim = lab.run(&record, lab.seed, 600_000);
        assert!(
            sim.totals().duplicate > 0,
            "the record rolls back with the ledger row"
        );
        let mut keyed = lab.config.clone();
        (lab.fix)(&mut keyed);
        let sim = lab.run(&keyed, lab.seed, 600_000);
        assert_eq!(
            survives_crash_at(&sim, &[CrashPoint::AfterCharge], false).status,
            GoalStatus::Pass
        );
        let mut broker_offsets = lab.config.clone();
        if let BrokerKind::Log(l) = &mut broker_offsets.broker {
            l.offsets_in_transaction = false;
        }
        let sim = lab.run(&broker_offsets, lab.seed, 600_000);
        assert_eq!(
            ledger_never_doubled(&sim).status,
            GoalStatus::Fail,
            "offsets committed to the broker after the database commit replay committed records"
        );
    }
}
