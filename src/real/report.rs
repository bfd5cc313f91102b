//! The reality check's output: JSON for scripts, text for people.

use super::RowResult;
use super::redact;
use super::rows::RowSpec;
use crate::sim::checker::Totals;
use crate::sim::command::CrashPoint;
use crate::sim::config::Strategy;
use crate::sim::sweep::{Verdict, cell, crash_schedule, strategy_columns};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// `SAFE`, `DUP n`, `LOST n`, `ORPH n`, `UNSETTLED`, and `DEAD n` when payments were dead-lettered
/// and nothing worse happened.
pub fn verdict_cell(v: Verdict, t: &Totals) -> String {
    if v == Verdict::Safe && t.dead_lettered > 0 {
        format!("DEAD {}", t.dead_lettered)
    } else {
        cell(v, t)
    }
}

/// A row in one line: `after_commit  - - commit - check` or `retry fail 2 max 3  I T commit K unique`.
pub fn row_label(r: &RowSpec) -> String {
    let what = match (r.crash_point, r.retry) {
        (Some(p), _) => p.name().to_string(),
        (None, Some(x)) => format!(
            "fail {} max {}",
            x.fail_first_attempts,
            if x.max_deliveries == 0 {
                "∞".to_string()
            } else {
                x.max_deliveries.to_string()
            }
        ),
        (None, None) => "no fault".to_string(),
    };
    format!("{what:<18} {}", strategy_columns(&r.strategy))
}

/// The JSON report: every row with the model's and the real totals and whether they agree.
pub fn json(results: &[RowResult], seed: u64, payments: u32, amqp: &str, pg: &str) -> Value {
    let rows: Vec<Value> = results
        .iter()
        .map(|r| {
            json!({
                "crash_point": r.spec.crash_point.map(CrashPoint::name),
                "strategy": r.spec.strategy,
                "retry": r.spec.retry,
                "model": {
                    "verdict": r.model.verdict(),
                    "totals": r.model.totals,
                    "crashes": r.model.crashes,
                },
                "real": {
                    "verdict": r.real.verdict(),
                    "totals": r.real.totals,
                    "crashes": r.real.crashes,
                    "processes": r.real.processes,
                    "settled": r.real.settled,
                    "elapsed_ms": r.real.elapsed_ms,
                },
                "occurs": { "model": r.comparison.model, "real": r.comparison.real },
                "agrees": r.comparison.agrees,
                "counts_agree": r.comparison.counts_agree,
                "notes": r.comparison.notes,
            })
        })
        .collect();
    let agreed = results.iter().filter(|r| r.comparison.agrees).count();
    let counts = results.iter().filter(|r| r.comparison.counts_agree).count();
    json!({
        "seed": seed,
        "payments": payments,
        "amqp": redact(amqp),
        "postgres": redact(pg),
        "crash_schedule": crash_schedule(payments),
        "rows": rows,
        "agreed": agreed,
        "disagreed": results.len() - agreed,
        "counts_agreed": counts,
        "counts_differ": results.len() - counts,
        "all_counts_agree": counts == results.len(),
        "real_elapsed_ms": results.iter().map(|r| r.real.elapsed_ms).sum::<u64>(),
    })
}

