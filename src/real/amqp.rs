//! RabbitMQ (AMQP 0-9-1, through lapin): the payments queue, its retry queue, the dead-letter queue,
//! publishing and inspection.
//!
//! The payments queue is the model's broker with redelivery *on disconnect*: a consumer acknowledges
//! by hand, and when its process dies RabbitMQ notices the closed connection and puts every
//! unacknowledged message back at its original place, marked redelivered.
//!
//! Retries are built the RabbitMQ way, since the broker has no delayed requeue: a consumer whose
//! charge failed rejects the delivery without requeueing; the payments queue dead-letters it through
//! [`RETRY_EXCHANGE`] into [`RETRY_QUEUE`], whose message TTL is the retry delay; when the TTL expires
//! the retry queue dead-letters it back to the payments queue, at its tail. Every such round adds to
//! the message's `x-death` count, which is how the consumer knows how many deliveries it has had; at
//! `max_deliveries` it publishes the message to [`DLQ`] instead and acknowledges it.

use super::RealError;
use super::io::Io;
use crate::sim::message::Message;
use futures_util::StreamExt as _;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicGetOptions, BasicPublishOptions, BasicQosOptions,
    BasicRejectOptions, ConfirmSelectOptions, ExchangeDeclareOptions, ExchangeDeleteOptions,
    QueueBindOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::uri::AMQPUri;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};

/// The payments queue.
pub const QUEUE: &str = "redelivery-lab.payments";
/// The exchange the payments queue dead-letters rejected messages to.
pub const RETRY_EXCHANGE: &str = "redelivery-lab.retry";
/// Where a rejected message waits out the retry delay (its message TTL).
pub const RETRY_QUEUE: &str = "redelivery-lab.payments.retry";
/// The dead-letter queue: messages that used up their deliveries.
pub const DLQ: &str = "redelivery-lab.payments.dlq";

/// Checks an AMQP URL without connecting: `Err` is a sentence for the user.
pub fn parse_url(url: &str) -> Result<AMQPUri, String> {
    url.parse::<AMQPUri>().map_err(|e| {
        format!(
            "--amqp “{}” is not an AMQP URL ({e}); expected amqp://user:password@host:port/vhost.",
            super::redact(url)
        )
    })
}

/// A connection and one channel on it.
pub struct Amqp {
    conn: Connection,
    /// The channel.
    pub channel: Channel,
}

/// Opens a connection (plain AMQP: the lab talks to a throwaway broker on loopback) and a channel,
/// within the connect deadline.
pub fn connect(io: &Io, url: &str) -> Result<Amqp, RealError> {
    let uri = parse_url(url).map_err(RealError::Setup)?;
    let at = || format!("RabbitMQ at {}", super::redact(url));
    let conn = io
        .within(
            io.timeouts.connect_ms,
            &at(),
            Connection::connect_uri(uri, ConnectionProperties::default()),
        )?
        .map_err(|e| RealError::Setup(format!("{}: {}", at(), super::chain(&e))))?;
    let channel = io
        .within(io.timeouts.connect_ms, &at(), conn.create_channel())?
        .map_err(|e| RealError::Setup(format!("{}: opening a channel: {e}", at())))?;
    Ok(Amqp { conn, channel })
}

impl Amqp {
    /// Closes the connection politely (a crash never gets here).
    pub fn close(self, io: &Io) {
        let _ = io.within(io.timeouts.read_ms, "closing", async {
            self.conn.close(200, "bye".into()).await
        });
    }
}

fn setup(e: RealError) -> RealError {
    match e {
        RealError::Run(s) => RealError::Setup(s),
        other => other,
    }
}

/// Deletes and declares the queues afresh: the durable payments queue dead-lettering to the retry
/// exchange, the retry queue (TTL `retry_delay_ms`, dead-lettering back to the payments queue) bound
/// to it, and the dead-letter queue.
pub fn reset(io: &Io, ch: &Channel, retry_delay_ms: u32) -> Result<(), RealError> {
    delete_all(io, ch)?;
    let durable = QueueDeclareOptions {
        durable: true,
        ..Default::default()
    };
    io.wait(
        "declaring the retry exchange",
        ch.exchange_declare(
            RETRY_EXCHANGE.into(),
            ExchangeKind::Direct,
            ExchangeDeclareOptions {
                durable: true,
                ..Default::default()
            },
            FieldTable::default(),
        ),
    )
    .map_err(setup)?;
    let mut retry_args = FieldTable::default();
    retry_args.insert(
        "x-message-ttl".into(),
        AMQPValue::LongLongInt(i64::from(retry_delay_ms)),
    );
    // The default exchange ("") routes by queue name: back to the tail of the payments queue.
    retry_args.insert(
        "x-dead-letter-exchange".into(),
        AMQPValue::LongString("".into()),
    );
    retry_args.insert(
        "x-dead-letter-routing-key".into(),
        AMQPValue::LongString(QUEUE.into()),
    );
    io.wait(
        "declaring the retry queue",
        ch.queue_declare(RETRY_QUEUE.into(), durable, retry_args),
    )
    .map_err(setup)?;
    io.wait(
        "binding the retry queue",
        ch.queue_bind(
            RETRY_QUEUE.into(),
            RETRY_EXCHANGE.into(),
            QUEUE.into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        ),
    )
    .map_err(setup)?;
    io.wait(
        "declaring the dead-letter queue",
        ch.queue_declare(DLQ.into(), durable, FieldTable::default()),
    )
    .map_err(setup)?;
    let mut args = FieldTable::default();
    args.insert(
        "x-dead-letter-exchange".into(),
        AMQPValue::LongString(RETRY_EXCHANGE.into()),
    );
    io.wait(
        "declaring the payments queue",
        ch.queue_declare(QUEUE.into(), durable, args),
    )
    .map_err(setup)?;
    Ok(())
}

