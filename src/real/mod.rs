//! Reality check: the sweep's experiments against a real RabbitMQ and PostgreSQL, and the model must
//! agree.
//!
//! `lab real --amqp <url> --postgres <url> [--seed N] [--payments N] [--rows key|all] [--json]` runs the
//! sweep's rows (crash point × strategy) with a real consumer process that walks the core's own step
//! machine ([`consumer`]) and dies by `std::process::abort()` at the armed boundary; a fresh process
//! takes over and RabbitMQ redelivers. The facts read back from the real tables and queues go through
//! the core's checker ([`crate::sim::checker::classify`]), and each row is compared with the model's run
//! of the same row, seed and payments, published all at once as the harness does: with one consumer
//! both must give exactly the same totals. Retry rows add scripted gateway failures, retried through a
//! TTL retry queue and dead-lettered at `max_deliveries` ([`amqp`]).
//!
//! Every call to a server has a deadline ([`io`]): a server that does not answer in time ends the run
//! with exit code 3, a malformed URL with exit code 2.
//!
//! Behind the cargo feature `real`, native only: the normal builds and the browser bundle never compile
//! the AMQP and PostgreSQL clients. The tool drops and recreates its own schemas and queues: point it
//! at a throwaway virtual host and database only.

pub mod amqp;
pub mod compare;
pub mod consumer;
pub mod harness;
pub mod io;
pub mod pg;
pub mod report;
pub mod rows;

use compare::{Comparison, RealRow, compare};
use rows::{ModelRow, RowSet, RowSpec, messages, run_model};
use std::fmt;
use std::io::Write as _;

/// What went wrong with the servers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RealError {
    /// A server cannot be reached or the lab's tables and queues cannot be set up.
    Setup(String),
    /// Something failed while a row ran.
    Run(String),
    /// A server did not answer in time.
    Timeout(String),
}

impl RealError {
    /// The exit code of `lab real` for this error: 3 when a server cannot be reached, set up or does
    /// not answer in time, 1 when a row fails.
    pub fn exit_code(&self) -> i32 {
        match self {
            RealError::Setup(_) | RealError::Timeout(_) => 3,
            RealError::Run(_) => 1,
        }
    }
}

/// A failure while setting up counts as a setup error (exit 3), a timeout stays a timeout.
pub fn as_setup(e: RealError) -> RealError {
    match e {
        RealError::Run(s) => RealError::Setup(s),
        other => other,
    }
}

impl fmt::Display for RealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RealError::Setup(s) | RealError::Run(s) => f.write_str(s),
            RealError::Timeout(s) => write!(f, "{s} (is the server up, and is this its port?)"),
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
           [--timeout-ms N]

  --amqp      amqp://user:password@host:port/vhost   (or the environment variable LAB_AMQP_URL)
  --postgres  postgres://user@host:port/database     (or LAB_POSTGRES_URL)
  --seed      the model's seed; the real run uses the same payments and crash schedule (default 1)
  --payments  payments per row, 1 to 500 (default 10)
  --rows      key: the rows the lessons hinge on (5 crash rows, 2 retry rows); all: every crash point
              × strategy (288 rows) and every retry row (default all)
  --json      machine-readable output
  --keep      leave the last row's tables and queues in place to look at (default: drop them)
  --timeout-ms  how long to wait for a server to connect or answer one request, 100 to 600000
              (default: 5000 to connect, 10000 for a request)

WARNING: the tool drops and recreates the schemas redelivery_lab and redelivery_lab_gateway, the
queues redelivery-lab.* and the exchange redelivery-lab.retry: use a throwaway virtual host and database.

Exit codes: 0 every row's counts agree, 1 a row's counts differ or a row did not settle, 2 a mistake
in the arguments (a malformed URL too), 3 a server cannot be reached or set up, or does not answer in
time.
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
    timeouts: io::Timeouts,
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
        timeouts: io::Timeouts::default(),
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
            "--amqp" | "--postgres" | "--seed" | "--payments" | "--rows" | "--timeout-ms" => {
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
                    "--timeout-ms" => {
                        let ms = value
                            .parse()
                            .ok()
                            .filter(|n| (100..=600_000).contains(n))
                            .ok_or(format!(
                                "--timeout-ms takes a number of milliseconds from 100 to 600000; got “{value}”."
                            ))?;
                        a.timeouts = io::Timeouts {
                            connect_ms: ms,
                            read_ms: ms,
                        };
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
    // A malformed URL is a mistake in the arguments, found before anything connects.
    if let Err(msg) = amqp::parse_url(&amqp_url).and_then(|_| pg::parse_url(&pg_url).map(|_| ())) {
        eprintln!("lab real: {msg}");
        return 2;
    }
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
            e.exit_code()
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
            if matches!(e, RealError::Timeout(_)) {
                harness::EXIT_TIMEOUT
            } else {
                1
            }
        }
    }
}

