//! The Kafka-like log: a topic of partitions, each an append-only list of records read in offset
//! order, with the consumer group's committed offset and its owner's fetch position.
//!
//! It follows the Apache Kafka documentation: "Introduction — Main Concepts and Terminology" (a
//! partition is an ordered, append-only sequence of records; a record's key picks its partition),
//! "Design — The Consumer", "Consumer Position" (the consumer's position in each partition is one number, the
//! offset of the next record to read; the committed offset is where a consumer restarts), and the
//! consumer configs `max.poll.records`, `enable.auto.commit`, `auto.commit.interval.ms` and
//! `partition.assignment.strategy` (the range assignor). The broker never forgets a record: "acked"
//! here means below the committed offset.
//!
//! The per-record bookkeeping is the queue's [`BrokerMessage`] table, kept in step with the offsets
//! (below the committed offset: `Acked` or `DeadLettered`; fetched and not committed: `InFlight`;
//! waiting out a retry: `Waiting`; not fetched yet: `Ready`), so every view, the checker and the
//! saved runs read a log run as they read a queue run.

use super::{Broker, MAX_CONSUMERS, MessageState};
use crate::sim::config::LogSettings;
use crate::sim::event::RequeueReason;
use std::ops::Range;

/// One partition of the topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    /// The payments' records in offset order (offset = index).
    pub records: Vec<u32>,
    /// The group's committed offset: every record below it is done. Stored in the broker, or in the
    /// database with the ledger when offsets are kept in the transaction.
    pub committed: u32,
    /// The owner's position: the offset of the next record it fetches.
    pub position: u32,
    /// The consumer that owns the partition, if any consumer is up.
    pub owner: Option<u8>,
    /// A rebalance gave the partition to this consumer; the owner hands it over at its next poll.
    pub handover: Option<u8>,
    /// The owner changed: at its first fetch it resumes from the committed offset.
    pub(crate) reset: bool,
    /// A failed record at `position` waits out its retry delay: nothing is fetched meanwhile.
    pub paused: bool,
    /// The position after the last poll made with automatic commits: records up to here have no
    /// commit step of their own, so the automatic commit covers them even after the strategy changed.
    pub(crate) auto_upto: u32,
}

/// The topic `payments` and its consumer group's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    /// The log's settings.
    pub settings: LogSettings,
    /// The partitions, by number.
    pub partitions: Vec<Partition>,
    /// Per consumer: an offset written in its open database transaction, `(partition, offset,
    /// payment)`, stored when that transaction commits.
    pub(crate) pending: [Option<(u8, u32, u32)>; MAX_CONSUMERS],
    /// Per consumer: the partition its next poll starts with (polls take turns across partitions).
    pub(crate) next_partition: [u8; MAX_CONSUMERS],
    /// Is the next automatic commit scheduled?
    pub(crate) auto_commit_scheduled: bool,
}

/// The partition of `payment`'s messages: a hash of the key (the payment id), modulo the number of
/// partitions, as Kafka's default partitioner hashes a record's key. A payment's messages share its
/// key, so they share a partition and keep their order.
pub fn partition_of(payment: u32, partitions: u8) -> u8 {
    let h = payment.wrapping_mul(0x9E37_79B1);
    ((h >> 16) % partitions.max(1) as u32) as u8
}

/// The range assignor: the consumers that are up, in order, each take a contiguous run of
/// partitions, the first ones one more when the division is uneven; with more consumers than
/// partitions, the last consumers get none. `up` is a bit per consumer.
pub fn assign(partition: u8, partitions: u8, up: u8) -> Option<u8> {
    let n = up.count_ones() as u8;
    if n == 0 {
        return None;
    }
    let (share, extra) = (partitions / n, partitions % n);
    let mut start = 0;
    let mut k = 0;
    for c in 0..8u8 {
        if up & (1 << c) == 0 {
            continue;
        }
        let take = share + u8::from(k < extra);
        if partition < start + take {
            return Some(c);
        }
        start += take;
        k += 1;
    }
    None
}

