//! Events in the lessons' words: the one sentence fragment the event log, the screen reader's live
//! region and the command line all print, so a learner reads the same words everywhere.

use super::{Event, RequeueReason};
use crate::sim::message::payment_label;
use std::fmt;

/// One event as a sentence fragment in the lessons' words, consumers numbered from 1 as the UI shows
/// them: `pay-0003 delivered to consumer 1 (delivery 2, redelivered)`. The event log, the live region
/// and the command line all print this.
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = |p: u32| payment_label(p);
        let c = |c: u8| format!("consumer {}", c + 1);
        let text = match *self {
            Event::Published { payment } => format!("{} published", p(payment)),
            Event::Delivered {
                payment,
                consumer,
                delivery,
                redelivered,
            } => format!(
                "{} delivered to {} (delivery {delivery}{})",
                p(payment),
                c(consumer),
                if redelivered { ", redelivered" } else { "" }
            ),
            Event::DuplicateSkipped { payment, consumer } => format!(
                "{} already processed: {} skips it (duplicate caught)",
                p(payment),
                c(consumer)
            ),
            Event::Charged {
                payment,
                consumer,
                replayed,
                late,
            } => {
                let late = if late {
                    " — after the caller gave up, so nobody records it"
                } else {
                    ""
                };
                if replayed {
                    format!(
                        "{}: the gateway recognised the key and returned the first charge ({}){late}",
                        p(payment),
                        c(consumer)
                    )
                } else {
                    format!("{} card charged for {}{late}", p(payment), c(consumer))
                }
            }
            Event::ChargeFailed { payment, consumer } => {
                format!(
                    "{} charge failed at the gateway ({})",
                    p(payment),
                    c(consumer)
                )
            }
            Event::LedgerWritten {
                payment,
                consumer,
                changed,
            } => {
                if changed {
                    format!("{} ledger written by {}", p(payment), c(consumer))
                } else {
                    format!(
                        "{} ledger already had it: nothing changed ({})",
                        p(payment),
                        c(consumer)
                    )
                }
            }
            Event::RecordWritten { payment, consumer } => {
                format!("{} processed record written by {}", p(payment), c(consumer))
            }
            Event::Committed { payment, consumer } => {
                format!("{} transaction committed by {}", p(payment), c(consumer))
            }
            Event::RolledBack { payment, consumer } => {
                format!("{} transaction rolled back ({})", p(payment), c(consumer))
            }
            Event::ConstraintViolated { payment, consumer } => format!(
                "{}: the unique constraint rejected a second record; {} aborts",
                p(payment),
                c(consumer)
            ),
            Event::Acked { payment, consumer } => {
                format!(
                    "{} acked by {}: the broker forgets it",
                    p(payment),
                    c(consumer)
                )
            }
            Event::AckLost { payment, consumer } => format!(
                "{} ack from {} lost on the way: the broker never heard it",
                p(payment),
                c(consumer)
            ),
            Event::Nacked {
                payment,
                consumer,
                delay_ms,
            } => format!(
                "{} nacked by {}: retry in {delay_ms} ms",
                p(payment),
                c(consumer)
            ),
            Event::Requeued { payment, reason } => format!(
                "{} back in the queue ({})",
                p(payment),
                match reason {
                    RequeueReason::Disconnect => "its consumer disconnected before acking",
                    RequeueReason::VisibilityTimeout => "its visibility timeout ran out",
                    RequeueReason::Retry => "its retry delay is over",
                    RequeueReason::Replay => "the consumer went back to the last committed offset",
                }
            ),
            Event::DeadLettered { payment } => {
                format!("{} moved to the dead-letter queue", p(payment))
            }
            Event::Crashed {
                consumer,
                point,
                payment,
            } => format!(
                "{} crashed {}{}",
                c(consumer),
                point.label(),
                payment.map_or(String::new(), |x| format!(" while holding {}", p(x)))
            ),
            Event::Restarted { consumer } => format!("{} restarted", c(consumer)),
            Event::Reconnected { consumer } => format!(
                "{} reconnected; its unacked messages went back to the queue",
                c(consumer)
            ),
            Event::ChargeTimedOut { payment, consumer } => format!(
                "{} gave up waiting for the gateway on {}: the charge may still happen",
                c(consumer),
                p(payment)
            ),
            Event::RetryWaiting {
                payment,
                consumer,
                delay_ms,
            } => format!(
                "{} keeps {} and waits {delay_ms} ms before retrying",
                c(consumer),
                p(payment)
            ),
            Event::Republished {
                payment,
                msg,
                relay,
            } => format!(
                "{} published again as message {msg}: {}",
                p(payment),
                if relay {
                    "the outbox relay had not marked its row sent"
                } else {
                    "the order service heard no confirm in time"
                }
            ),
            Event::PublisherCrashed { payment, relay } => {
                if relay {
                    format!(
                        "the outbox relay crashed after publishing {} and before marking it sent",
                        p(payment)
                    )
                } else {
                    format!(
                        "the order service crashed after saving {} and before publishing it: no message carries it",
                        p(payment)
                    )
                }
            }
            Event::SqsDuplicate { payment, msg } => format!(
                "{}: SQS deleted message {msg} but missed a stored copy, so it comes again (no failure)",
                p(payment)
            ),
            Event::FifoDropped { payment, msg } => format!(
                "{}: the FIFO queue dropped message {msg}, a repeat of a deduplication id sent under 5 minutes ago",
                p(payment)
            ),
        };
        f.write_str(&text)
    }
}
