//! Saving and rebuilding: timeline snapshots, and the durable parts of a run for real crash mode.

use super::Sim;
use super::timers::TimerKind;
use crate::sim::broker::{Broker, MessageState};
use crate::sim::command::CrashPoint;
use crate::sim::config::{Millis, RedeliveryMode};
use crate::sim::db::Database;
use crate::sim::durable::{DurableError, DurableState, FORMAT, PendingPublish};
use crate::sim::event::{Event, EventLog, RequeueReason};
use crate::sim::gateway::Gateway;
use crate::sim::sqs::DedupWindow;

impl Sim {
    /// A copy for a timeline snapshot: everything but the event window, of which only the latest
    /// `keep_events` are kept (a snapshot restores state; it need not restore old history).
    pub(crate) fn snapshot(&mut self, keep_events: usize) -> Sim {
        let log = std::mem::replace(&mut self.log, EventLog::new(1));
        let mut copy = self.clone();
        copy.log = log.tail(keep_events);
        self.log = log;
        copy
    }

    /// The durable parts of the run, for saving (real crash mode).
    pub fn durable_state(&self) -> DurableState {
        let (charges, keyed, attempts) = self.gateway.tables();
        let all = self.broker.messages().len();
        DurableState {
            format: FORMAT,
            config: self.config.clone(),
            seed: self.seed,
            now: self.now,
            published: self.published,
            rng: self.rng.clone(),
            catalog: self.catalog,
            messages: self.broker.messages().to_vec(),
            copies: self.broker.copies().to_vec(),
            pending: self
                .timers
                .iter()
                .filter_map(|t| match t.kind {
                    TimerKind::Republish { payment, attempt } => Some(PendingPublish {
                        payment,
                        attempt,
                        at: t.at(),
                    }),
                    _ => None,
                })
                .collect(),
            never_published: self.dropped.clone(),
            dedup: self.dedup.table().to_vec(),
            dead_letter: self.broker.dead_letter().to_vec(),
            ledger_rows: self.db.ledger_table().to_vec(),
            processed: keyed_table(self.db.processed_table(), all),
            charges: charges.to_vec(),
            keyed: keyed_table(keyed, all),
            attempts: attempts.to_vec(),
            counters: self.metrics.counters,
            // A bare run does not know the settings it started with; a timeline adds its script.
            script: None,
        }
    }

    /// Takes over the faults armed in `before` (crashes at boundaries with their counts, lost acks):
    /// they are the experimenter's, not the consumers' memory, so a real crash does not erase them.
    pub(crate) fn keep_armed_faults(&mut self, before: &Sim) {
        self.armed.clone_from(&before.armed);
        self.lose_next_ack = before.lose_next_ack;
    }

    /// Rebuilds a run from its durable parts after a real crash: every consumer died with the page
    /// (their memory and open transactions are gone) and restarts now; the broker sees the
    /// disconnect. Calls that were inside the gateway died with the page too (a simplification: a
    /// real gateway would still answer them, to nobody).
    pub fn recover(state: DurableState) -> Result<Sim, DurableError> {
        state.validate()?;
        let mut sim = Sim::new(state.config.clone(), state.seed);
        sim.timers.clear();
        sim.rng = state.rng;
        sim.catalog = state.catalog;
        sim.now = state.now;
        sim.published = state.published;
        sim.broker = Broker::restore(
            state.messages,
            state.dead_letter,
            sim.config.payments,
            state.copies,
        );
        sim.db = Database::restore(
            state.ledger_rows,
            state.processed,
            sim.config.retention.records_ms,
            state.now,
        );
        sim.gateway = Gateway::restore(
            state.charges,
            state.keyed,
            state.attempts,
            sim.config.gateway_capacity,
            sim.config.retention.gateway_keys_ms,
            state.now,
        );
        sim.dropped = state.never_published;
        sim.dedup = DedupWindow::restore(state.dedup);
        for q in state.pending {
            sim.producer_pending += 1;
            let at = q.at.max(sim.now);
            sim.schedule(
                at,
                TimerKind::Republish {
                    payment: q.payment,
                    attempt: q.attempt,
                },
            );
        }
        sim.metrics.counters = state.counters;
        sim.metrics.resume_at(state.now);
        for c in 0..sim.config.consumers {
            sim.metrics.counters.crashes += 1;
            sim.emit(Event::Crashed {
                consumer: c,
                point: CrashPoint::Now,
                payment: None,
            });
            sim.metrics.counters.restarts += 1;
            sim.consumers[c as usize].restarts += 1;
            sim.emit(Event::Restarted { consumer: c });
        }
        if let Some(settings) = sim.config.broker.log().copied() {
            // The log and its committed offsets survive; every partition resumes from its offset.
            let up = (1u8 << sim.config.consumers) - 1;
            sim.broker.rebuild_log(settings, sim.published, up);
        }
        for p in 0..sim.broker.messages().len() as u32 {
            if sim.broker.topic().is_some() {
                break;
            }
            let m = sim.broker.message(p);
            match m.state {
                MessageState::Waiting => sim.schedule(sim.now, TimerKind::RetryReady { msg: p }),
                MessageState::InFlight { .. } => match sim.redelivery {
                    RedeliveryMode::OnDisconnect => {
                        sim.requeue(p, RequeueReason::Disconnect);
                    }
                    RedeliveryMode::VisibilityTimeout { timeout_ms } => {
                        let delivery = m.deliveries;
                        let at = sim.after(timeout_ms as Millis);
                        sim.schedule(at, TimerKind::VisibilityExpire { msg: p, delivery });
                    }
                },
                _ => {}
            }
        }
        for c in 0..sim.config.consumers {
            sim.broker.take_held(c);
        }
        if sim.published < sim.config.payments {
            sim.schedule(sim.now, TimerKind::Publish);
        }
        sim.drain();
        Ok(sim)
    }
}

/// A table keyed by message id, as long as the messages: the gateway's keys and the processed
/// records grow only as far as the highest key used.
fn keyed_table(table: &[bool], len: usize) -> Vec<bool> {
    let mut t = table.to_vec();
    t.resize(len, false);
    t
}
