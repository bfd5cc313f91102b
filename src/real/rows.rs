//! Which rows the reality check runs, and the model's side of each.
//!
//! The real harness publishes every payment before the first consumer starts, so the model runs each
//! row with the same schedule: the sweep's configuration with `publish_interval_ms = 0`. With one
//! consumer, the same crash schedule and RabbitMQ's requeue to the original position on both sides,
//! the counts must agree exactly, not only which outcomes occur.

use crate::sim::checker::Totals;
use crate::sim::command::{ArmMode, Command, CrashPoint};
use crate::sim::config::{AckTiming, Config, RetryPolicy, RetryWait, Strategy};
use crate::sim::message::Message;
use crate::sim::simulation::Sim;
use crate::sim::sweep::{Sweep, Verdict, arm_for, verdict};
use serde::Serialize;

/// Which rows to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowSet {
    /// The rows the lessons hinge on (see [`key_rows`] and [`key_retry_rows`]).
    Key,
    /// Every crash point × strategy of `lab sweep` (288 rows), then every retry row.
    All,
}

impl RowSet {
    /// Parses `key` or `all`.
    pub fn parse(s: &str) -> Option<RowSet> {
        match s {
            "key" => Some(RowSet::Key),
            "all" => Some(RowSet::All),
            _ => None,
        }
    }

    /// The rows of this set for `payments` payments: crash rows in the sweep's order, then retry rows.
    pub fn rows(self, payments: u32) -> Vec<RowSpec> {
        let sweep = Sweep::new(&model_base(), 1, payments);
        let crash_row = |&(point, strategy): &(CrashPoint, Strategy)| RowSpec {
            crash_point: Some(point),
            mode: match arm_for(point, payments) {
                Command::ArmCrash { mode, .. } => mode,
                _ => ArmMode::Once,
            },
            strategy,
            retry: None,
        };
        let cells = sweep.cells();
        match self {
            RowSet::All => cells.iter().map(crash_row).chain(retry_rows()).collect(),
            RowSet::Key => key_rows()
                .iter()
                .filter(|k| cells.contains(k))
                .map(crash_row)
                .chain(key_retry_rows())
                .collect(),
        }
    }
}

/// Scripted gateway failures and the retries that answer them, built the RabbitMQ way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RetrySpec {
    /// The gateway fails the first this-many charge attempts of every payment.
    pub fail_first_attempts: u8,
    /// Deliveries before a message goes to the dead-letter queue; 0: unlimited.
    pub max_deliveries: u8,
    /// The retry queue's message TTL; the model's `retry: Fixed { delay_ms }` waited in the broker.
    pub delay_ms: u32,
}

/// One row: a crash armed at a boundary, or scripted failures with retries, under a strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RowSpec {
    /// Where the consumer crashes (`None`: a retry row, no crash).
    pub crash_point: Option<CrashPoint>,
    /// How often it crashes there (the sweep's schedule).
    #[serde(skip)]
    pub mode: ArmMode,
    /// The strategy under test.
    pub strategy: Strategy,
    /// Failures and retries (`None`: a crash row, the gateway never fails).
    pub retry: Option<RetrySpec>,
}

/// The key crash rows, each with the outcome the lessons predict:
/// 1. the naive consumer crashing after the commit, before the ack → duplicate;
/// 2. processed records + transaction, no gateway key, crash after the charge → duplicate charge;
/// 3. every safeguard, crash after the charge (the hardest boundary) → nothing goes wrong;
/// 4. every safeguard but a manual ack sent first, crash after the check → lost payments;
/// 5. every safeguard but auto-ack, crash after receive → lost payments (the buffered ones too).
pub fn key_rows() -> [(CrashPoint, Strategy); 5] {
    let no_key = Strategy {
        gateway_key: false,
        ..Strategy::SAFE
    };
    let first = Strategy {
        ack_timing: AckTiming::ManualFirst,
        ..Strategy::SAFE
    };
    let auto = Strategy {
        ack_timing: AckTiming::Auto,
        ..Strategy::SAFE
    };
    [
        (CrashPoint::AfterCommit, Strategy::NAIVE),
        (CrashPoint::AfterCharge, no_key),
        (CrashPoint::AfterCharge, Strategy::SAFE),
        (CrashPoint::AfterCheck, first),
        (CrashPoint::AfterReceive, auto),
    ]
}

/// The retry delay of the retry rows: short, so a row takes a fraction of a second.
pub const RETRY_DELAY_MS: u32 = 50;

fn retry_row(strategy: Strategy, fail_first_attempts: u8, max_deliveries: u8) -> RowSpec {
    RowSpec {
        crash_point: None,
        mode: ArmMode::Once,
        strategy,
        retry: Some(RetrySpec {
            fail_first_attempts,
            max_deliveries,
            delay_ms: RETRY_DELAY_MS,
        }),
    }
}

/// The key retry rows: the safe strategy whose first two charge attempts fail, once retried to
/// success (three deliveries allowed) and once dead-lettered (two allowed).
pub fn key_retry_rows() -> Vec<RowSpec> {
    vec![
        retry_row(Strategy::SAFE, 2, 3),
        retry_row(Strategy::SAFE, 2, 2),
    ]
}

