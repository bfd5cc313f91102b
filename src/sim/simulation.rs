//! The simulation: one seeded, discrete-event world holding the broker, the consumers, the database
//! and the card gateway.
//!
//! Time is simulated milliseconds; events are ordered by (time, sequence number); every random draw
//! comes from the one PRNG owned here. So seed + configuration + action log fully determine the run,
//! which is what makes rewinding, forking, sharing and side-by-side comparison honest.
//!
//! This file is the facade: building, driving and reading a run. The machinery lives beside it —
//! `timers` (what happens when), `machine` (the consumer's steps, one method each), `delivery` (the
//! broker's side: dispatch, acks, requeues and retries), `charge` (calls to the gateway),
//! `crash` (armed crashes and restarts), `recovery` (saving and rebuilding the durable parts),
//! `replay` (an action log played onto a run) and `readout` (outcomes, totals and signals).
//! Work that chains at one instant (a retry that fails at once, a restart that crashes at once) is a
//! loop over runnable consumers, never a recursion, and a run that stops advancing time halts with a
//! sentence instead of spinning.

mod charge;
mod crash;
mod delivery;
mod log;
mod machine;
mod producer;
mod readout;
mod recovery;
mod replay;
mod timers;

use super::broker::Broker;
use super::checker::Totals;
use super::command::{Action, ArmMode, Command, CrashPoint};
use super::config::{AckTiming, BrokerKind, Config, Millis, Outage, RedeliveryMode, limits};
use super::consumer::Consumer;
use super::db::Database;
use super::event::{Event, EventLog, LoggedEvent};
use super::gateway::Gateway;
use super::message::Message;
use super::metrics::Metrics;
use super::retry::TokenBucket;
use super::rng::Rng;
use super::sentence::sentence_error;
use super::sqs::{DEFAULT_VISIBILITY_TIMEOUT_MS, DedupWindow};
use crate::i18n::{trf_n, trs};
use std::collections::BinaryHeap;
use timers::{Timer, TimerKind};

pub use replay::Refused;

/// A crash waiting at a boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArmedCrash {
    /// The consumer it applies to, or all.
    pub consumer: Option<u8>,
    /// The boundary.
    pub point: CrashPoint,
    /// How often it fires.
    pub mode: ArmMode,
    /// Times a matching consumer reached the boundary.
    pub passes: u32,
    /// Times it fired.
    pub fired: u32,
}

sentence_error!(
    /// A command the simulation refused, with a sentence for the user.
    CommandError
);

/// Most events one simulated millisecond may hold before the run is declared stuck: far more than any
/// real burst (every payment published, delivered and settled at once), far fewer than a loop.
pub fn max_events_at_one_instant(payments: u32) -> u64 {
    1_000_000 + 64 * payments as u64
}

/// Most events one run may hold before it is declared unable to settle: about a thousand deliveries
/// per payment, far beyond any storm that ends.
pub fn max_events_per_run(payments: u32) -> u64 {
    100_000 + 20_000 * payments as u64
}