impl Topic {
    /// An empty topic with its partitions assigned to the consumers in `up` (a bit each).
    pub fn new(settings: LogSettings, up: u8) -> Topic {
        let n = settings.partitions.max(1);
        Topic {
            settings,
            partitions: (0..n)
                .map(|p| Partition {
                    records: Vec::new(),
                    committed: 0,
                    position: 0,
                    owner: assign(p, n, up),
                    handover: None,
                    reset: false,
                    paused: false,
                    auto_upto: 0,
                })
                .collect(),
            pending: [None; MAX_CONSUMERS],
            next_partition: [0; MAX_CONSUMERS],
            auto_commit_scheduled: false,
        }
    }

    /// The partition and offset of `payment`'s record (records are in payment order).
    pub fn locate(&self, payment: u32) -> (usize, u32) {
        let p = partition_of(payment, self.partitions.len() as u8) as usize;
        let records = &self.partitions[p].records;
        let offset = records.partition_point(|r| *r < payment) as u32;
        (p, offset)
    }

    /// Reassigns the partitions to the consumers in `up`. A partition whose owner is up is handed
    /// over at that owner's next poll; one whose owner is gone moves at once, and its new owner
    /// resumes from the committed offset.
    pub fn rebalance(&mut self, up: u8) {
        let n = self.partitions.len() as u8;
        for (i, part) in self.partitions.iter_mut().enumerate() {
            let target = assign(i as u8, n, up);
            let owner_up = part.owner.is_some_and(|o| up & (1 << o) != 0);
            if target == part.owner && owner_up {
                part.handover = None;
            } else if owner_up {
                part.handover = target;
            } else {
                part.owner = target;
                part.handover = None;
                part.reset = true;
            }
        }
    }

    /// Heap bytes of the records.
    pub fn heap_bytes(&self) -> usize {
        self.partitions
            .iter()
            .map(|p| p.records.capacity() * 4 + std::mem::size_of::<Partition>())
            .sum()
    }
}

impl Broker {
    /// The log, when the broker is one.
    pub fn topic(&self) -> Option<&Topic> {
        self.topic.as_deref()
    }

    /// The log, to change.
    pub(crate) fn topic_mut(&mut self) -> Option<&mut Topic> {
        self.topic.as_deref_mut()
    }

    /// Makes this broker a log (its queues stay empty).
    pub(crate) fn make_log(&mut self, topic: Topic) {
        self.topic = Some(Box::new(topic));
    }

    /// Rebuilds the log from the durable records (after a real crash of the page): the records of
    /// the `published` payments in their partitions, each partition's committed offset where its
    /// done records end, every partition resuming from it.
    pub(crate) fn rebuild_log(&mut self, settings: LogSettings, published: u32, up: u8) {
        let mut topic = Topic::new(settings, up);
        let n = topic.partitions.len() as u8;
        for payment in 0..published {
            topic.partitions[partition_of(payment, n) as usize]
                .records
                .push(payment);
        }
        for part in &mut topic.partitions {
            part.committed = part
                .records
                .iter()
                .take_while(|r| {
                    matches!(
                        self.messages[**r as usize].state,
                        MessageState::Acked | MessageState::DeadLettered
                    )
                })
                .count() as u32;
            // Everything after the committed offset counts as fetched, so the first poll returns the
            // records that were in flight or waiting when the page went away.
            part.position = part.records.len() as u32;
            part.reset = true;
        }
        self.topic = Some(Box::new(topic));
    }

    /// Appends `payment`'s record to its partition.
    pub(crate) fn append(&mut self, payment: u32) {
        if let Some(t) = self.topic.as_deref_mut() {
            let p = partition_of(payment, t.partitions.len() as u8) as usize;
            t.partitions[p].records.push(payment);
        }
    }

    /// The payment at `offset` of partition `p`.
    pub(crate) fn record(&self, p: usize, offset: u32) -> u32 {
        self.topic
            .as_deref()
            .map_or(0, |t| t.partitions[p].records[offset as usize])
    }