/// Deletes the queues and the exchange (after the last row). Deleting what does not exist is fine.
pub fn delete_all(io: &Io, ch: &Channel) -> Result<(), RealError> {
    for q in [QUEUE, RETRY_QUEUE, DLQ] {
        io.wait(
            "deleting a lab queue",
            ch.queue_delete(q.into(), QueueDeleteOptions::default()),
        )
        .map_err(setup)?;
    }
    io.wait(
        "deleting the retry exchange",
        ch.exchange_delete(RETRY_EXCHANGE.into(), ExchangeDeleteOptions::default()),
    )
    .map_err(setup)
}

/// The body of a payment message: the core's [`Message`] as JSON.
pub fn body(m: &Message) -> Vec<u8> {
    serde_json::to_vec(m).unwrap_or_default()
}

/// Persistent, with the message id.
fn properties(m: &Message) -> BasicProperties {
    BasicProperties::default()
        .with_delivery_mode(2)
        .with_message_id(m.msg_id.to_string().into())
        .with_content_type("application/json".into())
}

/// Turns on publisher confirms on `ch`, so [`publish`] returns once the broker has the message.
pub fn confirm(io: &Io, ch: &Channel) -> Result<(), RealError> {
    io.wait(
        "turning on publisher confirms",
        ch.confirm_select(ConfirmSelectOptions::default()),
    )
}

/// Publishes `body` to `queue` (through the default exchange) and waits for the broker's confirm.
pub fn publish(
    io: &Io,
    ch: &Channel,
    queue: &str,
    body: &[u8],
    props: BasicProperties,
) -> Result<(), RealError> {
    io.wait("publishing", async {
        ch.basic_publish(
            "".into(),
            queue.into(),
            BasicPublishOptions::default(),
            body,
            props,
        )
        .await?
        .await
    })?;
    Ok(())
}

/// Publishes every message (persistent, confirmed) to the payments queue, in order.
pub fn publish_all(io: &Io, ch: &Channel, messages: &[Message]) -> Result<(), RealError> {
    for m in messages {
        publish(io, ch, QUEUE, &body(m), properties(m))?;
    }
    Ok(())
}

/// `queue`'s ready messages and consumers, as a passive declare reports them.
pub fn depth(io: &Io, ch: &Channel, queue: &str) -> Result<(u32, u32), RealError> {
    let q = io.wait(
        "looking at a lab queue",
        ch.queue_declare(
            queue.into(),
            QueueDeclareOptions {
                passive: true,
                ..Default::default()
            },
            FieldTable::default(),
        ),
    )?;
    Ok((q.message_count(), q.consumer_count()))
}

/// The payment ids of every message in `queue`, read with `basic.get` on a channel of their own
/// without acknowledging; closing that channel puts them all back untouched.
pub fn peek_payments(io: &Io, amqp: &Amqp, queue: &str) -> Result<Vec<u32>, RealError> {
    let ch = io.wait("opening a channel", amqp.conn.create_channel())?;
    let mut out = Vec::new();
    while let Some(get) = io.wait(
        "reading a queue",
        ch.basic_get(queue.into(), BasicGetOptions { no_ack: false }),
    )? {
        let m: Message = serde_json::from_slice(&get.delivery.data)
            .map_err(|e| RealError::Run(format!("a message in {queue} is not a payment: {e}")))?;
        out.push(m.payment_id);
    }
    io.wait("closing a channel", ch.close(200, "peeked".into()))?;
    Ok(out)
}

