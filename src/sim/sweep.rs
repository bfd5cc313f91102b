//! The sweep: every crash point × every strategy on one seed, as a truth table.
//!
//! One table answers the whole course: which safeguards make a crash at each boundary harmless, which
//! leave a duplicate charge, and which lose money. Each run crashes at its boundary repeatedly, so a
//! "safe" cell is earned, not the result of a crash that never happened.
//!
//! The sweep runs on the broker kind of its base configuration (queue, SQS-like or log): the same
//! crash points and strategies, with what a crash does following the kind.

use super::checker::Totals;
use super::command::{Action, ArmMode, Command, CrashPoint};
use super::config::{BrokerKind, Config, Millis, Strategy};
use super::simulation::Sim;
use crate::i18n::{trf, trs};
use serde::{Deserialize, Serialize};

/// The one-word verdict of a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every payment charged once.
    Safe,
    /// At least one duplicate.
    Duplicate,
    /// At least one lost payment (and no duplicate).
    Lost,
    /// At least one orphan (and no duplicate or loss).
    Orphan,
    /// The run did not settle within its time limit.
    Unsettled,
}

/// One run of the sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    /// Where the consumer crashed.
    pub crash_point: CrashPoint,
    /// The strategy under test.
    pub strategy: Strategy,
    /// The checker's totals.
    pub totals: Totals,
    /// Crashes that actually happened.
    pub crashes: u64,
    /// The verdict.
    pub verdict: Verdict,
    /// The run's event-log digest.
    pub digest: String,
}

/// A sweep plan: the cells in a fixed order, runnable one at a time (so a UI can show progress).
#[derive(Clone, Debug)]
pub struct Sweep {
    base: Config,
    seed: u64,
    cells: Vec<(CrashPoint, Strategy)>,
}

/// Simulated-time limit of one sweep run; generous, because a settled run stops long before.
const RUN_LIMIT_MS: Millis = 24 * 3_600_000;

impl Sweep {
    /// Plans a sweep of `payments` payments per run on `seed`, over `base` (its strategy is replaced).
    pub fn new(base: &Config, seed: u64, payments: u32) -> Sweep {
        let mut base = base.clone();
        base.payments = payments;
        // The sweep reads totals and digests only: a tiny event window keeps 288 runs cheap.
        base.event_window = 16;
        let cells = CrashPoint::BOUNDARIES
            .into_iter()
            .flat_map(|p| {
                Strategy::all_combinations()
                    .into_iter()
                    .map(move |s| (p, s))
            })
            .collect();
        Sweep { base, seed, cells }
    }

    /// The broker kind every run of the sweep uses.
    pub fn broker(&self) -> BrokerKind {
        self.base.broker
    }

    /// The cells, in order.
    pub fn cells(&self) -> &[(CrashPoint, Strategy)] {
        &self.cells
    }

    /// How many runs.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Is it empty? (Never, but clippy asks.)
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The configuration and crash of cell `i`, as a sandbox would set it up.
    pub fn setup(&self, i: usize) -> (Config, Command) {
        let (point, strategy) = self.cells[i];
        let config = Config {
            strategy,
            ..self.base.clone()
        };
        (config, arm_for(point, self.base.payments))
    }

    /// Runs cell `i`.
    pub fn run(&self, i: usize) -> SweepRow {
        let (point, strategy) = self.cells[i];
        let (config, arm) = self.setup(i);
        let mut sim = Sim::new(config, self.seed);
        sim.replay(&[Action {
            at: 0,
            command: arm,
        }])
        // The error alone: `Refused`'s Debug would carry every command type's into the browser bundle.
        .map_err(|refused| refused.error)
        .expect("a sweep arms a valid crash");
        let settled = sim.run_to_completion(RUN_LIMIT_MS);
        let totals = sim.totals();
        SweepRow {
            crash_point: point,
            strategy,
            totals,
            crashes: sim.metrics().counters.crashes,
            verdict: if !settled {
                Verdict::Unsettled
            } else {
                verdict(&totals)
            },
            digest: sim.digest(),
        }
    }

    /// Runs every cell.
    pub fn run_all(&self) -> Vec<SweepRow> {
        (0..self.len()).map(|i| self.run(i)).collect()
    }
}

/// The crash a sweep run arms: every k-th pass, so several payments are hit but each retry can pass.
pub fn arm_for(point: CrashPoint, payments: u32) -> Command {
    let mode = if payments < 4 {
        ArmMode::Once
    } else {
        ArmMode::EveryKth((payments / 20).clamp(2, 50))
    };
    Command::ArmCrash {
        consumer: None,
        point,
        mode,
    }
}

