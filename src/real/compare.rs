//! Pure logic of the reality check: which rows run, the model's side of each row, what the real facts
//! add up to, and whether the model and the real systems agree. No servers here, so every function is
//! unit-tested without RabbitMQ or PostgreSQL.
//!
//! The real harness publishes every payment before the first consumer starts, so the model runs each
//! row with the same schedule: the sweep's configuration with `publish_interval_ms = 0`. With one
//! consumer, the same crash schedule and RabbitMQ's requeue to the original position on both sides,
//! the counts must agree exactly, not only which outcomes occur.

use crate::sim::checker::{PaymentFacts, Totals, classify};
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

/// When a consumer process must die: at which pass of the armed boundary, counted from its own start.
///
/// The model's armed crash counts passes over the whole run (`passes % k == 0` for every k-th time);
/// each real process dies at the pass that is the next multiple of k overall, so the real crashes land
/// on the same global passes: k, 2k, … `crashes_so_far` is how many processes already died, and
/// `passes_since_crash` how many passes processes that went idle (no crash) made since the last crash.
pub fn crash_at_pass(mode: ArmMode, crashes_so_far: u64, passes_since_crash: u64) -> Option<u32> {
    match mode {
        ArmMode::Once if crashes_so_far == 0 => Some(1),
        ArmMode::Once => None,
        ArmMode::Always => Some(1),
        ArmMode::EveryKth(k) => {
            let k = k.max(1);
            Some(k - (passes_since_crash % k as u64) as u32)
        }
    }
}

/// What the real systems hold about one payment once the queues have drained.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RealPayment {
    /// Charges in the gateway's table (a replayed idempotency key adds none).
    pub charges: u32,
    /// Committed ledger rows.
    pub ledger_rows: u32,
    /// Still in the payments queue or the retry queue.
    pub in_queue: bool,
    /// In the dead-letter queue.
    pub dead_lettered: bool,
}

impl RealPayment {
    /// The checker's facts: every payment was published before the first consumer started, and no
    /// consumer is running when the facts are read.
    pub fn facts(self) -> PaymentFacts {
        PaymentFacts {
            published: true,
            charges: self.charges.min(u8::MAX as u32) as u8,
            ledger_rows: self.ledger_rows.min(u8::MAX as u32) as u8,
            in_broker: self.in_queue,
            in_consumer: false,
            dead_lettered: self.dead_lettered,
        }
    }
}

/// Classifies every payment with the core's checker and adds up the totals; `amounts[i]` is payment
/// `i`'s amount in cents.
pub fn real_totals(payments: &[RealPayment], amounts: &[u32]) -> Totals {
    let mut t = Totals::default();
    for (p, amount) in payments.iter().zip(amounts) {
        let f = p.facts();
        t.add(classify(f), f, *amount);
    }
    t
}

/// One row run on the real systems.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RealRow {
    /// The checker's totals over the real facts.
    pub totals: Totals,
    /// Consumer processes that died at the boundary (`std::process::abort`).
    pub crashes: u64,
    /// Consumer processes started, the first one included.
    pub processes: u64,
    /// Did the queues drain (every message acknowledged, dropped or dead-lettered)?
    pub settled: bool,
    /// Wall-clock milliseconds the row took.
    pub elapsed_ms: u64,
}

impl RealRow {
    /// The same verdict words as the sweep.
    pub fn verdict(&self) -> Verdict {
        if self.settled {
            verdict(&self.totals)
        } else {
            Verdict::Unsettled
        }
    }
}

/// Which anomalies occur, as yes/no.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Occurs {
    /// At least one duplicate.
    pub duplicate: bool,
    /// At least one lost payment.
    pub lost: bool,
    /// At least one orphan.
    pub orphan: bool,
}

impl Occurs {
    /// Reads the yes/no answers off totals.
    pub fn of(t: &Totals) -> Occurs {
        Occurs {
            duplicate: t.duplicate > 0,
            lost: t.lost > 0,
            orphan: t.orphan > 0,
        }
    }
}

/// The model's row and the real row side by side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The model's answers.
    pub model: Occurs,
    /// The real systems' answers.
    pub real: Occurs,
    /// Did both settle and give the same yes/no answers?
    pub agrees: bool,
    /// Did both settle with exactly the same totals (every outcome and the money)?
    pub counts_agree: bool,
    /// Sentences on what differs.
    pub notes: Vec<String>,
}

/// Compares the model's side of a row with the real side.
pub fn compare(model: &ModelRow, real: &RealRow) -> Comparison {
    let m = Occurs::of(&model.totals);
    let r = Occurs::of(&real.totals);
    let settled = model.settled && real.settled;
    let agrees = settled && m == r;
    let counts_agree = settled && model.totals == real.totals;
    let mut notes = Vec::new();
    if !real.settled {
        notes.push(format!(
            "The real queues did not drain within the row's limit ({} consumer processes): the real \
             run is unfinished, so it cannot agree.",
            real.processes
        ));
    }
    if !model.settled {
        notes.push("The model run did not settle within its simulated time limit.".to_string());
    }
    if settled && !counts_agree {
        notes.push(format!(
            "COUNTS DIFFER: model {}; real {}.",
            counts(&model.totals, model.crashes),
            counts(&real.totals, real.crashes)
        ));
    } else if settled && model.crashes != real.crashes {
        notes.push(format!(
            "Same totals, but the model crashed {} time{} and the real consumers {}.",
            model.crashes,
            if model.crashes == 1 { "" } else { "s" },
            real.crashes
        ));
    }
    Comparison {
        model: m,
        real: r,
        agrees,
        counts_agree,
        notes,
    }
}

