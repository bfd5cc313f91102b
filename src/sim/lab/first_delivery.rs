//! Lab 1: the happy path, and the two delivery guarantees named side by side.

use super::common::every_payment_once;
use super::{Lab, Narrative, Prediction};
use crate::i18n::{n_, tr, trf_n};
use crate::sim::config::Config;
use crate::sim::goal::{Goal, GoalKind, Judged, at_least};

pub const LAB: Lab = Lab {
    id: "first-delivery",
    number: 1,
    title: n_("First delivery: receive, process, ack"),
    summary: n_("Follow five payments through the happy path."),
    narrative: Narrative {
        predict: lesson!(
            "Nothing fails in this run. How many times will the broker hand out each message?"
        ),
        run: lesson!(
            "Press step a few times and watch one message walk the consumer's rail, then press play."
        ),
        observe: lesson!(
            "A message stays in flight, held by the broker, until the consumer's ack arrives; only then does this broker forget it."
        ),
        explain: lesson!(
            "This broker works like RabbitMQ with manual acks: a message it has handed out stays its responsibility until the ack comes back, and if the consumer goes away without acking, it hands the message out again. That is at-least-once delivery — nothing is dropped before it is acknowledged, but anything may arrive twice. Its mirror image is at-most-once: acknowledge before doing the work, and nothing arrives twice, but a crash loses what was in hand. Other systems reach at-least-once differently: a Kafka consumer commits an offset and, after a crash or a rebalance, replays from the last commit; an SQS standard queue may hand out a second copy even when nothing failed. Either way, the consumer must expect duplicates."
        ),
    },
    prediction: Some(Prediction {
        question: lesson!("With no failures, how many deliveries does each payment get?"),
        options: &[
            lesson!("Exactly one"),
            lesson!("At least two"),
            lesson!("It depends on the seed"),
        ],
        answer: 0,
        why: lesson!(
            "In this simulated broker a message goes out again only when its ack never arrives (a crash, a lost ack), an attempt fails, or a visibility timeout runs out; this lab scripts none of that, so each payment is delivered once (a crash or a lost ack of your own, or a reload in real crash mode, changes that). A real SQS standard queue could still deliver a rare copy twice with no failure at all."
        ),
    }),
    diagnosis: None,
    seed: 1,
    config: const {
        Config {
            payments: 5,
            publish_interval_ms: 60,
            ..Config::DEFAULT
        }
    },
    actions: statics![],
    goals: statics![
        Goal {
            id: "all-charged-once",
            text: lesson!("Every payment is charged exactly once"),
            kind: GoalKind::Fix,
            check: |s, _| every_payment_once(s),
        },
        Goal {
            id: "acked",
            text: lesson!("The broker receives an ack for every message"),
            kind: GoalKind::Fix,
            check: |s, _| {
                at_least(
                    s,
                    s.metrics().counters.acks,
                    s.config().payments as u64,
                    tr("acks"),
                )
            },
        },
        Goal {
            id: "no-redelivery",
            text: lesson!("No message is delivered twice"),
            kind: GoalKind::Fix,
            check: |s, _| {
                let r = s.metrics().counters.redeliveries;
                if r == 1 {
                    Judged::fail(tr("1 delivery in this run was a repeat."))
                } else if r > 0 {
                    Judged::fail(trf_n("{0} deliveries in this run were repeats.", &[r]))
                } else if s.is_settled() {
                    Judged::pass(tr("Every message was delivered once."))
                } else {
                    Judged::pending(tr("No repeat so far; keep playing."))
                }
            },
        },
    ],
    hints: &[lesson!(
        "Press step: each press moves to the next moment something happens."
    )],
    solution: lesson!(
        "Just run it: with no faults, receive → process → ack delivers every payment once."
    ),
    fix: |_| {},
};
