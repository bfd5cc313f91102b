//! The event log: what happened, in order, with simulated time.
//!
//! The log is the truth every view reads from, and its digest is the determinism contract: the same
//! seed, configuration and actions give the same digest on native and on WebAssembly. Only a window of
//! recent events is kept in memory, so a million-payment run stays small; the digest still covers
//! every event ever emitted.

use super::command::CrashPoint;
use serde::{Deserialize, Serialize};

mod display;
mod log;

pub use log::{EventLog, LoggedEvent};

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
    /// A log's consumer went back to the last committed offset (after a crash, a rebalance or a
    /// failed record before it), so the record is read again.
    Replay,
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
    /// The payment was published again as a new message `msg`: the order service heard no confirm in
    /// time, or (`relay`) the outbox relay published a row it had not marked sent.
    Republished { payment: u32, msg: u32, relay: bool },
    /// The publisher crashed in its window: (`relay`) the outbox relay after publishing the row and
    /// before marking it sent, or the order service after committing the payment and before
    /// publishing it.
    PublisherCrashed { payment: u32, relay: bool },
    /// An SQS standard queue's delete of message `msg` missed a stored copy: the message will be
    /// delivered again, with no failure anywhere.
    SqsDuplicate { payment: u32, msg: u32 },
    /// An SQS FIFO queue accepted message `msg` and dropped it: its deduplication id was first sent
    /// less than 5 minutes earlier.
    FifoDropped { payment: u32, msg: u32 },
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
            | Republished { payment, .. }
            | PublisherCrashed { payment, .. }
            | SqsDuplicate { payment, .. }
            | FifoDropped { payment, .. }
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
            Republished { .. } => "republished",
            PublisherCrashed { .. } => "publisher_crashed",
            SqsDuplicate { .. } => "sqs_duplicate",
            FifoDropped { .. } => "fifo_dropped",
        }
    }

    /// Every kind word, in declaration order.
    pub const KINDS: [&'static str; 24] = [
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
        "republished",
        "publisher_crashed",
        "sqs_duplicate",
        "fifo_dropped",
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
            Republished {
                payment,
                msg,
                relay,
            } => (21, payment as u64, relay as u64, msg as u64),
            PublisherCrashed { payment, relay } => (22, payment as u64, relay as u64, 0),
            SqsDuplicate { payment, msg } => (23, payment as u64, 0, msg as u64),
            FifoDropped { payment, msg } => (24, payment as u64, 0, msg as u64),
        };
        (tag | consumer << 8 | payment << 32, aux)
    }
}

#[cfg(test)]
mod tests;