/// The deterministic world. Build it with [`Sim::new`], drive it with [`Sim::apply`], [`Sim::step`]
/// and [`Sim::run_until`], read it through the views.
#[derive(Clone, Debug)]
pub struct Sim {
    /// The configuration in force (commands change the strategy and the outage).
    config: Config,
    /// The seed the run started from.
    seed: u64,
    /// The one source of randomness.
    rng: Rng,
    /// The key payments' customers and amounts are derived from.
    catalog: u64,
    /// Simulated time.
    now: Millis,
    /// Sequence numbers of scheduled timers (the tie-break at equal times).
    timer_seq: u64,
    /// What happens next, earliest first.
    timers: BinaryHeap<Timer>,
    /// The queue and its dead-letter queue.
    broker: Broker,
    /// The consumer processes.
    consumers: Vec<Consumer>,
    /// The ledger and the processed records.
    db: Database,
    /// The card gateway and the calls in it.
    gateway: Gateway,
    /// Counters, histograms and time series.
    metrics: Metrics,
    /// What happened.
    log: EventLog,
    /// Crashes armed at boundaries.
    armed: Vec<ArmedCrash>,
    /// Per consumer: the next ack it sends is lost.
    lose_next_ack: [bool; limits::MAX_CONSUMERS as usize],
    /// Per payment: how many consumers hold it (a buffer or a job).
    in_consumer: Vec<u8>,
    /// Payments the order service has taken so far (published, or lost in its crash).
    published: u32,
    /// Republishes scheduled and not yet made.
    producer_pending: u32,
    /// Payments the order service crashed on before publishing them, in order.
    dropped: Vec<u32>,
    /// An SQS FIFO queue's deduplication ids and when their intervals started.
    dedup: DedupWindow,
    /// What makes the broker redeliver: the configuration's, or SQS's default visibility timeout.
    redelivery: RedeliveryMode,
    /// An SQS standard queue's chance that a delete misses a copy, in per-mille (0 otherwise).
    sqs_duplicate_permille: u16,
    /// The consumer the round-robin dispatch offers the next message to.
    rr: usize,
    /// The retry rate limit, if any.
    bucket: Option<TokenBucket>,
    /// Every command applied, with its time.
    actions: Vec<Action>,
    /// Totals keyed by the event count they were computed at.
    totals_cache: std::cell::Cell<Option<(u64, Totals)>>,
    /// Consumers with work to do at this instant (a bit each).
    runnable: u8,
    /// Is a wake-up at the end of a hanging outage scheduled?
    resume_scheduled: bool,
    /// The instant the per-instant event count is for, and that count.
    instant: (Millis, u64),
    /// [`max_events_at_one_instant`] and [`max_events_per_run`] for this run.
    caps: (u64, u64),
    /// Why the run stopped, if it cannot settle.
    halt: Option<String>,
}

impl Sim {
    /// A new world at time 0. The configuration must be valid ([`Config::validate`]); out-of-range
    /// values are clamped so a bad config can never panic the core.
    pub fn new(mut config: Config, seed: u64) -> Sim {
        config.consumers = config.consumers.clamp(1, limits::MAX_CONSUMERS);
        config.prefetch = config.prefetch.max(1);
        config.customers = config.customers.clamp(1, 26);
        config.payments = config.payments.min(limits::MAX_PAYMENTS);
        config.gateway_capacity = config.gateway_capacity.max(1);
        config.call_timeout_ms = config.call_timeout_ms.max(1);
        // SQS has no redelivery on disconnect, only the visibility timeout: its default, 30 s.
        let redelivery = match (config.broker, config.redelivery) {
            (BrokerKind::Sqs(_), RedeliveryMode::OnDisconnect) => {
                RedeliveryMode::VisibilityTimeout {
                    timeout_ms: DEFAULT_VISIBILITY_TIMEOUT_MS,
                }
            }
            (_, r) => r,
        };
        let mut rng = Rng::new(seed);
        let catalog = rng.next_u64();
        let n = config.payments;
        let mut sim = Sim {
            seed,
            rng,
            catalog,
            now: 0,
            timer_seq: 0,
            timers: BinaryHeap::new(),
            broker: Broker::new(n),
            consumers: (0..config.consumers).map(Consumer::new).collect(),
            db: Database::new(n, config.retention.records_ms),
            gateway: Gateway::new(n, config.gateway_capacity, config.retention.gateway_keys_ms),
            metrics: Metrics::new(config.sample_interval_ms as Millis),
            log: EventLog::new(config.event_window as usize),
            armed: Vec::new(),
            lose_next_ack: [false; limits::MAX_CONSUMERS as usize],
            in_consumer: vec![0; n as usize],
            published: 0,
            producer_pending: 0,
            dropped: Vec::new(),
            dedup: DedupWindow::default(),
            redelivery,
            sqs_duplicate_permille: match config.broker {
                BrokerKind::Sqs(s) if !s.fifo => s.duplicate_permille,
                _ => 0,
            },
            rr: 0,
            bucket: config.rate_limit.map(TokenBucket::new),
            actions: Vec::new(),
            totals_cache: std::cell::Cell::new(None),
            runnable: 0,
            resume_scheduled: false,
            instant: (0, 0),
            caps: (max_events_at_one_instant(n), max_events_per_run(n)),
            halt: None,
            config,
        };
        if let Some(settings) = sim.config.broker.log() {
            let up = (1u8 << sim.config.consumers) - 1;
            sim.broker
                .make_log(super::broker::log::Topic::new(*settings, up));
        }
        if n > 0 {
            sim.schedule(0, TimerKind::Publish);
        }
        sim
    }

