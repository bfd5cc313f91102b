//! The event log: what happened, in order, with simulated time.
//!
//! The log is the truth every view reads from, and its digest is the determinism contract: the same
//! seed, configuration and actions give the same digest on native and on WebAssembly. Only a window of
//! recent events is kept in memory, so a million-payment run stays small; the digest still covers
//! every event ever emitted.

use super::command::CrashPoint;
use super::config::Millis;
use super::message::payment_label;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;

/// Why the broker made a message ready again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequeueReason {
    /// Its consumer disconnected (crashed, or its connection dropped) before acking.
    Disconnect,
    /// Its visibility timeout ran out while it was still unacknowledged.
    VisibilityTimeout,
    /// It was nacked after a failure and its retry delay is over.
    Retry,
}

/// One thing that happened. Payments are numbered from 0; consumers from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Event {
    /// The producer published the payment's message.
    Published { payment: u32 },
    /// The broker handed the message to a consumer; `delivery` counts from 1.
    Delivered {
        payment: u32,
        consumer: u8,
        delivery: u16,
        redelivered: bool,
    },
    /// The processed-record check found the message already handled: a duplicate caught.
    DuplicateSkipped { payment: u32, consumer: u8 },
    /// The card gateway took money; `replayed` means the idempotency key returned an earlier charge
    /// and no new money moved. `late` means the caller had already given up on the call (timed out or
    /// crashed): nobody is waiting for this answer.
    Charged {
        payment: u32,
        consumer: u8,
        replayed: bool,
        late: bool,
    },
    /// The card gateway answered with an error; no money moved.
    ChargeFailed { payment: u32, consumer: u8 },
    /// The consumer wrote the ledger; `changed` is false when a conditional or commutative write
    /// found the payment already recorded.
    LedgerWritten {
        payment: u32,
        consumer: u8,
        changed: bool,
    },
    /// The consumer wrote the processed record.
    RecordWritten { payment: u32, consumer: u8 },
    /// The consumer's transaction committed.
    Committed { payment: u32, consumer: u8 },
    /// The consumer's transaction was rolled back (crash or failure).
    RolledBack { payment: u32, consumer: u8 },
    /// A unique constraint on the processed record rejected a second record; the transaction aborted.
    ConstraintViolated { payment: u32, consumer: u8 },
    /// The broker received the ack and forgot the message.
    Acked { payment: u32, consumer: u8 },
    /// The consumer acked but the broker never heard it.
    AckLost { payment: u32, consumer: u8 },
    /// The consumer reported a failure; the broker will retry after `delay_ms`.
    Nacked {
        payment: u32,
        consumer: u8,
        delay_ms: u32,
    },
    /// The message is ready in the queue again.
    Requeued { payment: u32, reason: RequeueReason },
    /// The message reached its delivery limit and moved to the dead-letter queue.
    DeadLettered { payment: u32 },
    /// The consumer crashed at `point`, holding `payment` if it was working on one.
    Crashed {
        consumer: u8,
        point: CrashPoint,
        payment: Option<u32>,
    },
    /// The crashed consumer is back.
    Restarted { consumer: u8 },
    /// The consumer's connection dropped and came back (after a lost ack); its unacked messages returned.
    Reconnected { consumer: u8 },
    /// The consumer stopped waiting for the gateway after its call timeout. The call may still charge
    /// the card: its outcome is unknown.
    ChargeTimedOut { payment: u32, consumer: u8 },
    /// After a failure the consumer keeps the message and waits `delay_ms` before retrying it.
    RetryWaiting {
        payment: u32,
        consumer: u8,
        delay_ms: u32,
    },
}

impl Event {
    /// The payment this event is about, if any.
    pub fn payment(&self) -> Option<u32> {
        use Event::*;
        match *self {
            Published { payment }
            | Delivered { payment, .. }
            | DuplicateSkipped { payment, .. }
            | Charged { payment, .. }
            | ChargeFailed { payment, .. }
            | LedgerWritten { payment, .. }
            | RecordWritten { payment, .. }
            | Committed { payment, .. }
            | RolledBack { payment, .. }
            | ConstraintViolated { payment, .. }
            | Acked { payment, .. }
            | AckLost { payment, .. }
            | Nacked { payment, .. }
            | Requeued { payment, .. }
            | ChargeTimedOut { payment, .. }
            | RetryWaiting { payment, .. }
            | DeadLettered { payment } => Some(payment),
            Crashed { payment, .. } => payment,
            Restarted { .. } | Reconnected { .. } => None,
        }
    }