    /// Moves the committed offset of partition `p` up to `offset` (never down); returns the offsets
    /// newly committed, whose records the caller then [settles](Broker::settle).
    pub(crate) fn commit_offset(&mut self, p: usize, offset: u32) -> Range<u32> {
        let Some(part) = self.topic.as_deref_mut().map(|t| &mut t.partitions[p]) else {
            return 0..0;
        };
        let offset = offset.min(part.records.len() as u32);
        let from = part.committed;
        part.committed = part.committed.max(offset);
        from..part.committed
    }

    /// A record fell below the committed offset: done (`Acked`), unless it was dead-lettered.
    /// Returns true if it was not done before.
    pub(crate) fn settle(&mut self, payment: u32) -> bool {
        match self.messages[payment as usize].state {
            MessageState::Acked | MessageState::DeadLettered => false,
            _ => {
                self.set_state(payment, MessageState::Acked);
                true
            }
        }
    }

    /// Rewinds partition `p` to its committed offset; returns the offsets from there to the old
    /// position (and a paused failed record at it), whose records the caller
    /// [returns](Broker::return_record).
    pub(crate) fn rewind(&mut self, p: usize) -> Range<u32> {
        let Some(part) = self.topic.as_deref_mut().map(|t| &mut t.partitions[p]) else {
            return 0..0;
        };
        // A failed record waiting out its retry delay sits at the position: it is read again too.
        let end = part.position + u32::from(part.paused);
        let back = part.committed..end.max(part.committed);
        part.position = part.committed;
        part.reset = false;
        part.paused = false;
        back
    }

    /// Seeks partition `p` back to `offset` (a failed record, retried in place); returns the offsets
    /// fetched after it. With `pause`, nothing is fetched until [`Broker::resume`].
    pub(crate) fn seek_back(&mut self, p: usize, offset: u32, pause: bool) -> Range<u32> {
        let Some(part) = self.topic.as_deref_mut().map(|t| &mut t.partitions[p]) else {
            return 0..0;
        };
        let back = (offset + 1).min(part.position)..part.position;
        part.position = offset;
        part.paused = pause;
        back
    }

    /// Ends the retry pause of partition `p`.
    pub(crate) fn resume(&mut self, p: usize) {
        if let Some(t) = self.topic.as_deref_mut() {
            t.partitions[p].paused = false;
        }
    }

    /// Makes a fetched (or waiting) record ready to be read again, for `reason`; false if it was
    /// not fetched.
    pub(crate) fn return_record(&mut self, payment: u32, reason: RequeueReason) -> bool {
        if !matches!(
            self.messages[payment as usize].state,
            MessageState::InFlight { .. } | MessageState::Waiting
        ) {
            return false;
        }
        self.set_state(payment, MessageState::Ready);
        self.messages[payment as usize].returned_by = Some(reason);
        true
    }

    /// Moves `payment` to the dead-letter topic.
    pub(crate) fn dead_letter_record(&mut self, payment: u32) {
        self.set_state(payment, MessageState::DeadLettered);
    }

    /// The record of the log that has waited longest for a fetch, if any.
    pub(crate) fn oldest_in_log(&self) -> Option<u32> {
        let t = self.topic.as_deref()?;
        t.partitions
            .iter()
            .filter_map(|part| part.records.get(part.position as usize).copied())
            .filter(|p| self.messages[*p as usize].state == MessageState::Ready)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_assignor_gives_contiguous_runs_and_idles_extra_consumers() {
        let owners = |partitions, up| {
            (0..partitions)
                .map(|p| assign(p, partitions, up))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            owners(5, 0b11),
            [Some(0), Some(0), Some(0), Some(1), Some(1)]
        );
        assert_eq!(owners(2, 0b1010), [Some(1), Some(3)]);
        assert_eq!(owners(2, 0b111), [Some(0), Some(1)], "consumer 2 idles");
        assert_eq!(owners(3, 0), [None, None, None]);
    }

    #[test]
    fn a_key_always_lands_in_the_same_partition_and_all_partitions_are_used() {
        let mut used = [false; 8];
        for p in 0..100 {
            let k = partition_of(p, 8);
            assert_eq!(k, partition_of(p, 8));
            used[k as usize] = true;
        }
        assert!(used.iter().all(|u| *u));
    }
}
