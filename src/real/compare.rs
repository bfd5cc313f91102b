//! Pure logic of the reality check: which rows run, what the real facts add up to, whether the model and
//! the real systems agree, and the words that explain a count that differs. No servers here, so every
//! function is unit-tested without RabbitMQ or PostgreSQL.

use crate::sim::checker::{PaymentFacts, Totals, classify};
use crate::sim::command::{ArmMode, CrashPoint};
use crate::sim::config::{AckTiming, Strategy};
use crate::sim::sweep::{SweepRow, Verdict, verdict};
use serde::Serialize;

/// Which of the sweep's cells to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowSet {
    /// The four rows the lessons hinge on (see [`key_rows`]).
    Key,
    /// Every crash point × strategy of `lab sweep` (288 rows).
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

    /// Keeps the cells of `cells` (the sweep's order) that belong to this set; returns their indices.
    pub fn select(self, cells: &[(CrashPoint, Strategy)]) -> Vec<usize> {
        match self {
            RowSet::All => (0..cells.len()).collect(),
            RowSet::Key => key_rows()
                .iter()
                .filter_map(|k| cells.iter().position(|c| c == k))
                .collect(),
        }
    }
}

/// The key rows, each with the outcome the lessons predict:
/// 1. the naive consumer crashing after the commit, before the ack → duplicate;
/// 2. processed records + transaction, no gateway key, crash after the charge → duplicate charge;
/// 3. every safeguard, crash after the charge (the hardest boundary) → nothing goes wrong;
/// 4. every safeguard but ack on receipt (auto-ack), crash after the check → lost payments.
pub fn key_rows() -> [(CrashPoint, Strategy); 4] {
    let no_key = Strategy {
        gateway_key: false,
        ..Strategy::SAFE
    };
    let auto_ack = Strategy {
        ack_timing: AckTiming::ManualFirst,
        ..Strategy::SAFE
    };
    [
        (CrashPoint::AfterCommit, Strategy::NAIVE),
        (CrashPoint::AfterCharge, no_key),
        (CrashPoint::AfterCharge, Strategy::SAFE),
        (CrashPoint::AfterCheck, auto_ack),
    ]
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

/// What the real systems hold about one payment once the queue has drained.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RealPayment {
    /// Charges in the gateway's table (a replayed idempotency key adds none).
    pub charges: u32,
    /// Committed ledger rows.
    pub ledger_rows: u32,
    /// Still in the payments queue.
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
    /// Where the consumer processes died.
    pub crash_point: CrashPoint,
    /// The strategy under test.
    pub strategy: Strategy,
    /// The checker's totals over the real facts.
    pub totals: Totals,
    /// Consumer processes that died at the boundary (`std::process::abort`).
    pub crashes: u64,
    /// Consumer processes started, the first one included.
    pub processes: u64,
    /// Did the queue drain (every message acknowledged or dead-lettered)?
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

/// Which anomalies occur, as yes/no: the part of a row that must agree.
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
    /// Where the consumer crashed.
    pub crash_point: CrashPoint,
    /// The strategy.
    pub strategy: Strategy,
    /// The model's answers.
    pub model: Occurs,
    /// The real systems' answers.
    pub real: Occurs,
    /// Did both settle and give the same yes/no answers?
    pub agrees: bool,
    /// Sentences on counts that differ although the answers agree (or on why they do not).
    pub notes: Vec<String>,
}

/// Compares a model row with the real row of the same cell.
pub fn compare(model: &SweepRow, real: &RealRow, payments: u32) -> Comparison {
    let m = Occurs::of(&model.totals);
    let r = Occurs::of(&real.totals);
    let settled = model.verdict != Verdict::Unsettled && real.settled;
    let agrees = settled && m == r;
    let mut notes = Vec::new();
    if !real.settled {
        notes.push(format!(
            "The real queue did not drain within the row's limit ({} consumer processes): the real \
             run is unfinished, so it cannot agree.",
            real.processes
        ));
    }
    if model.verdict == Verdict::Unsettled {
        notes.push("The model run did not settle within its simulated time limit.".to_string());
    }
    if settled && m != r {
        let which: Vec<&str> = [
            ("duplicates", m.duplicate != r.duplicate),
            ("lost payments", m.lost != r.lost),
            ("orphans", m.orphan != r.orphan),
        ]
        .into_iter()
        .filter_map(|(w, differs)| differs.then_some(w))
        .collect();
        notes.push(format!(
            "DISAGREEMENT on {}: the real consumer and the model do not implement this strategy the same way.",
            which.join(", ")
        ));
    }
    let mt = &model.totals;
    let rt = &real.totals;
    let counts_differ = mt.duplicate != rt.duplicate
        || mt.lost != rt.lost
        || mt.orphan != rt.orphan
        || mt.charged_once != rt.charged_once;
    if counts_differ || model.crashes != real.crashes {
        notes.push(count_note(model, real, payments));
    }
    Comparison {
        crash_point: model.crash_point,
        strategy: model.strategy,
        model: m,
        real: r,
        agrees,
        notes,
    }
}