/// `2 crashes, 8 once / 2 dup / 0 lost / 0 orphan / 0 dead-lettered / 0 pending`.
fn counts(t: &Totals, crashes: u64) -> String {
    format!(
        "{crashes} crash{}, {} once / {} dup / {} lost / {} orphan / {} dead-lettered / {} pending",
        if crashes == 1 { "" } else { "es" },
        t.charged_once,
        t.duplicate,
        t.lost,
        t.orphan,
        t.dead_lettered,
        t.pending
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real(totals: Totals, crashes: u64) -> RealRow {
        RealRow {
            totals,
            crashes,
            processes: crashes + 1,
            settled: true,
            elapsed_ms: 0,
        }
    }

    #[test]
    fn key_rows_are_sweep_cells_with_the_predicted_verdicts() {
        let rows = RowSet::Key.rows(10);
        assert_eq!(rows.len(), 7, "every key row is a cell of the sweep");
        // The verdicts of the auto-ack and retry rows wait for the model's auto-ack and scripted
        // failures (main, issue 10); the crash rows' verdicts are pinned here.
        let verdicts: Vec<Verdict> = rows[..4]
            .iter()
            .map(|r| run_model(r, 1, 10).verdict())
            .collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Duplicate,
                Verdict::Duplicate,
                Verdict::Safe,
                Verdict::Lost
            ]
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

    #[test]
    fn real_processes_crash_on_the_models_global_passes() {
        // Global passes 1, 2, 3, … with every 3rd crashing: each process dies at its own 3rd pass…
        assert_eq!(crash_at_pass(ArmMode::EveryKth(3), 0, 0), Some(3));
        assert_eq!(crash_at_pass(ArmMode::EveryKth(3), 5, 0), Some(3));
        // …unless an earlier process went idle after some passes: then the count goes on from there.
        assert_eq!(crash_at_pass(ArmMode::EveryKth(3), 1, 2), Some(1));
        assert_eq!(crash_at_pass(ArmMode::EveryKth(3), 1, 4), Some(2));
        assert_eq!(crash_at_pass(ArmMode::Once, 0, 0), Some(1));
        assert_eq!(crash_at_pass(ArmMode::Once, 1, 0), None);
        assert_eq!(crash_at_pass(ArmMode::EveryKth(0), 0, 0), Some(1));
    }

    #[test]
    fn real_facts_are_classified_by_the_core_checker() {
        let ps = [
            RealPayment {
                charges: 1,
                ledger_rows: 1,
                ..Default::default()
            },
            RealPayment {
                charges: 2,
                ledger_rows: 1,
                ..Default::default()
            },
            RealPayment::default(),
            RealPayment {
                charges: 1,
                ..Default::default()
            },
            RealPayment {
                dead_lettered: true,
                ..Default::default()
            },
            RealPayment {
                in_queue: true,
                ..Default::default()
            },
            RealPayment {
                charges: 300,
                ledger_rows: 1,
                ..Default::default()
            },
        ];
        let t = real_totals(&ps, &[1000, 1000, 500, 700, 100, 100, 10]);
        assert_eq!(t.charged_once, 1);
        assert_eq!(t.duplicate, 2);
        assert_eq!(t.lost, 1);
        assert_eq!(t.orphan, 1);
        assert_eq!(t.dead_lettered, 1);
        assert_eq!(t.pending, 1);
        assert_eq!(t.money_overcharged_cents, 1000 + 254 * 10);
        assert_eq!(t.money_missing_cents, 500);
    }

    #[test]
    fn counts_must_agree_exactly() {
        let row = RowSet::Key.rows(10)[0];
        let model = run_model(&row, 1, 10);
        assert!(model.totals.duplicate > 0);

        let same = compare(&model, &real(model.totals, model.crashes));
        assert!(
            same.agrees && same.counts_agree && same.notes.is_empty(),
            "{same:?}"
        );

        // The same outcomes with one more duplicate: agrees on yes/no, not on counts.
        let more = Totals {
            duplicate: model.totals.duplicate + 1,
            charged_once: model.totals.charged_once - 1,
            ..model.totals
        };
        let c = compare(&model, &real(more, model.crashes));
        assert!(c.agrees && !c.counts_agree, "{c:?}");
        assert!(c.notes[0].starts_with("COUNTS DIFFER"), "{}", c.notes[0]);

        let clean = Totals {
            charged_once: 10,
            ..Totals::default()
        };
        let c = compare(&model, &real(clean, 1));
        assert!(!c.agrees && !c.counts_agree);

        let c = compare(&model, &real(model.totals, model.crashes + 1));
        assert!(c.counts_agree && c.notes[0].contains("crashed"), "{c:?}");

        let mut unsettled = real(model.totals, 1);
        unsettled.settled = false;
        assert_eq!(unsettled.verdict(), Verdict::Unsettled);
        let c = compare(&model, &unsettled);
        assert!(!c.agrees && !c.counts_agree);
        assert!(c.notes[0].contains("did not drain"), "{c:?}");
    }
}
