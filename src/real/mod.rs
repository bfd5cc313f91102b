//! Reality check: the sweep's experiments against a real RabbitMQ and PostgreSQL, and the model must
//! agree.
//!
//! `lab real --amqp <url> --postgres <url> [--seed N] [--payments N] [--rows key|all] [--json]` runs the
//! sweep's rows (crash point × strategy) with a real consumer process that walks the core's own step
//! machine ([`consumer`]) and dies by `std::process::abort()` at the armed boundary; a fresh process
//! takes over and RabbitMQ redelivers. The facts read back from the real tables and queues go through
//! the core's checker ([`crate::sim::checker::classify`]), and each row is compared with the model's run
//! of the same cell, seed and payments: both must agree on *which* outcomes occur (duplicates, lost,
//! orphans). Counts may differ, and the output says why.
//!
//! Behind the cargo feature `real`, native only: the normal builds and the browser bundle never compile
//! the AMQP and PostgreSQL clients. The tool drops and recreates its own schemas and queues: point it
//! at a throwaway virtual host and database only.

pub mod amqp;
pub mod compare;
pub mod consumer;
pub mod harness;
pub mod pg;

use crate::sim::command::CrashPoint;
use crate::sim::config::{Config, Strategy};
use crate::sim::message::Message;
use crate::sim::simulation::Sim;
use crate::sim::sweep::{Sweep, SweepRow};
use crate::sim::sweep::{cell, crash_schedule, strategy_columns};
use compare::{Comparison, RealRow, RowSet, compare};
use serde_json::{Value, json};
use std::fmt::{self, Write as _};
use std::io::Write as _;

/// What went wrong with the servers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RealError {
    /// A server cannot be reached or the lab's tables and queues cannot be set up.
    Setup(String),
    /// Something failed while a row ran.
    Run(String),
}

impl fmt::Display for RealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RealError::Setup(s) | RealError::Run(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for RealError {}

/// An error with its causes, `outer: inner: …` (the clients' own messages are terse at the top).
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let c_s = c.to_string();
        if !s.contains(&c_s) {
            s.push_str(": ");
            s.push_str(&c_s);
        }
        cur = c.source();
    }
    s
}

/// A URL with its password replaced by `***`, for output.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some(x) => x,
        None => return url.to_string(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

const USAGE: &str = "\
lab real — the sweep's experiments on a real RabbitMQ and PostgreSQL, compared with the model

Usage:
  lab real --amqp <url> --postgres <url> [--seed N] [--payments N] [--rows key|all] [--json] [--keep]

  --amqp      amqp://user:password@host:port/vhost   (or the environment variable LAB_AMQP_URL)
  --postgres  postgres://user@host:port/database     (or LAB_POSTGRES_URL)
  --seed      the model's seed; the real run uses the same payments and crash schedule (default 1)
  --payments  payments per row, 1 to 500 (default 10)
  --rows      key: the four rows the lessons hinge on; all: every crash point × strategy, 288 rows
              (default all)
  --json      machine-readable output
  --keep      leave the last row's tables and queues in place to look at (default: drop them)

WARNING: the tool drops and recreates the schemas redelivery_lab and redelivery_lab_gateway and the
queues redelivery-lab.*: use a throwaway virtual host and database.

Exit codes: 0 every row agrees, 1 a row disagrees or did not settle, 2 a mistake in the arguments,
3 a server cannot be reached or set up.
";

#[derive(Debug)]
struct Args {
    amqp: Option<String>,
    postgres: Option<String>,
    seed: u64,
    payments: u32,
    rows: RowSet,
    json: bool,
    keep: bool,
    help: bool,
    consumer: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        amqp: std::env::var("LAB_AMQP_URL").ok().filter(|s| !s.is_empty()),
        postgres: std::env::var("LAB_POSTGRES_URL")
            .ok()
            .filter(|s| !s.is_empty()),
        seed: 1,
        payments: 10,
        rows: RowSet::All,
        json: false,
        keep: false,
        help: false,
        consumer: false,
    };
    let mut i = 0;
    while i < args.len() {
        let (name, inline) = match args[i].split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (args[i].as_str(), None),
        };
        i += 1;
        match name {
            "--json" => a.json = true,
            "--keep" => a.keep = true,
            "-h" | "--help" => a.help = true,
            "--consumer" => a.consumer = true,
            "--amqp" | "--postgres" | "--seed" | "--payments" | "--rows" => {
                let value = match inline {
                    Some(v) => v,
                    None => {
                        let v = args
                            .get(i)
                            .filter(|v| !v.starts_with("--"))
                            .ok_or(format!("The option {name} needs a value."))?;
                        i += 1;
                        v.clone()
                    }
                };
                match name {
                    "--amqp" => a.amqp = Some(value),
                    "--postgres" => a.postgres = Some(value),
                    "--seed" => {
                        a.seed = value
                            .parse()
                            .map_err(|_| format!("--seed takes a whole number; got “{value}”."))?
                    }
                    "--payments" => {
                        a.payments =
                            value
                                .parse()
                                .ok()
                                .filter(|n| (1..=500).contains(n))
                                .ok_or(format!(
                                    "--payments takes a number from 1 to 500; got “{value}”."
                                ))?
                    }
                    _ => {
                        a.rows = RowSet::parse(&value)
                            .ok_or(format!("--rows takes key or all; got “{value}”."))?
                    }
                }
            }
            other => {
                return Err(format!(
                    "Unknown argument “{other}” for lab real (see lab real --help)."
                ));
            }
        }
    }
    Ok(a)
}

