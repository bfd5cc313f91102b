//! Settings and actions as codec bytes: the part of the format that share links and saved runs have
//! in common.
//!
//! Fields are written in a fixed order and never reordered; a setting added later is appended and
//! read only from the format version that has it, so older links and saves still open with that
//! setting at its default.

use super::{Reader, ShareError, Writer};
use crate::sim::command::{ArmMode, Command, CrashPoint};
use crate::sim::config::{
    BrokerKind, Config, GatewayFaults, Latency, LogSettings, Outage, OutageKind, ProducerSettings,
    RateLimit, RedeliveryMode, RetryPolicy, RetryWait, SqsSettings, Strategy,
};

/// The format a configuration is written in: 2 for the queue, the default producer and no retention
/// window, so its links and saves are written byte for byte as before the broker kinds existed; 3
/// otherwise, with the broker's, the producer's and the retention settings after the others.
pub(crate) fn config_version(c: &Config) -> u8 {
    if c.broker == BrokerKind::Queue && c.producer.is_default() && c.retention.is_forever() {
        2
    } else {
        3
    }
}

/// Writes a configuration in format [`config_version`].
pub(crate) fn write_config(w: &mut Writer, c: &Config) {
    w.uint(c.payments as u64);
    w.uint(c.publish_interval_ms as u64);
    w.uint(c.consumers as u64);
    w.uint(c.prefetch as u64);
    write_strategy(w, &c.strategy);
    match c.redelivery {
        RedeliveryMode::OnDisconnect => w.uint(0),
        RedeliveryMode::VisibilityTimeout { timeout_ms } => {
            w.uint(1);
            w.uint(timeout_ms as u64);
        }
    }
    match c.retry {
        RetryPolicy::Immediate => w.uint(0),
        RetryPolicy::Fixed { delay_ms } => {
            w.uint(1);
            w.uint(delay_ms as u64);
        }
        RetryPolicy::Exponential {
            base_ms,
            cap_ms,
            jitter,
        } => {
            w.uint(2);
            w.uint(base_ms as u64);
            w.uint(cap_ms as u64);
            w.uint(jitter as u64);
        }
    }
    match c.rate_limit {
        None => w.uint(0),
        Some(r) => {
            w.uint(1);
            w.uint(r.per_second as u64);
            w.uint(r.burst as u64);
        }
    }
    w.uint(c.max_deliveries as u64);
    w.uint(c.restart_delay_ms as u64);
    for b in c.latency.base_ms {
        w.uint(b as u64);
    }
    w.uint(c.latency.jitter_percent as u64);
    w.uint(c.gateway.failure_permille as u64);
    w.uint(c.gateway.slow_ms as u64);
    match c.gateway.outage {
        None => w.uint(0),
        Some(o) => {
            w.uint(match o.kind {
                OutageKind::Refuse => 1,
                OutageKind::Hang => 2,
            });
            w.uint(o.from_ms);
            w.uint(o.until_ms);
        }
    }
    w.uint(c.lost_ack_permille as u64);
    w.uint(c.customers as u64);
    w.uint(c.event_window as u64);
    w.uint(c.sample_interval_ms as u64);
    // Added in format 2.
    w.uint(match c.retry_wait {
        RetryWait::Broker => 0,
        RetryWait::Consumer => 1,
    });
    w.uint(c.gateway_capacity as u64);
    w.uint(c.call_timeout_ms as u64);
    w.uint(c.gateway.fail_first_attempts as u64);
    if config_version(c) < 3 {
        return;
    }
    // Added in format 3, written only for a broker other than the queue, another producer or a
    // retention window.
    match c.broker {
        BrokerKind::Queue => w.uint(0),
        BrokerKind::Sqs(s) => {
            w.uint(1);
            w.uint(s.fifo as u64);
            w.uint(s.duplicate_permille as u64);
        }
        BrokerKind::Log(l) => {
            w.uint(2);
            w.uint(l.partitions as u64);
            w.uint(l.auto_commit_interval_ms as u64);
            w.uint(l.offsets_in_transaction as u64);
        }
    }
    let p = &c.producer;
    for v in [
        p.confirms as u32,
        p.lost_confirm_permille as u32,
        p.confirm_timeout_ms,
        p.outbox as u32,
        p.crash_permille as u32,
    ] {
        w.uint(v as u64);
    }
    // A window is at least 1 ms, so 0 stands for "kept forever".
    w.uint(c.retention.records_ms.unwrap_or(0));
    w.uint(c.retention.gateway_keys_ms.unwrap_or(0));
}

