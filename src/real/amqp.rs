//! RabbitMQ (AMQP 0-9-1): the payments queue, its dead-letter queue, publishing and inspection.
//!
//! The queue is the model's broker with redelivery *on disconnect*: a consumer acknowledges by hand,
//! and when its process dies RabbitMQ notices the closed connection and puts every unacknowledged
//! message back, marked redelivered. Messages that a consumer rejects without requeueing go through the
//! dead-letter exchange to the dead-letter queue.

use super::RealError;
use crate::sim::message::Message;
use amiquip::{
    AmqpProperties, AmqpValue, Channel, Connection, ExchangeDeclareOptions, ExchangeType,
    FieldTable, Publish, QueueDeclareOptions, QueueDeleteOptions,
};
use std::time::{Duration, Instant};

/// The payments queue.
pub const QUEUE: &str = "redelivery-lab.payments";
/// Its dead-letter exchange.
pub const DLX: &str = "redelivery-lab.dlx";
/// Its dead-letter queue.
pub const DLQ: &str = "redelivery-lab.payments.dlq";

/// Opens a connection (plain AMQP: the lab talks to a throwaway broker on loopback).
pub fn connect(url: &str) -> Result<Connection, RealError> {
    Connection::insecure_open(url).map_err(|e| {
        RealError::Setup(format!(
            "RabbitMQ at {}: {}",
            super::redact(url),
            super::chain(&e)
        ))
    })
}

fn setup(what: &'static str) -> impl Fn(amiquip::Error) -> RealError {
    move |e| RealError::Setup(format!("{what}: {e}"))
}

fn run(what: &'static str) -> impl Fn(amiquip::Error) -> RealError {
    move |e| RealError::Run(format!("{what}: {e}"))
}

/// Deletes and declares the queues afresh: a durable payments queue dead-lettering to [`DLX`], and the
/// dead-letter queue bound to it.
pub fn reset(channel: &Channel) -> Result<(), RealError> {
    delete_all(channel)?;
    channel
        .exchange_declare(
            ExchangeType::Direct,
            DLX,
            ExchangeDeclareOptions {
                durable: true,
                ..Default::default()
            },
        )
        .map_err(setup("declaring the dead-letter exchange"))?;
    let dlq = channel
        .queue_declare(
            DLQ,
            QueueDeclareOptions {
                durable: true,
                ..Default::default()
            },
        )
        .map_err(setup("declaring the dead-letter queue"))?;
    channel
        .queue_bind(dlq.name(), DLX, QUEUE, FieldTable::new())
        .map_err(setup("binding the dead-letter queue"))?;
    let mut args = FieldTable::new();
    args.insert(
        "x-dead-letter-exchange".to_string(),
        AmqpValue::LongString(DLX.to_string()),
    );
    channel
        .queue_declare(
            QUEUE,
            QueueDeclareOptions {
                durable: true,
                arguments: args,
                ..Default::default()
            },
        )
        .map_err(setup("declaring the payments queue"))?;
    Ok(())
}

/// Deletes the queues and the exchange (after the last row). Deleting what does not exist is fine.
pub fn delete_all(channel: &Channel) -> Result<(), RealError> {
    for q in [QUEUE, DLQ] {
        channel
            .queue_delete(q, QueueDeleteOptions::default())
            .map_err(setup("deleting a lab queue"))?;
    }
    channel
        .exchange_delete(DLX, false)
        .map_err(setup("deleting the dead-letter exchange"))
}

/// The body of a payment message: the core's [`Message`] as JSON.
pub fn body(m: &Message) -> Vec<u8> {
    serde_json::to_vec(m).unwrap_or_default()
}

/// Publishes every message (persistent) and waits until the queue holds them all.
pub fn publish_all(channel: &Channel, messages: &[Message]) -> Result<(), RealError> {
    for m in messages {
        let props = AmqpProperties::default()
            .with_delivery_mode(2)
            .with_message_id(m.msg_id.to_string())
            .with_content_type("application/json".to_string());
        channel
            .basic_publish("", Publish::with_properties(&body(m), QUEUE, props))
            .map_err(run("publishing a payment"))?;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (ready, _) = depth(channel)?;
        if ready as usize >= messages.len() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(RealError::Run(format!(
                "only {ready} of {} published payments reached the queue",
                messages.len()
            )));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The payments queue's ready messages and consumers, as a passive declare reports them.
pub fn depth(channel: &Channel) -> Result<(u32, u32), RealError> {
    let q = channel
        .queue_declare_passive(QUEUE)
        .map_err(run("looking at the payments queue"))?;
    Ok((
        q.declared_message_count().unwrap_or(0),
        q.declared_consumer_count().unwrap_or(0),
    ))
}

/// The payment ids of every message in `queue`, read with `basic.get` without acknowledging; closing
/// the connection afterwards puts them all back untouched.
pub fn peek_payments(url: &str, queue: &str) -> Result<Vec<u32>, RealError> {
    let mut conn = connect(url)?;
    let channel = conn.open_channel(None).map_err(run("opening a channel"))?;
    let mut out = Vec::new();
    while let Some(get) = channel
        .basic_get(queue, false)
        .map_err(run("reading a queue"))?
    {
        let m: Message = serde_json::from_slice(&get.delivery.body)
            .map_err(|e| RealError::Run(format!("a message in {queue} is not a payment: {e}")))?;
        out.push(m.payment_id);
    }
    let _ = conn.close();
    Ok(out)
}
