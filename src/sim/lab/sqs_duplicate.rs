//! Lab 11: a duplicate with no failure — an SQS standard queue delivers a message twice although
//! nothing crashed, timed out or lost an ack.

use super::common::evidence;
use super::{Lab, Narrative, Prediction};
use crate::i18n::{n_, tr, tr_n, trf};
use crate::sim::config::{BrokerKind, Config, SqsSettings};
use crate::sim::goal::{Goal, GoalKind, Judged};
use crate::sim::simulation::Sim;

fn see_duplicate_without_failure(sim: &Sim) -> Judged {
    let c = &sim.metrics().counters;
    let charged_twice = sim.totals().duplicate;
    if c.crashes == 0 && c.sqs_duplicates > 0 && charged_twice > 0 {
        return Judged::pass(trf(
            tr_n(
                "{0} payment charged twice, with no crash, no timeout and no lost ack.",
                "{0} payments charged twice, with no crash, no timeout and no lost ack.",
                charged_twice,
            ),
            &[&charged_twice.to_string()],
        ));
    }
    if sim.is_settled() {
        Judged::fail(tr(
            "This run had no payment charged twice by a duplicate that came with no failure.",
        ))
    } else {
        Judged::pending(tr("Not yet; keep playing."))
    }
}

fn survives_duplicates(sim: &Sim) -> Judged {
    evidence(
        sim,
        |s| s.metrics().counters.sqs_duplicates,
        tr(
            "The queue delivered no duplicate in this run, so it cannot show the consumer absorbs one.",
        ),
        |n| {
            tr_n(
                "{0} duplicate arrived with no failure, and {1}",
                "{0} duplicates arrived with no failure, and {1}",
                n,
            )
        },
    )
}

pub const LAB: Lab = Lab {
    id: "sqs-duplicate",
    number: 11,
    title: n_("A duplicate with no failure"),
    summary: n_("Nothing crashes, and an SQS standard queue still delivers a payment twice."),
    narrative: Narrative {
        predict: lesson!(
            "The payments go through an SQS-like standard queue. Nothing crashes, no call times out, no ack is lost: the consumer receives each message, processes it and deletes it. Can a customer still be charged twice?"
        ),
        run: lesson!(
            "Press play. Find the payment charged twice and read its events. Then change the consumer so that a duplicate from the queue does no harm, and rerun the same seed."
        ),
        observe: lesson!(
            "The consumer deleted the message, but the delete missed one stored copy. When that copy's visibility timeout ran out, the queue delivered it again, 30 seconds later, and the consumer charged and wrote it a second time. The restarts counter stays at zero."
        ),
        explain: lesson!(
            "AWS documents that a standard queue delivers every message at least once and occasionally more than once: SQS stores copies on several servers, and a receive or delete can miss a copy on a server that is unavailable at that moment. So a duplicate is not evidence that something failed; the consumer has to absorb it anyway. A processed record committed with the ledger row, or the gateway key with a ledger write that cannot count twice, makes the second delivery harmless. A FIFO queue removes this kind of duplicate, but its consumers still see redeliveries after a visibility timeout or a crash."
        ),
    },
    prediction: Some(Prediction {
        question: lesson!("With no crash, no timeout and no lost ack, an SQS standard queue…"),
        options: &[
            lesson!("delivers each message exactly once"),
            lesson!("can still deliver a message twice"),
            lesson!("loses a message now and then"),
        ],
        answer: 1,
        why: lesson!(
            "A standard queue promises at-least-once delivery: a deleted message can come back from a copy the delete missed."
        ),
    }),
    diagnosis: None,
    seed: 6,
    config: const {
        Config {
            broker: BrokerKind::Sqs(SqsSettings {
                fifo: false,
                duplicate_permille: 100,
            }),
            ..Config::DEFAULT
        }
    },
    actions: statics![],
    goals: statics![
        Goal {
            id: "no-failure",
            text: lesson!("See a payment charged twice in a run where nothing failed"),
            kind: GoalKind::See,
            check: |s, _| see_duplicate_without_failure(s),
        },
        Goal {
            id: "fix",
            text: lesson!(
                "Fix it: the queue still delivers duplicates, and nobody is charged twice"
            ),
            kind: GoalKind::Fix,
            check: |s, _| survives_duplicates(s),
        },
    ],
    hints: &[
        lesson!(
            "Look for the event where the queue's delete missed a copy: nothing went wrong in the consumer."
        ),
        lesson!(
            "The fix is the same as for a crash: what would let the consumer recognise a payment it already handled?"
        ),
    ],
    solution: lesson!(
        "Turn on the processed-payment check with the transactional ack (or the gateway key with a commutative ledger write). The queue still delivers the duplicates, and now they do no harm: the processed record lets the consumer skip them, or the gateway answers with the first charge and the ledger write absorbs the repeat."
    ),
    fix: |c| {
        c.strategy.idempotency = true;
        c.strategy.transactional = true;
    },
};
