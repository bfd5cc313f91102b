//! The order service's side: publishing each payment, waiting for its confirm, publishing again when
//! none comes, and the transactional outbox's relay (see [`crate::sim::producer`] for the behaviour
//! followed) — and the SQS queue's answers to it: a FIFO queue's deduplication, a standard queue's
//! missed delete (see [`crate::sim::sqs`]).
//!
//! The default producer draws nothing from the PRNG and schedules nothing beyond the publishes, so a
//! run without producer settings is exactly the run it was before producers had any.

use super::Sim;
use super::timers::TimerKind;
use crate::sim::config::{BrokerKind, KeyedOn, Millis, RedeliveryMode};
use crate::sim::event::Event;
use crate::sim::producer::MAX_PUBLISHES;
use crate::sim::sqs::DEFAULT_VISIBILITY_TIMEOUT_MS;

impl Sim {
    /// The order service takes payment `p`: it commits the payment (with its outbox row, if there is
    /// an outbox) and publishes it — unless it crashes in between without an outbox.
    pub(super) fn produce(&mut self, p: u32) {
        let s = self.config.producer;
        if !s.outbox && self.rng.chance_permille(s.crash_permille) {
            // The dual write's hole: the payment is saved, and nothing will ever publish it.
            self.metrics.counters.publisher_crashes += 1;
            self.dropped.push(p);
            self.emit(Event::PublisherCrashed {
                payment: p,
                relay: false,
            });
            return;
        }
        if self.fifo() {
            // The first send of a payment is never a repeat; it starts its deduplication interval.
            self.dedup.accept(p, self.now);
        }
        self.broker.publish(p, self.now);
        self.metrics.counters.published += 1;
        self.emit(Event::Published { payment: p });
        self.await_confirm(p, 1);
    }

    /// After publish number `attempt` of `p`: the relay may crash before marking the row sent, and
    /// the confirm may never come; either way the payment is published again later.
    fn await_confirm(&mut self, p: u32, attempt: u8) {
        if attempt >= MAX_PUBLISHES {
            return;
        }
        let s = self.config.producer;
        if s.outbox && self.rng.chance_permille(s.crash_permille) {
            self.metrics.counters.publisher_crashes += 1;
            self.emit(Event::PublisherCrashed {
                payment: p,
                relay: true,
            });
            // Back after the restart delay, the relay publishes every row not marked sent.
            let at = self.after(self.config.restart_delay_ms as Millis);
            self.schedule_republish(at, p, attempt + 1);
            return;
        }
        let confirmed = s.confirms && !self.rng.chance_permille(s.lost_confirm_permille);
        if !confirmed {
            let at = self.after(s.confirm_timeout_ms as Millis);
            self.schedule_republish(at, p, attempt + 1);
        }
    }

    fn schedule_republish(&mut self, at: Millis, payment: u32, attempt: u8) {
        self.producer_pending += 1;
        self.schedule(at, TimerKind::Republish { payment, attempt });
    }

    /// Publish number `attempt` of `payment`: the same business payment under a new message id. An
    /// SQS FIFO queue accepts a repeat of a deduplication id inside its interval and drops it; the
    /// producer hears success either way.
    pub(super) fn republish(&mut self, payment: u32, attempt: u8) {
        self.producer_pending -= 1;
        if self.fifo() {
            let msg = self.broker.allocate_copy(payment);
            let id = match self.config.strategy.key {
                KeyedOn::Payment => payment,
                KeyedOn::Message => msg,
            };
            if !self.dedup.accept(id, self.now) {
                self.metrics.counters.fifo_dropped += 1;
                self.emit(Event::FifoDropped { payment, msg });
                self.await_confirm(payment, attempt);
                return;
            }
            self.broker.publish(msg, self.now);
            self.republished(payment, msg, attempt);
            return;
        }
        let msg = self.broker.publish_copy(payment, self.now);
        self.republished(payment, msg, attempt);
    }

    fn republished(&mut self, payment: u32, msg: u32, attempt: u8) {
        let counters = &mut self.metrics.counters;
        counters.published += 1;
        counters.republished += 1;
        self.emit(Event::Republished {
            payment,
            msg,
            relay: self.config.producer.outbox,
        });
        self.await_confirm(payment, attempt);
    }

    /// Is the broker an SQS FIFO queue?
    pub(super) fn fifo(&self) -> bool {
        matches!(self.config.broker, BrokerKind::Sqs(s) if s.fifo)
    }

    /// The consumer deleted message `msg`. On an SQS standard queue the delete may miss a stored copy,
    /// which is received again once its visibility timeout runs out; returns true if it did.
    #[cold]
    pub(super) fn delete_misses_a_copy(&mut self, msg: u32) -> bool {
        if !self.rng.chance_permille(self.sqs_duplicate_permille) {
            return false;
        }
        self.metrics.counters.sqs_duplicates += 1;
        let payment = self.broker.payment(msg);
        self.emit(Event::SqsDuplicate { payment, msg });
        self.broker.park(msg);
        let timeout = match self.redelivery {
            RedeliveryMode::VisibilityTimeout { timeout_ms } => timeout_ms,
            RedeliveryMode::OnDisconnect => DEFAULT_VISIBILITY_TIMEOUT_MS,
        };
        let at = self.after(timeout as Millis);
        self.schedule(at, TimerKind::CopyVisible { msg });
        true
    }

    /// Did the order service crash before publishing `payment`, so that nothing ever will?
    pub fn never_published(&self, payment: u32) -> bool {
        self.dropped.binary_search(&payment).is_ok()
    }
}
