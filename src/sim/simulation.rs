//! The simulation: one seeded, discrete-event world holding the broker, the consumers, the database
//! and the card gateway.
//!
//! Time is simulated milliseconds; events are ordered by (time, sequence number); every random draw
//! comes from the one PRNG owned here. So seed + configuration + action log fully determine the run,
//! which is what makes rewinding, forking, sharing and side-by-side comparison honest.

use super::broker::{Broker, MessageState};
use super::checker::{Anomaly, Outcome, PaymentFacts, Totals, classify};
use super::command::{Action, ArmMode, Command, CrashPoint};
use super::config::{AckTiming, Config, LedgerWrite, Millis, Outage, RedeliveryMode, Step};
use super::consumer::{Consumer, ConsumerState, Delivery, Job};
use super::db::{Database, WriteResult};
use super::event::{Event, EventLog, LoggedEvent, RequeueReason};
use super::gateway::{ChargeResult, Gateway};
use super::message::Message;
use super::metrics::{Metrics, Signals};
use super::retry::{TokenBucket, delay_ms};
use super::rng::Rng;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum TimerKind {
    Publish,
    StepDone { consumer: u8, epoch: u32 },
    Restart { consumer: u8, epoch: u32 },
    VisibilityExpire { payment: u32, delivery: u16 },
    RetryReady { payment: u32 },
}

/// A scheduled timer. Timers fire in (time, sequence) order; the sequence number is unique, so the
/// pair packed into one `u128` is a total order that costs a single comparison in the heap.
#[derive(Clone, Copy, Debug)]
struct Timer {
    /// `at << 64 | seq`.
    key: u128,
    kind: TimerKind,
}