/// `lab real …`: `args` are the arguments after `real`. Returns the process exit code.
pub fn cli_main(args: &[String]) -> i32 {
    let a = match parse(args) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("lab real: {msg}");
            return 2;
        }
    };
    if a.help {
        print!("{USAGE}");
        return 0;
    }
    if a.consumer {
        return consumer_main();
    }
    let (Some(amqp_url), Some(pg_url)) = (a.amqp.clone(), a.postgres.clone()) else {
        eprintln!(
            "lab real: give both --amqp <url> and --postgres <url> (or LAB_AMQP_URL and LAB_POSTGRES_URL); \
             see lab real --help."
        );
        return 2;
    };
    match run(&a, &amqp_url, &pg_url) {
        Ok((text, all_agree)) => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush());
            if all_agree { 0 } else { 1 }
        }
        Err(e) => {
            eprintln!("lab real: {e}");
            match e {
                RealError::Setup(_) => 3,
                RealError::Run(_) => 1,
            }
        }
    }
}

/// The consumer process (`real --consumer`, spec in [`harness::SPEC_ENV`]): runs until idle, prints
/// its report as the last stdout line, or aborts at its armed boundary.
fn consumer_main() -> i32 {
    let spec: consumer::ConsumerSpec = match std::env::var(harness::SPEC_ENV)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
    {
        Some(s) => s,
        None => {
            eprintln!(
                "lab real --consumer is started by lab real itself (it reads {}).",
                harness::SPEC_ENV
            );
            return 2;
        }
    };
    match consumer::run(&spec) {
        Ok(report) => {
            println!("{}", serde_json::to_string(&report).unwrap_or_default());
            0
        }
        Err(e) => {
            eprintln!("consumer: {e}");
            1
        }
    }
}

/// One row of the output: the model's run, the real run, and the comparison.
pub struct RowResult {
    /// The model's row.
    pub model: SweepRow,
    /// The real row.
    pub real: RealRow,
    /// Side by side.
    pub comparison: Comparison,
}

fn run(a: &Args, amqp_url: &str, pg_url: &str) -> Result<(String, bool), RealError> {
    let sweep = Sweep::new(&Config::default(), a.seed, a.payments);
    let picked = a.rows.select(sweep.cells());
    let sim = Sim::new(sweep.setup(0).0, a.seed);
    let messages: Vec<Message> = (0..a.payments).map(|p| sim.message(p)).collect();
    let mut h = harness::Harness::connect(amqp_url, pg_url)?;
    let mut results = Vec::with_capacity(picked.len());
    for (n, &i) in picked.iter().enumerate() {
        let model = sweep.run(i);
        let real = h.run_row(&sweep, i, &messages)?;
        let comparison = compare(&model, &real, a.payments);
        eprintln!(
            "lab real: row {}/{} {:<18} {} model {:<8} real {:<8} {} ({:.1} s, {} processes)",
            n + 1,
            picked.len(),
            model.crash_point.name(),
            strategy_columns(&model.strategy),
            cell(model.verdict, &model.totals),
            cell(real.verdict(), &real.totals),
            if comparison.agrees {
                "agree"
            } else {
                "DISAGREE"
            },
            real.elapsed_ms as f64 / 1000.0,
            real.processes
        );
        results.push(RowResult {
            model,
            real,
            comparison,
        });
    }
    if !a.keep {
        h.clean_up()?;
    }
    let all_agree = results.iter().all(|r| r.comparison.agrees);
    let text = if a.json {
        format!(
            "{}\n",
            serde_json::to_string_pretty(&report_json(
                &results, a.seed, a.payments, amqp_url, pg_url
            ))
            .unwrap_or_default()
        )
    } else {
        report_text(&results, a.seed, a.payments, amqp_url, pg_url)
    };
    Ok((text, all_agree))
}

