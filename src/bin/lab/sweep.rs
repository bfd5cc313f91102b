//! `lab sweep`: every crash point × every strategy on one seed, as a truth table or JSON rows.

use crate::args::SweepArgs;
use crate::exit::{Fail, usage};
use redelivery_lab::sim::config::BrokerKind;
use redelivery_lab::sim::sweep::{Sweep, SweepRow, Verdict, cell, crash_schedule};
use redelivery_lab::sim::{AckTiming, Config, CrashPoint, Named, RecordCheck, Strategy};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Seed of a sweep when none is given.
const DEFAULT_SEED: u64 = 1;
/// Payments per run when none are given.
const DEFAULT_PAYMENTS: u32 = 100;

pub fn sweep(a: SweepArgs) -> Result<String, Fail> {
    let seed = a.seed.unwrap_or(DEFAULT_SEED);
    let payments = a.payments.unwrap_or(DEFAULT_PAYMENTS);
    if payments == 0 {
        return usage("A sweep needs at least 1 payment per run.");
    }
    let base = Config {
        broker: a.broker.unwrap_or_default(),
        ..Config::default()
    };
    let sweep = Sweep::new(&base, seed, payments);
    let rows = sweep.run_all();
    if a.json {
        let broker = sweep.broker().name();
        let v: Vec<Value> = rows.iter().map(|r| row_json(r, broker)).collect();
        Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ))
    } else {
        Ok(table(&rows, seed, payments, &sweep.broker()))
    }
}

/// A strategy as the sweep varies it: the five toggles. The sweep always appends ledger rows and
/// keys idempotency on the payment, so `ledger_write` and `key` are left out.
fn strategy_json(s: &Strategy) -> Value {
    let mut v = json!(s);
    if let Some(m) = v.as_object_mut() {
        m.remove("ledger_write");
        m.remove("key");
    }
    v
}

fn row_json(r: &SweepRow, broker: &str) -> Value {
    json!({
        "broker": broker,
        "crash_point": r.crash_point.name(),
        "strategy": strategy_json(&r.strategy),
        "totals": r.totals,
        "verdict": r.verdict,
        "crashes": r.crashes,
        "digest": r.digest,
    })
}

/// A crash point's column head: its name without `after_`, first word only (`ledger`).
fn head(p: CrashPoint) -> &'static str {
    let name = p.name().trim_start_matches("after_");
    name.split('_').next().unwrap_or(name)
}

fn table(rows: &[SweepRow], seed: u64, payments: u32, kind: &BrokerKind) -> String {
    let broker = kind.name();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Sweep: every crash point × strategy on the {broker} broker, seed {seed}, {payments} payments per run ({} runs)\n",
        rows.len()
    );
    let _ = write!(
        o,
        "{:<4} {:<3} {:<6} {:<3} {:<6} │",
        "idem", "tx", "ack", "key", "check"
    );
    for p in CrashPoint::BOUNDARIES {
        let _ = write!(o, " {:<9}", head(p));
    }
    o.truncate(o.trim_end().len());
    o.push('\n');
    let _ = writeln!(o, "{}┼{}", "─".repeat(27), "─".repeat(60));
    for s in Strategy::all_combinations() {
        let _ = write!(o, "{} │", s.columns());
        for p in CrashPoint::BOUNDARIES {
            let c = rows
                .iter()
                .find(|r| r.crash_point == p && r.strategy == s)
                .map_or("?".to_string(), |r| cell(r.verdict, &r.totals));
            let _ = write!(o, " {c:<9}");
        }
        if s == Strategy::SAFE {
            o.push_str(" ← SAFE");
        } else if s == Strategy::NAIVE {
            o.push_str(" ← NAIVE");
        }
        o.truncate(o.trim_end().len());
        o.push('\n');
    }
    let count = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
    let _ = writeln!(
        o,
        "\n{} safe, {} duplicate, {} lost, {} orphan, {} unsettled cells.",
        count(Verdict::Safe),
        count(Verdict::Duplicate),
        count(Verdict::Lost),
        count(Verdict::Orphan),
        count(Verdict::Unsettled)
    );
    legend(&mut o, payments);
    o
}

fn legend(o: &mut String, payments: u32) {
    let heads: Vec<String> = CrashPoint::BOUNDARIES
        .chunks(3)
        .map(|points| {
            let words: Vec<String> = points
                .iter()
                .map(|p| format!("{} = {}", head(*p), p.label()))
                .collect();
            words.join("; ")
        })
        .collect();
    let acks: Vec<String> = AckTiming::ALL
        .iter()
        .map(|a| format!("{} = {}", a.code(), a.label()))
        .collect();
    let checks: Vec<String> = RecordCheck::ALL
        .iter()
        .map(|c| format!("{} = {}", c.code(), c.label()))
        .collect();
    let _ = writeln!(
        o,
        "\nLegend\n\
         \x20 Columns: where the consumer crashes —\n\
         \x20   {}.\n\
         \x20   Each run crashes there repeatedly ({}), on every consumer.\n\
         \x20 idem  I = processed-message table checked and written (idempotency)\n\
         \x20 tx    T = ledger and processed record in one transaction\n\
         \x20 ack   {}\n\
         \x20 key   K = payment id sent as the card gateway's idempotency key\n\
         \x20 check {} on the processed record\n\
         \x20 Cells: SAFE = every payment charged once; DUP n = n payments charged or recorded twice;\n\
         \x20   LOST n = n payments gone without a charge; ORPH n = charged but not recorded, or the reverse;\n\
         \x20   UNSETTLED = still under way at the time limit.",
        heads.join(";\n    "),
        crash_schedule(payments),
        acks.join("; "),
        checks.join("; "),
    );
}
