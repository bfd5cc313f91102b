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
//! with exit code 3, a malformed URL with exit code 2 (the command line is `src/bin/lab/`'s).
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

/// What one reality check runs and how it reports (`lab real`'s flags, parsed in `src/bin/lab/`).
#[derive(Clone, Debug)]
pub struct Options {
    /// The model's seed; the real run uses the same payments and crash schedule.
    pub seed: u64,
    /// Payments per row.
    pub payments: u32,
    /// Which rows.
    pub rows: RowSet,
    /// JSON instead of text.
    pub json: bool,
    /// Leave the last row's tables and queues in place.
    pub keep: bool,
    /// How long to wait for a server.
    pub timeouts: io::Timeouts,
}

/// Checks both URLs before anything connects: a malformed one is a mistake in the arguments (exit 2),
/// not an unreachable server.
pub fn check_urls(amqp_url: &str, pg_url: &str) -> Result<(), String> {
    amqp::parse_url(amqp_url).and_then(|_| pg::parse_url(pg_url).map(|_| ()))
}

/// The consumer process (`real --consumer`, spec in [`harness::SPEC_ENV`]): runs until idle, prints
/// its report as the last stdout line, or aborts at its armed boundary.
pub fn consumer_main() -> i32 {
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

/// Runs the rows on the servers and on the model: the report (text or JSON) and whether every row's
/// counts agree.
pub fn run(a: &Options, amqp_url: &str, pg_url: &str) -> Result<(String, bool), RealError> {
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

        // The whole check: PostgreSQL is connected first, it does not answer, and `lab real` exits 3.
        let options = Options {
            seed: 1,
            payments: 10,
            rows: RowSet::Key,
            json: false,
            keep: false,
            timeouts: io::Timeouts {
                connect_ms: 300,
                read_ms: 300,
            },
        };
        let e = run(
            &options,
            &format!("amqp://guest:guest@127.0.0.1:{port}/lab"),
            &format!("postgres://postgres@127.0.0.1:{port}/db"),
        )
        .err()
        .unwrap();
        assert_eq!(e.exit_code(), 3, "{e}");
        assert!(start.elapsed() < std::time::Duration::from_secs(4));
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
}