impl Timer {
    #[inline(always)]
    fn at(&self) -> Millis {
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

/// A command the simulation refused, with a sentence for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError(pub String);

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CommandError {}

enum Flow {
    Continue,
    Stop,
}

/// The deterministic world. Build it with [`Sim::new`], drive it with [`Sim::apply`], [`Sim::step`]
/// and [`Sim::run_until`], read it through the views.
#[derive(Clone, Debug)]
pub struct Sim {
    config: Config,
    seed: u64,
    rng: Rng,
    catalog: u64,
    now: Millis,
    timer_seq: u64,
    timers: BinaryHeap<Timer>,
    broker: Broker,
    consumers: Vec<Consumer>,
    db: Database,
    gateway: Gateway,
    metrics: Metrics,
    log: EventLog,
    armed: Vec<ArmedCrash>,
    lose_next_ack: [bool; 4],
    in_consumer: Vec<u8>,
    published: u32,
    rr: usize,
    bucket: Option<TokenBucket>,
    actions: Vec<Action>,
    totals_cache: std::cell::Cell<Option<(u64, Totals)>>,
}

impl Sim {
    /// A new world at time 0. The configuration must be valid ([`Config::validate`]); out-of-range
    /// values are clamped so a bad config can never panic the core.
    pub fn new(mut config: Config, seed: u64) -> Sim {
        config.consumers = config.consumers.clamp(1, 4);
        config.prefetch = config.prefetch.max(1);
        config.customers = config.customers.clamp(1, 26);
        config.payments = config.payments.min(super::config::limits::MAX_PAYMENTS);
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
            db: Database::new(n),
            gateway: Gateway::new(n),
            metrics: Metrics::new(config.sample_interval_ms as Millis),
            log: EventLog::new(config.event_window as usize),
            armed: Vec::new(),
            lose_next_ack: [false; 4],
            in_consumer: vec![0; n as usize],
            published: 0,
            rr: 0,
            bucket: config.rate_limit.map(TokenBucket::new),
            actions: Vec::new(),
            totals_cache: std::cell::Cell::new(None),
            config,
        };
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
                Err(CommandError(format!(
                    "There is no consumer {}: this run has {consumers}.",
                    c + 1
                )))
            }
        };
        match command {
            Command::CrashNow { consumer } => {
                check(consumer)?;
                if self.consumers[consumer as usize].is_down() {
                    return Err(CommandError(format!(
                        "Consumer {} is already down.",
                        consumer + 1
                    )));
                }
                self.crash(consumer, CrashPoint::Now);
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
                    return Err(CommandError(
                        "A crash can only be armed at a step boundary.".into(),
                    ));
                }
                if mode == ArmMode::EveryKth(0) {
                    return Err(CommandError(
                        "“Every k-th time” needs k of at least 1.".into(),
                    ));
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
            }
            Command::SetStrategy(s) => self.config.strategy = s,
        }
        self.actions.push(Action {
            at: self.now,
            command,
        });
        Ok(())
    }

    /// Handles the next timer; returns false when nothing is scheduled.
    pub fn step(&mut self) -> bool {
        let Some(timer) = self.timers.pop() else {
            return false;
        };
        self.advance_clock(timer.at());
        self.handle(timer.kind);
        true
    }

    /// Handles every timer due at or before `t`, then moves the clock to `t`.
    pub fn run_until(&mut self, t: Millis) {
        while let Some(next) = self.timers.peek() {
            if next.at() > t {
                break;
            }
            self.step();
        }
        if t > self.now {
            self.advance_clock(t);
        }
    }

    /// Runs until every published payment has settled (or `limit` simulated ms pass); returns true if
    /// it settled.
    pub fn run_to_completion(&mut self, limit: Millis) -> bool {
        while !self.is_settled() {
            match self.timers.peek() {
                Some(next) if next.at() <= limit => {
                    self.step();
                }
                _ => return false,
            }
        }
        true
    }

    /// True when every payment has been published and nothing is left in the broker or any consumer.
    pub fn is_settled(&self) -> bool {
        self.published == self.config.payments
            && self.broker.ready_count() == 0
            && self.broker.in_flight_count() == 0
            && self.broker.waiting_count() == 0
            && self
                .consumers
                .iter()
                .all(|c| c.job.is_none() && c.buffer.is_empty())
    }

    /// When the next timer fires, if any.
    pub fn next_event_time(&self) -> Option<Millis> {
        self.timers.peek().map(Timer::at)
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

    /// Every command applied so far, with its time.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// How many payments the producer has published.
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

    /// What the checker knows about `payment`.
    pub fn facts(&self, payment: u32) -> PaymentFacts {
        let m = self.broker.message(payment);
        PaymentFacts {
            published: payment < self.published,
            charges: self.gateway.charges(payment),
            ledger_rows: self.db.ledger_rows(payment),
            in_broker: self.broker.holds(payment),
            in_consumer: self.in_consumer[payment as usize] > 0,
            dead_lettered: m.state == MessageState::DeadLettered,
        }
    }

    /// The checker's verdict on `payment`.
    pub fn outcome(&self, payment: u32) -> Outcome {
        classify(self.facts(payment))
    }

    /// Outcome totals over every payment of the run (unpublished ones count as pending).
    pub fn totals(&self) -> Totals {
        // Every change to a payment's facts emits an event, so the event count keys the cache: a view
        // that asks five times per frame pays for one pass over the payments.
        let key = self.log.total();
        if let Some((k, t)) = self.totals_cache.get()
            && k == key
        {
            return t;
        }
        let mut t = Totals::default();
        for p in 0..self.config.payments {
            let f = self.facts(p);
            t.add(classify(f), f, self.message(p).amount_cents);
        }
        self.totals_cache.set(Some((key, t)));
        t
    }

    /// Up to `limit` anomalous payments, each with the events in the window that explain it.
    pub fn anomalies(&self, limit: usize) -> Vec<Anomaly> {
        let mut out: Vec<Anomaly> = Vec::new();
        let mut index: HashMap<u32, usize> = HashMap::new();
        for p in 0..self.config.payments {
            if out.len() == limit {
                break;
            }
            let f = self.facts(p);
            let outcome = classify(f);
            if outcome.is_anomaly() {
                index.insert(p, out.len());
                out.push(Anomaly {
                    payment: p,
                    outcome,
                    charges: f.charges,
                    ledger_rows: f.ledger_rows,
                    causes: Vec::new(),
                });
            }
        }
        if !index.is_empty() {
            for e in self.log.window() {
                if let Some(i) = e.event.payment().and_then(|p| index.get(&p))
                    && is_cause(&e.event)
                {
                    out[*i].causes.push(e.seq);
                }
            }
        }
        out
    }

    /// The headline signals.
    pub fn signals(&self) -> Signals {
        let c = &self.metrics.counters;
        let published = c.published.max(1) as f64;
        let secs = self.now.max(1) as f64 / 1000.0;
        Signals {
            redeliveries: BTreeMap::from([("payments".to_string(), c.redeliveries)]),
            consumer_restarts: c.restarts,
            dead_letter_rate: c.dead_lettered as f64 / published,
            duplicates_detected: c.duplicates_detected,
            duplicates_slipped: c.duplicates_slipped,
            latency_p50_ms: self.metrics.latency.percentile(50),
            latency_p95_ms: self.metrics.latency.percentile(95),
            latency_p99_ms: self.metrics.latency.percentile(99),
            queue_depth: self.broker.ready_count(),
            in_flight: self.broker.in_flight_count(),
            throughput_per_sec: c.completed as f64 / secs,
            retry_amplification: c.deliveries as f64 / published,
        }
    }

    /// An estimate of the heap memory the simulation holds, in bytes: the dense per-payment tables,
    /// the queues, the event window and the time series. It grows with the payments and the event
    /// window, never with simulated time.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let payments = self.config.payments as usize;
        // The database (ledger rows + processed flags) and the gateway (charges + key flags) each
        // keep two one-byte entries per payment.
        let db_and_gateway = payments * 4;
        let consumers: usize = self
            .consumers
            .iter()
            .map(|c| size_of::<Consumer>() + c.buffer.capacity() * size_of::<Delivery>())
            .sum();
        self.broker.heap_bytes()
            + db_and_gateway
            + self.in_consumer.capacity()
            + consumers
            + self.timers.capacity() * size_of::<Timer>()
            + self.log.heap_bytes()
            + self.metrics.heap_bytes()
            + self.armed.capacity() * size_of::<ArmedCrash>()
            + self.actions.capacity() * size_of::<Action>()
    }

    /// Finds a logged event by sequence number, if still in the window.
    pub fn event(&self, seq: u64) -> Option<&LoggedEvent> {
        let first = self.log.window().front()?.seq;
        self.log.window().get(seq.checked_sub(first)? as usize)
    }

    // ---- machinery ----

    #[inline(always)]
    fn schedule(&mut self, at: Millis, kind: TimerKind) {
        self.timer_seq += 1;
        self.timers.push(Timer {
            key: (at as u128) << 64 | self.timer_seq as u128,
            kind,
        });
    }

    #[inline(always)]
    fn emit(&mut self, event: Event) {
        self.log.push(self.now, event);
    }

    fn advance_clock(&mut self, t: Millis) {
        while self.metrics.next_sample() <= t {
            let dlq = self.broker.dead_letter().len() as u32;
            self.metrics.sample(
                self.broker.ready_count(),
                self.broker.in_flight_count(),
                dlq,
            );
        }
        self.now = t;
    }

    fn handle(&mut self, kind: TimerKind) {
        match kind {
            TimerKind::Publish => self.publish(),
            TimerKind::StepDone { consumer, epoch } => {
                if self.consumers[consumer as usize].epoch == epoch
                    && matches!(self.finish_step(consumer), Flow::Continue)
                {
                    self.run_steps(consumer);
                }
            }
            TimerKind::Restart { consumer, epoch } => {
                let c = &mut self.consumers[consumer as usize];
                if c.epoch == epoch && c.is_down() {
                    c.state = ConsumerState::Idle;
                    c.restarts += 1;
                    self.metrics.counters.restarts += 1;
                    self.emit(Event::Restarted { consumer });
                    self.dispatch();
                }
            }
            TimerKind::VisibilityExpire { payment, delivery } => {
                let m = self.broker.message(payment);
                if matches!(m.state, MessageState::InFlight { .. }) && m.deliveries == delivery {
                    self.requeue(payment, RequeueReason::VisibilityTimeout);
                    self.dispatch();
                }
            }
            TimerKind::RetryReady { payment } => {
                if self.broker.message(payment).state == MessageState::Waiting {
                    self.requeue(payment, RequeueReason::Retry);
                    self.dispatch();
                }
            }
        }
    }

    fn publish(&mut self) {
        let p = self.published;
        self.broker.publish(p, self.now);
        self.published += 1;
        self.metrics.counters.published += 1;
        self.emit(Event::Published { payment: p });
        if self.published < self.config.payments {
            self.schedule(
                self.now + self.config.publish_interval_ms as Millis,
                TimerKind::Publish,
            );
        }
        self.dispatch();
    }

    fn requeue(&mut self, payment: u32, reason: RequeueReason) {
        if self.broker.requeue(payment, self.config.max_deliveries) {
            self.metrics.counters.dead_lettered += 1;
            self.emit(Event::DeadLettered { payment });
        } else {
            self.emit(Event::Requeued { payment, reason });
        }
    }

    fn dispatch(&mut self) {
        let n = self.consumers.len();
        let prefetch = self.config.prefetch;
        while self.broker.ready_count() > 0 {
            let mut delivered = false;
            for k in 0..n {
                let c = if self.rr + k >= n {
                    self.rr + k - n
                } else {
                    self.rr + k
                };
                if !self.consumers[c].has_capacity(prefetch) {
                    continue;
                }
                let Some(p) = self.broker.pop_ready() else {
                    return;
                };
                self.deliver(p, c as u8);
                delivered = true;
            }
            self.rr = if self.rr + 1 == n { 0 } else { self.rr + 1 };
            if !delivered {
                return;
            }
        }
    }

    fn deliver(&mut self, payment: u32, consumer: u8) {
        let delivery = self.broker.deliver(payment, consumer);
        let counters = &mut self.metrics.counters;
        counters.deliveries += 1;
        let redelivered = delivery > 1;
        if redelivered {
            counters.redeliveries += 1;
        }
        self.emit(Event::Delivered {
            payment,
            consumer,
            delivery,
            redelivered,
        });
        if let RedeliveryMode::VisibilityTimeout { timeout_ms } = self.config.redelivery {
            self.schedule(
                self.now + timeout_ms as Millis,
                TimerKind::VisibilityExpire { payment, delivery },
            );
        }
        self.in_consumer[payment as usize] += 1;
        let c = &mut self.consumers[consumer as usize];
        c.buffer.push_back(Delivery { payment, delivery });
        if c.state == ConsumerState::Idle {
            self.start_next(consumer);
        }
    }

    fn start_next(&mut self, consumer: u8) {
        let strategy = self.config.strategy;
        let now = self.now;
        let c = &mut self.consumers[consumer as usize];
        if c.state != ConsumerState::Idle {
            return;
        }
        let Some(d) = c.buffer.pop_front() else {
            return;
        };
        c.job = Some(Job {
            payment: d.payment,
            delivery: d.delivery,
            started: now,
            pos: 0,
            strategy,
            skip_effects: false,
        });
        c.state = ConsumerState::Working;
        self.run_steps(consumer);
    }

    /// Starts the job's current step: schedules its end, or finishes zero-time steps right away.
    fn run_steps(&mut self, consumer: u8) {
        loop {
            let Some(job) = self.consumers[consumer as usize].job else {
                return;
            };
            let step = job.step();
            if job.runs(step, self.db.tx(consumer).is_some()) {
                let d = self.latency(step);
                if d > 0 {
                    let epoch = self.consumers[consumer as usize].epoch;
                    self.schedule(self.now + d, TimerKind::StepDone { consumer, epoch });
                    return;
                }
            }
            if let Flow::Stop = self.finish_step(consumer) {
                return;
            }
        }
    }

    #[inline(always)]
    fn latency(&mut self, step: Step) -> Millis {
        let mut base = self.config.latency.base_ms[step.index()] as Millis;
        if step == Step::Charge
            && self
                .config
                .gateway
                .outage
                .is_some_and(|o| o.covers(self.now))
        {
            // A gateway that is down refuses the connection at once: failures are fast, which is
            // exactly what lets immediate retries spin into a storm.
            return 1;
        }
        if step == Step::Charge {
            base += self.config.gateway.slow_ms as Millis;
        }
        let jitter = self.config.latency.jitter_percent as Millis;
        if jitter > 0 && base > 0 {
            base += self.rng.below(base * jitter / 100 + 1);
        }
        base
    }

    /// Applies the effect of the job's current step, then the crash check at the boundary after it.
    fn finish_step(&mut self, consumer: u8) -> Flow {
        let Some(mut job) = self.consumers[consumer as usize].job else {
            return Flow::Stop;
        };
        let step = job.step();
        let p = job.payment;
        let s = job.strategy;
        if job.runs(step, self.db.tx(consumer).is_some()) {
            match step {
                Step::Receive => {}
                Step::BeginTx => self.db.begin(consumer, p),
                Step::CheckRecord => {
                    if self.db.is_processed(consumer, p) {
                        self.metrics.counters.duplicates_detected += 1;
                        self.emit(Event::DuplicateSkipped {
                            payment: p,
                            consumer,
                        });
                        job.skip_effects = true;
                    }
                }
                Step::Charge => {
                    let outage = self
                        .config
                        .gateway
                        .outage
                        .is_some_and(|o| o.covers(self.now));
                    let failed = outage
                        || self
                            .rng
                            .chance_permille(self.config.gateway.failure_permille);
                    match self.gateway.charge(p, s.gateway_key, failed) {
                        ChargeResult::Charged => {
                            self.metrics.counters.charges += 1;
                            if self.gateway.charges(p) > 1 {
                                self.metrics.counters.duplicates_slipped += 1;
                            }
                            self.emit(Event::Charged {
                                payment: p,
                                consumer,
                                replayed: false,
                            });
                        }
                        ChargeResult::Replayed => {
                            self.metrics.counters.duplicates_detected += 1;
                            self.emit(Event::Charged {
                                payment: p,
                                consumer,
                                replayed: true,
                            });
                        }
                        ChargeResult::Failed => {
                            self.metrics.counters.charge_failures += 1;
                            self.emit(Event::ChargeFailed {
                                payment: p,
                                consumer,
                            });
                            self.fail_job(consumer, job);
                            return Flow::Stop;
                        }
                    }
                }
                Step::WriteLedger => match self.db.write_ledger(consumer, p, s.ledger_write) {
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
                },
                Step::WriteRecord => match self.db.write_record(consumer, p, s.record_check) {
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
                },
                Step::Commit => {
                    let had_ledger = self.db.tx(consumer).is_some_and(|t| t.ledger);
                    match self.db.commit(consumer, s.record_check, s.ledger_write) {
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
                            if had_ledger
                                && s.ledger_write == LedgerWrite::Append
                                && self.db.ledger_rows(p) > 1
                            {
                                self.metrics.counters.duplicates_slipped += 1;
                            }
                            self.emit(Event::Committed {
                                payment: p,
                                consumer,
                            });
                        }
                    }
                }
                Step::Ack => self.send_ack(consumer, p),
            }
        }
        if self.consumers[consumer as usize].job.is_none() {
            // The ack's lost-connection path cannot clear the job, so this is unreachable; stay safe.
            return Flow::Stop;
        }
        // The updated job is written back once, below; a crash only needs the payment, which the
        // stored copy already has.
        if !self.armed.is_empty()
            && let Some(point) = boundary_after(step)
            && self.should_crash(consumer, point)
        {
            self.crash(consumer, point);
            return Flow::Stop;
        }
        job.pos += 1;
        if job.pos as usize == Step::ALL.len() {
            self.finish_job(consumer, job, true);
            return Flow::Stop;
        }
        self.consumers[consumer as usize].job = Some(job);
        Flow::Continue
    }

    fn send_ack(&mut self, consumer: u8, payment: u32) {
        let lost = std::mem::take(&mut self.lose_next_ack[consumer as usize])
            || self.rng.chance_permille(self.config.lost_ack_permille);
        if lost {
            self.metrics.counters.acks_lost += 1;
            self.emit(Event::AckLost { payment, consumer });
            if self.config.redelivery == RedeliveryMode::OnDisconnect {
                // Over AMQP an ack only goes missing with its connection: the broker sees a disconnect.
                self.metrics.counters.reconnects += 1;
                self.emit(Event::Reconnected { consumer });
                self.return_held(consumer);
                let c = &mut self.consumers[consumer as usize];
                for d in std::mem::take(&mut c.buffer) {
                    self.in_consumer[d.payment as usize] -= 1;
                }
            }
        } else {
            self.broker.ack(payment);
            self.metrics.counters.acks += 1;
            self.emit(Event::Acked { payment, consumer });
        }
    }

    fn return_held(&mut self, consumer: u8) {
        for p in self.broker.take_held(consumer) {
            if matches!(self.broker.message(p).state, MessageState::InFlight { consumer: c } if c == consumer)
            {
                self.requeue(p, RequeueReason::Disconnect);
            }
        }
    }

    fn finish_job(&mut self, consumer: u8, job: Job, completed: bool) {
        self.in_consumer[job.payment as usize] -= 1;
        if completed {
            self.metrics.counters.completed += 1;
            self.metrics.latency.record(self.now - job.started);
        }
        let c = &mut self.consumers[consumer as usize];
        c.job = None;
        c.state = ConsumerState::Idle;
        c.finished += completed as u64;
        self.start_next(consumer);
        self.dispatch();
    }

    /// A charge failed: roll back, nack, and let the retry policy decide when the message returns.
    fn fail_job(&mut self, consumer: u8, job: Job) {
        let p = job.payment;
        if self.db.rollback(consumer).is_some() {
            self.emit(Event::RolledBack {
                payment: p,
                consumer,
            });
        }
        let owned = matches!(self.broker.message(p).state, MessageState::InFlight { consumer: c } if c == consumer);
        if owned && job.strategy.ack_timing == AckTiming::AfterCommit {
            let deliveries = self.broker.message(p).deliveries;
            let mut at =
                self.now + delay_ms(self.config.retry, deliveries, &mut self.rng) as Millis;
            if let Some(b) = self.bucket.as_mut() {
                at = b.reserve(at);
            }
            let delay = (at - self.now).min(u32::MAX as Millis) as u32;
            self.metrics.counters.nacks += 1;
            self.emit(Event::Nacked {
                payment: p,
                consumer,
                delay_ms: delay,
            });
            if delay == 0 {
                self.requeue(p, RequeueReason::Retry);
            } else {
                self.broker.park(p);
                self.schedule(at, TimerKind::RetryReady { payment: p });
            }
        }
        self.finish_job(consumer, job, false);
    }

    fn should_crash(&mut self, consumer: u8, point: CrashPoint) -> bool {
        let mut fire = false;
        for a in self.armed.iter_mut() {
            if a.point != point || a.consumer.is_some_and(|c| c != consumer) {
                continue;
            }
            a.passes += 1;
            let hit = match a.mode {
                ArmMode::Once => a.fired == 0,
                ArmMode::Always => true,
                ArmMode::EveryKth(k) => a.passes % k.max(1) == 0,
            };
            if hit && !fire {
                a.fired += 1;
                fire = true;
            }
        }
        fire
    }

    fn crash(&mut self, consumer: u8, point: CrashPoint) {
        let until = self.now + self.config.restart_delay_ms as Millis;
        let c = &mut self.consumers[consumer as usize];
        c.epoch += 1;
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
        if self.config.redelivery == RedeliveryMode::OnDisconnect {
            self.return_held(consumer);
        }
        self.schedule(until, TimerKind::Restart { consumer, epoch });
        self.dispatch();
    }
}