    /// The event's kind as a stable snake_case word (used by filters and exports).
    pub fn kind(&self) -> &'static str {
        use Event::*;
        match self {
            Published { .. } => "published",
            Delivered { .. } => "delivered",
            DuplicateSkipped { .. } => "duplicate_skipped",
            Charged { .. } => "charged",
            ChargeFailed { .. } => "charge_failed",
            LedgerWritten { .. } => "ledger_written",
            RecordWritten { .. } => "record_written",
            Committed { .. } => "committed",
            RolledBack { .. } => "rolled_back",
            ConstraintViolated { .. } => "constraint_violated",
            Acked { .. } => "acked",
            AckLost { .. } => "ack_lost",
            Nacked { .. } => "nacked",
            Requeued { .. } => "requeued",
            DeadLettered { .. } => "dead_lettered",
            Crashed { .. } => "crashed",
            Restarted { .. } => "restarted",
            Reconnected { .. } => "reconnected",
            ChargeTimedOut { .. } => "charge_timed_out",
            RetryWaiting { .. } => "retry_waiting",
        }
    }

    /// Every kind word, in declaration order.
    pub const KINDS: [&'static str; 20] = [
        "published",
        "delivered",
        "duplicate_skipped",
        "charged",
        "charge_failed",
        "ledger_written",
        "record_written",
        "committed",
        "rolled_back",
        "constraint_violated",
        "acked",
        "ack_lost",
        "nacked",
        "requeued",
        "dead_lettered",
        "crashed",
        "restarted",
        "reconnected",
        "charge_timed_out",
        "retry_waiting",
    ];

    /// A fixed, platform-independent encoding of the event into two words, for the digest.
    fn words(&self) -> (u64, u64) {
        use Event::*;
        let (tag, payment, consumer, aux): (u64, u64, u64, u64) = match *self {
            Published { payment } => (1, payment as u64, 0, 0),
            Delivered {
                payment,
                consumer,
                delivery,
                redelivered,
            } => (
                2,
                payment as u64,
                consumer as u64,
                delivery as u64 | (redelivered as u64) << 16,
            ),
            DuplicateSkipped { payment, consumer } => (3, payment as u64, consumer as u64, 0),
            Charged {
                payment,
                consumer,
                replayed,
                late,
            } => (
                4,
                payment as u64,
                consumer as u64,
                replayed as u64 | (late as u64) << 1,
            ),
            ChargeFailed { payment, consumer } => (5, payment as u64, consumer as u64, 0),
            LedgerWritten {
                payment,
                consumer,
                changed,
            } => (6, payment as u64, consumer as u64, changed as u64),
            RecordWritten { payment, consumer } => (7, payment as u64, consumer as u64, 0),
            Committed { payment, consumer } => (8, payment as u64, consumer as u64, 0),
            RolledBack { payment, consumer } => (9, payment as u64, consumer as u64, 0),
            ConstraintViolated { payment, consumer } => (10, payment as u64, consumer as u64, 0),
            Acked { payment, consumer } => (11, payment as u64, consumer as u64, 0),
            AckLost { payment, consumer } => (12, payment as u64, consumer as u64, 0),
            Nacked {
                payment,
                consumer,
                delay_ms,
            } => (13, payment as u64, consumer as u64, delay_ms as u64),
            Requeued { payment, reason } => (14, payment as u64, 0, reason as u64),
            DeadLettered { payment } => (15, payment as u64, 0, 0),
            Crashed {
                consumer,
                point,
                payment,
            } => (
                16,
                payment.map_or(u32::MAX as u64, |p| p as u64),
                consumer as u64,
                point as u64,
            ),
            Restarted { consumer } => (17, 0, consumer as u64, 0),
            Reconnected { consumer } => (18, 0, consumer as u64, 0),
            ChargeTimedOut { payment, consumer } => (19, payment as u64, consumer as u64, 0),
            RetryWaiting {
                payment,
                consumer,
                delay_ms,
            } => (20, payment as u64, consumer as u64, delay_ms as u64),
        };
        (tag | consumer << 8 | payment << 32, aux)
    }
}

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
        };
        f.write_str(&text)
    }
}

