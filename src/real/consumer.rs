//! The real payment consumer: one OS process, walking the core's own step machine against RabbitMQ and
//! PostgreSQL, and dying for real at the armed boundary.
//!
//! Nothing about the strategy is restated here. The order of the steps is [`Step::sequence`], whether a
//! step does anything is [`Job::runs`] (the core's consumer), and the boundary after a step is
//! [`CrashPoint::after`]. What this file adds is what each step *is* on real systems:
//!
//! | step | real effect |
//! |---|---|
//! | receive | a delivery from `basic.consume`, prefetch 1, manual acknowledgement |
//! | begin tx | `BEGIN` on the consumer's connection |
//! | check record | `SELECT count(*) FROM processed WHERE msg_id = $1` (sees its own transaction) |
//! | charge card | `INSERT` into the gateway's `charges` on a second, autocommit connection; with the key, `ON CONFLICT (idempotency_key) DO NOTHING` |
//! | write ledger | `INSERT` into `ledger` (in the transaction, or committed at once) |
//! | write record | `INSERT` into `processed`; a unique violation rolls the transaction back and skips the rest, as in the core |
//! | commit | `COMMIT` |
//! | ack | `basic.ack`, then a `basic.qos` round trip so the broker has processed the ack before anything else happens |
//!
//! A crash is `std::process::abort()`: no destructor runs, no connection is closed politely. The
//! operating system closes the sockets; PostgreSQL rolls back the open transaction; RabbitMQ returns
//! the unacknowledged delivery to the queue. Auto-ack ([`AckTiming::ManualFirst`]) is the ack moved
//! right after receive, exactly where [`Step::sequence`] puts it.
//!
//! [`AckTiming::ManualFirst`]: crate::sim::config::AckTiming::ManualFirst

use super::RealError;
use super::amqp;
use super::pg::{ConsumerDb, Write};
use crate::sim::command::CrashPoint;
use crate::sim::config::{Step, Strategy};
use crate::sim::consumer::Job;
use crate::sim::message::Message;
use amiquip::{ConsumerMessage, ConsumerOptions, Delivery};
use std::time::Duration;

/// How one consumer process is set up.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsumerSpec {
    /// RabbitMQ URL.
    pub amqp: String,
    /// PostgreSQL URL.
    pub postgres: String,
    /// The strategy.
    pub strategy: Strategy,
    /// The armed boundary.
    pub point: CrashPoint,
    /// Abort at this pass of the boundary (counted from this process's start); `None`: never.
    pub crash_at_pass: Option<u32>,
    /// Exit after this long without a delivery.
    pub idle_ms: u64,
}

/// What a consumer process that was not crashed reports on its last stdout line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsumerReport {
    /// Messages it finished.
    pub finished: u32,
    /// Times it passed the armed boundary.
    pub passes: u32,
}

/// Runs the consumer until it has been idle for `spec.idle_ms`; may abort the process instead.
pub fn run(spec: &ConsumerSpec) -> Result<ConsumerReport, RealError> {
    let mut db = ConsumerDb::connect(&spec.postgres)?;
    let mut conn = amqp::connect(&spec.amqp)?;
    let channel = conn.open_channel(None).map_err(err("opening a channel"))?;
    // Prefetch 1, as the model's consumer: it holds at most the message in hand.
    channel.qos(0, 1, false).map_err(err("setting prefetch"))?;
    let queue = channel
        .queue_declare_passive(amqp::QUEUE)
        .map_err(err("finding the payments queue"))?;
    let consumer = queue
        .consume(ConsumerOptions::default())
        .map_err(err("consuming"))?;
    let mut report = ConsumerReport::default();
    loop {
        let msg = match consumer
            .receiver()
            .recv_timeout(Duration::from_millis(spec.idle_ms))
        {
            Ok(m) => m,
            Err(e) if e.is_timeout() => break,
            Err(_) => return Err(RealError::Run("the AMQP connection went away".into())),
        };
        let delivery = match msg {
            ConsumerMessage::Delivery(d) => d,
            other => {
                return Err(RealError::Run(format!(
                    "the broker ended the consumer: {other:?}"
                )));
            }
        };
        process(spec, &mut db, &channel, delivery, &mut report)?;
        report.finished += 1;
    }
    let _ = consumer.cancel();
    drop(consumer);
    let _ = conn.close();
    Ok(report)
}

fn err(what: &'static str) -> impl Fn(amiquip::Error) -> RealError {
    move |e| RealError::Run(format!("{what}: {e}"))
}

/// Walks one message through the core's step sequence.
fn process(
    spec: &ConsumerSpec,
    db: &mut ConsumerDb,
    channel: &amiquip::Channel,
    delivery: Delivery,
    report: &mut ConsumerReport,
) -> Result<(), RealError> {
    let m: Message = serde_json::from_slice(&delivery.body)
        .map_err(|e| RealError::Run(format!("a message is not a payment: {e}")))?;
    let s = spec.strategy;
    let mut job = Job {
        payment: m.payment_id,
        delivery: 1 + u16::from(delivery.redelivered),
        started: 0,
        pos: 0,
        strategy: s,
        skip_effects: false,
    };
    let mut delivery = Some(delivery);
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
                Step::Charge => db.charge(m.payment_id, m.amount_cents, s.gateway_key)?,
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
                    if let Some(d) = delivery.take() {
                        d.ack(channel).map_err(err("acknowledging"))?;
                        // basic.ack has no reply; a synchronous method on the same channel is
                        // processed after it, so once qos-ok arrives the broker has the ack.
                        channel
                            .qos(0, 1, false)
                            .map_err(err("confirming the ack"))?;
                    }
                }
            }
        }
        if CrashPoint::after(step) == Some(spec.point) {
            report.passes += 1;
            if spec.crash_at_pass == Some(report.passes) {
                // The crash, for real: no cleanup, no goodbye to the broker or the database.
                std::process::abort();
            }
        }
    }
    Ok(())
}
