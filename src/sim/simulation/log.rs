//! The consumer group's side of a Kafka-like log: polls, offset commits, rebalances, replays.
//!
//! The consumer's steps are the queue's; what differs is what the broker remembers. A log never
//! forgets a record: the group remembers one committed offset per partition, and a consumer that
//! takes a partition over — after a crash, or when a consumer joins or leaves — starts reading at
//! that offset, so everything after it is read again (Kafka documentation, "Design — Consumer
//! Position" and "Message Delivery Semantics"). The ack timing reads as when offsets are committed
//! ([`CommitMode`]):
//! - auto: every `auto_commit_interval_ms` the consumer commits the position after the last record it
//!   fetched, processed or not (`enable.auto.commit`). Kafka commits inside `poll()`; a timer that
//!   commits while records are still being processed is what a consumer that polls on one thread and
//!   processes on another gets (the `KafkaConsumer` javadoc, "Automatic Offset Committing");
//! - manual ack first / after commit: the consumer commits the record's offset before processing it,
//!   or after its database commit (`commitSync`);
//! - offsets in the transaction: the offset is written with the ledger row and committed with it, and
//!   the consumer resumes from the database's offset ("Storing Offsets Outside Kafka" in the
//!   `KafkaConsumer` documentation).
//!
//! A failed record cannot be nacked alone, since the offset is one number per partition. The consumer
//! here does what common error handlers do (Spring for Apache Kafka's `DefaultErrorHandler`): it seeks
//! back to the failed record and retries it in place, holding up its partition, after the retry
//! policy's delay; at the delivery limit it publishes it to a dead-letter topic and commits past it.

use super::Sim;
use super::timers::TimerKind;
use crate::sim::broker::MessageState;
use crate::sim::broker::log::{Partition, Topic, partition_of};
use crate::sim::config::{CommitMode, Millis};
use crate::sim::consumer::{ConsumerState, Delivery, Job};
use crate::sim::event::{Event, RequeueReason};