/// Reads a configuration written in link format `version` (1, 2 or 3); settings a version lacks take
/// their defaults (formats 1 and 2: the queue).
pub(crate) fn read_config(r: &mut Reader, version: u8) -> Result<Config, ShareError> {
    let payments = r.u32()?;
    let publish_interval_ms = r.u32()?;
    let consumers = r.u8()?;
    let prefetch = r.u8()?;
    let strategy = read_strategy(r)?;
    let redelivery = match r.uint()? {
        0 => RedeliveryMode::OnDisconnect,
        1 => RedeliveryMode::VisibilityTimeout {
            timeout_ms: r.u32()?,
        },
        _ => return Err(ShareError::BadValue("redelivery mode")),
    };
    let retry = match r.uint()? {
        0 => RetryPolicy::Immediate,
        1 => RetryPolicy::Fixed { delay_ms: r.u32()? },
        2 => RetryPolicy::Exponential {
            base_ms: r.u32()?,
            cap_ms: r.u32()?,
            jitter: r.flag()?,
        },
        _ => return Err(ShareError::BadValue("retry policy")),
    };
    let rate_limit = match r.uint()? {
        0 => None,
        1 => Some(RateLimit {
            per_second: r.u32()?,
            burst: r.u32()?,
        }),
        _ => return Err(ShareError::BadValue("rate limit")),
    };
    let max_deliveries = r.u8()?;
    let restart_delay_ms = r.u32()?;
    let mut base_ms = [0u32; 8];
    for b in base_ms.iter_mut() {
        *b = r.u32()?;
    }
    let jitter_percent = r.u8()?;
    let failure_permille = r.u16()?;
    let slow_ms = r.u32()?;
    let outage = match r.uint()? {
        0 => None,
        tag @ (1 | 2) => Some(Outage {
            from_ms: r.time("outage time")?,
            until_ms: r.time("outage time")?,
            kind: if tag == 2 && version >= 2 {
                OutageKind::Hang
            } else if tag == 1 {
                OutageKind::Refuse
            } else {
                return Err(ShareError::BadValue("gateway outage"));
            },
        }),
        _ => return Err(ShareError::BadValue("gateway outage")),
    };
    let defaults = Config::default();
    let mut config = Config {
        payments,
        publish_interval_ms,
        consumers,
        prefetch,
        strategy,
        redelivery,
        retry,
        rate_limit,
        max_deliveries,
        restart_delay_ms,
        latency: Latency {
            base_ms,
            jitter_percent,
        },
        gateway: GatewayFaults {
            failure_permille,
            slow_ms,
            outage,
            fail_first_attempts: 0,
        },
        lost_ack_permille: r.u16()?,
        customers: r.u8()?,
        event_window: r.u32()?,
        sample_interval_ms: r.u32()?,
        ..defaults
    };
    if version >= 2 {
        config.retry_wait = match r.uint()? {
            0 => RetryWait::Broker,
            1 => RetryWait::Consumer,
            _ => return Err(ShareError::BadValue("retry wait")),
        };
        config.gateway_capacity = r.u8()?;
        config.call_timeout_ms = r.u32()?;
        config.gateway.fail_first_attempts = r.u8()?;
    }
    if version >= 3 {
        config.broker = match r.uint()? {
            1 => BrokerKind::Sqs(SqsSettings {
                fifo: r.flag()?,
                duplicate_permille: r.u16()?,
            }),
            2 => BrokerKind::Log(LogSettings {
                partitions: r.u8()?,
                auto_commit_interval_ms: r.u32()?,
                offsets_in_transaction: r.flag()?,
            }),
            0 => BrokerKind::Queue,
            _ => return Err(ShareError::BadValue("broker")),
        };
        config.producer = ProducerSettings {
            confirms: r.flag()?,
            lost_confirm_permille: r.u16()?,
            confirm_timeout_ms: r.u32()?,
            outbox: r.flag()?,
            crash_permille: r.u16()?,
        };
        let window = |v: u64| (v > 0).then_some(v);
        config.retention.records_ms = window(r.uint()?);
        config.retention.gateway_keys_ms = window(r.uint()?);
    }
    Ok(config)
}