/// The text report: the real truth table in `lab sweep`'s shape, the retry rows, then model vs real
/// row by row.
pub fn text(results: &[RowResult], seed: u64, payments: u32, amqp: &str, pg: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Reality check: seed {seed}, {payments} payments per row, all published before the first consumer starts ({} row{})",
        results.len(),
        if results.len() == 1 { "" } else { "s" }
    );
    let _ = writeln!(o, "  broker   {}", redact(amqp));
    let _ = writeln!(o, "  database {}", redact(pg));
    let _ = writeln!(
        o,
        "  Each consumer is an OS process that calls abort() {}; a fresh process takes over and RabbitMQ redelivers.\n",
        crash_schedule(payments)
    );

    let crash_rows: Vec<&RowResult> = results
        .iter()
        .filter(|r| r.spec.crash_point.is_some())
        .collect();
    if !crash_rows.is_empty() {
        truth_table(&mut o, &crash_rows);
    }

    let _ = writeln!(o, "Model vs real");
    let _ = writeln!(
        o,
        "  {:<47} {:<9} {:<9} {:<7} {:<11} real time",
        "row", "model", "real", "counts", "crashes m/r"
    );
    for r in results {
        let _ = writeln!(
            o,
            "  {:<47} {:<9} {:<9} {:<7} {:<11} {:.1} s",
            row_label(&r.spec),
            verdict_cell(r.model.verdict(), &r.model.totals),
            verdict_cell(r.real.verdict(), &r.real.totals),
            if r.comparison.counts_agree {
                "agree"
            } else {
                "DIFFER"
            },
            format!("{}/{}", r.model.crashes, r.real.crashes),
            r.real.elapsed_ms as f64 / 1000.0
        );
        for n in &r.comparison.notes {
            let _ = writeln!(o, "      note: {n}");
        }
    }
    let counts = results.iter().filter(|r| r.comparison.counts_agree).count();
    let total_ms: u64 = results.iter().map(|r| r.real.elapsed_ms).sum();
    let _ = writeln!(
        o,
        "\n{counts} of {} rows agree exactly on every count (real time {:.1} s).",
        results.len(),
        total_ms as f64 / 1000.0
    );
    let _ = writeln!(
        o,
        "\nLegend\n\
         \x20 idem  I = processed-message table checked and written (idempotency)\n\
         \x20 tx    T = ledger and processed record in one PostgreSQL transaction\n\
         \x20 ack   commit = basic.ack after the commit; first = basic.ack right after receive;\n\
         \x20       auto = basic.consume with no_ack (the broker forgets each message as it sends it)\n\
         \x20 key   K = payment id sent as the gateway's idempotency key (a UNIQUE column in its own schema)\n\
         \x20 check check = SELECT then INSERT; unique = PRIMARY KEY on the processed record\n\
         \x20 fail n max m: the gateway fails each payment's first n charge attempts; a failed delivery is\n\
         \x20       rejected into a TTL retry queue that dead-letters it back to the payments queue, and at\n\
         \x20       m deliveries (x-death count + 1) it goes to the dead-letter queue instead\n\
         \x20 Cells: SAFE, DUP n, LOST n, ORPH n as in `lab sweep`, DEAD n for dead-lettered payments."
    );
    o
}

/// The crash rows in `lab sweep`'s shape: strategies down, crash points across.
fn truth_table(o: &mut String, rows: &[&RowResult]) {
    let heads = ["receive", "check", "charge", "ledger", "commit", "ack"];
    let _ = write!(
        o,
        "{:<4} {:<3} {:<6} {:<3} {:<6} │",
        "idem", "tx", "ack", "key", "check"
    );
    for h in heads {
        let _ = write!(o, " {h:<9}");
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}┼{}", "─".repeat(28), "─".repeat(60));
    for s in Strategy::all_combinations() {
        if !rows.iter().any(|r| r.spec.strategy == s) {
            continue;
        }
        let _ = write!(o, "{} │", strategy_columns(&s));
        for p in CrashPoint::BOUNDARIES {
            let c = rows
                .iter()
                .find(|r| r.spec.crash_point == Some(p) && r.spec.strategy == s)
                .map_or("·".to_string(), |r| {
                    let mark = if r.comparison.counts_agree { "" } else { "!" };
                    format!("{}{mark}", verdict_cell(r.real.verdict(), &r.real.totals))
                });
            let _ = write!(o, " {c:<9}");
        }
        let name = if s == Strategy::SAFE {
            "  ← SAFE"
        } else if s == Strategy::NAIVE {
            "  ← NAIVE"
        } else {
            ""
        };
        let _ = writeln!(o, "{name}");
    }
    let _ = writeln!(
        o,
        "(real systems; · = not run; ! = a count differs from the model)\n"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::real::compare::{RealRow, compare};
    use crate::real::rows::{key_retry_rows, run_model};

    #[test]
    fn json_rows_carry_both_totals_and_whether_the_counts_agree() {
        let spec = key_retry_rows()[1];
        let model = run_model(&spec, 1, 10);
        let real = RealRow {
            totals: model.totals,
            crashes: 0,
            processes: 1,
            settled: true,
            elapsed_ms: 700,
        };
        let comparison = compare(&model, &real);
        let r = RowResult {
            spec,
            model,
            real,
            comparison,
        };
        let v = json(&[r], 1, 10, "amqp://u:secret@h/v", "postgres://p@h/d");
        let row = &v["rows"][0];
        assert_eq!(row["crash_point"], Value::Null);
        assert_eq!(row["retry"]["max_deliveries"], 2);
        assert_eq!(row["model"]["totals"], row["real"]["totals"]);
        assert_eq!(row["model"]["totals"]["dead_lettered"], 10);
        assert_eq!(row["counts_agree"], true);
        assert_eq!(v["all_counts_agree"], true);
        assert_eq!(v["real_elapsed_ms"], 700);
        assert!(!v.to_string().contains("secret"));
        assert_eq!(verdict_cell(Verdict::Safe, &model.totals), "DEAD 10");
        assert!(row_label(&spec).starts_with("fail 2 max 2 "));
    }
}
