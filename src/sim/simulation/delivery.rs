//! The broker's side of the conversation: handing messages out, hearing acks, taking messages back.
//!
//! Where a returned message goes decides what a learner sees after a crash. RabbitMQ puts a requeued
//! message (a disconnect, or a nack asking for a requeue) back at its original position, so it is
//! the next delivery; a retry delay built from a TTL retry queue brings it back through a dead-letter
//! exchange as a new arrival at the tail; SQS makes an expired or re-timed message visible again with
//! no promise about order, modelled as the tail.

use super::Sim;
use super::timers::TimerKind;
use crate::sim::broker::{MessageState, Position};
use crate::sim::config::{Millis, RedeliveryMode, RetryWait};
use crate::sim::consumer::{ConsumerState, Delivery, Job, Wait};
use crate::sim::event::{Event, RequeueReason};
use crate::sim::retry::delay_ms;

impl Sim {
    /// Hands ready messages to consumers with room, round robin, until none is ready or none has room.
    pub(super) fn dispatch(&mut self) {
        let n = self.consumers.len();
        // Auto-ack has no unacknowledged messages to count, so the prefetch window never closes.
        let prefetch = (!self.auto_ack()).then_some(self.config.prefetch);
        while self.broker.ready_count() > 0 {
            let mut delivered = false;
            for k in 0..n {
                let c = (self.rr + k) % n;
                if !self.consumers[c].has_capacity(prefetch) {
                    continue;
                }
                let Some(m) = self.broker.pop_ready() else {
                    return;
                };
                self.deliver(m, c as u8);
                delivered = true;
            }
            self.rr = (self.rr + 1) % n;
            if !delivered {
                return;
            }
        }
    }

    fn deliver(&mut self, msg: u32, consumer: u8) {
        let auto_acked = self.auto_ack();
        let payment = self.broker.payment(msg);
        let returned_by = self.broker.message(msg).returned_by;
        let delivery = if auto_acked {
            self.broker.deliver_auto_acked(msg)
        } else {
            self.broker.deliver(msg, consumer)
        };
        let counters = &mut self.metrics.counters;
        counters.deliveries += 1;
        let redelivered = delivery > 1;
        if redelivered {
            counters.redeliveries += 1;
            match returned_by {
                Some(RequeueReason::VisibilityTimeout) => {
                    counters.redelivered_after_visibility += 1
                }
                Some(RequeueReason::Retry) => counters.redelivered_after_retry += 1,
                Some(RequeueReason::Replay) => counters.redelivered_after_replay += 1,
                Some(RequeueReason::Disconnect) | None => {
                    counters.redelivered_after_disconnect += 1
                }
            }
        }
        self.emit(Event::Delivered {
            payment,
            consumer,
            delivery,
            redelivered,
        });
        if auto_acked {
            self.metrics.counters.acks += 1;
            self.emit(Event::Acked { payment, consumer });
        } else if let RedeliveryMode::VisibilityTimeout { timeout_ms } = self.redelivery {
            let at = self.after(timeout_ms as Millis);
            self.schedule(at, TimerKind::VisibilityExpire { msg, delivery });
        }
        self.in_consumer[payment as usize] += 1;
        let c = &mut self.consumers[consumer as usize];
        c.buffer.push_back(Delivery {
            msg,
            payment,
            delivery,
            auto_acked,
        });
        if c.state == ConsumerState::Idle {
            self.wake(consumer);
        }
    }

    /// Makes message `msg` ready again for `reason`, where this broker puts such a message: at its
    /// original position over AMQP, at the tail for SQS.
    pub(super) fn requeue(&mut self, msg: u32, reason: RequeueReason) {
        let position = match (self.redelivery, reason) {
            (RedeliveryMode::OnDisconnect, RequeueReason::Disconnect | RequeueReason::Retry) => {
                Position::Original
            }
            _ => Position::Tail,
        };
        self.requeue_to(msg, reason, position);
    }

    /// Makes message `msg` ready again at the tail (back from a retry queue, or visible again).
    pub(super) fn requeue_at_tail(&mut self, msg: u32, reason: RequeueReason) {
        self.requeue_to(msg, reason, Position::Tail);
    }

    fn requeue_to(&mut self, msg: u32, reason: RequeueReason, position: Position) {
        let payment = self.broker.payment(msg);
        if self
            .broker
            .requeue(msg, self.config.max_deliveries, position)
        {
            self.metrics.counters.dead_lettered += 1;
            self.emit(Event::DeadLettered { payment });
        } else {
            self.broker.set_returned_by(msg, reason);
            self.emit(Event::Requeued { payment, reason });
        }
    }

