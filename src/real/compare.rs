//! Pure logic of the reality check: what the real facts add up to, and whether the model and the real
//! systems agree. No servers here, so every function is unit-tested without RabbitMQ or PostgreSQL.

use super::rows::ModelRow;
use crate::sim::checker::{PaymentFacts, Totals, classify};
use crate::sim::command::ArmMode;
use crate::sim::sweep::{Verdict, verdict};
use serde::Serialize;

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
            never_published: false,
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
    /// Did both settle with exactly the same totals (every outcome and the money) after the same
    /// number of crashes?
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
    let counts_agree = settled && model.totals == real.totals && model.crashes == real.crashes;
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
    use crate::real::rows::{RowSet, run_model};
    use crate::sim::checker::Totals;
    use crate::sim::sweep::Verdict;

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

        // The same totals after a different number of crashes: the crash schedules differ.
        let c = compare(&model, &real(model.totals, model.crashes + 1));
        assert!(c.agrees && !c.counts_agree, "{c:?}");
        assert!(c.notes[0].contains("COUNTS DIFFER"), "{c:?}");

        let mut unsettled = real(model.totals, 1);
        unsettled.settled = false;
        assert_eq!(unsettled.verdict(), Verdict::Unsettled);
        let c = compare(&model, &unsettled);
        assert!(!c.agrees && !c.counts_agree);
        assert!(c.notes[0].contains("did not drain"), "{c:?}");
    }
}