/// [`CrashPoint::after`] as a direct match: it runs at every step boundary of every job.
#[inline]
fn boundary_after(step: Step) -> Option<CrashPoint> {
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

/// Events that explain an anomaly (the rest is noise in that story).
fn is_cause(e: &Event) -> bool {
    matches!(
        e,
        Event::Delivered { .. }
            | Event::Crashed { .. }
            | Event::Charged { .. }
            | Event::LedgerWritten { .. }
            | Event::Committed { .. }
            | Event::RolledBack { .. }
            | Event::Acked { .. }
            | Event::AckLost { .. }
            | Event::Requeued { .. }
            | Event::ConstraintViolated { .. }
    )
}

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
}

impl Sim {
    /// The durable parts of the run, for saving (real crash mode).
    pub fn durable_state(&self) -> super::durable::DurableState {
        let (charges, keyed) = self.gateway.tables();
        super::durable::DurableState {
            format: super::durable::FORMAT,
            config: self.config.clone(),
            seed: self.seed,
            now: self.now,
            published: self.published,
            rng: self.rng.clone(),
            catalog: self.catalog,
            messages: self.broker.messages().to_vec(),
            dead_letter: self.broker.dead_letter().to_vec(),
            ledger_rows: self.db.ledger_table().to_vec(),
            processed: self.db.processed_table().to_vec(),
            charges: charges.to_vec(),
            keyed: keyed.to_vec(),
            counters: self.metrics.counters,
        }
    }

