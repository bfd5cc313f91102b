//! What happens when: the timer heap, the clock, and the loop that settles each instant.

use super::Sim;
use crate::sim::broker::MessageState;
use crate::sim::config::{Millis, OutageKind};
use crate::sim::consumer::ConsumerState;
use crate::sim::event::{Event, RequeueReason};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum TimerKind {
    /// The producer publishes the next payment.
    Publish,
    /// A consumer's current step ends (or its retry wait does).
    StepDone { consumer: u8, epoch: u32 },
    /// A crashed consumer comes back.
    Restart { consumer: u8, epoch: u32 },
    /// A delivery's visibility timeout runs out.
    VisibilityExpire { msg: u32, delivery: u16 },
    /// A nacked message's retry delay is over.
    RetryReady { msg: u32 },
    /// The gateway finishes serving a call.
    CallDone { call: u32 },
    /// A consumer stops waiting for the gateway.
    CallTimeout {
        consumer: u8,
        epoch: u32,
        call: u32,
        deadline: Millis,
    },
    /// A hanging gateway starts answering again.
    GatewayResume,
    /// The producer (or the outbox relay) publishes `payment` again: its publish number `attempt`.
    Republish { payment: u32, attempt: u8 },
    /// A copy of message `msg` that an SQS delete missed becomes visible again.
    CopyVisible { msg: u32 },
    /// A log's consumers commit their positions (automatic commits).
    AutoCommit,
}

/// A scheduled timer. Timers fire in (time, sequence) order; the sequence number is unique, so the
/// pair packed into one `u128` is a total order that costs a single comparison in the heap.
#[derive(Clone, Copy, Debug)]
pub(super) struct Timer {
    /// `at << 64 | seq`.
    key: u128,
    pub(super) kind: TimerKind,
}

impl Timer {
    #[inline(always)]
    pub(super) fn at(&self) -> Millis {
        (self.key >> 64) as Millis
    }
}

impl PartialEq for Timer {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Timer {}

impl PartialOrd for Timer {
    #[inline(always)]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timer {
    /// Reversed, so the standard max-heap pops the earliest timer.
    #[inline(always)]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.key.cmp(&self.key)
    }
}

impl Sim {
    #[inline(always)]
    pub(super) fn schedule(&mut self, at: Millis, kind: TimerKind) {
        self.timer_seq += 1;
        self.timers.push(Timer {
            key: (at as u128) << 64 | self.timer_seq as u128,
            kind,
        });
    }

    /// `now + d`, saturating: simulated time never wraps.
    #[inline(always)]
    pub(super) fn after(&self, d: Millis) -> Millis {
        self.now.saturating_add(d)
    }

    pub(super) fn advance_clock(&mut self, t: Millis) {
        while let Some(due) = self.metrics.due(t) {
            let oldest = self.broker.oldest_ready();
            let age = oldest.map_or(0, |p| {
                due.saturating_sub(self.broker.message(p).published_at as Millis)
            });
            let dlq = self.broker.dead_letter().len() as u32;
            self.metrics.sample(
                self.broker.ready_count(),
                self.broker.in_flight_count(),
                dlq,
                age.min(u32::MAX as Millis) as u32,
                self.gateway.load(),
            );
        }
        self.now = t;
    }

    pub(super) fn handle(&mut self, kind: TimerKind) {
        match kind {
            TimerKind::Publish => self.publish(),
            TimerKind::StepDone { consumer, epoch } => {
                if self.consumers[consumer as usize].epoch == epoch {
                    self.step_done(consumer);
                }
            }
            TimerKind::Restart { consumer, epoch } => {
                let c = &mut self.consumers[consumer as usize];
                if c.epoch == epoch && c.is_down() {
                    c.state = ConsumerState::Idle;
                    c.restarts += 1;
                    self.metrics.counters.restarts += 1;
                    self.emit(Event::Restarted { consumer });
                    if self.broker.topic().is_some() {
                        // It joins the group again: a rebalance.
                        self.rebalance_log();
                    }
                    self.wake(consumer);
                }
            }
            TimerKind::VisibilityExpire { msg, delivery } => {
                let m = self.broker.message(msg);
                if matches!(m.state, MessageState::InFlight { .. }) && m.deliveries == delivery {
                    self.requeue(msg, RequeueReason::VisibilityTimeout);
                }
            }
            TimerKind::RetryReady { msg } if self.broker.topic().is_some() => {
                self.retry_record(msg)
            }
            TimerKind::RetryReady { msg } => {
                if self.broker.message(msg).state == MessageState::Waiting {
                    // Back from the retry queue (or visible again): a new arrival, at the tail.
                    self.requeue_at_tail(msg, RequeueReason::Retry);
                }
            }
            TimerKind::CallDone { call } => self.call_done(call),
            TimerKind::CallTimeout {
                consumer,
                epoch,
                call,
                deadline,
            } => self.call_timeout(consumer, epoch, call, deadline),
            TimerKind::GatewayResume => {
                self.resume_scheduled = false;
                self.serve_waiting_calls();
            }
            TimerKind::Republish { payment, attempt } => self.republish(payment, attempt),
            TimerKind::CopyVisible { msg } => {
                if self.broker.message(msg).state == MessageState::Waiting {
                    self.requeue_at_tail(msg, RequeueReason::VisibilityTimeout);
                }
            }
            TimerKind::AutoCommit => self.auto_commit(),
        }
    }

    /// Settles the current instant: hands ready messages out and runs every consumer that has work,
    /// until nothing more happens now. A loop, never a recursion, however much chains at one instant.
    pub(super) fn drain(&mut self) {
        // A log's consumers poll instead of being dispatched to. The choice is read once per drain:
        // a check inside `dispatch` cost the queue's workload 3.3% more instructions, a loop of its
        // own for the log 2.4% (the consumer's steps were no longer inlined here); this, 1.2%.
        let log = self.broker.topic().is_some();
        loop {
            if self.halt.is_some() {
                return;
            }
            if log {
                self.poll_log();
            } else {
                self.dispatch();
            }
            if self.runnable == 0 {
                return;
            }
            let c = self.runnable.trailing_zeros() as u8;
            self.runnable &= !(1 << c);
            self.run_consumer(c);
        }
    }

    /// Marks `consumer` as having work to do at this instant.
    #[inline(always)]
    pub(super) fn wake(&mut self, consumer: u8) {
        self.runnable |= 1 << consumer;
    }

    /// Is the gateway hanging (accepting calls without answering) right now?
    pub(super) fn gateway_hangs(&self) -> bool {
        self.config
            .gateway
            .outage
            .is_some_and(|o| o.kind == OutageKind::Hang && o.covers(self.now))
    }

    /// Is the gateway refusing calls right now?
    pub(super) fn gateway_refuses(&self) -> bool {
        self.config
            .gateway
            .outage
            .is_some_and(|o| o.kind == OutageKind::Refuse && o.covers(self.now))
    }

    fn publish(&mut self) {
        let p = self.published;
        if self.config.producer.can_misbehave() {
            self.produce(p);
            self.published += 1;
        } else {
            self.broker.publish(p, self.now);
            self.published += 1;
            self.metrics.counters.published += 1;
            self.emit(Event::Published { payment: p });
        }
        if self.published < self.config.payments {
            let at = self.after(self.config.publish_interval_ms as Millis);
            self.schedule(at, TimerKind::Publish);
        }
    }
}