    /// The consumer's ack for message `msg` goes out; it may be lost on the way.
    pub(super) fn send_ack(&mut self, consumer: u8, msg: u32) {
        if self.broker.topic().is_some() {
            // A log's records are the payments' first messages (no republishes on a log).
            return self.commit_record(consumer, msg);
        }
        let payment = self.broker.payment(msg);
        let lost = std::mem::take(&mut self.lose_next_ack[consumer as usize])
            || self.rng.chance_permille(self.config.lost_ack_permille);
        if lost {
            self.metrics.counters.acks_lost += 1;
            self.emit(Event::AckLost { payment, consumer });
            if self.redelivery == RedeliveryMode::OnDisconnect {
                // Over AMQP an ack only goes missing with its connection: the broker sees a disconnect
                // and takes back everything the consumer held, including what it had not started.
                self.metrics.counters.reconnects += 1;
                self.emit(Event::Reconnected { consumer });
                self.return_held(consumer);
                let c = &mut self.consumers[consumer as usize];
                for d in std::mem::take(&mut c.buffer) {
                    self.in_consumer[d.payment as usize] -= 1;
                }
            }
        } else {
            self.metrics.counters.acks += 1;
            if self.sqs_duplicate_permille > 0 && self.delete_misses_a_copy(msg) {
                self.emit(Event::Acked { payment, consumer });
                return;
            }
            self.broker.ack(msg);
            self.emit(Event::Acked { payment, consumer });
        }
    }

    /// The broker takes back every message `consumer` held unacknowledged.
    pub(super) fn return_held(&mut self, consumer: u8) {
        for m in self.broker.take_held(consumer) {
            if matches!(self.broker.message(m).state, MessageState::InFlight { consumer: c } if c == consumer)
            {
                self.requeue(m, RequeueReason::Disconnect);
            }
        }
    }

    /// The job is over: the consumer lets go of the payment and looks for its next message.
    pub(super) fn finish_job(&mut self, consumer: u8, job: Job, completed: bool) {
        self.in_consumer[job.payment as usize] -= 1;
        if completed {
            self.metrics.counters.completed += 1;
            self.metrics
                .latency
                .record(self.now.saturating_sub(job.started));
            let published = self.broker.message(job.msg).published_at as Millis;
            self.metrics
                .end_to_end
                .record(self.now.saturating_sub(published));
        }
        let c = &mut self.consumers[consumer as usize];
        c.job = None;
        c.state = ConsumerState::Idle;
        c.finished += completed as u64;
        self.wake(consumer);
    }

    /// Processing failed (the gateway refused, failed or timed out): roll back, then let the retry
    /// policy decide when the message comes back — or, with the wait in the consumer, hold it and wait.
    pub(super) fn fail_job(&mut self, consumer: u8, mut job: Job) {
        let (p, m) = (job.payment, job.msg);
        if self.db.rollback(consumer).is_some() {
            self.emit(Event::RolledBack {
                payment: p,
                consumer,
            });
        }
        let owned = matches!(self.broker.message(m).state, MessageState::InFlight { consumer: c } if c == consumer);
        if owned {
            let deliveries = self.broker.message(m).deliveries;
            let delay = delay_ms(self.config.retry, deliveries, &mut self.rng);
            let mut at = self.after(delay as Millis);
            if let Some(b) = self.bucket.as_mut() {
                at = b.reserve(at);
            }
            let delay = (at - self.now).min(u32::MAX as Millis) as u32;
            if self.config.retry_wait == RetryWait::Consumer && delay > 0 {
                job.wait = Wait::Backoff;
                let c = &mut self.consumers[consumer as usize];
                c.job = Some(job);
                let epoch = c.epoch;
                self.emit(Event::RetryWaiting {
                    payment: p,
                    consumer,
                    delay_ms: delay,
                });
                self.schedule(at, TimerKind::StepDone { consumer, epoch });
                return;
            }
            self.nack(consumer, m, delay, at);
        }
        self.finish_job(consumer, job, false);
    }

    /// The consumer nacks message `msg`: back at once (a requeue), or after `delay` in the broker.
    pub(super) fn nack(&mut self, consumer: u8, msg: u32, delay: u32, at: Millis) {
        if self.broker.topic().is_some() {
            return self.nack_record(consumer, msg, delay, at);
        }
        let payment = self.broker.payment(msg);
        self.metrics.counters.nacks += 1;
        self.emit(Event::Nacked {
            payment,
            consumer,
            delay_ms: delay,
        });
        if delay == 0 {
            self.requeue(msg, RequeueReason::Retry);
        } else {
            self.broker.park(msg);
            self.schedule(at, TimerKind::RetryReady { msg });
        }
    }
}
