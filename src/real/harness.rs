//! The harness: runs one sweep cell on the real systems.
//!
//! Per row: fresh tables and queues, every payment published (confirmed), then consumer processes one
//! after the other — each one a new OS process (this same binary, `real --consumer`), armed to abort at its k-th
//! pass of the boundary, exactly as the model's armed crash fires on every k-th pass. When a process
//! dies the harness waits until RabbitMQ has noticed (the queue shows no consumer, so the dead
//! connection's deliveries are back in the queue) and starts a fresh one. The row is over when a
//! consumer process went idle and both the payments queue and the retry queue are empty; then the facts are read from the tables and the
//! queues and classified by the core's checker.

use super::RealError;
use super::amqp::{self, Amqp};
use super::compare::{RealPayment, RealRow, crash_at_pass, real_totals};
use super::consumer::{ConsumerReport, ConsumerSpec};
use super::io::{Io, Timeouts};
use super::pg;
use super::rows::RowSpec;
use crate::sim::message::Message;
use std::os::unix::process::ExitStatusExt as _;
use std::path::PathBuf;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

/// The environment variable carrying a consumer process's [`ConsumerSpec`] (as JSON), so URLs with
/// passwords stay out of the process list.
pub const SPEC_ENV: &str = "LAB_REAL_CONSUMER_SPEC";

/// SIGABRT, what `std::process::abort()` dies of.
const SIGABRT: i32 = 6;

/// The exit code of a consumer process whose server did not answer in time (as `lab real`'s own).
pub const EXIT_TIMEOUT: i32 = 3;

/// How a consumer process ended.
enum Exit {
    /// It aborted at its armed boundary.
    Crashed,
    /// It went idle and exited, with its report.
    Idle(ConsumerReport),
}

/// Connections and settings shared by every row.
pub struct Harness {
    amqp_url: String,
    pg_url: String,
    exe: PathBuf,
    /// How long a consumer process waits for a delivery before it exits.
    pub idle_ms: u64,
    io: Io,
    amqp: Amqp,
    pg: tokio_postgres::Client,
}