    /// Rebuilds a run from its durable parts after a real crash: every consumer died with the page
    /// (their memory and open transactions are gone) and restarts now; the broker sees the disconnect.
    pub fn recover(
        state: super::durable::DurableState,
    ) -> Result<Sim, super::durable::DurableError> {
        state.validate()?;
        let mut sim = Sim::new(state.config.clone(), state.seed);
        sim.timers.clear();
        sim.rng = state.rng;
        sim.catalog = state.catalog;
        sim.now = state.now;
        sim.published = state.published;
        sim.broker = Broker::restore(state.messages, state.dead_letter);
        sim.db = Database::restore(state.ledger_rows, state.processed);
        sim.gateway = Gateway::restore(state.charges, state.keyed);
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
        for p in 0..sim.config.payments {
            let m = sim.broker.message(p);
            match m.state {
                MessageState::Waiting => {
                    sim.schedule(sim.now, TimerKind::RetryReady { payment: p })
                }
                MessageState::InFlight { .. } => match sim.config.redelivery {
                    RedeliveryMode::OnDisconnect => {
                        sim.requeue(p, RequeueReason::Disconnect);
                    }
                    RedeliveryMode::VisibilityTimeout { timeout_ms } => {
                        let delivery = m.deliveries;
                        sim.schedule(
                            sim.now + timeout_ms as Millis,
                            TimerKind::VisibilityExpire {
                                payment: p,
                                delivery,
                            },
                        );
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
        sim.dispatch();
        Ok(sim)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cached_totals_match_a_fresh_count_at_every_step() {
        use crate::sim::command::{ArmMode, CrashPoint};
        let config = Config {
            payments: 30,
            consumers: 2,
            ..Config::default()
        };
        let mut sim = Sim::new(config, 5);
        sim.apply(Command::ArmCrash {
            consumer: None,
            point: CrashPoint::AfterCharge,
            mode: ArmMode::EveryKth(3),
        })
        .unwrap();
        while sim.step() {
            let cached = sim.totals();
            let mut fresh = Totals::default();
            for p in 0..sim.config.payments {
                let f = sim.facts(p);
                fresh.add(classify(f), f, sim.message(p).amount_cents);
            }
            assert_eq!(cached, fresh, "at {} ms", sim.now());
            if sim.now() == 300 {
                sim.apply(Command::CrashNow { consumer: 1 }).ok();
            }
        }
    }

    use super::*;

    #[test]
    fn boundary_after_matches_the_crash_points() {
        for step in Step::ALL {
            assert_eq!(boundary_after(step), CrashPoint::after(step), "{step:?}");
        }
    }

    #[test]
    fn timers_fire_in_time_then_schedule_order() {
        let mut sim = Sim::new(Config::default(), 1);
        sim.schedule(50, TimerKind::RetryReady { payment: 0 });
        sim.schedule(10, TimerKind::RetryReady { payment: 1 });
        sim.schedule(10, TimerKind::RetryReady { payment: 2 });
        let mut order = Vec::new();
        while let Some(t) = sim.timers.pop() {
            order.push((t.at(), t.kind));
        }
        assert_eq!(
            order,
            vec![
                (0, TimerKind::Publish),
                (10, TimerKind::RetryReady { payment: 1 }),
                (10, TimerKind::RetryReady { payment: 2 }),
                (50, TimerKind::RetryReady { payment: 0 }),
            ]
        );
    }

    #[test]
    fn memory_is_a_few_bytes_per_payment() {
        let small = |payments| {
            let mut sim = Sim::new(
                Config {
                    payments,
                    event_window: 1_000,
                    ..Config::default()
                },
                3,
            );
            assert!(sim.run_to_completion(u64::MAX));
            sim.heap_bytes()
        };
        let (a, b) = (small(2_000), small(20_000));
        assert!(b < a * 20, "{a} → {b}");
        assert!(b / 20_000 < 64, "a few bytes per payment: {b}");
    }
}