/// A consumer on the payments queue: manual acknowledgement with `prefetch`, or AMQP `no_ack`
/// (auto-ack: the broker forgets each message as it sends it, and prefetch does not apply).
pub fn consume(
    io: &Io,
    ch: &Channel,
    prefetch: u16,
    no_ack: bool,
) -> Result<lapin::Consumer, RealError> {
    if !no_ack {
        io.wait(
            "setting prefetch",
            ch.basic_qos(prefetch, BasicQosOptions::default()),
        )?;
    }
    io.wait(
        "consuming",
        ch.basic_consume(
            QUEUE.into(),
            "".into(),
            BasicConsumeOptions {
                no_ack,
                ..Default::default()
            },
            FieldTable::default(),
        ),
    )
}

/// The next delivery, or `None` when none comes within `idle_ms`.
pub fn next(
    io: &Io,
    consumer: &mut lapin::Consumer,
    idle_ms: u64,
) -> Result<Option<lapin::message::Delivery>, RealError> {
    match io.within(idle_ms, "waiting for a delivery", consumer.next()) {
        Err(RealError::Timeout(_)) => Ok(None),
        Err(e) => Err(e),
        Ok(None) => Err(RealError::Run("the broker ended the consumer".into())),
        Ok(Some(Err(e))) => Err(RealError::Run(format!(
            "the AMQP connection went away: {}",
            super::chain(&e)
        ))),
        Ok(Some(Ok(d))) => Ok(Some(d)),
    }
}

/// `basic.ack`, then a `basic.qos` round trip on the same channel: the broker processes methods of a
/// channel in order, so once qos-ok arrives it has the ack (basic.ack itself has no reply).
pub fn ack(
    io: &Io,
    ch: &Channel,
    d: &lapin::message::Delivery,
    prefetch: u16,
) -> Result<(), RealError> {
    io.wait("acknowledging", d.ack(BasicAckOptions::default()))?;
    io.wait(
        "confirming the ack",
        ch.basic_qos(prefetch, BasicQosOptions::default()),
    )
}

/// `basic.reject` without requeue: the payments queue dead-letters the message to the retry queue.
pub fn reject_to_retry(
    io: &Io,
    ch: &Channel,
    d: &lapin::message::Delivery,
    prefetch: u16,
) -> Result<(), RealError> {
    io.wait(
        "rejecting to the retry queue",
        d.reject(BasicRejectOptions { requeue: false }),
    )?;
    io.wait(
        "confirming the reject",
        ch.basic_qos(prefetch, BasicQosOptions::default()),
    )
}

/// How many times the payments queue has dead-lettered this message as rejected, from its `x-death`
/// header: RabbitMQ keeps one entry per (queue, reason) with a `count`.
pub fn rejections(props: &BasicProperties) -> u32 {
    let Some(headers) = props.headers() else {
        return 0;
    };
    let Some(AMQPValue::FieldArray(deaths)) = headers.inner().get("x-death") else {
        return 0;
    };
    deaths
        .as_slice()
        .iter()
        .filter_map(|v| match v {
            AMQPValue::FieldTable(t) => Some(t.inner()),
            _ => None,
        })
        .filter(|t| {
            text(t.get("queue")) == Some(QUEUE) && text(t.get("reason")) == Some("rejected")
        })
        .filter_map(|t| match t.get("count") {
            Some(AMQPValue::LongLongInt(n)) => u32::try_from(*n).ok(),
            Some(AMQPValue::LongInt(n)) => u32::try_from(*n).ok(),
            _ => None,
        })
        .sum()
}

fn text(v: Option<&AMQPValue>) -> Option<&str> {
    match v {
        Some(AMQPValue::LongString(s)) => std::str::from_utf8(s.as_bytes()).ok(),
        Some(AMQPValue::ShortString(s)) => Some(s.as_str()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapin::types::FieldArray;

    fn death(queue: &str, reason: &str, count: i64) -> AMQPValue {
        let mut t = FieldTable::default();
        t.insert("queue".into(), AMQPValue::LongString(queue.into()));
        t.insert("reason".into(), AMQPValue::LongString(reason.into()));
        t.insert("count".into(), AMQPValue::LongLongInt(count));
        AMQPValue::FieldTable(t)
    }

    #[test]
    fn deliveries_are_counted_from_the_rejections_in_x_death() {
        assert_eq!(rejections(&BasicProperties::default()), 0);
        let mut h = FieldTable::default();
        h.insert(
            "x-death".into(),
            AMQPValue::FieldArray(FieldArray::from(vec![
                death(RETRY_QUEUE, "expired", 2),
                death(QUEUE, "rejected", 2),
            ])),
        );
        assert_eq!(rejections(&BasicProperties::default().with_headers(h)), 2);
    }

    #[test]
    fn a_malformed_url_is_refused_before_connecting() {
        assert!(parse_url("amqp://guest:guest@127.0.0.1:5672/lab").is_ok());
        let e = parse_url("amqp://guest:secret@127.0.0.1:notaport/lab").unwrap_err();
        assert!(
            e.contains("not an AMQP URL") && !e.contains("secret"),
            "{e}"
        );
        assert!(parse_url("http://x").is_err());
    }
}