/// Why counts legitimately differ between two runs that agree on which outcomes occur.
fn count_note(model: &SweepRow, real: &RealRow, payments: u32) -> String {
    let (mt, rt) = (&model.totals, &real.totals);
    format!(
        "Counts differ (model {} crash{}, {} dup / {} lost / {} orphan; real {} crash{}, {} / {} / {}), \
         and may: both crash on the same passes of the boundary (every k-th), but which payment is in \
         hand at such a pass depends on the order of deliveries. The model's producer publishes one \
         payment every 25 simulated ms while the consumer works, and puts a redelivered message at the \
         back of the queue, so the next crash can land on the same payment again; the real run \
         publishes all {payments} payments before the first consumer starts, and RabbitMQ returns a \
         dead connection's message to its original place at the head of the queue, so it is redelivered \
         at once, on a pass that does not crash.",
        model.crashes,
        plural(model.crashes),
        mt.duplicate,
        mt.lost,
        mt.orphan,
        real.crashes,
        plural(real.crashes),
        rt.duplicate,
        rt.lost,
        rt.orphan,
    )
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "es" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::Config;
    use crate::sim::sweep::Sweep;

    fn row(point: CrashPoint, strategy: Strategy, totals: Totals, crashes: u64) -> RealRow {
        RealRow {
            crash_point: point,
            strategy,
            totals,
            crashes,
            processes: crashes + 1,
            settled: true,
            elapsed_ms: 0,
        }
    }

    #[test]
    fn key_rows_are_sweep_cells_with_the_predicted_verdicts() {
        let sweep = Sweep::new(&Config::default(), 1, 10);
        let picked = RowSet::Key.select(sweep.cells());
        assert_eq!(picked.len(), 4, "every key row is a cell of the sweep");
        let verdicts: Vec<Verdict> = picked.iter().map(|&i| sweep.run(i).verdict).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Duplicate,
                Verdict::Duplicate,
                Verdict::Safe,
                Verdict::Lost
            ]
        );
        assert_eq!(RowSet::All.select(sweep.cells()).len(), 288);
        assert_eq!(RowSet::parse("key"), Some(RowSet::Key));
        assert_eq!(RowSet::parse("some"), None);
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
    fn agreement_is_on_which_outcomes_occur_not_on_counts() {
        let sweep = Sweep::new(&Config::default(), 1, 10);
        let i = RowSet::Key.select(sweep.cells())[0];
        let model = sweep.run(i);
        assert!(model.totals.duplicate > 0);
        let more = Totals {
            duplicate: model.totals.duplicate + 3,
            charged_once: 10 - model.totals.duplicate - 3,
            ..Totals::default()
        };
        let c = compare(
            &model,
            &row(model.crash_point, model.strategy, more, model.crashes + 2),
            10,
        );
        assert!(c.agrees, "{c:?}");
        assert_eq!(c.notes.len(), 1);
        assert!(c.notes[0].contains("Counts differ"), "{}", c.notes[0]);

        let same = compare(
            &model,
            &row(
                model.crash_point,
                model.strategy,
                model.totals,
                model.crashes,
            ),
            10,
        );
        assert!(same.agrees && same.notes.is_empty(), "{same:?}");

        let clean = Totals {
            charged_once: 10,
            ..Totals::default()
        };
        let c = compare(
            &model,
            &row(model.crash_point, model.strategy, clean, 1),
            10,
        );
        assert!(!c.agrees);
        assert!(
            c.notes[0].starts_with("DISAGREEMENT on duplicates"),
            "{c:?}"
        );

        let mut unsettled = row(model.crash_point, model.strategy, model.totals, 1);
        unsettled.settled = false;
        assert_eq!(unsettled.verdict(), Verdict::Unsettled);
        let c = compare(&model, &unsettled, 10);
        assert!(!c.agrees);
        assert!(c.notes[0].contains("did not drain"), "{c:?}");
    }
}