    // ---- driving ----

    /// Applies a command at the current time and records it in the action log.
    pub fn apply(&mut self, command: Command) -> Result<(), CommandError> {
        let consumers = self.config.consumers;
        let check = |c: u8| {
            if c < consumers {
                Ok(())
            } else {
                Err(CommandError(trf_n(
                    "There is no consumer {0}: this run has {1}.",
                    &[(c + 1) as u64, consumers as u64],
                )))
            }
        };
        match command {
            Command::CrashNow { consumer } => {
                check(consumer)?;
                if self.consumers[consumer as usize].is_down() {
                    return Err(CommandError(trf_n(
                        "Consumer {0} is already down.",
                        &[(consumer + 1) as u64],
                    )));
                }
                self.crash(consumer, CrashPoint::Now);
                self.drain();
            }
            Command::ArmCrash {
                consumer,
                point,
                mode,
            } => {
                if let Some(c) = consumer {
                    check(c)?;
                }
                if point == CrashPoint::Now {
                    return Err(CommandError(trs(
                        "A crash can only be armed at a step boundary.",
                    )));
                }
                if mode == ArmMode::EveryKth(0) {
                    return Err(CommandError(trs(
                        "“Every k-th time” needs k of at least 1.",
                    )));
                }
                self.armed.push(ArmedCrash {
                    consumer,
                    point,
                    mode,
                    passes: 0,
                    fired: 0,
                });
            }
            Command::Disarm { consumer, point } => {
                self.armed.retain(|a| {
                    !(a.point == point && (consumer.is_none() || a.consumer == consumer))
                });
            }
            Command::LoseNextAck { consumer } => {
                check(consumer)?;
                self.lose_next_ack[consumer as usize] = true;
            }
            Command::GatewayOutage { duration_ms, kind } => {
                self.config.gateway.outage = Some(Outage {
                    from_ms: self.now,
                    until_ms: self.now.saturating_add(duration_ms as Millis),
                    kind,
                });
                self.resume_scheduled = false;
            }
            Command::SetStrategy(s) => self.config.strategy = s,
        }
        self.actions.push(Action {
            at: self.now,
            command,
        });
        Ok(())
    }

    /// Handles the next timer; returns false when nothing is scheduled (or the run halted).
    pub fn step(&mut self) -> bool {
        if self.halt.is_some() {
            return false;
        }
        let Some(timer) = self.timers.pop() else {
            return false;
        };
        self.advance_clock(timer.at());
        self.handle(timer.kind);
        self.drain();
        true
    }

    /// Handles every timer due at or before `t`, then moves the clock to `t`.
    pub fn run_until(&mut self, t: Millis) {
        while let Some(next) = self.next_event_time() {
            if next > t {
                break;
            }
            self.step();
        }
        if t > self.now && self.halt.is_none() {
            self.advance_clock(t);
        }
    }

    /// Runs until every published payment has settled (or `limit` simulated ms pass, or the run
    /// halts); returns true if it settled.
    pub fn run_to_completion(&mut self, limit: Millis) -> bool {
        while !self.is_settled() {
            match self.next_event_time() {
                Some(next) if next <= limit => {
                    self.step();
                }
                _ => return false,
            }
        }
        true
    }

