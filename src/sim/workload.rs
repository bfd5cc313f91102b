//! Standard workloads for benchmarks, shared by the native CLI (`lab bench`) and the browser build
//! (`bench_throughput`, `bench_share_link`) so their figures measure exactly the same simulation.

use super::command::{Action, ArmMode, Command, CrashPoint};
use super::config::{BrokerKind, Config};
use super::simulation::Sim;

/// Seed of the throughput workload.
pub const THROUGHPUT_SEED: u64 = 2026;

/// Payments of the throughput workload when nobody says otherwise.
pub const THROUGHPUT_PAYMENTS: u32 = 1_000_000;

/// One charge in this many crashes in the throughput workload (1%).
pub const THROUGHPUT_CRASH_EVERY: u32 = 100;

/// The throughput workload's configuration: the defaults (one consumer, the naive strategy, the event
/// log at its default window) with `payments` payments.
pub fn throughput_config(payments: u32) -> Config {
    Config {
        payments,
        ..Config::default()
    }
}

/// The throughput workload's crash: every consumer crashes after every 100th charge.
pub fn throughput_crash() -> Command {
    Command::ArmCrash {
        consumer: None,
        point: CrashPoint::AfterCharge,
        mode: ArmMode::EveryKth(THROUGHPUT_CRASH_EVERY),
    }
}

/// The throughput workload in words, for the head of a benchmark report.
pub fn describe(payments: u32, seed: u64) -> String {
    let c = throughput_config(payments);
    format!(
        "{payments} payments, {} consumer{}, naive strategy, a crash after every {}th charge, \
         event window {}, seed {seed}",
        c.consumers,
        if c.consumers == 1 { "" } else { "s" },
        THROUGHPUT_CRASH_EVERY,
        c.event_window
    )
}

/// The throughput workload on `seed`, ready to run with [`run_throughput`].
pub fn throughput(payments: u32, seed: u64) -> Sim {
    throughput_on(payments, seed, BrokerKind::Queue)
}

/// The throughput workload on `seed` with another broker kind (its default settings).
pub fn throughput_on(payments: u32, seed: u64, broker: BrokerKind) -> Sim {
    let config = Config {
        broker,
        ..throughput_config(payments)
    };
    let mut sim = Sim::new(config, seed);
    sim.apply(throughput_crash())
        .expect("the throughput crash is valid for every configuration");
    sim
}

/// Runs a throughput workload to completion (no time limit: it always settles, since each crash hits
/// only every 100th charge); returns the digest, so the work cannot be optimised away and native and
/// wasm results can be compared.
pub fn run_throughput(sim: &mut Sim) -> String {
    sim.run_to_completion(u64::MAX);
    sim.digest()
}

/// The frame-time benchmark's long history: four consumers, a publish every 5 ms and a crash after
/// every 50th charge, as a scenario to open in the sandbox.
pub fn long_history(payments: u32) -> (Config, Vec<Action>) {
    let config = Config {
        payments,
        publish_interval_ms: 5,
        consumers: 4,
        ..Config::default()
    };
    let arm = Command::ArmCrash {
        consumer: None,
        point: CrashPoint::AfterCharge,
        mode: ArmMode::EveryKth(50),
    };
    (
        config,
        vec![Action {
            at: 0,
            command: arm,
        }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_throughput_workload_settles_with_crashes_and_duplicates() {
        let mut sim = throughput(2_000, THROUGHPUT_SEED);
        run_throughput(&mut sim);
        assert!(sim.is_settled());
        let crashes = sim.metrics().counters.crashes;
        assert!((15..=25).contains(&crashes), "about 1% crashes: {crashes}");
        assert!(
            sim.totals().duplicate > 0,
            "crashes after the charge double-charge"
        );
        assert_eq!(sim.totals().pending, 0);
    }

    #[test]
    fn the_same_seed_gives_the_same_digest_and_another_seed_another() {
        let digest = |seed| run_throughput(&mut throughput(500, seed));
        assert_eq!(digest(THROUGHPUT_SEED), digest(THROUGHPUT_SEED));
        assert_ne!(digest(THROUGHPUT_SEED), digest(THROUGHPUT_SEED + 1));
    }

    #[test]
    fn the_log_workload_settles_with_crashes_and_replays() {
        let log = BrokerKind::Log(Default::default());
        let mut sim = throughput_on(2_000, THROUGHPUT_SEED, log);
        run_throughput(&mut sim);
        assert!(sim.is_settled());
        assert!(sim.metrics().counters.redelivered_after_replay > 0);
        assert!(sim.totals().duplicate > 0);
        assert_eq!(sim.totals().pending, 0);
    }

    #[test]
    fn the_long_history_is_a_valid_configuration() {
        let (config, actions) = long_history(1_000);
        assert_eq!(config.validate(), Ok(()));
        let mut sim = Sim::new(config, 1);
        for a in actions {
            assert!(sim.apply(a.command).is_ok());
        }
    }
}
