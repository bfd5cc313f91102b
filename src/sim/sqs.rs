//! SQS-like behaviour, as the Amazon SQS Developer Guide describes it:
//!
//! - **Visibility timeout** ("Amazon SQS visibility timeout"): a received message stays in the queue,
//!   invisible, until the consumer deletes it; if the timeout runs out first it becomes visible and is
//!   received again, even while the first consumer still works on it. This is
//!   [`RedeliveryMode::VisibilityTimeout`](super::config::RedeliveryMode); an SQS broker without one
//!   set uses SQS's default of 30 seconds.
//! - **At-least-once delivery of a standard queue** ("Amazon SQS standard queues", "Amazon SQS
//!   at-least-once delivery", and the `DeleteMessage` API reference): SQS keeps copies of a message on several servers, and a delete can miss a copy on a
//!   server that is unavailable at that moment; that copy is received again later. So a standard
//!   queue may deliver a message twice with no failure anywhere — no crash, no timeout.
//! - **Exactly-once processing of a FIFO queue** ("Exactly-once processing in Amazon SQS", "Amazon
//!   SQS FIFO queue key terms": message deduplication ID): a send whose deduplication id was already sent within the
//!   5-minute deduplication interval is accepted and not delivered; after the interval it is a new
//!   message. The interval runs from the send that was accepted, and SQS keeps tracking the id after
//!   the message is received and deleted.

use super::config::Millis;

/// What this model leaves out of SQS, one line each (the UI can show them).
pub const SIMPLIFICATIONS: [&str; 4] = [
    "A standard-queue duplicate is a delete that misses one stored copy; the copy comes back when its visibility timeout runs out.",
    "The chance of a standard-queue duplicate is a setting; real SQS gives no rate, only that it can happen.",
    "A FIFO queue here puts every payment in its own message group, so no group waits for another.",
    "The FIFO deduplication id is the business payment id or the message id, as the strategy's key says.",
];

/// SQS's deduplication interval: 5 minutes.
pub const DEDUP_WINDOW_MS: Millis = 5 * 60 * 1000;

/// SQS's default visibility timeout (30 seconds), used by an SQS broker whose run sets none.
pub const DEFAULT_VISIBILITY_TIMEOUT_MS: u32 = 30_000;

/// A FIFO queue's memory of deduplication ids: when each id's interval started (the send that was
/// accepted). Ids are payment or message ids, which are dense, so a table indexed by id suffices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DedupWindow {
    accepted_at: Vec<Millis>,
}

impl DedupWindow {
    /// A send with deduplication id `id` at `now`: false if it repeats an id accepted less than
    /// [`DEDUP_WINDOW_MS`] ago (the queue drops it); otherwise true, and the id's interval starts now.
    pub fn accept(&mut self, id: u32, now: Millis) -> bool {
        let i = id as usize;
        if i >= self.accepted_at.len() {
            self.accepted_at.resize(i + 1, Millis::MAX);
        }
        let first = self.accepted_at[i];
        if first != Millis::MAX && now < first.saturating_add(DEDUP_WINDOW_MS) {
            return false;
        }
        self.accepted_at[i] = now;
        true
    }

    /// Every id's accepted time, `Millis::MAX` for none (for saving the broker's state).
    pub fn table(&self) -> &[Millis] {
        &self.accepted_at
    }

    /// The window rebuilt from [`DedupWindow::table`].
    pub fn restore(accepted_at: Vec<Millis>) -> Self {
        DedupWindow { accepted_at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeat_inside_five_minutes_is_dropped_and_after_them_accepted() {
        let mut w = DedupWindow::default();
        assert!(w.accept(3, 1_000));
        assert!(!w.accept(3, 1_000 + DEDUP_WINDOW_MS - 1));
        assert!(w.accept(4, 2_000), "another id is another message");
        assert!(w.accept(3, 1_000 + DEDUP_WINDOW_MS));
        assert!(!w.accept(3, 1_000 + DEDUP_WINDOW_MS + 1), "a new interval");
    }
}
