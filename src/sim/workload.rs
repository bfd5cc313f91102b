//! Standard workloads for benchmarks, shared by the native CLI and the browser build so their figures
//! measure exactly the same simulation.

use super::command::{ArmMode, Command, CrashPoint};
use super::config::Config;
use super::simulation::Sim;

/// Seed of the throughput workload.
pub const THROUGHPUT_SEED: u64 = 2026;

/// The throughput workload: default configuration (one consumer, event log at its default window),
/// `payments` payments, and 1% crashes (every 100th charge). Run it with [`run_throughput`].
pub fn throughput(payments: u32) -> Sim {
    let mut sim = Sim::new(
        Config {
            payments,
            ..Config::default()
        },
        THROUGHPUT_SEED,
    );
    sim.apply(Command::ArmCrash {
        consumer: None,
        point: CrashPoint::AfterCharge,
        mode: ArmMode::EveryKth(100),
    })
    .expect("a valid crash");
    sim
}

/// Runs a throughput workload to completion; returns the digest (so the work cannot be optimised away,
/// and native and wasm results can be compared).
pub fn run_throughput(sim: &mut Sim) -> String {
    sim.run_to_completion(u64::MAX);
    sim.digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_throughput_workload_settles_with_crashes_and_duplicates() {
        let mut sim = throughput(2_000);
        run_throughput(&mut sim);
        assert!(sim.is_settled());
        let crashes = sim.metrics().counters.crashes;
        assert!((15..=25).contains(&crashes), "about 1% crashes: {crashes}");
        assert_eq!(sim.totals().pending, 0);
    }
}
