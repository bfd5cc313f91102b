//! Golden traces: every lab, as shipped, run to completion, as one line each — the event-log digest and
//! a readable summary of where the run ended.
//!
//! The digest is the contract: the same file is checked by the native tests and by the browser tests,
//! which is how we know the WebAssembly build makes exactly the same decisions as the native one. The
//! summary beside it is for people: when a change to the model moves a digest, the summary shows what
//! moved (outcomes, deliveries, crashes, events, end time) without replaying the run by hand.

use super::checker::Outcome;
use super::lab::Lab;
use super::simulation::Sim;

/// Simulated-time limit for a golden run.
pub const LIMIT_MS: u64 = 600_000;

/// `lab-id digest  summary` lines for every lab, in course order (the golden file's contents).
pub fn lab_lines() -> String {
    Lab::all().iter().map(lab_line).collect()
}

/// One lab's golden line, newline included: its id, the digest of its run's event log, and
/// [`summary`] of that run.
pub fn lab_line(lab: &Lab) -> String {
    let sim = lab.run(&lab.config, lab.seed, LIMIT_MS);
    format!("{:<18} {}  {}\n", lab.id, sim.digest(), summary(&sim))
}

/// Where a run ended, as `name=value` pairs: every outcome count, then deliveries, redeliveries,
/// crashes, dead letters, events and the simulated end time.
pub fn summary(sim: &Sim) -> String {
    let t = sim.totals();
    let c = sim.metrics().counters;
    let mut parts: Vec<String> = Outcome::ALL
        .iter()
        .map(|o| format!("{}={}", o.name(), t.get(*o)))
        .collect();
    parts.extend([
        format!("deliveries={}", c.deliveries),
        format!("redeliveries={}", c.redeliveries),
        format!("crashes={}", c.crashes),
        format!("events={}", sim.events().total()),
        format!("end_ms={}", sim.now()),
    ]);
    parts.join(" ")
}

/// `name digest  summary` lines for runs on the Kafka-like log, one per commit mode (automatic,
/// before processing, after processing, in the transaction): 60 payments, two consumers, three
/// partitions, polls of four records, a crash after every 7th charge and consumer 2 crashing by hand
/// at 400 ms (a rebalance each way). Until labs use the log, these pin its determinism.
pub fn log_lines() -> String {
    use super::command::{ArmMode, Command, CrashPoint};
    use super::config::{AckTiming, BrokerKind, Config, LogSettings, Strategy};
    let modes = [
        ("log-auto", AckTiming::Auto, false),
        ("log-first", AckTiming::ManualFirst, false),
        ("log-after", AckTiming::AfterCommit, false),
        ("log-in-tx", AckTiming::AfterCommit, true),
    ];
    let mut out = String::new();
    for (name, ack_timing, offsets_in_transaction) in modes {
        let config = Config {
            payments: 60,
            consumers: 2,
            prefetch: 4,
            strategy: Strategy {
                ack_timing,
                transactional: offsets_in_transaction,
                ..Strategy::NAIVE
            },
            broker: BrokerKind::Log(LogSettings {
                partitions: 3,
                auto_commit_interval_ms: 50,
                offsets_in_transaction,
            }),
            ..Config::default()
        };
        let mut sim = Sim::new(config, 15);
        let arm = Command::ArmCrash {
            consumer: None,
            point: CrashPoint::AfterCharge,
            mode: ArmMode::EveryKth(7),
        };
        sim.apply(arm).expect("a valid crash");
        sim.run_until(400);
        if !sim.consumers()[1].is_down() {
            sim.apply(Command::CrashNow { consumer: 1 })
                .expect("consumer 2 is up");
        }
        sim.run_to_completion(LIMIT_MS);
        out.push_str(&format!("{name:<18} {}  {}\n", sim.digest(), summary(&sim)));
    }
    out
}

/// The digest field of a golden line (`None` for a line without one).
pub fn digest_of(line: &str) -> Option<&str> {
    line.split_whitespace().nth(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Config;

    #[test]
    fn a_line_holds_the_id_the_digest_and_every_outcome() {
        let lab = &Lab::all()[0];
        let line = lab_line(lab);
        assert!(line.starts_with(lab.id), "{line}");
        let sim = lab.run(&lab.config, lab.seed, LIMIT_MS);
        assert_eq!(digest_of(&line), Some(sim.digest().as_str()));
        for o in Outcome::ALL {
            assert!(
                line.contains(&format!(" {}={}", o.name(), sim.totals().get(o))),
                "{line}"
            );
        }
        assert!(line.ends_with('\n') && !line.trim_end().contains('\n'));
    }

    #[test]
    fn the_summary_reports_what_the_run_did() {
        let mut sim = Sim::new(
            Config {
                payments: 3,
                ..Config::default()
            },
            1,
        );
        assert!(sim.run_to_completion(LIMIT_MS));
        let s = summary(&sim);
        assert!(s.starts_with("charged_once=3 duplicate=0 lost=0 "), "{s}");
        assert!(s.contains(" deliveries=3 redeliveries=0 crashes=0 "), "{s}");
        assert!(
            s.ends_with(&format!(
                " events={} end_ms={}",
                sim.events().total(),
                sim.now()
            )),
            "{s}"
        );
    }
}