/// An event with its place in the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedEvent {
    /// Position in the run, from 0; never reused, even when the event leaves the window.
    pub seq: u64,
    /// Simulated time it happened.
    pub time: Millis,
    /// What happened.
    pub event: Event,
}

/// The run's events: a window of the most recent ones plus a digest of all of them.
#[derive(Clone, Debug)]
pub struct EventLog {
    window: VecDeque<LoggedEvent>,
    capacity: usize,
    total: u64,
    digest: u64,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl EventLog {
    /// An empty log keeping at most `capacity` events in memory.
    pub fn new(capacity: usize) -> Self {
        Self {
            window: VecDeque::with_capacity(capacity.min(4096)),
            capacity: capacity.max(1),
            total: 0,
            digest: FNV_OFFSET,
        }
    }

    /// Appends an event and folds it into the digest.
    #[inline(always)]
    pub fn push(&mut self, time: Millis, event: Event) {
        let (a, b) = event.words();
        // FNV-1a over 64-bit words: cheap enough for millions of events a second, and fully specified.
        let mut h = self.digest;
        for w in [a, b, time] {
            h = (h ^ w).wrapping_mul(FNV_PRIME);
        }
        self.digest = h;
        if self.window.len() == self.capacity {
            self.window.pop_front();
        }
        self.window.push_back(LoggedEvent {
            seq: self.total,
            time,
            event,
        });
        self.total += 1;
    }

    /// The events still in memory, oldest first.
    pub fn window(&self) -> &VecDeque<LoggedEvent> {
        &self.window
    }

    /// How many events the run has emitted in all.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// How many early events have left the window.
    pub fn dropped(&self) -> u64 {
        self.total - self.window.len() as u64
    }

    /// Heap bytes held by the window.
    pub fn heap_bytes(&self) -> usize {
        self.window.capacity() * std::mem::size_of::<LoggedEvent>()
    }

    /// A copy keeping only the latest `keep` events (the digest and the count still cover them all):
    /// what a timeline snapshot needs, at a fraction of the memory.
    pub fn tail(&self, keep: usize) -> EventLog {
        let skip = self.window.len().saturating_sub(keep);
        EventLog {
            window: self.window.iter().skip(skip).copied().collect(),
            capacity: self.capacity,
            total: self.total,
            digest: self.digest,
        }
    }

    /// The digest of every event so far, as 16 hex digits.
    pub fn digest_hex(&self) -> String {
        format!("{:016x}", self.digest)
    }

    /// The raw digest.
    pub fn digest(&self) -> u64 {
        self.digest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keeps_the_latest_events_and_digest_covers_all() {
        let mut a = EventLog::new(2);
        let mut b = EventLog::new(100);
        for p in 0..5 {
            a.push(p as u64, Event::Published { payment: p });
            b.push(p as u64, Event::Published { payment: p });
        }
        assert_eq!(a.window().len(), 2);
        assert_eq!(a.window()[0].seq, 3);
        assert_eq!(a.dropped(), 3);
        assert_eq!(a.digest(), b.digest());
    }

    #[test]
    fn digest_depends_on_order_and_time() {
        let mut a = EventLog::new(10);
        let mut b = EventLog::new(10);
        a.push(1, Event::Published { payment: 1 });
        a.push(1, Event::Published { payment: 2 });
        b.push(1, Event::Published { payment: 2 });
        b.push(1, Event::Published { payment: 1 });
        assert_ne!(a.digest(), b.digest());
        let mut c = EventLog::new(10);
        c.push(2, Event::Published { payment: 1 });
        c.push(2, Event::Published { payment: 2 });
        assert_ne!(a.digest(), c.digest());
    }

    #[test]
    fn kinds_table_matches_kind() {
        let e = Event::Reconnected { consumer: 0 };
        assert_eq!(Event::KINDS[17], e.kind());
        let e = Event::RetryWaiting {
            payment: 0,
            consumer: 0,
            delay_ms: 1,
        };
        assert_eq!(Event::KINDS[19], e.kind());
        assert_eq!(Event::KINDS[0], Event::Published { payment: 0 }.kind());
    }
}
