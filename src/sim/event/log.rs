//! The log itself: a window of the most recent events in memory, and a digest folded over every event
//! ever emitted — the determinism contract the golden file and the browser test check.

use super::Event;
use crate::sim::config::Millis;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

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
}