// The entry points are never inlined: the queue's hot loop calls them behind a branch it never
// takes, and inlining them there made the queue's code slower.
impl Sim {
    /// The consumers that are up, a bit each.
    fn up(&self) -> u8 {
        self.consumers
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_down())
            .fold(0, |m, (i, _)| m | 1 << i)
    }

    /// The log (only called on a log broker; one panic site for all).
    fn topic(&self) -> &Topic {
        self.broker.topic().expect("a log")
    }

    /// The log, to change.
    fn topic_mut(&mut self) -> &mut Topic {
        self.broker.topic_mut().expect("a log")
    }

    /// How offsets are committed right now (the strategy's ack timing, read for a log).
    fn commit_mode(&self) -> CommitMode {
        self.config
            .broker
            .log()
            .map_or(CommitMode::AfterProcessing, |l| {
                l.commit_mode(self.config.strategy.ack_timing)
            })
    }

    /// A member left or joined: the group reassigns the partitions.
    #[inline(never)]
    pub(super) fn rebalance_log(&mut self) {
        let up = self.up();
        if let Some(t) = self.broker.topic_mut() {
            t.rebalance(up);
        }
    }

    /// Every idle consumer with nothing left from its last poll polls again.
    #[inline(never)]
    pub(super) fn poll_log(&mut self) {
        for c in 0..self.consumers.len() {
            let con = &self.consumers[c];
            if con.state == ConsumerState::Idle && con.job.is_none() && con.buffer.is_empty() {
                self.poll(c as u8);
            }
        }
    }

    /// One poll of `consumer`: first it hands over the partitions a rebalance gave to others (with
    /// automatic commits, committing its position in them first, as Kafka's consumer does when it
    /// rejoins the group), then it fetches up to `prefetch` records (`max.poll.records`) from its
    /// partitions in offset order, one partition after another, starting with a different one each
    /// time.
    fn poll(&mut self, consumer: u8) {
        let mode = self.commit_mode();
        let Some(t) = self.broker.topic() else {
            return;
        };
        let n = t.partitions.len();
        for p in 0..n {
            let part = &self.topic().partitions[p];
            if part.owner != Some(consumer) {
                continue;
            }
            if let Some(next) = part.handover {
                if mode == CommitMode::Auto {
                    let position = part.position;
                    self.commit_partition(p, position, consumer);
                }
                let part = &mut self.topic_mut().partitions[p];
                part.owner = Some(next);
                part.handover = None;
                part.reset = true;
            }
        }
        let start = self
            .broker
            .topic()
            .map_or(0, |t| t.next_partition[consumer as usize]) as usize;
        let (max, mut taken) = (self.config.prefetch as usize, 0);
        for k in 0..n {
            let p = (start + k) % n;
            let part = &self.topic().partitions[p];
            if part.owner != Some(consumer) {
                continue;
            }
            if part.reset {
                let back = self.broker.rewind(p);
                self.return_range(p, back);
            }
            loop {
                let part = &self.topic().partitions[p];
                if taken == max || part.paused || part.position as usize >= part.records.len() {
                    break;
                }
                let payment = part.records[part.position as usize];
                if let Some(t) = self.broker.topic_mut() {
                    t.partitions[p].position += 1;
                }
                if self.broker.message(payment).state == MessageState::Ready {
                    self.fetch(payment, consumer, mode);
                    taken += 1;
                }
            }
        }
        let Some(t) = self.broker.topic_mut() else {
            return;
        };
        t.next_partition[consumer as usize] = ((start + 1) % n) as u8;
        if mode == CommitMode::Auto {
            for part in &mut t.partitions {
                if part.owner == Some(consumer) {
                    part.auto_upto = part.position;
                }
            }
        }
        if taken > 0 && mode == CommitMode::Auto && !t.auto_commit_scheduled {
            t.auto_commit_scheduled = true;
            let every = t.settings.auto_commit_interval_ms.max(1) as Millis;
            let at = (self.now / every).saturating_add(1).saturating_mul(every);
            self.schedule(at, TimerKind::AutoCommit);
        }
    }

    /// `payment`'s record goes to `consumer` in a poll.
    fn fetch(&mut self, payment: u32, consumer: u8, mode: CommitMode) {
        let returned_by = self.broker.message(payment).returned_by;
        let delivery = self.broker.deliver(payment, consumer);
        // A log record is read again only after `return_record`, which names a replay or a retry:
        // no disconnect or visibility timeout to count it under.
        debug_assert!(
            delivery == 1
                || matches!(
                    returned_by,
                    Some(RequeueReason::Replay | RequeueReason::Retry)
                ),
            "record of payment {payment} read again with returned_by {returned_by:?}"
        );
        self.note_delivery(payment, consumer, delivery, returned_by);
        self.in_consumer[payment as usize] += 1;
        let c = &mut self.consumers[consumer as usize];
        // With automatic commits or offsets in the database there is no commit for the ack step to
        // send: like an auto-acked delivery, it is a marker.
        c.buffer.push_back(Delivery {
            msg: payment,
            payment,
            delivery,
            auto_acked: matches!(mode, CommitMode::Auto | CommitMode::InTransaction),
        });
        self.wake(consumer);
    }

    /// Commits `offset` in partition `p` for `consumer`: each record newly below it is done (an
    /// `Acked` event each, as an ack is on the queue).
    fn commit_partition(&mut self, p: usize, offset: u32, consumer: u8) {
        for o in self.broker.commit_offset(p, offset) {
            let payment = self.broker.record(p, o);
            if self.broker.settle(payment) {
                self.metrics.counters.acks += 1;
                self.emit(Event::Acked { payment, consumer });
            }
        }
    }

    /// The records at `offsets` of partition `p` will be read again.
    fn return_range(&mut self, p: usize, offsets: std::ops::Range<u32>) {
        for o in offsets {
            let payment = self.broker.record(p, o);
            if self.broker.return_record(payment, RequeueReason::Replay) {
                self.emit(Event::Requeued {
                    payment,
                    reason: RequeueReason::Replay,
                });
            }
        }
    }

    /// The automatic commit: each owned partition's position is committed. After a change of strategy
    /// away from automatic commits, only what was fetched under them is (it has no commit step).
    #[inline(never)]
    pub(super) fn auto_commit(&mut self) {
        let auto = self.commit_mode() == CommitMode::Auto;
        let Some(t) = self.broker.topic_mut() else {
            return;
        };
        t.auto_commit_scheduled = false;
        let upto = |p: &Partition| {
            if auto {
                p.position
            } else {
                p.auto_upto.min(p.position)
            }
        };
        for p in 0..t.partitions.len() {
            let part = &self.topic().partitions[p];
            if let Some(owner) = part.owner
                && !part.reset
            {
                let offset = upto(part);
                self.commit_partition(p, offset, owner);
            }
        }
        let t = self.topic_mut();
        if t.partitions.iter().any(|p| upto(p) > p.committed) {
            t.auto_commit_scheduled = true;
            let every = t.settings.auto_commit_interval_ms.max(1) as Millis;
            let at = self.after(every);
            self.schedule(at, TimerKind::AutoCommit);
        }
    }

    /// The ack step on a log: the consumer commits the offset after `payment`'s record. A commit is
    /// lost only with the consumer's connection, as an ack is over AMQP: the group drops the member,
    /// which joins again and resumes its partitions from their committed offsets, dropping what it had
    /// fetched (the record in hand is finished first).
    #[inline(never)]
    pub(super) fn commit_record(&mut self, consumer: u8, payment: u32) {
        let lost = std::mem::take(&mut self.lose_next_ack[consumer as usize])
            || self.rng.chance_permille(self.config.lost_ack_permille);
        if lost {
            self.metrics.counters.acks_lost += 1;
            self.emit(Event::AckLost { payment, consumer });
            self.metrics.counters.reconnects += 1;
            self.emit(Event::Reconnected { consumer });
            let c = &mut self.consumers[consumer as usize];
            for d in std::mem::take(&mut c.buffer) {
                self.in_consumer[d.payment as usize] -= 1;
            }
            if let Some(t) = self.broker.topic_mut() {
                for part in &mut t.partitions {
                    if part.owner == Some(consumer) {
                        part.reset = true;
                    }
                }
            }
            return;
        }
        let (p, offset) = self.topic().locate(payment);
        self.commit_partition(p, offset + 1, consumer);
    }

    /// At the ledger write, with offsets in the transaction: the offset after the job's record is
    /// written with the ledger row (or, when the processed-record check found the record done and the
    /// ledger write is skipped, in its place, so the offset still moves). In an open transaction it is
    /// stored when that commits; without one, at once.
    #[inline(never)]
    pub(super) fn offset_with_ledger(&mut self, consumer: u8, job: &Job) {
        if !self.topic().settings.offsets_in_transaction {
            return;
        }
        let (p, offset) = self.topic().locate(job.payment);
        if self.db.tx(consumer).is_some() {
            if let Some(t) = self.broker.topic_mut() {
                t.pending[consumer as usize] = Some((p as u8, offset + 1, job.payment));
            }
        } else {
            self.commit_partition(p, offset + 1, consumer);
        }
    }

    /// `consumer`'s transaction for `payment` committed: the offset written in it is stored.
    #[inline(never)]
    pub(super) fn offset_committed_with_tx(&mut self, consumer: u8, payment: u32) {
        let pending = self
            .broker
            .topic_mut()
            .and_then(|t| t.pending[consumer as usize].take());
        if let Some((p, offset, pay)) = pending
            && pay == payment
        {
            self.commit_partition(p as usize, offset, consumer);
        }
    }

    /// A failed record on a log: retried in place (the partition seeks back to it and waits out the
    /// delay), or at the delivery limit published to the dead-letter topic and committed past.
    #[inline(never)]
    pub(super) fn nack_record(&mut self, consumer: u8, payment: u32, delay: u32, at: Millis) {
        if !matches!(self.broker.message(payment).state, MessageState::InFlight { consumer: c } if c == consumer)
        {
            // An automatic commit covered the record while the consumer waited to retry it: the
            // offset is past it, so it is not read again (lost, as with an early ack).
            return;
        }
        self.metrics.counters.nacks += 1;
        self.emit(Event::Nacked {
            payment,
            consumer,
            delay_ms: delay,
        });
        let (p, offset) = self.topic().locate(payment);
        let max = self.config.max_deliveries;
        if max > 0 && self.broker.message(payment).deliveries >= max as u16 {
            self.broker.dead_letter_record(payment);
            self.metrics.counters.dead_lettered += 1;
            self.emit(Event::DeadLettered { payment });
            self.commit_partition(p, offset + 1, consumer);
            return;
        }
        let back = self.broker.seek_back(p, offset, delay > 0);
        let partitions = self.topic().partitions.len() as u8;
        // What the consumer fetched after the failed record is dropped, to be fetched again.
        let buffer = &mut self.consumers[consumer as usize].buffer;
        for d in std::mem::take(buffer) {
            if partition_of(d.payment, partitions) as usize == p {
                self.in_consumer[d.payment as usize] -= 1;
            } else {
                buffer.push_back(d);
            }
        }
        self.return_range(p, back);
        if delay > 0 {
            self.broker.park(payment);
            self.schedule(at, TimerKind::RetryReady { msg: payment });
        } else {
            self.broker.return_record(payment, RequeueReason::Retry);
            self.emit(Event::Requeued {
                payment,
                reason: RequeueReason::Retry,
            });
        }
    }

    /// A failed record's retry delay is over: its partition is read again from it.
    #[inline(never)]
    pub(super) fn retry_record(&mut self, payment: u32) {
        if self.broker.message(payment).state != MessageState::Waiting {
            return;
        }
        let (p, _) = self.topic().locate(payment);
        self.broker.resume(p);
        self.broker.return_record(payment, RequeueReason::Retry);
        self.emit(Event::Requeued {
            payment,
            reason: RequeueReason::Retry,
        });
    }
}