impl Harness {
    /// Connects to both servers and finds the binary to re-run as the consumer.
    pub fn connect(amqp_url: &str, pg_url: &str, timeouts: Timeouts) -> Result<Harness, RealError> {
        let io = Io::new(timeouts)?;
        let pg = pg::connect(&io, pg_url)?;
        let amqp = amqp::connect(&io, amqp_url)?;
        amqp::confirm(&io, &amqp.channel).map_err(super::as_setup)?;
        // The consumer is this very program. On Linux, /proc/self/exe names the running binary's own
        // file even after a rebuild replaced it on disk (cargo shares target/ with whoever else builds);
        // elsewhere, the path it was started from.
        let proc_exe = PathBuf::from("/proc/self/exe");
        let exe = if proc_exe.exists() {
            proc_exe
        } else {
            std::env::current_exe().map_err(|e| {
                RealError::Setup(format!("finding this program to run consumers: {e}"))
            })?
        };
        Ok(Harness {
            amqp_url: amqp_url.to_string(),
            pg_url: pg_url.to_string(),
            exe,
            // LAB_REAL_IDLE_MS (for testing the harness): a tiny value makes consumers go idle
            // between deliveries, which must not change the crash schedule.
            idle_ms: std::env::var("LAB_REAL_IDLE_MS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(100),
            io,
            amqp,
            pg,
        })
    }

    /// Runs `row` on the real systems; `messages` are the model's messages of the run.
    pub fn run_row(&mut self, row: &RowSpec, messages: &[Message]) -> Result<RealRow, RealError> {
        let io = &self.io;
        let ch = &self.amqp.channel;
        let retry = row.retry.unwrap_or_default();
        pg::reset(io, &self.pg, row.strategy.record_check)?;
        amqp::reset(io, ch, retry.delay_ms)?;
        amqp::publish_all(io, ch, messages)?;

        let started = Instant::now();
        let payments = messages.len() as u64;
        // Each process finishes at least one message before its armed pass comes round again, so a
        // row needs at most about one process per payment plus the redeliveries; far more is a hang.
        let limit = 3 * payments + 10;
        // A consumer must outwait a message in the retry queue, or the row would need a process per
        // retry round.
        let idle_ms = self.idle_ms.max(u64::from(retry.delay_ms) + 100);
        let (mut crashes, mut processes, mut settled) = (0u64, 0u64, false);
        let mut passes_since_crash = 0u64;
        while processes < limit {
            let spec = ConsumerSpec {
                amqp: self.amqp_url.clone(),
                postgres: self.pg_url.clone(),
                strategy: row.strategy,
                point: row.crash_point,
                crash_at_pass: row
                    .crash_point
                    .and_then(|_| crash_at_pass(row.mode, crashes, passes_since_crash)),
                fail_first_attempts: retry.fail_first_attempts,
                max_deliveries: retry.max_deliveries,
                idle_ms,
                timeouts: self.io.timeouts,
            };
            processes += 1;
            let crashed = match self.spawn_consumer(&spec)? {
                Exit::Crashed => {
                    crashes += 1;
                    passes_since_crash = 0;
                    true
                }
                Exit::Idle(report) => {
                    passes_since_crash += u64::from(report.passes);
                    false
                }
            };
            self.wait_for_no_consumer()?;
            let (ready, _) = amqp::depth(io, ch, amqp::QUEUE)?;
            let (waiting, _) = amqp::depth(io, ch, amqp::RETRY_QUEUE)?;
            if !crashed && ready == 0 && waiting == 0 {
                settled = true;
                break;
            }
        }

        let n = messages.len() as u32;
        let charges = pg::charge_counts(io, &self.pg, n)?;
        let ledger = pg::ledger_counts(io, &self.pg, n)?;
        let mut queued = amqp::peek_payments(io, &self.amqp, amqp::QUEUE)?;
        queued.extend(amqp::peek_payments(io, &self.amqp, amqp::RETRY_QUEUE)?);
        let dead = amqp::peek_payments(io, &self.amqp, amqp::DLQ)?;
        let facts: Vec<RealPayment> = (0..n)
            .map(|p| RealPayment {
                charges: charges[p as usize],
                ledger_rows: ledger[p as usize],
                in_queue: queued.contains(&p),
                dead_lettered: dead.contains(&p),
            })
            .collect();
        let amounts: Vec<u32> = messages.iter().map(|m| m.amount_cents).collect();
        Ok(RealRow {
            totals: real_totals(&facts, &amounts),
            crashes,
            processes,
            settled,
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// Starts one consumer process and waits for it to die at its boundary or go idle.
    fn spawn_consumer(&self, spec: &ConsumerSpec) -> Result<Exit, RealError> {
        let json = serde_json::to_string(spec).unwrap_or_default();
        let output = Process::new(&self.exe)
            .args(["real", "--consumer"])
            .env(SPEC_ENV, json)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .and_then(|c| c.wait_with_output())
            .map_err(|e| RealError::Run(format!("running a consumer process: {e}")))?;
        let status = output.status;
        let out = String::from_utf8_lossy(&output.stdout);
        let err = String::from_utf8_lossy(&output.stderr);
        if status.signal() == Some(SIGABRT) {
            return Ok(Exit::Crashed);
        }
        if status.success() {
            let report: Option<ConsumerReport> = out
                .lines()
                .last()
                .and_then(|l| serde_json::from_str(l).ok());
            return match report {
                Some(r) => Ok(Exit::Idle(r)),
                None => Err(RealError::Run(format!(
                    "a consumer process ended without its report: {out}{err}"
                ))),
            };
        }
        let why = err.trim().trim_start_matches("consumer: ").to_string();
        if status.code() == Some(EXIT_TIMEOUT) {
            return Err(RealError::Timeout(format!("a consumer process: {why}")));
        }
        Err(RealError::Run(format!(
            "a consumer process failed ({status}): {why}"
        )))
    }

    /// Waits until RabbitMQ shows no consumer on the queue: the last process's connection is gone and
    /// its unacknowledged deliveries are back in the queue.
    fn wait_for_no_consumer(&self) -> Result<(), RealError> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (_, consumers) = amqp::depth(&self.io, &self.amqp.channel, amqp::QUEUE)?;
            if consumers == 0 {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(RealError::Run(
                    "RabbitMQ still shows a consumer 30 s after its process ended".into(),
                ));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Drops the lab's tables and deletes its queues.
    pub fn clean_up(&mut self) -> Result<(), RealError> {
        pg::drop_all(&self.io, &self.pg)?;
        amqp::delete_all(&self.io, &self.amqp.channel)
    }
}