/// The JSON report.
pub fn report_json(results: &[RowResult], seed: u64, payments: u32, amqp: &str, pg: &str) -> Value {
    let rows: Vec<Value> = results
        .iter()
        .map(|r| {
            json!({
                "crash_point": r.model.crash_point.name(),
                "strategy": r.model.strategy,
                "model": {
                    "verdict": r.model.verdict,
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
                "notes": r.comparison.notes,
            })
        })
        .collect();
    let agreed = results.iter().filter(|r| r.comparison.agrees).count();
    json!({
        "seed": seed,
        "payments": payments,
        "amqp": redact(amqp),
        "postgres": redact(pg),
        "crash_schedule": crash_schedule(payments),
        "rows": rows,
        "agreed": agreed,
        "disagreed": results.len() - agreed,
        "all_agree": agreed == results.len(),
    })
}

/// The text report: the real truth table in `lab sweep`'s shape, then model vs real row by row.
pub fn report_text(
    results: &[RowResult],
    seed: u64,
    payments: u32,
    amqp: &str,
    pg: &str,
) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Reality check: the sweep's rows on a real RabbitMQ and PostgreSQL, seed {seed}, {payments} payments per row ({} row{})",
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

    // The truth table, in `lab sweep`'s shape: strategies down, crash points across.
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
        if !results.iter().any(|r| r.real.strategy == s) {
            continue;
        }
        let _ = write!(o, "{} │", strategy_columns(&s));
        for p in CrashPoint::BOUNDARIES {
            let c = results
                .iter()
                .find(|r| r.real.crash_point == p && r.real.strategy == s)
                .map_or("·".to_string(), |r| {
                    let mark = if r.comparison.agrees { "" } else { "!" };
                    format!("{}{mark}", cell(r.real.verdict(), &r.real.totals))
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
        "(real systems; · = not run; ! = disagrees with the model)\n"
    );

    // Model vs real.
    let _ = writeln!(o, "Model vs real");
    let _ = writeln!(
        o,
        "  {:<24} {:<28}  {:<9} {:<9} {:<7} {:<13} real time",
        "crash point", "strategy", "model", "real", "agree", "crashes m/r"
    );
    for r in results {
        let _ = writeln!(
            o,
            "  {:<24} {:<28}  {:<9} {:<9} {:<7} {:<13} {:.1} s",
            r.model.crash_point.label(),
            strategy_columns(&r.model.strategy),
            cell(r.model.verdict, &r.model.totals),
            cell(r.real.verdict(), &r.real.totals),
            if r.comparison.agrees { "yes" } else { "NO" },
            format!("{}/{}", r.model.crashes, r.real.crashes),
            r.real.elapsed_ms as f64 / 1000.0
        );
        let yn = |b: bool| if b { "yes" } else { "no" };
        let (m, x) = (r.comparison.model, r.comparison.real);
        let _ = writeln!(
            o,
            "      duplicates {}/{}, lost {}/{}, orphans {}/{} (model/real); charged once {}/{}",
            yn(m.duplicate),
            yn(x.duplicate),
            yn(m.lost),
            yn(x.lost),
            yn(m.orphan),
            yn(x.orphan),
            r.model.totals.charged_once,
            r.real.totals.charged_once
        );
        for n in &r.comparison.notes {
            let _ = writeln!(o, "      note: {n}");
        }
    }
    let agreed = results.iter().filter(|r| r.comparison.agrees).count();
    let _ = writeln!(
        o,
        "\n{agreed} of {} rows agree on which outcomes occur (duplicates, lost payments, orphans).",
        results.len()
    );
    let _ = writeln!(
        o,
        "\nLegend\n\
         \x20 idem  I = processed-message table checked and written (idempotency)\n\
         \x20 tx    T = ledger and processed record in one PostgreSQL transaction\n\
         \x20 ack   commit = basic.ack after the commit; early = basic.ack right after receive (auto-ack)\n\
         \x20 key   K = payment id sent as the gateway's idempotency key (a UNIQUE column in its own schema)\n\
         \x20 check check = SELECT then INSERT; unique = PRIMARY KEY on the processed record\n\
         \x20 Cells: SAFE, DUP n, LOST n, ORPH n as in `lab sweep`, from the core's checker over the real rows.\n\
         \x20 Rows must agree on yes/no; counts may differ (see the notes)."
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn passwords_never_reach_the_output() {
        assert_eq!(
            redact("amqp://guest:secret@127.0.0.1:5672/lab"),
            "amqp://guest:***@127.0.0.1:5672/lab"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/db"),
            "postgres://postgres@127.0.0.1/db"
        );
        assert_eq!(redact("not a url"), "not a url");
    }

    #[test]
    fn arguments_parse_and_mistakes_get_a_sentence() {
        let a = parse(&args(&[
            "--amqp",
            "amqp://x",
            "--postgres=postgres://y",
            "--rows",
            "key",
            "--payments",
            "7",
            "--json",
        ]))
        .unwrap();
        assert_eq!(a.amqp.as_deref(), Some("amqp://x"));
        assert_eq!(a.postgres.as_deref(), Some("postgres://y"));
        assert_eq!((a.rows, a.payments, a.json), (RowSet::Key, 7, true));
        assert!(
            parse(&args(&["--rows", "most"]))
                .unwrap_err()
                .contains("key or all")
        );
        assert!(
            parse(&args(&["--payments", "0"]))
                .unwrap_err()
                .contains("1 to 500")
        );
        assert!(
            parse(&args(&["--seed"]))
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(
            parse(&args(&["--bogus"]))
                .unwrap_err()
                .contains("Unknown argument")
        );
    }
}
