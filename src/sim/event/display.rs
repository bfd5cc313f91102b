//! Events in the lessons' words: the one sentence fragment the event log, the screen reader's live
//! region and the command line all print, so a learner reads the same words everywhere.

use super::{Event, RequeueReason};
use crate::i18n::{trf, trf_n};
use crate::sim::message::payment_label;
use std::fmt;

/// One event as a sentence fragment in the lessons' words, consumers numbered from 1 as the UI shows
/// them: `pay-0003 delivered to consumer 1 (delivery 2, redelivered)`. The event log, the live region
/// and the command line all print this.
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = |p: u32| payment_label(p);
        let c = |c: u8| trf_n("consumer {0}", &[(c + 1) as u64]);
        let text = match *self {
            Event::Published { payment } => trf("{0} published", &[&p(payment)]),
            Event::Delivered {
                payment,
                consumer,
                delivery,
                redelivered,
            } => {
                if redelivered {
                    trf(
                        "{0} delivered to {1} (delivery {2}, redelivered)",
                        &[&p(payment), &c(consumer), &delivery.to_string()],
                    )
                } else {
                    trf(
                        "{0} delivered to {1} (delivery {2})",
                        &[&p(payment), &c(consumer), &delivery.to_string()],
                    )
                }
            }
            Event::DuplicateSkipped { payment, consumer } => trf(
                "{0} already processed: {1} skips it (duplicate caught)",
                &[&p(payment), &c(consumer)],
            ),
            Event::Charged {
                payment,
                consumer,
                replayed,
                late,
            } => match (replayed, late) {
                (true, false) => trf(
                    "{0}: the gateway recognised the key and returned the first charge ({1})",
                    &[&p(payment), &c(consumer)],
                ),
                (true, true) => trf(
                    "{0}: the gateway recognised the key and returned the first charge ({1}) — after the caller gave up, so nobody records it",
                    &[&p(payment), &c(consumer)],
                ),
                (false, false) => trf("{0} card charged for {1}", &[&p(payment), &c(consumer)]),
                (false, true) => trf(
                    "{0} card charged for {1} — after the caller gave up, so nobody records it",
                    &[&p(payment), &c(consumer)],
                ),
            },
            Event::ChargeFailed { payment, consumer } => trf(
                "{0} charge failed at the gateway ({1})",
                &[&p(payment), &c(consumer)],
            ),
            Event::LedgerWritten {
                payment,
                consumer,
                changed,
            } => {
                if changed {
                    trf("{0} ledger written by {1}", &[&p(payment), &c(consumer)])
                } else {
                    trf(
                        "{0} ledger already had it: nothing changed ({1})",
                        &[&p(payment), &c(consumer)],
                    )
                }
            }
            Event::RecordWritten { payment, consumer } => trf(
                "{0} processed record written by {1}",
                &[&p(payment), &c(consumer)],
            ),
            Event::Committed { payment, consumer } => trf(
                "{0} transaction committed by {1}",
                &[&p(payment), &c(consumer)],
            ),
            Event::RolledBack { payment, consumer } => trf(
                "{0} transaction rolled back ({1})",
                &[&p(payment), &c(consumer)],
            ),
            Event::ConstraintViolated { payment, consumer } => trf(
                "{0}: the unique constraint rejected a second record; {1} aborts",
                &[&p(payment), &c(consumer)],
            ),
            Event::Acked { payment, consumer } => trf(
                "{0} acked by {1}: the broker forgets it",
                &[&p(payment), &c(consumer)],
            ),
            Event::AckLost { payment, consumer } => trf(
                "{0} ack from {1} lost on the way: the broker never heard it",
                &[&p(payment), &c(consumer)],
            ),
            Event::Nacked {
                payment,
                consumer,
                delay_ms,
            } => trf(
                "{0} nacked by {1}: retry in {2} ms",
                &[&p(payment), &c(consumer), &delay_ms.to_string()],
            ),
            Event::Requeued { payment, reason } => match reason {
                RequeueReason::Disconnect => trf(
                    "{0} back in the queue (its consumer disconnected before acking)",
                    &[&p(payment)],
                ),
                RequeueReason::VisibilityTimeout => trf(
                    "{0} back in the queue (its visibility timeout ran out)",
                    &[&p(payment)],
                ),
                RequeueReason::Retry => trf(
                    "{0} back in the queue (its retry delay is over)",
                    &[&p(payment)],
                ),
                RequeueReason::Replay => trf(
                    "{0} back in the queue (the consumer went back to the last committed offset)",
                    &[&p(payment)],
                ),
            },
            Event::DeadLettered { payment } => {
                trf("{0} moved to the dead-letter queue", &[&p(payment)])
            }
            Event::Crashed {
                consumer,
                point,
                payment,
            } => match payment {
                Some(x) => trf(
                    "{0} crashed {1} while holding {2}",
                    &[&c(consumer), point.label(), &p(x)],
                ),
                None => trf("{0} crashed {1}", &[&c(consumer), point.label()]),
            },
            Event::Restarted { consumer } => trf("{0} restarted", &[&c(consumer)]),
            Event::Reconnected { consumer } => trf(
                "{0} reconnected; its unacked messages went back to the queue",
                &[&c(consumer)],
            ),
            Event::ChargeTimedOut { payment, consumer } => trf(
                "{0} gave up waiting for the gateway on {1}: the charge may still happen",
                &[&c(consumer), &p(payment)],
            ),
            Event::RetryWaiting {
                payment,
                consumer,
                delay_ms,
            } => trf(
                "{0} keeps {1} and waits {2} ms before retrying",
                &[&c(consumer), &p(payment), &delay_ms.to_string()],
            ),
            Event::Republished {
                payment,
                msg,
                relay,
            } => {
                if relay {
                    trf(
                        "{0} published again as message {1}: the outbox relay had not marked its row sent",
                        &[&p(payment), &msg.to_string()],
                    )
                } else {
                    trf(
                        "{0} published again as message {1}: the order service heard no confirm in time",
                        &[&p(payment), &msg.to_string()],
                    )
                }
            }
            Event::PublisherCrashed { payment, relay } => {
                if relay {
                    trf(
                        "the outbox relay crashed after publishing {0} and before marking it sent",
                        &[&p(payment)],
                    )
                } else {
                    trf(
                        "the order service crashed after saving {0} and before publishing it: no message carries it",
                        &[&p(payment)],
                    )
                }
            }
            Event::SqsDuplicate { payment, msg } => trf(
                "{0}: SQS deleted message {1} but missed a stored copy, so it comes again (no failure)",
                &[&p(payment), &msg.to_string()],
            ),
            Event::FifoDropped { payment, msg } => trf(
                "{0}: the FIFO queue dropped message {1}, a repeat of a deduplication id sent under 5 minutes ago",
                &[&p(payment), &msg.to_string()],
            ),
        };
        f.write_str(&text)
    }
}
