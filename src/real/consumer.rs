//! The real payment consumer: one OS process, walking the core's own step machine against RabbitMQ and
//! PostgreSQL, and dying for real at the armed boundary.
//!
//! Nothing about the strategy is restated here. The order of the steps is [`Step::sequence`], whether a
//! step does anything is [`Job::runs`] (the core's consumer), and the boundary after a step is
//! [`CrashPoint::after`]. What this file adds is what each step *is* on real systems:
//!
//! | step | real effect |
//! |---|---|
//! | receive | a delivery from `basic.consume`: prefetch 1 and manual acknowledgement, or `no_ack` under auto-ack |
//! | begin tx | `BEGIN` on the consumer's connection |
//! | check record | `SELECT count(*) FROM processed WHERE msg_id = $1` (sees its own transaction) |
//! | charge card | on a second, autocommit connection: count the attempt in the gateway's `attempts` (the first `fail_first_attempts` of each payment fail), then `INSERT` into its `charges`; with the key, `ON CONFLICT (idempotency_key) DO NOTHING` |
//! | write ledger | `INSERT` into `ledger` (in the transaction, or committed at once) |
//! | write record | `INSERT` into `processed`; a unique violation rolls the transaction back and skips the rest, as in the core |
//! | commit | `COMMIT` |
//! | ack | `basic.ack`, then a `basic.qos` round trip so the broker has processed the ack before anything else happens; nothing under auto-ack (the broker forgot the message when it sent it) |
//!
//! A failed charge rolls the transaction back. If the consumer still holds the delivery (ack after
//! commit), it rejects it without requeueing, so it goes through the retry queue and back to the tail
//! of the payments queue ([`amqp`]); once the message has had `max_deliveries` deliveries (its
//! `x-death` rejections plus this one) it is published to the dead-letter queue and acknowledged
//! instead. Under a manual ack sent first or auto-ack the broker has already forgotten it: the
//! payment is dropped, as in the core.
//!
//! A crash is `std::process::abort()`: no destructor runs, no connection is closed politely. The
//! operating system closes the sockets; PostgreSQL rolls back the open transaction; RabbitMQ returns
//! the unacknowledged delivery to the queue. A manual ack sent first is the ack moved right after
//! receive, exactly where [`Step::sequence`] puts it.

use super::RealError;
use super::amqp;
use super::io::{Io, Timeouts};
use super::pg::{Charge, ConsumerDb, Write};
use crate::sim::command::CrashPoint;
use crate::sim::config::{AckTiming, Step, Strategy};
use crate::sim::consumer::{Job, Wait};
use crate::sim::message::Message;

/// Deliveries a consumer may hold unacknowledged, as the model's default consumer.
const PREFETCH: u16 = 1;

/// How one consumer process is set up.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsumerSpec {
    /// RabbitMQ URL.
    pub amqp: String,
    /// PostgreSQL URL.
    pub postgres: String,
    /// The strategy.
    pub strategy: Strategy,
    /// The armed boundary (`None`: no crash armed).
    pub point: Option<CrashPoint>,
    /// Abort at this pass of the boundary (counted from this process's start); `None`: never.
    pub crash_at_pass: Option<u32>,
    /// The gateway fails the first this-many charge attempts of every payment.
    pub fail_first_attempts: u8,
    /// Deliveries before a message goes to the dead-letter queue; 0: unlimited.
    pub max_deliveries: u8,
    /// Exit after this long without a delivery.
    pub idle_ms: u64,
    /// How long to wait for the servers.
    pub timeouts: Timeouts,
}

/// What a consumer process that was not crashed reports on its last stdout line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsumerReport {
    /// Messages it finished (processed, retried or dead-lettered).
    pub finished: u32,
    /// Times it passed the armed boundary.
    pub passes: u32,
}

