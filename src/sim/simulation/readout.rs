//! Reading a run: each payment's facts and outcome, the totals, the anomalies with the events that
//! explain them, the headline signals and the memory held.
//!
//! Nothing here changes the world: these are the questions a dashboard, a goal or a test asks of it.
//! The checker decides outcomes from facts alone ([`classify`]), so the UI, the CLI and the goals
//! cannot disagree on what happened to a payment.

use super::super::broker::MessageState;
use super::super::checker::{Anomaly, Duplicates, Outcome, PaymentFacts, Totals, classify};
use super::super::command::Action;
use super::super::consumer::{Consumer, Delivery};
use super::super::event::Event;
use super::super::metrics::Signals;
use super::timers::Timer;
use super::{ArmedCrash, Sim};
use std::collections::BTreeMap;

impl Sim {
    /// What the checker knows about `payment`.
    pub fn facts(&self, payment: u32) -> PaymentFacts {
        let m = self.broker.message(payment);
        PaymentFacts {
            published: payment < self.published,
            charges: self.gateway.charges(payment),
            ledger_rows: self.db.ledger_rows(payment),
            in_broker: self.broker.holds_payment(payment),
            in_consumer: self.in_consumer[payment as usize] > 0,
            dead_lettered: m.state == MessageState::DeadLettered,
            never_published: !self.dropped.is_empty() && self.never_published(payment),
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

    /// Duplicate charges per business payment (the harm) and duplicate deliveries, counted apart.
    pub fn duplicates(&self) -> Duplicates {
        let n = self.config.payments as usize;
        let messages = self.broker.messages();
        let mut deliveries: Vec<u64> = messages[..n].iter().map(|m| m.deliveries as u64).collect();
        for (i, p) in self.broker.copies().iter().enumerate() {
            deliveries[*p as usize] += messages[n + i].deliveries as u64;
        }
        let mut d = Duplicates::default();
        for (p, delivered) in deliveries.into_iter().enumerate() {
            d.add(self.gateway.charges(p as u32), delivered);
        }
        d
    }

    /// Up to `limit` anomalous payments, each with the events in the window that explain it.
    pub fn anomalies(&self, limit: usize) -> Vec<Anomaly> {
        let mut out: Vec<Anomaly> = Vec::new();
        for p in 0..self.config.payments {
            if out.len() == limit {
                break;
            }
            let f = self.facts(p);
            let outcome = classify(f);
            if outcome.is_anomaly() {
                out.push(Anomaly {
                    payment: p,
                    outcome,
                    charges: f.charges,
                    ledger_rows: f.ledger_rows,
                    causes: Vec::new(),
                });
            }
        }
        if !out.is_empty() {
            // `out` is in payment order, so a binary search finds a payment's entry (no hash map
            // of its own in the download).
            for e in self.log.window() {
                if let Some(i) = e
                    .event
                    .payment()
                    .and_then(|p| out.binary_search_by_key(&p, |a| a.payment).ok())
                    && is_cause(&e.event)
                {
                    out[i].causes.push(e.seq);
                }
            }
        }
        out
    }

    /// How long the oldest message still waiting in the queue has waited, in ms: the lag an on-call
    /// engineer watches. 0 when nothing waits; otherwise the latest sample's age, grown by the time
    /// since that sample (the oldest waiting message can only have waited longer since).
    pub fn oldest_ready_age_ms(&self) -> u64 {
        if self.broker.ready_count() == 0 {
            return 0;
        }
        self.metrics.samples().last().map_or(0, |s| {
            (s.oldest_ready_age_ms as u64).saturating_add(self.now.saturating_sub(s.t))
        })
    }

    /// The headline signals.
    pub fn signals(&self) -> Signals {
        let c = &self.metrics.counters;
        let published = c.published.max(1) as f64;
        let secs = self.now.max(1) as f64 / 1000.0;
        let mut signals = Signals {
            redeliveries: BTreeMap::from([("payments".to_string(), c.redeliveries)]),
            redeliveries_by_cause: BTreeMap::from([
                ("consumer_gone".to_string(), c.redelivered_after_disconnect),
                (
                    "visibility_timeout".to_string(),
                    c.redelivered_after_visibility,
                ),
                ("retry".to_string(), c.redelivered_after_retry),
            ]),
            consumer_restarts: c.restarts,
            dead_letter_rate: c.dead_lettered as f64 / published,
            dead_letters_per_sec: c.dead_lettered as f64 / secs,
            duplicates_detected: c.duplicates_detected,
            duplicates_slipped: c.duplicates_slipped,
            duplicate_payments: self.totals().duplicate,
            latency_p50_ms: self.metrics.latency.percentile(50),
            latency_p95_ms: self.metrics.latency.percentile(95),
            latency_p99_ms: self.metrics.latency.percentile(99),
            end_to_end_p50_ms: self.metrics.end_to_end.percentile(50),
            end_to_end_p95_ms: self.metrics.end_to_end.percentile(95),
            end_to_end_p99_ms: self.metrics.end_to_end.percentile(99),
            queue_depth: self.broker.ready_count(),
            oldest_ready_age_ms: self.oldest_ready_age_ms(),
            in_flight: self.broker.in_flight_count(),
            gateway_load: self.gateway.load(),
            charge_timeouts: c.charge_timeouts,
            late_charges: c.late_charges,
            throughput_per_sec: c.completed as f64 / secs,
            retry_amplification: c.deliveries as f64 / published,
        };
        if self.broker.topic().is_some() {
            // A log's replays are a cause of their own (an insert: collecting a map would link
            // another sort into the WebAssembly build).
            signals
                .redeliveries_by_cause
                .insert("replay".to_string(), c.redelivered_after_replay);
        }
        signals
    }

    /// An estimate of the heap memory the simulation holds, in bytes: the dense per-payment tables,
    /// the queues, the event window and the time series. It grows with the payments and the event
    /// window, never with simulated time.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let payments = self.config.payments as usize;
        // The database keeps two one-byte entries per payment (ledger rows, processed flag).
        let db = payments * 2;
        let consumers: usize = self
            .consumers
            .iter()
            .map(|c| size_of::<Consumer>() + c.buffer.capacity() * size_of::<Delivery>())
            .sum();
        self.broker.heap_bytes()
            + db
            + self.gateway.heap_bytes()
            + self.in_consumer.capacity()
            + consumers
            + self.timers.capacity() * size_of::<Timer>()
            + self.log.heap_bytes()
            + self.metrics.heap_bytes()
            + self.armed.capacity() * size_of::<ArmedCrash>()
            + self.actions.capacity() * size_of::<Action>()
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
            | Event::ChargeTimedOut { .. }
            | Event::Republished { .. }
            | Event::PublisherCrashed { .. }
            | Event::SqsDuplicate { .. }
    )
}
