//! Crashes: armed at a boundary or fired by hand, and the restart that follows.
//!
//! A crash erases the consumer's memory — its job, its buffered deliveries, its open transaction —
//! and nothing else. What happens next is the broker's doing: over AMQP it notices the disconnect and
//! puts the unacknowledged messages back where they were; with auto-ack there is nothing to put back.

use super::Sim;
use super::timers::TimerKind;
use crate::sim::command::{ArmMode, CrashPoint};
use crate::sim::config::{Millis, RedeliveryMode, Step};
use crate::sim::consumer::{ConsumerState, Wait};
use crate::sim::event::Event;

/// [`CrashPoint::after`] as a direct match: it runs at every step boundary of every job.
#[inline]
pub(super) fn boundary_after(step: Step) -> Option<CrashPoint> {
    match step {
        Step::Receive => Some(CrashPoint::AfterReceive),
        Step::CheckRecord => Some(CrashPoint::AfterCheck),
        Step::Charge => Some(CrashPoint::AfterCharge),
        Step::WriteLedger => Some(CrashPoint::AfterLedgerWrite),
        Step::Commit => Some(CrashPoint::AfterCommit),
        Step::Ack => Some(CrashPoint::AfterAck),
        Step::BeginTx | Step::WriteRecord => None,
    }
}

impl Sim {
    /// Counts a pass of `consumer` at `point` against every matching armed crash; true if one fires.
    pub(super) fn should_crash(&mut self, consumer: u8, point: CrashPoint) -> bool {
        let mut fire = false;
        for a in self.armed.iter_mut() {
            if a.point != point || a.consumer.is_some_and(|c| c != consumer) {
                continue;
            }
            a.passes = a.passes.saturating_add(1);
            let hit = match a.mode {
                ArmMode::Once => a.fired == 0,
                ArmMode::Always => true,
                ArmMode::EveryKth(k) => a.passes % k.max(1) == 0,
            };
            if hit && !fire {
                a.fired = a.fired.saturating_add(1);
                fire = true;
            }
        }
        fire
    }

    /// Kills `consumer` now, at `point`.
    pub(super) fn crash(&mut self, consumer: u8, point: CrashPoint) {
        let until = self.after(self.config.restart_delay_ms as Millis);
        let c = &mut self.consumers[consumer as usize];
        c.epoch = c.epoch.wrapping_add(1);
        c.state = ConsumerState::Down { until };
        let epoch = c.epoch;
        let job = c.job.take();
        let buffered = std::mem::take(&mut c.buffer);
        self.metrics.counters.crashes += 1;
        self.emit(Event::Crashed {
            consumer,
            point,
            payment: job.map(|j| j.payment),
        });
        if let Some(Wait::Gateway { call, .. }) = job.map(|j| j.wait) {
            // The call is out of the consumer's hands: the gateway answers nobody.
            self.gateway.abandon(call);
        }
        if let Some(tx) = self.db.rollback(consumer) {
            self.emit(Event::RolledBack {
                payment: tx.payment,
                consumer,
            });
        }
        for p in job
            .map(|j| j.payment)
            .into_iter()
            .chain(buffered.iter().map(|d| d.payment))
        {
            self.in_consumer[p as usize] -= 1;
        }
        if self.broker.topic().is_some() {
            // A log's group notices the member gone and gives its partitions to the others.
            self.rebalance_log();
        } else if self.redelivery == RedeliveryMode::OnDisconnect {
            self.return_held(consumer);
        }
        self.schedule(until, TimerKind::Restart { consumer, epoch });
    }
}