fn write_strategy(w: &mut Writer, s: &Strategy) {
    w.uint(s.bits());
}

fn read_strategy(r: &mut Reader) -> Result<Strategy, ShareError> {
    Strategy::from_bits(r.uint()?).ok_or(ShareError::BadValue("strategy"))
}

fn write_consumer(w: &mut Writer, c: Option<u8>) {
    w.uint(c.map_or(0, |c| c as u64 + 1));
}

fn read_consumer(r: &mut Reader, consumers: u8) -> Result<Option<u8>, ShareError> {
    match r.uint()? {
        0 => Ok(None),
        n if n <= consumers as u64 => Ok(Some(n as u8 - 1)),
        _ => Err(ShareError::BadValue("consumer number")),
    }
}

fn point_index(p: CrashPoint) -> u64 {
    CrashPoint::BOUNDARIES
        .iter()
        .position(|b| *b == p)
        .unwrap_or(0) as u64
}

fn read_point(r: &mut Reader) -> Result<CrashPoint, ShareError> {
    let i = r.count(CrashPoint::BOUNDARIES.len(), "crash point")?;
    CrashPoint::BOUNDARIES
        .get(i)
        .copied()
        .ok_or(ShareError::BadValue("crash point"))
}

pub(crate) fn write_command(w: &mut Writer, c: &Command) {
    match *c {
        Command::CrashNow { consumer } => {
            w.uint(0);
            write_consumer(w, Some(consumer));
        }
        Command::ArmCrash {
            consumer,
            point,
            mode,
        } => {
            w.uint(1);
            write_consumer(w, consumer);
            w.uint(point_index(point));
            match mode {
                ArmMode::Once => w.uint(0),
                ArmMode::Always => w.uint(1),
                ArmMode::EveryKth(k) => {
                    w.uint(2);
                    w.uint(k as u64);
                }
            }
        }
        Command::Disarm { consumer, point } => {
            w.uint(2);
            write_consumer(w, consumer);
            w.uint(point_index(point));
        }
        Command::LoseNextAck { consumer } => {
            w.uint(3);
            write_consumer(w, Some(consumer));
        }
        Command::GatewayOutage { duration_ms, kind } => {
            w.uint(match kind {
                OutageKind::Refuse => 4,
                OutageKind::Hang => 6,
            });
            w.uint(duration_ms as u64);
        }
        Command::SetStrategy(s) => {
            w.uint(5);
            write_strategy(w, &s);
        }
    }
}

pub(crate) fn read_command(r: &mut Reader, consumers: u8) -> Result<Command, ShareError> {
    let some_consumer = |r: &mut Reader| {
        read_consumer(r, consumers)?.ok_or(ShareError::BadValue("consumer number"))
    };
    Ok(match r.uint()? {
        0 => Command::CrashNow {
            consumer: some_consumer(r)?,
        },
        1 => {
            let consumer = read_consumer(r, consumers)?;
            let point = read_point(r)?;
            let mode = match r.uint()? {
                0 => ArmMode::Once,
                1 => ArmMode::Always,
                2 => match r.u32()? {
                    0 => return Err(ShareError::BadValue("crash frequency")),
                    k => ArmMode::EveryKth(k),
                },
                _ => return Err(ShareError::BadValue("crash frequency")),
            };
            Command::ArmCrash {
                consumer,
                point,
                mode,
            }
        }
        2 => Command::Disarm {
            consumer: read_consumer(r, consumers)?,
            point: read_point(r)?,
        },
        3 => Command::LoseNextAck {
            consumer: some_consumer(r)?,
        },
        4 => Command::GatewayOutage {
            duration_ms: r.u32()?,
            kind: OutageKind::Refuse,
        },
        6 => Command::GatewayOutage {
            duration_ms: r.u32()?,
            kind: OutageKind::Hang,
        },
        5 => Command::SetStrategy(read_strategy(r)?),
        _ => return Err(ShareError::BadValue("action")),
    })
}
