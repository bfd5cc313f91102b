//! Lab 10: the business key, not the message id — the order service publishes a payment twice when
//! a publisher confirm is lost, and a consumer keyed on the message id charges both.

use super::common::evidence;
use super::{Lab, Narrative, Prediction};
use crate::i18n::{n_, tr, tr_n, trf};
use crate::sim::checker::Outcome;
use crate::sim::config::{Config, KeyedOn, ProducerSettings, RecordCheck, Strategy};
use crate::sim::event::Event;
use crate::sim::goal::{Goal, GoalKind, Judged, outcome_at_least};
use crate::sim::message::payment_label;
use crate::sim::simulation::Sim;

/// How many payments reached a consumer as two (or more) different messages, and the first one:
/// a payment's first delivery of each message is not flagged as a redelivery, so a payment with two
/// such deliveries came in two messages.
pub fn delivered_as_two_messages(sim: &Sim) -> (u32, Option<u32>) {
    let mut firsts = vec![0u8; sim.config().payments as usize];
    let (mut count, mut first) = (0, None);
    for e in sim.events().window() {
        if let Event::Delivered {
            payment,
            redelivered: false,
            ..
        } = e.event
            && let Some(n) = firsts.get_mut(payment as usize)
        {
            *n = n.saturating_add(1);
            if *n == 2 {
                count += 1;
                first.get_or_insert(payment);
            }
        }
    }
    (count, first)
}

fn see_two_messages(sim: &Sim) -> Judged {
    match delivered_as_two_messages(sim) {
        (_, Some(p)) => Judged::pass(trf(
            "{0} reached the consumer as two messages with two message ids.",
            &[&payment_label(p)],
        )),
        _ if sim.is_settled() => Judged::fail(tr(
            "No payment reached the consumer as two messages in this run.",
        )),
        _ => Judged::pending(tr("No payment has arrived twice yet; keep playing.")),
    }
}

fn survives_republish(sim: &Sim) -> Judged {
    evidence(
        sim,
        |s| u64::from(delivered_as_two_messages(s).0),
        tr(
            "No payment reached the consumer as two messages in this run, so it cannot show the consumer recognises a republished payment.",
        ),
        |n| {
            tr_n(
                "{0} payment arrived as two messages, and {1}",
                "{0} payments arrived as two messages, and {1}",
                n,
            )
        },
    )
}

pub const LAB: Lab = Lab {
    id: "business-key",
    number: 10,
    title: n_("The business key, not the message id"),
    summary: n_("Every safeguard is on, and a payment is still charged twice."),
    narrative: Narrative {
        predict: lesson!(
            "The order service waits for the broker's publisher confirm and publishes again when none arrives in time; in this lab one confirm in five is lost on its way back. The consumer checks a processed record, commits it with the ledger row, acks after the commit and sends the gateway an idempotency key — all keyed on the message id. What happens to a payment whose confirm was lost?"
        ),
        run: lesson!(
            "Press play; nothing crashes. Find a payment charged twice and look at its two deliveries. Then change what the consumer keys its idempotency on, and rerun the same seed."
        ),
        observe: lesson!(
            "The payment was published, its confirm never came back, and the order service published it again one second later as a new message. Both messages were delivered once each, with no redelivery. The processed record and the gateway key of the second message were new, so it was charged and written again."
        ),
        explain: lesson!(
            "Publishing is at-least-once too. A publisher that hears no confirm cannot tell a lost message from a lost confirm, and RabbitMQ's guide tells it to publish again; the repeat is a new message with its own id, carrying the same payment. A safeguard keyed on the message id sees a stranger. Key the processed record and the gateway's idempotency key on the business operation — the payment id the order service gave the payment — and the repeat is recognised however many messages carry it. A RabbitMQ queue does not drop repeated publishes; an SQS FIFO queue drops a repeat with the same deduplication id within 5 minutes, which helps only when the producer derives that id from the payment."
        ),
    },
    prediction: Some(Prediction {
        question: lesson!(
            "The order service publishes one payment twice, as two messages with two ids. With every safeguard keyed on the message id…"
        ),
        options: &[
            lesson!("the processed record catches the second message"),
            lesson!("the payment is charged twice: to every safeguard the second message is new"),
            lesson!("the broker drops the second message as a duplicate"),
        ],
        answer: 1,
        why: lesson!(
            "The queue does not deduplicate publishes, and every key the consumer checks is the message id, which differs between the two."
        ),
    }),
    diagnosis: None,
    seed: 12,
    config: const {
        Config {
            producer: ProducerSettings {
                lost_confirm_permille: 200,
                ..ProducerSettings::DEFAULT
            },
            strategy: Strategy {
                key: KeyedOn::Message,
                record_check: RecordCheck::UniqueConstraint,
                ..Strategy::SAFE
            },
            ..Config::DEFAULT
        }
    },
    actions: statics![],
    goals: statics![
        Goal {
            id: "two-messages",
            text: lesson!("See one payment reach the consumer as two messages"),
            kind: GoalKind::See,
            check: |s, _| see_two_messages(s),
        },
        Goal {
            id: "charged-twice",
            text: lesson!("See that payment charged twice with every safeguard on"),
            kind: GoalKind::See,
            check: |s, _| outcome_at_least(s, Outcome::Duplicate, 1),
        },
        Goal {
            id: "fix",
            text: lesson!(
                "Fix it: payments still arrive as two messages, and nobody is charged twice"
            ),
            kind: GoalKind::Fix,
            check: |s, _| survives_republish(s),
        },
    ],
    hints: &[
        lesson!(
            "The two deliveries of the payment are both first deliveries: this is not the broker redelivering, it is the producer publishing twice."
        ),
        lesson!("What do the two messages have in common, and what differs between them?"),
        lesson!(
            "Key idempotency on the payment id: the processed record and the gateway key then name the business operation, not the message."
        ),
    ],
    solution: lesson!(
        "Key idempotency on the business payment id instead of the message id. The order service still publishes some payments twice; the second message now finds the processed record of the first (and the gateway would return the first charge), so nobody is charged twice."
    ),
    fix: |c| c.strategy.key = KeyedOn::Payment,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::goal::GoalStatus;

    #[test]
    fn keyed_on_the_message_a_republished_payment_is_charged_twice_and_on_the_payment_once() {
        let lab = LAB;
        let naive = lab.run(&lab.config, lab.seed, 600_000);
        assert!(delivered_as_two_messages(&naive).0 >= 1);
        assert!(naive.totals().duplicate >= 1);
        let mut fixed = lab.config.clone();
        (lab.fix)(&mut fixed);
        let sim = lab.run(&fixed, lab.seed, 600_000);
        assert_eq!(
            survives_republish(&sim).status,
            GoalStatus::Pass,
            "{}",
            survives_republish(&sim).why
        );
        let quiet = Config {
            producer: ProducerSettings::default(),
            ..fixed
        };
        let j = survives_republish(&lab.run(&quiet, lab.seed, 600_000));
        assert_eq!(
            j.status,
            GoalStatus::Fail,
            "no republish, no test: {}",
            j.why
        );
    }
}