/// A cell of the text truth table: `SAFE`, `DUP n`, `LOST n`, `ORPH n` or `UNSETTLED`.
pub fn cell(verdict: Verdict, t: &Totals) -> String {
    match verdict {
        Verdict::Safe => "SAFE".into(),
        Verdict::Duplicate => format!("DUP {}", t.duplicate),
        Verdict::Lost => format!("LOST {}", t.lost),
        Verdict::Orphan => format!("ORPH {}", t.orphan),
        Verdict::Unsettled => "UNSETTLED".into(),
    }
}

/// A strategy in the text truth table's five columns (`I T commit K unique`), `-` for a safeguard off.
pub fn strategy_columns(s: &Strategy) -> String {
    s.columns()
}

/// How often a sweep run of `payments` payments crashes, in words: `every 2nd pass of its boundary`.
pub fn crash_schedule(payments: u32) -> String {
    match arm_for(CrashPoint::AfterCommit, payments) {
        Command::ArmCrash {
            mode: ArmMode::EveryKth(k),
            ..
        } => trf("every {0} pass of its boundary", &[&ordinal(k)]),
        _ => trs("once, at the first pass of its boundary"),
    }
}

/// 2 → `2nd`, 11 → `11th`, 23 → `23rd`; in Spanish `2.ª` (the feminine ordinal: pasada, vez).
pub fn ordinal(n: u32) -> String {
    if crate::i18n::language() == "es" {
        return format!("{n}.ª");
    }
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The verdict of a settled run's totals.
pub fn verdict(t: &Totals) -> Verdict {
    if t.duplicate > 0 {
        Verdict::Duplicate
    } else if t.lost > 0 {
        Verdict::Lost
    } else if t.orphan > 0 {
        Verdict::Orphan
    } else {
        Verdict::Safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::AckTiming;

    #[test]
    fn labels_read_like_the_table() {
        let words = [1, 2, 3, 4, 11, 12, 13, 21, 22, 50].map(ordinal);
        assert_eq!(
            words,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "50th"
            ]
        );
        assert_eq!(
            strategy_columns(&Strategy::SAFE),
            "I    T   commit K   unique"
        );
        assert_eq!(crash_schedule(100), "every 5th pass of its boundary");
        assert_eq!(crash_schedule(2), "once, at the first pass of its boundary");
        let t = Totals {
            duplicate: 3,
            ..Totals::default()
        };
        assert_eq!(cell(Verdict::Duplicate, &t), "DUP 3");
    }

    #[test]
    fn the_full_safeguard_set_is_safe_at_every_crash_point() {
        let sweep = Sweep::new(&Config::default(), 11, 100);
        assert_eq!(sweep.len(), 6 * 48);
        for (i, (point, s)) in sweep.cells().iter().enumerate() {
            if *s == Strategy::SAFE {
                let row = sweep.run(i);
                assert_eq!(row.verdict, Verdict::Safe, "{point:?}: {:?}", row.totals);
                assert!(row.crashes > 0, "{point:?} crashed");
            }
        }
    }

    #[test]
    fn auto_ack_with_a_crash_after_receive_is_lost_and_a_manual_ack_first_is_safe() {
        let sweep = Sweep::new(&Config::default(), 1, 100);
        let find =
            |point, s: Strategy| sweep.cells().iter().position(|c| *c == (point, s)).unwrap();
        for base in [Strategy::NAIVE, Strategy::SAFE] {
            let auto = Strategy {
                ack_timing: AckTiming::Auto,
                ..base
            };
            let row = sweep.run(find(CrashPoint::AfterReceive, auto));
            assert_eq!(row.verdict, Verdict::Lost, "{auto}: {:?}", row.totals);
            let first = Strategy {
                ack_timing: AckTiming::ManualFirst,
                ..base
            };
            let row = sweep.run(find(CrashPoint::AfterReceive, first));
            assert_eq!(
                row.verdict,
                Verdict::Safe,
                "the ack was not sent yet: {first}"
            );
        }
    }

    #[test]
    fn naive_consumer_duplicates_after_commit_and_auto_ack_loses_after_check() {
        let sweep = Sweep::new(&Config::default(), 11, 100);
        let find =
            |point, s: Strategy| sweep.cells().iter().position(|c| *c == (point, s)).unwrap();
        assert_eq!(
            sweep
                .run(find(CrashPoint::AfterCommit, Strategy::NAIVE))
                .verdict,
            Verdict::Duplicate
        );
        let auto = Strategy {
            ack_timing: AckTiming::ManualFirst,
            ..Strategy::SAFE
        };
        assert_eq!(
            sweep.run(find(CrashPoint::AfterCheck, auto)).verdict,
            Verdict::Lost
        );
    }
}