/// Runs the consumer until it has been idle for `spec.idle_ms`; may abort the process instead.
pub fn run(spec: &ConsumerSpec) -> Result<ConsumerReport, RealError> {
    let io = Io::new(spec.timeouts)?;
    let mut db = ConsumerDb::connect(&io, &spec.postgres)?;
    let conn = amqp::connect(&io, &spec.amqp)?;
    let ch = &conn.channel;
    if spec.max_deliveries > 0 {
        // Dead-lettering publishes to the DLQ: confirmed before the delivery is acknowledged.
        amqp::confirm(&io, ch)?;
    }
    let auto = spec.strategy.ack_timing == AckTiming::Auto;
    let mut consumer = amqp::consume(&io, ch, PREFETCH, auto)?;
    let mut report = ConsumerReport::default();
    while let Some(delivery) = amqp::next(&io, &mut consumer, spec.idle_ms)? {
        process(spec, &io, &mut db, ch, delivery, auto, &mut report)?;
        report.finished += 1;
    }
    conn.close(&io);
    Ok(report)
}

/// Walks one message through the core's step sequence.
fn process(
    spec: &ConsumerSpec,
    io: &Io,
    db: &mut ConsumerDb,
    ch: &lapin::Channel,
    delivery: lapin::message::Delivery,
    auto: bool,
    report: &mut ConsumerReport,
) -> Result<(), RealError> {
    let m: Message = serde_json::from_slice(&delivery.data)
        .map_err(|e| RealError::Run(format!("a message is not a payment: {e}")))?;
    let s = spec.strategy;
    let mut job = Job {
        msg: m.msg_id,
        payment: m.payment_id,
        delivery: 1 + u16::from(delivery.redelivered),
        started: 0,
        pos: 0,
        strategy: s,
        skip_effects: false,
        auto_acked: auto,
        wait: Wait::Step,
    };
    // The delivery still to be settled with the broker (never, under auto-ack).
    let mut held = (!auto).then_some(&delivery);
    let mut tx_open = false;
    for (pos, step) in Step::sequence(s.ack_timing).into_iter().enumerate() {
        job.pos = pos as u8;
        debug_assert_eq!(job.step(), step);
        if job.runs(step, tx_open) {
            match step {
                Step::Receive => {}
                Step::BeginTx => {
                    db.begin()?;
                    tx_open = true;
                }
                Step::CheckRecord => {
                    if db.is_processed(m.msg_id)? {
                        job.skip_effects = true;
                    }
                }
                Step::Charge => {
                    let charged = db.charge(
                        m.payment_id,
                        m.amount_cents,
                        s.gateway_key,
                        spec.fail_first_attempts,
                    )?;
                    if charged == Charge::Failed {
                        if tx_open {
                            db.rollback()?;
                        }
                        if let Some(d) = held {
                            retry_or_dead_letter(spec, io, ch, d, &m)?;
                        }
                        return Ok(());
                    }
                }
                Step::WriteLedger => db.write_ledger(
                    m.payment_id,
                    m.customer_name(),
                    m.amount_cents,
                    s.ledger_write,
                )?,
                Step::WriteRecord => {
                    if db.write_record(m.msg_id)? == Write::Conflict {
                        // The unique constraint caught a second record: this delivery is a
                        // duplicate. Its transaction is aborted; nothing of it will commit.
                        if tx_open {
                            db.rollback()?;
                            tx_open = false;
                        }
                        job.skip_effects = true;
                    }
                }
                Step::Commit => {
                    // Committed or aborted by a deferred conflict: the transaction is over.
                    db.commit()?;
                    tx_open = false;
                }
                Step::Ack => {
                    if let Some(d) = held.take() {
                        amqp::ack(io, ch, d, PREFETCH)?;
                    }
                }
            }
        }
        if spec.point.is_some() && CrashPoint::after(step) == spec.point {
            report.passes += 1;
            if spec.crash_at_pass == Some(report.passes) {
                // The crash, for real: no cleanup, no goodbye to the broker or the database.
                std::process::abort();
            }
        }
    }
    Ok(())
}

/// A failed delivery still held: to the retry queue, or, at `max_deliveries`, to the dead-letter queue.
fn retry_or_dead_letter(
    spec: &ConsumerSpec,
    io: &Io,
    ch: &lapin::Channel,
    d: &lapin::message::Delivery,
    m: &Message,
) -> Result<(), RealError> {
    let deliveries = amqp::rejections(&d.properties) + 1;
    if spec.max_deliveries > 0 && deliveries >= u32::from(spec.max_deliveries) {
        amqp::publish(io, ch, amqp::DLQ, &amqp::body(m), d.properties.clone())?;
        amqp::ack(io, ch, d, PREFETCH)
    } else {
        amqp::reject_to_retry(io, ch, d, PREFETCH)
    }
}
