//! Events in the lessons' words: the one sentence fragment the event log, the screen reader's live
//! region and the command line all print, so a learner reads the same words everywhere.

use super::{Event, RequeueReason};
use crate::i18n::{n_, trf, trf_n};
use crate::sim::message::payment_label;
use std::fmt;

/// One event as a sentence fragment in the lessons' words, consumers numbered from 1 as the UI shows
/// them: `pay-0003 delivered to consumer 1 (delivery 2, redelivered)`. The event log, the live region,
/// the diagrams and the command line all print this, on every broker.
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl Event {
    /// The sentence [`Display`](fmt::Display) writes.
    fn text(&self) -> String {
        // Each kind names its sentence (a catalogue key) and the up to three texts its placeholders
        // take, in the key's order; one `trf` call fills them all. A call per kind would cost the
        // browser build a temporary array, a call and the drops at each of the thirty-odd sentences.
        let p = |p: u32| payment_label(p);
        let c = |c: u8| trf_n("consumer {0}", &[(c + 1) as u64]);
        let none = String::new;
        let (key, args): (&'static str, [String; 3]) = match *self {
            Event::Published { payment } => (n_("{0} published"), [p(payment), none(), none()]),
            Event::Delivered {
                payment,
                consumer,
                delivery,
                redelivered,
            } => (
                if redelivered {
                    n_("{0} delivered to {1} (delivery {2}, redelivered)")
                } else {
                    n_("{0} delivered to {1} (delivery {2})")
                },
                [p(payment), c(consumer), delivery.to_string()],
            ),
            Event::DuplicateSkipped { payment, consumer } => (
                n_("{0} already processed: {1} skips it (duplicate caught)"),
                [p(payment), c(consumer), none()],
            ),
            Event::Charged {
                payment,
                consumer,
                replayed,
                late,
            } => (
                match (replayed, late) {
                    (true, false) => n_(
                        "{0}: the gateway recognised the key and returned the first charge ({1})",
                    ),
                    (true, true) => n_(
                        "{0}: the gateway recognised the key and returned the first charge ({1}) — after the caller gave up, so nobody records it",
                    ),
                    (false, false) => n_("{0} card charged for {1}"),
                    (false, true) => n_(
                        "{0} card charged for {1} — after the caller gave up, so nobody records it",
                    ),
                },
                [p(payment), c(consumer), none()],
            ),
            Event::ChargeFailed { payment, consumer } => (
                n_("{0} charge failed at the gateway ({1})"),
                [p(payment), c(consumer), none()],
            ),
            Event::LedgerWritten {
                payment,
                consumer,
                changed,
            } => (
                if changed {
                    n_("{0} ledger written by {1}")
                } else {
                    n_("{0} ledger already had it: nothing changed ({1})")
                },
                [p(payment), c(consumer), none()],
            ),
            Event::RecordWritten { payment, consumer } => (
                n_("{0} processed record written by {1}"),
                [p(payment), c(consumer), none()],
            ),
            Event::Committed { payment, consumer } => (
                n_("{0} transaction committed by {1}"),
                [p(payment), c(consumer), none()],
            ),
            Event::RolledBack { payment, consumer } => (
                n_("{0} transaction rolled back ({1})"),
                [p(payment), c(consumer), none()],
            ),
            Event::ConstraintViolated { payment, consumer } => (
                n_("{0}: the unique constraint rejected a second record; {1} aborts"),
                [p(payment), c(consumer), none()],
            ),
            Event::Acked { payment, consumer } => (
                n_("{0} acked by {1}: the broker counts it as done"),
                [p(payment), c(consumer), none()],
            ),
            Event::AckLost { payment, consumer } => (
                n_("{0} ack from {1} lost on the way: the broker never heard it"),
                [p(payment), c(consumer), none()],
            ),
            Event::Nacked {
                payment,
                consumer,
                delay_ms,
            } => (
                n_("{0} failed on {1}: retry in {2} ms"),
                [p(payment), c(consumer), delay_ms.to_string()],
            ),
            Event::Requeued { payment, reason } => (
                match reason {
                    RequeueReason::Disconnect => {
                        n_("{0} back in the queue (its consumer disconnected before acking)")
                    }
                    RequeueReason::VisibilityTimeout => {
                        n_("{0} back in the queue (its visibility timeout ran out)")
                    }
                    RequeueReason::Retry => n_("{0} back in the queue (its retry delay is over)"),
                    RequeueReason::Replay => n_(
                        "{0} to be read again (the consumer went back to the last committed offset)",
                    ),
                },
                [p(payment), none(), none()],
            ),
            Event::DeadLettered { payment } => (
                n_("{0} moved to the dead-letter queue"),
                [p(payment), none(), none()],
            ),
            Event::Crashed {
                consumer,
                point,
                payment,
            } => match payment {
                Some(x) => (
                    n_("{0} crashed {1} while holding {2}"),
                    [c(consumer), point.label().to_string(), p(x)],
                ),
                None => (
                    n_("{0} crashed {1}"),
                    [c(consumer), point.label().to_string(), none()],
                ),
            },
            Event::Restarted { consumer } => (n_("{0} restarted"), [c(consumer), none(), none()]),
            Event::Reconnected { consumer } => (
                n_("{0} reconnected; its unacked messages went back to the queue"),
                [c(consumer), none(), none()],
            ),
            Event::ChargeTimedOut { payment, consumer } => (
                n_("{0} gave up waiting for the gateway on {1}: the charge may still happen"),
                [c(consumer), p(payment), none()],
            ),
            Event::RetryWaiting {
                payment,
                consumer,
                delay_ms,
            } => (
                n_("{0} keeps {1} and waits {2} ms before retrying"),
                [c(consumer), p(payment), delay_ms.to_string()],
            ),
            Event::Republished {
                payment,
                msg,
                relay,
            } => (
                if relay {
                    n_(
                        "{0} published again as message {1}: the outbox relay had not marked its row sent",
                    )
                } else {
                    n_(
                        "{0} published again as message {1}: the order service heard no confirm in time",
                    )
                },
                [p(payment), msg.to_string(), none()],
            ),
            Event::PublisherCrashed { payment, relay } => (
                if relay {
                    n_("the outbox relay crashed after publishing {0} and before marking it sent")
                } else {
                    n_(
                        "the order service crashed after saving {0} and before publishing it: no message carries it",
                    )
                },
                [p(payment), none(), none()],
            ),
            Event::SqsDuplicate { payment, msg } => (
                n_(
                    "{0}: SQS deleted message {1} but missed a stored copy, so it comes again (no failure)",
                ),
                [p(payment), msg.to_string(), none()],
            ),
            Event::FifoDropped { payment, msg } => (
                n_(
                    "{0}: the FIFO queue dropped message {1}, a repeat of a deduplication id sent under 5 minutes ago",
                ),
                [p(payment), msg.to_string(), none()],
            ),
        };
        trf(key, &[&args[0], &args[1], &args[2]])
    }
}
