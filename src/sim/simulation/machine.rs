//! The consumer's step machine, one method per step:
//! `receive → begin tx → check record → charge card → write ledger → write record → commit → ack`
//! (the ack moves to right after receive when it is sent first, or is the delivery itself).
//!
//! A step either takes time (its end is a timer) or happens at once; a crash can land on the boundary
//! after any of them. Everything here runs inside [`Sim::drain`]'s loop: finishing a job only marks
//! the consumer runnable again, so a chain of instant failures is iteration, not recursion.

use super::Sim;
use super::timers::TimerKind;
use crate::sim::config::{LedgerWrite, Millis, Step};
use crate::sim::consumer::{ConsumerState, Job, Wait};
use crate::sim::db::WriteResult;
use crate::sim::event::Event;

/// What a step left the job doing.
pub(super) enum Flow {
    /// On to the next step now.
    Continue,
    /// Waiting for a timer (a step's end, the gateway, a retry wait).
    Blocked,
    /// The job is over (finished, failed or crashed): the consumer looks for its next message.
    Done,
}

impl Sim {
    /// Runs `consumer` until it waits for something or has nothing to do.
    pub(super) fn run_consumer(&mut self, consumer: u8) {
        loop {
            if self.halt.is_some() {
                return;
            }
            if self.consumers[consumer as usize].job.is_none() && !self.start_next(consumer) {
                return;
            }
            if let Flow::Blocked = self.advance(consumer) {
                return;
            }
        }
    }

    /// Takes the next buffered delivery, if the consumer is idle and has one.
    fn start_next(&mut self, consumer: u8) -> bool {
        let strategy = self.config.strategy;
        let now = self.now;
        let c = &mut self.consumers[consumer as usize];
        if c.state != ConsumerState::Idle {
            return false;
        }
        let Some(d) = c.buffer.pop_front() else {
            return false;
        };
        c.job = Some(Job {
            msg: d.msg,
            payment: d.payment,
            delivery: d.delivery,
            started: now,
            pos: 0,
            strategy,
            skip_effects: false,
            auto_acked: d.auto_acked,
            wait: Wait::Step,
        });
        c.state = ConsumerState::Working;
        true
    }

    /// Walks the job's steps from where it is: schedules the end of a step that takes time, and
    /// completes instant and skipped steps on the spot.
    fn advance(&mut self, consumer: u8) -> Flow {
        loop {
            let Some(job) = self.consumers[consumer as usize].job else {
                return Flow::Done;
            };
            let step = job.step();
            if job.runs(step, self.db.tx(consumer).is_some()) {
                if step == Step::Charge {
                    return self.begin_charge(consumer, job);
                }
                let d = self.latency(step);
                if d > 0 {
                    let epoch = self.consumers[consumer as usize].epoch;
                    let at = self.after(d);
                    self.schedule(at, TimerKind::StepDone { consumer, epoch });
                    return Flow::Blocked;
                }
            }
            match self.complete_step(consumer, job) {
                Flow::Continue => continue,
                other => return other,
            }
        }
    }

    /// The timer of `consumer`'s current step (or of its retry wait) went off.
    pub(super) fn step_done(&mut self, consumer: u8) {
        let Some(job) = self.consumers[consumer as usize].job else {
            return;
        };
        let flow = match job.wait {
            Wait::Backoff => {
                // The wait is over: nack with a requeue, and move on.
                self.nack(consumer, job.msg, 0, self.now);
                self.finish_job(consumer, job, false);
                Flow::Done
            }
            Wait::Refused => self.charge_failed(consumer, job),
            Wait::Step | Wait::Gateway { .. } => self.complete_step(consumer, job),
        };
        if let Flow::Continue = flow {
            self.wake(consumer);
        }
    }

    /// Applies the effect of the job's current step, then what happens at the boundary after it.
    pub(super) fn complete_step(&mut self, consumer: u8, mut job: Job) -> Flow {
        let step = job.step();
        if job.runs(step, self.db.tx(consumer).is_some()) {
            match step {
                Step::Receive | Step::Charge => {}
                Step::BeginTx => self.db.begin(consumer, job.payment),
                Step::CheckRecord => self.check_record(consumer, &mut job),
                Step::WriteLedger => self.write_ledger(consumer, &job),
                Step::WriteRecord => self.write_record(consumer, &mut job),
                Step::Commit => self.commit(consumer, &job),
                Step::Ack => self.send_ack(consumer, job.msg),
            }
        }

        self.boundary(consumer, job, step)
    }