    /// True when every payment has been published and nothing is left in the broker, the gateway or
    /// any consumer.
    pub fn is_settled(&self) -> bool {
        self.published == self.config.payments
            && self.producer_pending == 0
            && self.broker.ready_count() == 0
            && self.broker.in_flight_count() == 0
            && self.broker.waiting_count() == 0
            && self.gateway.load() == 0
            && self
                .consumers
                .iter()
                .all(|c| c.job.is_none() && c.buffer.is_empty())
    }

    /// When the next timer fires, if any (none once the run halted).
    pub fn next_event_time(&self) -> Option<Millis> {
        if self.halt.is_some() {
            return None;
        }
        self.timers.peek().map(Timer::at)
    }

    /// Why the run stopped before settling, if it cannot settle: a sentence for the user. Once set,
    /// nothing more happens in this run.
    pub fn halt(&self) -> Option<&str> {
        self.halt.as_deref()
    }

    // ---- views ----

    /// The configuration in force (commands can change the strategy and the gateway's outage).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Current simulated time.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// The broker.
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    /// The consumers.
    pub fn consumers(&self) -> &[Consumer] {
        &self.consumers
    }

    /// The database.
    pub fn ledger(&self) -> &Database {
        &self.db
    }

    /// The card gateway.
    pub fn gateway(&self) -> &Gateway {
        &self.gateway
    }

    /// Counters, latency and time series.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The event log.
    pub fn events(&self) -> &EventLog {
        &self.log
    }

    /// The armed crashes.
    pub fn armed(&self) -> &[ArmedCrash] {
        &self.armed
    }

    /// Is a lost ack armed for `consumer` (it fires on that consumer's next ack)?
    pub fn ack_loss_armed(&self, consumer: u8) -> bool {
        self.lose_next_ack
            .get(consumer as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Every command applied so far, with its time.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// How many payments the producer has taken (published, or lost when the order service crashed
    /// before publishing).
    pub fn published(&self) -> u32 {
        self.published
    }

    /// The message of `payment`.
    pub fn message(&self, payment: u32) -> Message {
        Message::for_payment(self.catalog, payment, self.config.customers)
    }

    /// The digest of the whole event log, as 16 hex digits.
    pub fn digest(&self) -> String {
        self.log.digest_hex()
    }

    /// Finds a logged event by sequence number, if still in the window.
    pub fn event(&self, seq: u64) -> Option<&LoggedEvent> {
        let first = self.log.window().front()?.seq;
        self.log.window().get(seq.checked_sub(first)? as usize)
    }

    /// The ack mode deliveries are made in right now.
    fn auto_ack(&self) -> bool {
        self.config.strategy.ack_timing == AckTiming::Auto
    }

    /// Records an event, and halts the run if events pile up without time moving (or without end).
    #[inline(always)]
    fn emit(&mut self, event: Event) {
        self.log.push(self.now, event);
        if self.instant.0 != self.now {
            self.instant = (self.now, 0);
        }
        self.instant.1 += 1;
        if self.instant.1 > self.caps.0 || self.log.total() > self.caps.1 {
            self.stop_stuck_run();
        }
    }

    #[cold]
    fn stop_stuck_run(&mut self) {
        if self.halt.is_some() {
            return;
        }
        self.halt = Some(if self.instant.1 > self.caps.0 {
            trf_n(
                "This run cannot settle: more than {0} things happened at t = {1} ms without simulated \
                 time moving on (every step, retry and restart here takes no time). Give the steps or \
                 the restart delay some duration.",
                &[self.caps.0, self.now],
            )
        } else {
            trf_n(
                "This run cannot settle: it passed {0} events without every payment coming to rest \
                 (retries that never stop?). Bound the retries with a delivery limit, or fix the fault.",
                &[self.caps.1],
            )
        });
    }
}

#[cfg(test)]
mod tests;
