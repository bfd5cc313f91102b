//! `lab bench`: the core's throughput on the shared benchmark workload (`sim::workload`), the same
//! one the browser benchmark (`./scripts/bench`) runs.

use crate::args::BenchArgs;
use crate::exit::{Fail, usage};
use redelivery_lab::sim::config::BrokerKind;
use redelivery_lab::sim::workload;
use std::fmt::Write as _;
use std::time::Instant;

/// Runs when none are given.
const DEFAULT_RUNS: u32 = 5;

pub fn bench(a: BenchArgs) -> Result<String, Fail> {
    let payments = a.payments.unwrap_or(workload::THROUGHPUT_PAYMENTS);
    if payments == 0 {
        return usage("A benchmark needs at least 1 payment.");
    }
    let runs = a.runs.unwrap_or(DEFAULT_RUNS);
    let seed = a.seed.unwrap_or(workload::THROUGHPUT_SEED);
    let broker = a
        .broker
        .as_deref()
        .and_then(BrokerKind::from_name)
        .unwrap_or_default();

    // Progress goes to stderr as it happens; stdout gets the report, ending with the median.
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Benchmark: {}{}, {runs} run{}",
        workload::describe(payments, seed),
        if broker.is_queue() {
            String::new()
        } else {
            format!(", {} broker", broker.name())
        },
        if runs == 1 { "" } else { "s" }
    );
    let mut rates = Vec::with_capacity(runs as usize);
    let mut first_digest = None;
    let mut estimate = 0usize;
    for i in 1..=runs {
        let start = Instant::now();
        let mut sim = workload::throughput_on(payments, seed, broker);
        let digest = workload::run_throughput(&mut sim);
        let secs = start.elapsed().as_secs_f64();
        if !sim.is_settled() {
            return Err(Fail::check_failed(format!(
                "Benchmark run {i} did not settle."
            )));
        }
        let rate = payments as f64 / secs.max(1e-9);
        let t = sim.totals();
        let line = format!(
            "run {i}: {secs:.3} s, {rate:.0} payments/s ({} events, {} crashes, {} charged once, {} duplicate, digest {digest})",
            sim.events().total(),
            sim.metrics().counters.crashes,
            t.charged_once,
            t.duplicate,
        );
        eprintln!("{line}");
        let _ = writeln!(o, "{line}");
        match &first_digest {
            None => {
                estimate = sim.heap_bytes();
                first_digest = Some(digest);
            }
            Some(first) if *first != digest => {
                return Err(Fail::check_failed(format!(
                    "Benchmark run {i} diverged from run 1: the core is not deterministic."
                )));
            }
            Some(_) => {}
        }
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    let median = if rates.len() % 2 == 1 {
        rates[rates.len() / 2]
    } else {
        (rates[rates.len() / 2 - 1] + rates[rates.len() / 2]) / 2.0
    };
    let _ = writeln!(
        o,
        "min {:.0}, max {:.0}, median {:.0} payments/s",
        rates[0],
        rates[rates.len() - 1],
        median
    );
    let _ = writeln!(
        o,
        "peak memory (VmHWM): {}",
        peak_rss().unwrap_or_else(|| "n/a".to_string())
    );
    let _ = writeln!(
        o,
        "sim heap estimate at the end of a run: {:.1} MiB",
        estimate as f64 / (1024.0 * 1024.0)
    );
    let _ = writeln!(o, "payments_per_sec: {}", median.round() as u64);
    Ok(o)
}

/// The process's peak resident set size, from `/proc/self/status` (Linux only).
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(format!("{:.1} MiB", kb as f64 / 1024.0))
}
