//! Calls to the card gateway: the one step that waits on someone else.
//!
//! A consumer submits a call and waits for the answer, up to its call timeout. Giving up does not
//! cancel the call: the gateway still works through it and may charge the card with nobody left to
//! record it — a late charge. Without the idempotency key, the retry that follows charges again.

use super::Sim;
use super::machine::Flow;
use super::timers::TimerKind;
use crate::sim::config::Step;
use crate::sim::consumer::{Job, Wait};
use crate::sim::event::Event;
use crate::sim::gateway::{Call, ChargeResult, service_time};

impl Sim {
    /// Starts the charge step: a refused connection fails fast; otherwise the call joins the gateway.
    pub(super) fn begin_charge(&mut self, consumer: u8, mut job: Job) -> Flow {
        let epoch = self.consumers[consumer as usize].epoch;
        if self.gateway_refuses() {
            // A gateway that is down refuses the connection at once: failures are fast, which is
            // what lets immediate retries spin.
            job.wait = Wait::Refused;
            self.consumers[consumer as usize].job = Some(job);
            let at = self.after(1);
            self.schedule(at, TimerKind::StepDone { consumer, epoch });
            return Flow::Blocked;
        }
        let serving = !self.gateway_hangs();
        let call = Call {
            payment: job.payment,
            consumer,
            epoch,
            key: job.strategy.gateway_key.then(|| job.key()),
            abandoned: false,
        };
        let (id, started) = self.gateway.submit(call, serving);
        let deadline = self.after(self.config.call_timeout_ms as u64);
        job.wait = Wait::Gateway { call: id, deadline };
        self.consumers[consumer as usize].job = Some(job);
        let answer_at = if started {
            Some(self.start_call(id))
        } else {
            if !serving {
                self.schedule_resume();
            }
            None
        };
        if answer_at.is_none_or(|t| t > deadline) {
            self.schedule(
                deadline,
                TimerKind::CallTimeout {
                    consumer,
                    epoch,
                    call: id,
                    deadline,
                },
            );
        }
        Flow::Blocked
    }

    /// Call `id` takes a slot: schedules its answer; returns when it comes.
    fn start_call(&mut self, id: u32) -> u64 {
        let base = self.latency(Step::Charge);
        let d = service_time(base, self.gateway.slowdown()).max(1);
        let at = self.after(d);
        self.schedule(at, TimerKind::CallDone { call: id });
        at
    }

    /// A hanging gateway answers again when the outage ends.
    fn schedule_resume(&mut self) {
        if self.resume_scheduled {
            return;
        }
        if let Some(o) = self.config.gateway.outage {
            self.resume_scheduled = true;
            self.schedule(o.until_ms.max(self.now), TimerKind::GatewayResume);
        }
    }

    /// Waiting calls take the slots that are free (unless the gateway hangs).
    pub(super) fn serve_waiting_calls(&mut self) {
        if self.gateway_hangs() {
            self.schedule_resume();
            return;
        }
        while let Some(id) = self.gateway.start_next() {
            self.start_call(id);
        }
    }

    /// The gateway answers call `id`. The money moves (or not) whether or not anyone still waits.
    pub(super) fn call_done(&mut self, id: u32) {
        let Some(call) = self.gateway.finish(id) else {
            return;
        };
        let p = call.payment;
        let attempt = self.gateway.count_attempt(p);
        let failed = attempt < self.config.gateway.fail_first_attempts
            || self
                .rng
                .chance_permille(self.config.gateway.failure_permille);
        let result = self.gateway.charge(p, call.key, failed, self.now);
        let consumer = call.consumer;
        match result {
            ChargeResult::Charged => {
                self.metrics.counters.charges += 1;
                if self.gateway.charges(p) > 1 {
                    self.metrics.counters.duplicates_slipped += 1;
                }
                if call.abandoned {
                    self.metrics.counters.late_charges += 1;
                }
                self.emit(Event::Charged {
                    payment: p,
                    consumer,
                    replayed: false,
                    late: call.abandoned,
                });
            }
            ChargeResult::Replayed => {
                self.metrics.counters.duplicates_detected += 1;
                self.emit(Event::Charged {
                    payment: p,
                    consumer,
                    replayed: true,
                    late: call.abandoned,
                });
            }
            ChargeResult::Failed => {
                self.metrics.counters.charge_failures += 1;
                self.emit(Event::ChargeFailed {
                    payment: p,
                    consumer,
                });
            }
        }
        self.serve_waiting_calls();
        if call.abandoned {
            return;
        }
        let c = &self.consumers[consumer as usize];
        let Some(job) = c.job.filter(|j| {
            c.epoch == call.epoch && matches!(j.wait, Wait::Gateway { call: w, .. } if w == id)
        }) else {
            return;
        };
        let flow = if result == ChargeResult::Failed {
            self.fail_job(consumer, job);
            Flow::Done
        } else {
            self.boundary(consumer, job, Step::Charge)
        };
        if let Flow::Continue = flow {
            self.wake(consumer);
        }
    }

    /// The consumer's call timeout ran out before the answer came: it gives up on the call (which the
    /// gateway still serves) and treats the charge as failed.
    pub(super) fn call_timeout(&mut self, consumer: u8, epoch: u32, id: u32, deadline: u64) {
        let c = &self.consumers[consumer as usize];
        let Some(job) = c
            .job
            .filter(|j| c.epoch == epoch && j.wait == Wait::Gateway { call: id, deadline })
        else {
            return;
        };
        self.gateway.abandon(id);
        self.metrics.counters.charge_timeouts += 1;
        self.emit(Event::ChargeTimedOut {
            payment: job.payment,
            consumer,
        });
        self.fail_job(consumer, job);
    }

    /// The gateway refused the call: a fast failure.
    pub(super) fn charge_failed(&mut self, consumer: u8, job: Job) -> Flow {
        self.metrics.counters.charge_failures += 1;
        self.emit(Event::ChargeFailed {
            payment: job.payment,
            consumer,
        });
        self.fail_job(consumer, job);
        Flow::Done
    }
}