    /// The boundary after `step`: an armed crash may fire here; otherwise on to the next step, or the
    /// job is done.
    pub(super) fn boundary(&mut self, consumer: u8, mut job: Job, step: Step) -> Flow {
        if self.consumers[consumer as usize].job.is_none() {
            return Flow::Done;
        }
        if !self.armed.is_empty()
            && let Some(point) = super::crash::boundary_after(step)
            && self.should_crash(consumer, point)
        {
            self.crash(consumer, point);
            return Flow::Done;
        }
        job.pos += 1;
        job.wait = Wait::Step;
        if job.pos as usize == Step::ALL.len() {
            self.finish_job(consumer, job, true);
            return Flow::Done;
        }
        self.consumers[consumer as usize].job = Some(job);
        Flow::Continue
    }

    /// How long `step` takes this time.
    #[inline(always)]
    pub(super) fn latency(&mut self, step: Step) -> Millis {
        let mut base = self.config.latency.base_ms[step.index()] as Millis;
        if step == Step::Charge {
            base += self.config.gateway.slow_ms as Millis;
        }
        let jitter = self.config.latency.jitter_percent as Millis;
        if jitter > 0 && base > 0 {
            base += self.rng.below(base * jitter / 100 + 1);
        }
        base
    }

    fn check_record(&mut self, consumer: u8, job: &mut Job) {
        if self.db.is_processed(consumer, job.key(), self.now) {
            self.metrics.counters.duplicates_detected += 1;
            self.emit(Event::DuplicateSkipped {
                payment: job.payment,
                consumer,
            });
            job.skip_effects = true;
            if self.broker.topic().is_some() {
                // The ledger write is skipped; with offsets in the transaction, the offset is not.
                self.offset_with_ledger(consumer, job);
            }
        }
    }

    fn write_ledger(&mut self, consumer: u8, job: &Job) {
        if self.broker.topic().is_some() {
            self.offset_with_ledger(consumer, job);
        }
        let p = job.payment;
        match self.db.write_ledger(consumer, p, job.strategy.ledger_write) {
            WriteResult::Unchanged => {
                self.metrics.counters.duplicates_detected += 1;
                self.emit(Event::LedgerWritten {
                    payment: p,
                    consumer,
                    changed: false,
                });
            }
            _ => {
                if self.db.tx(consumer).is_none() && self.db.ledger_rows(p) > 1 {
                    self.metrics.counters.duplicates_slipped += 1;
                }
                self.emit(Event::LedgerWritten {
                    payment: p,
                    consumer,
                    changed: true,
                });
            }
        }
    }

    fn write_record(&mut self, consumer: u8, job: &mut Job) {
        let p = job.payment;
        match self
            .db
            .write_record(consumer, job.key(), job.strategy.record_check, self.now)
        {
            WriteResult::Conflict => {
                self.metrics.counters.duplicates_detected += 1;
                self.emit(Event::ConstraintViolated {
                    payment: p,
                    consumer,
                });
                if self.db.rollback(consumer).is_some() {
                    self.emit(Event::RolledBack {
                        payment: p,
                        consumer,
                    });
                }
                job.skip_effects = true;
            }
            _ => self.emit(Event::RecordWritten {
                payment: p,
                consumer,
            }),
        }
    }

    fn commit(&mut self, consumer: u8, job: &Job) {
        let p = job.payment;
        let s = job.strategy;
        let had_ledger = self.db.tx(consumer).is_some_and(|t| t.ledger);
        match self
            .db
            .commit(consumer, s.record_check, s.ledger_write, self.now)
        {
            WriteResult::Conflict => {
                self.metrics.counters.duplicates_detected += 1;
                self.emit(Event::ConstraintViolated {
                    payment: p,
                    consumer,
                });
                self.emit(Event::RolledBack {
                    payment: p,
                    consumer,
                });
            }
            _ => {
                if had_ledger && s.ledger_write == LedgerWrite::Append && self.db.ledger_rows(p) > 1
                {
                    self.metrics.counters.duplicates_slipped += 1;
                }
                self.emit(Event::Committed {
                    payment: p,
                    consumer,
                });
                if self.broker.topic().is_some() {
                    self.offset_committed_with_tx(consumer, p);
                }
            }
        }
    }
}
