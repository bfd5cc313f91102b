//! The order service's side: publishing each payment, waiting for its confirm, publishing again when
//! none comes, and the transactional outbox's relay (see [`crate::sim::producer`] for the behaviour
//! followed).
//!
//! The default producer draws nothing from the PRNG and schedules nothing beyond the publishes, so a
//! run without producer settings is exactly the run it was before producers had any.

use super::Sim;
use super::timers::TimerKind;
use crate::sim::config::Millis;
use crate::sim::event::Event;
use crate::sim::producer::MAX_PUBLISHES;

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

    /// Publish number `attempt` of `payment`: the same business payment under a new message id.
    pub(super) fn republish(&mut self, payment: u32, attempt: u8) {
        self.producer_pending -= 1;
        let msg = self.broker.publish_copy(payment, self.now);
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

    /// Did the order service crash before publishing `payment`, so that nothing ever will?
    pub fn never_published(&self, payment: u32) -> bool {
        self.dropped.binary_search(&payment).is_ok()
    }
}
