//! The dashboard: the signals an on-call engineer reads, as hand-written SVG charts, each with a
//! title and a data table for screen readers and for anyone who prefers numbers.
//!
//! The double-payment incident shows here first: a redelivery spike, restarts lined up with it, and
//! duplicates that slipped through while none were caught.

use super::histogram_chart::{HistogramChartProps, histogram_chart};
use super::line_chart::{LineChartProps, Series, line_chart};
use super::memo::Memo;
use crate::i18n::{n_, trf_n};
use crate::sim::metrics::{Counters, Sample};
use crate::ui::state::World;
use crate::ui::{atr, vtext, vtr};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DashboardProps {
    pub world: World,
    /// How many parts to draw (see `hooks::use_staged_worlds`): each chart, then its data table.
    #[prop_or(usize::MAX)]
    pub parts: usize,
}

/// The parts of a catch-up: each chart, then its data table; the last one draws everything.
pub const PARTS: usize = 14;

/// Per-sample increase of a cumulative counter.
fn rate(samples: &[Sample], f: fn(&Counters) -> u64) -> Vec<(f64, f64)> {
    samples
        .windows(2)
        .map(|w| {
            (
                w[1].t as f64,
                f(&w[1].counters).saturating_sub(f(&w[0].counters)) as f64,
            )
        })
        .collect()
}

fn cumulative(samples: &[Sample], f: fn(&Counters) -> u64) -> Vec<(f64, f64)> {
    samples
        .iter()
        .map(|s| (s.t as f64, f(&s.counters) as f64))
        .collect()
}

fn gauge(samples: &[Sample], f: fn(&Sample) -> u32) -> Vec<(f64, f64)> {
    samples.iter().map(|s| (s.t as f64, f(s) as f64)).collect()
}

#[component]
pub fn Dashboard(props: &DashboardProps) -> Html {
    let world = props.world.clone();
    html! {
        <section class="panel dashboard" aria-labelledby="dashboard-title" data-testid="dashboard">
            <h2 class="panel__title" id="dashboard-title">{ vtr("Dashboard") }</h2>
            // Each part of a catch-up draws one more chart; the ones already drawn are skipped.
            <Memo key={99} deps={world.deps(99)} render={{ let world = world.clone(); Rc::new(move || signals(&world)) as Rc<dyn Fn() -> Html> }} />
            <div class="dashboard__charts">
                { for (0..7).filter(|i| 2 * i < props.parts).map(|i| {
                    let (world, table) = (world.clone(), 2 * i + 1 < props.parts);
                    html! { <Memo key={i} deps={world.deps((2 * i + table as usize) as u64)} render={Rc::new(move || chart(i, table, &world)) as Rc<dyn Fn() -> Html>} /> }
                }) }
            </div>
        </section>
    }
}