/// Every retry row: for the naive and the safe strategy and for the safe one with each early ack,
/// failures retried without limit, retried to success within the limit, and dead-lettered at it.
pub fn retry_rows() -> Vec<RowSpec> {
    let strategies = [
        Strategy::NAIVE,
        Strategy::SAFE,
        Strategy {
            ack_timing: AckTiming::ManualFirst,
            ..Strategy::SAFE
        },
        Strategy {
            ack_timing: AckTiming::Auto,
            ..Strategy::SAFE
        },
    ];
    strategies
        .into_iter()
        .flat_map(|s| [(1, 0), (2, 3), (2, 2), (3, 1)].map(|(fail, max)| retry_row(s, fail, max)))
        .collect()
}

/// The model's configuration for every row: the defaults (one consumer, prefetch 1, redelivery on
/// disconnect) with every payment published at time 0, as the real harness does.
pub fn model_base() -> Config {
    Config {
        publish_interval_ms: 0,
        // Only totals are read: a tiny event window keeps 300 runs cheap.
        event_window: 16,
        ..Config::default()
    }
}

/// The model's world for `row`, with its crash armed.
pub fn model_sim(row: &RowSpec, seed: u64, payments: u32) -> Sim {
    let mut config = Config {
        payments,
        strategy: row.strategy,
        ..model_base()
    };
    if let Some(r) = row.retry {
        config.retry = RetryPolicy::Fixed {
            delay_ms: r.delay_ms,
        };
        config.retry_wait = RetryWait::Broker;
        config.max_deliveries = r.max_deliveries;
        config.gateway.fail_first_attempts = r.fail_first_attempts;
    }
    let mut sim = Sim::new(config, seed);
    if let Some(point) = row.crash_point {
        sim.apply(Command::ArmCrash {
            consumer: None,
            point,
            mode: row.mode,
        })
        .expect("a boundary crash is always valid");
    }
    sim
}

/// The payments the real harness publishes for `row`: the model's own messages.
pub fn messages(row: &RowSpec, seed: u64, payments: u32) -> Vec<Message> {
    let sim = model_sim(row, seed, payments);
    (0..payments).map(|p| sim.message(p)).collect()
}

/// Simulated-time limit of one model run; generous, because a settled run stops long before.
const RUN_LIMIT_MS: u64 = 24 * 3_600_000;

/// The model's side of a row.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ModelRow {
    /// The checker's totals.
    pub totals: Totals,
    /// Crashes that happened.
    pub crashes: u64,
    /// Did the run settle?
    pub settled: bool,
}

impl ModelRow {
    /// The sweep's verdict word.
    pub fn verdict(&self) -> Verdict {
        if self.settled {
            verdict(&self.totals)
        } else {
            Verdict::Unsettled
        }
    }
}

/// Runs the model's side of `row`.
pub fn run_model(row: &RowSpec, seed: u64, payments: u32) -> ModelRow {
    let mut sim = model_sim(row, seed, payments);
    let settled = sim.run_to_completion(RUN_LIMIT_MS);
    ModelRow {
        totals: sim.totals(),
        crashes: sim.metrics().counters.crashes,
        settled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_rows_are_sweep_cells_with_the_predicted_verdicts() {
        let rows = RowSet::Key.rows(10);
        assert_eq!(rows.len(), 7, "every key row is a cell of the sweep");
        let verdicts: Vec<Verdict> = rows.iter().map(|r| run_model(r, 1, 10).verdict()).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Duplicate,
                Verdict::Duplicate,
                Verdict::Safe,
                Verdict::Lost,
                Verdict::Lost,
                Verdict::Safe,
                Verdict::Safe,
            ]
        );
        let dead = run_model(&rows[6], 1, 10).totals;
        assert_eq!(
            dead.dead_lettered, 10,
            "two deliveries, two failures: {dead:?}"
        );
        let all = RowSet::All.rows(10);
        assert_eq!(all.len(), 288 + retry_rows().len());
        assert!(
            all[..288]
                .iter()
                .all(|r| r.crash_point.is_some() && r.retry.is_none())
        );
        assert_eq!(RowSet::parse("key"), Some(RowSet::Key));
        assert_eq!(RowSet::parse("some"), None);
    }

    #[test]
    fn the_model_side_publishes_everything_at_time_zero() {
        let row = RowSet::Key.rows(10)[0];
        let sim = model_sim(&row, 1, 10);
        assert_eq!(sim.config().publish_interval_ms, 0);
        assert_eq!(messages(&row, 1, 10).len(), 10);
        let retry = key_retry_rows()[0];
        let c = model_sim(&retry, 1, 10).config().clone();
        assert_eq!(
            c.retry,
            RetryPolicy::Fixed {
                delay_ms: RETRY_DELAY_MS
            }
        );
        assert_eq!((c.max_deliveries, c.gateway.fail_first_attempts), (3, 2));
    }
}