/// One row of the output: what ran, the model's side, the real side, and the comparison.
pub struct RowResult {
    /// The row.
    pub spec: RowSpec,
    /// The model's side.
    pub model: ModelRow,
    /// The real side.
    pub real: RealRow,
    /// Side by side.
    pub comparison: Comparison,
}

fn run(a: &Args, amqp_url: &str, pg_url: &str) -> Result<(String, bool), RealError> {
    let rows = a.rows.rows(a.payments);
    let mut h = harness::Harness::connect(amqp_url, pg_url, a.timeouts)?;
    let mut results = Vec::with_capacity(rows.len());
    for (n, spec) in rows.iter().enumerate() {
        let model = run_model(spec, a.seed, a.payments);
        let real = h.run_row(spec, &messages(spec, a.seed, a.payments))?;
        let comparison = compare(&model, &real);
        eprintln!(
            "lab real: row {}/{} {} model {:<8} real {:<8} {} ({:.1} s, {} processes)",
            n + 1,
            rows.len(),
            report::row_label(spec),
            report::verdict_cell(model.verdict(), &model.totals),
            report::verdict_cell(real.verdict(), &real.totals),
            if comparison.counts_agree {
                "counts agree"
            } else {
                "COUNTS DIFFER"
            },
            real.elapsed_ms as f64 / 1000.0,
            real.processes
        );
        results.push(RowResult {
            spec: *spec,
            model,
            real,
            comparison,
        });
    }
    if !a.keep {
        h.clean_up()?;
    }
    let all_agree = results.iter().all(|r| r.comparison.counts_agree);
    let text = if a.json {
        format!(
            "{}\n",
            serde_json::to_string_pretty(&report::json(
                &results, a.seed, a.payments, amqp_url, pg_url
            ))
            .unwrap_or_default()
        )
    } else {
        report::text(&results, a.seed, a.payments, amqp_url, pg_url)
    };
    Ok((text, all_agree))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// A TCP listener on loopback that accepts connections and never says a word, for 5 seconds.
    fn silent_listener() -> u16 {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        l.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
            let mut held = Vec::new();
            while std::time::Instant::now() < until {
                if let Ok((s, _)) = l.accept() {
                    held.push(s);
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        });
        port
    }

    #[test]
    fn a_server_that_never_answers_times_out_with_exit_3() {
        let port = silent_listener();
        let io = io::Io::new(io::Timeouts {
            connect_ms: 300,
            read_ms: 300,
        })
        .unwrap();
        let start = std::time::Instant::now();
        let e = amqp::connect(&io, &format!("amqp://guest:secret@127.0.0.1:{port}/lab"))
            .err()
            .unwrap();
        assert!(matches!(e, RealError::Timeout(_)), "{e:?}");
        assert!(e.to_string().contains("no answer within 300 ms"), "{e}");
        assert!(!e.to_string().contains("secret"), "{e}");
        let e = pg::connect(&io, &format!("postgres://postgres@127.0.0.1:{port}/db"))
            .err()
            .unwrap();
        assert!(matches!(e, RealError::Timeout(_)), "{e:?}");
        assert!(start.elapsed() < std::time::Duration::from_secs(3));

        // The whole command: PostgreSQL is connected first, and it does not answer.
        let code = cli_main(&args(&[
            "--amqp",
            &format!("amqp://guest:guest@127.0.0.1:{port}/lab"),
            "--postgres",
            &format!("postgres://postgres@127.0.0.1:{port}/db"),
            "--timeout-ms",
            "300",
        ]));
        assert_eq!(code, 3);
        assert!(start.elapsed() < std::time::Duration::from_secs(4));
    }

    #[test]
    fn a_malformed_url_exits_2_before_connecting() {
        let good_pg = "postgres://postgres@127.0.0.1:1/db";
        let good_amqp = "amqp://guest:guest@127.0.0.1:1/lab";
        for (amqp_url, pg_url) in [
            ("amqp://guest:guest@127.0.0.1:notaport/lab", good_pg),
            ("http://127.0.0.1/", good_pg),
            (good_amqp, "mysql://root@127.0.0.1/db"),
            (good_amqp, "postgres://u@127.0.0.1:notaport/db"),
        ] {
            let code = cli_main(&args(&["--amqp", amqp_url, "--postgres", pg_url]));
            assert_eq!(code, 2, "{amqp_url} {pg_url}");
        }
        assert!(
            parse(&args(&["--timeout-ms", "5"]))
                .unwrap_err()
                .contains("100 to 600000")
        );
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