/// The signals an on-call engineer reads first, as numbers.
fn signals(world: &World) -> Html {
    let sim = world.sim();
    let s = sim.signals();
    let redeliveries: u64 = s.redeliveries.values().sum();
    // One row per signal, drawn by one piece of markup: (label, test id, value).
    let signals: [(&str, Option<&'static str>, String); 14] = [
        (
            n_("redeliveries (deliveries)"),
            Some("signal-redeliveries"),
            redeliveries.to_string(),
        ),
        (
            n_("…because the consumer went away · visibility timeout · retry"),
            Some("signal-redeliveries-by-cause"),
            format!(
                "{} · {} · {}",
                s.redeliveries_by_cause
                    .get("consumer_gone")
                    .copied()
                    .unwrap_or(0),
                s.redeliveries_by_cause
                    .get("visibility_timeout")
                    .copied()
                    .unwrap_or(0),
                s.redeliveries_by_cause.get("retry").copied().unwrap_or(0)
            ),
        ),
        (
            n_("consumer restarts"),
            Some("signal-restarts"),
            s.consumer_restarts.to_string(),
        ),
        (
            n_("dead-letter rate"),
            Some("signal-dead-letter-rate"),
            format!(
                "{}% · {}/s",
                super::words::decimal(100.0 * s.dead_letter_rate, 1),
                super::words::decimal(s.dead_letters_per_sec, 1)
            ),
        ),
        (
            n_("repeat deliveries caught (deliveries)"),
            Some("signal-detected"),
            s.duplicates_detected.to_string(),
        ),
        (
            n_("payments charged or recorded twice (payments)"),
            Some("signal-duplicate-payments"),
            s.duplicate_payments.to_string(),
        ),
        (
            n_("extra effects that got through (charges + rows)"),
            Some("signal-slipped"),
            s.duplicates_slipped.to_string(),
        ),
        (
            n_("processing latency p50 / p95 / p99"),
            Some("signal-latency"),
            format!(
                "{} / {} / {} ms",
                s.latency_p50_ms, s.latency_p95_ms, s.latency_p99_ms
            ),
        ),
        (
            n_("end-to-end latency p50 / p95 / p99 (published → done)"),
            Some("signal-e2e"),
            format!(
                "{} / {} / {} ms",
                s.end_to_end_p50_ms, s.end_to_end_p95_ms, s.end_to_end_p99_ms
            ),
        ),
        (
            n_("lag: ready · oldest waiting"),
            Some("signal-lag"),
            format!("{} · {} ms", s.queue_depth, s.oldest_ready_age_ms),
        ),
        (
            n_("queue depth · in flight"),
            Some("signal-queue"),
            format!("{} · {}", s.queue_depth, s.in_flight),
        ),
        (
            n_("gateway: calls inside · timed out · charged late"),
            Some("signal-gateway"),
            format!(
                "{} · {} · {}",
                s.gateway_load, s.charge_timeouts, s.late_charges
            ),
        ),
        (
            n_("throughput"),
            None,
            format!("{}/s", super::words::decimal(s.throughput_per_sec, 0)),
        ),
        (
            n_("retry amplification"),
            Some("signal-amplification"),
            format!("{}×", super::words::decimal(s.retry_amplification, 2)),
        ),
    ];
    html! {
        <dl class="dashboard__signals">
            { for signals.into_iter().map(|(label, id, value)| html! {
                <div><dt>{ vtr(label) }</dt><dd data-testid={id}>{ vtext(value) }</dd></div>
            }) }
        </dl>
    }
}

/// Chart `i` of the dashboard (the last, 6, is the latency histogram), with its data table's rows if
/// `table`.
fn chart(i: usize, table: bool, world: &World) -> Html {
    let sim = world.sim();
    // The series end at the last sample; one more point at the current time keeps them up to date.
    let mut samples = sim.metrics().samples().to_vec();
    if samples.last().is_none_or(|x| x.t < sim.now()) {
        samples.push(Sample {
            t: sim.now(),
            queue_depth: sim.broker().ready_count(),
            in_flight: sim.broker().in_flight_count(),
            dead_letter_depth: sim.broker().dead_letter().len() as u32,
            oldest_ready_age_ms: sim.oldest_ready_age_ms().min(u32::MAX as u64) as u32,
            gateway_load: sim.gateway().load(),
            counters: sim.metrics().counters,
        });
    }
    let samples = &samples[..];
    let hist = &sim.metrics().latency;
    let interval = sim.metrics().interval();

    match i {
                    0 => line_chart(&LineChartProps { table, id: "chart-redeliveries".into(), title: atr("Redeliveries and restarts"), desc: trf_n("Redeliveries and consumer restarts per {0} ms over simulated time. Spikes that line up point at crashes before the ack.", &[interval]).into(), series: vec![
                        Series { name: n_("redeliveries after a crash"), style: "a", points: rate(samples, |c| c.redelivered_after_disconnect) },
                        Series { name: n_("restarts"), style: "b", points: rate(samples, |c| c.restarts) },
                        Series { name: n_("retries"), style: "c", points: rate(samples, |c| c.redelivered_after_retry + c.redelivered_after_visibility) },
                    ] }),
                    1 => line_chart(&LineChartProps { table, id: "chart-lag".into(), title: atr("Lag: how long the oldest waiting message has waited (ms)"), desc: atr("Age of the oldest message still in the queue, over simulated time. A lag that keeps growing after a fault ended is a system that has not recovered."), series: vec![Series { name: n_("oldest waiting (ms)"), style: "a", points: gauge(samples, |x| x.oldest_ready_age_ms) }] }),
                    2 => line_chart(&LineChartProps { table, id: "chart-gateway".into(), title: atr("Calls inside the card gateway"), desc: atr("Calls being served or waiting at the gateway, including calls whose consumer already gave up: abandoned work that still costs capacity."), series: vec![Series { name: n_("calls inside"), style: "b", points: gauge(samples, |x| x.gateway_load) }] }),
                    3 => line_chart(&LineChartProps { table, id: "chart-duplicates".into(), title: atr("Duplicates: caught vs slipped through"), desc: atr("Cumulative duplicates stopped by a safeguard, and extra charges or ledger rows that got through."), series: vec![
                        Series { name: n_("repeat deliveries caught"), style: "ok", points: cumulative(samples, |c| c.duplicates_detected) },
                        Series { name: n_("extra effects through"), style: "bad", points: cumulative(samples, |c| c.duplicates_slipped) },
                    ] }),
                    4 => line_chart(&LineChartProps { table, id: "chart-queue-depth".into(), title: atr("Queue depth"), desc: atr("Messages waiting in the queue, delivered but unacknowledged, and in the dead-letter queue."), series: vec![
                        Series { name: n_("ready"), style: "a", points: gauge(samples, |x| x.queue_depth) },
                        Series { name: n_("in flight"), style: "b", points: gauge(samples, |x| x.in_flight) },
                        Series { name: n_("dead-letter"), style: "c", points: gauge(samples, |x| x.dead_letter_depth) },
                    ] }),
                    5 => line_chart(&LineChartProps { table, id: "chart-dead-letter".into(), title: atr("Dead-letter rate (%)"), desc: atr("Share of published payments moved to the dead-letter queue, over simulated time."), series: vec![Series { name: n_("dead-lettered %"), style: "c", points: samples.iter().map(|x| (x.t as f64, 100.0 * x.counters.dead_lettered as f64 / x.counters.published.max(1) as f64)).collect() }] }),
                    // The marks are the signals' latency percentiles, read from the same histogram.
                    _ => histogram_chart(&HistogramChartProps {
                buckets: hist.buckets(),
                marks: vec![
                    ("p50", hist.percentile(50)),
                    ("p95", hist.percentile(95)),
                    ("p99", hist.percentile(99)),
                ],
            }),
    }
}
