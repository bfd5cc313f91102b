//! The strategy panel's plain number fields and the settings of the broker kinds, the producer and
//! retention, described as data and drawn by one loop: a table row per setting costs far fewer bytes
//! in the browser build than a hand-written field each, and the sandbox gained a dozen of them with
//! issue 15.

use super::choice::{ChoiceProps, choice};
use super::number_field::{NumberFieldProps, number_field};
use super::strategy::MAX_BROWSER_PAYMENTS;
use super::toggle::{ToggleProps, toggle};
use crate::i18n::{n_, tr};
use crate::sim::config::{
    BrokerKind, LogSettings, MAX_PARTITIONS, MAX_RETENTION_MS, RateLimit, SqsSettings, limits,
};
use crate::sim::{
    AckTiming, Config, LedgerWrite, Named, RecordCheck, RedeliveryMode, RetryPolicy, RetryWait,
};
use crate::ui::vtext;
use yew::prelude::*;

/// Which part of the panel a setting belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Under the broker selector.
    Broker,
    /// In the producer's group.
    Producer,
    /// With the faults: how long records and keys are kept.
    Retention,
    /// The consumers, their prefetch and the run's payments.
    Workers,
    /// The gateway's failures and delay.
    Gateway,
    /// The gateway's capacity and the consumers' call timeout.
    Capacity,
    /// Lost acks and the consumers' restart.
    Acks,
    /// The consumer's safeguards: switches and choices, no numbers.
    Safeguards,
    /// When the broker delivers a message again: one choice, and the visibility timeout's field.
    Redelivery,
    /// How a failed payment is retried: one choice, and the fixed delay's field.
    RetryPolicy,
    /// Where a retry's delay is waited: one choice, then the delivery limit's field.
    RetryWait,
    /// The retries' token bucket: its switch, then its two numbers in a row while it is on.
    RateLimit,
}

/// A whole-number setting: shown when `get` answers, `0` meaning "off" or "forever" where a help
/// line says so.
struct Number {
    group: Group,
    id: &'static str,
    label: &'static str,
    /// A help line under the field ("" for none), an English key.
    help: &'static str,
    unit: &'static str,
    min: u64,
    max: u64,
    get: fn(&Config) -> Option<u64>,
    set: fn(&mut Config, u64),
}

/// An on/off setting, shown when `get` answers.
struct Flag {
    group: Group,
    id: &'static str,
    label: &'static str,
    help: &'static str,
    get: fn(&Config) -> Option<bool>,
    set: fn(&mut Config, bool),
}

/// A choice among named options (each a value and an English key), shown always.
struct Pick {
    group: Group,
    id: &'static str,
    label: &'static str,
    /// The help line, in the installed language: it may depend on the configuration.
    help: fn(&Config) -> &'static str,
    options: &'static [(&'static str, &'static str)],
    get: fn(&Config) -> &'static str,
    set: fn(&mut Config, &str),
}

fn log(c: &Config) -> Option<LogSettings> {
    c.broker.log().copied()
}

fn sqs(c: &Config) -> Option<SqsSettings> {
    match c.broker {
        BrokerKind::Sqs(s) => Some(s),
        _ => None,
    }
}

/// Changes the log's settings, if the broker is a log.
fn with_log(c: &mut Config, f: impl FnOnce(&mut LogSettings)) {
    if let BrokerKind::Log(l) = &mut c.broker {
        f(l)
    }
}

/// Changes the SQS queue's settings, if the broker is SQS-like.
fn with_sqs(c: &mut Config, f: impl FnOnce(&mut SqsSettings)) {
    if let BrokerKind::Sqs(s) = &mut c.broker {
        f(s)
    }
}

/// The numbers; labels and units are English keys, translated where they are drawn.
const NUMBERS: [Number; 23] = [
    Number {
        group: Group::Broker,
        id: "sqs-duplicates",
        label: n_("Duplicates with no failure"),
        help: "",
        unit: "‰",
        min: 0,
        max: 1000,
        get: |c| {
            sqs(c)
                .filter(|s| !s.fifo)
                .map(|s| s.duplicate_permille as u64)
        },
        set: |c, v| with_sqs(c, |s| s.duplicate_permille = v as u16),
    },
    Number {
        group: Group::Broker,
        id: "log-partitions",
        label: n_("Partitions"),
        help: "",
        unit: "",
        min: 1,
        max: MAX_PARTITIONS as u64,
        get: |c| log(c).map(|l| l.partitions as u64),
        set: |c, v| with_log(c, |l| l.partitions = v as u8),
    },
    Number {
        group: Group::Broker,
        id: "log-auto-commit",
        label: n_("Auto-commit every"),
        help: "",
        unit: "ms",
        min: 1,
        max: limits::MAX_DURATION_MS as u64,
        get: |c| log(c).map(|l| l.auto_commit_interval_ms as u64),
        set: |c, v| with_log(c, |l| l.auto_commit_interval_ms = v as u32),
    },
    Number {
        group: Group::Producer,
        id: "producer-lost-confirms",
        label: n_("Lost confirms"),
        help: "",
        unit: "‰",
        min: 0,
        max: 1000,
        get: |c| {
            c.producer
                .confirms
                .then_some(c.producer.lost_confirm_permille as u64)
        },
        set: |c, v| c.producer.lost_confirm_permille = v as u16,
    },
    Number {
        group: Group::Producer,
        id: "producer-confirm-timeout",
        label: n_("Publish again after"),
        help: "",
        unit: "ms",
        min: 1,
        max: limits::MAX_DURATION_MS as u64,
        get: |c| Some(c.producer.confirm_timeout_ms as u64),
        set: |c, v| c.producer.confirm_timeout_ms = v as u32,
    },
    Number {
        group: Group::Producer,
        id: "producer-crashes",
        label: n_("Publisher crashes"),
        help: "",
        unit: "‰",
        min: 0,
        max: 1000,
        get: |c| Some(c.producer.crash_permille as u64),
        set: |c, v| c.producer.crash_permille = v as u16,
    },
    Number {
        group: Group::Retention,
        id: "retention-records",
        label: n_("Keep records"),
        help: "",
        unit: "ms",
        min: 0,
        max: MAX_RETENTION_MS,
        get: |c| Some(c.retention.records_ms.unwrap_or(0)),
        set: |c, v| c.retention.records_ms = (v > 0).then_some(v),
    },
    Number {
        group: Group::Retention,
        id: "retention-keys",
        label: n_("Gateway keeps keys"),
        help: "",
        unit: "ms",
        min: 0,
        max: MAX_RETENTION_MS,
        get: |c| Some(c.retention.gateway_keys_ms.unwrap_or(0)),
        set: |c, v| c.retention.gateway_keys_ms = (v > 0).then_some(v),
    },
    Number {
        group: Group::Workers,
        id: "consumers",
        label: n_("Consumers"),
        help: "",
        unit: "",
        min: 1,
        max: limits::MAX_CONSUMERS as u64,
        get: |c| Some(c.consumers as u64),
        set: |c, v| c.consumers = v as u8,
    },
    Number {
        group: Group::Workers,
        id: "prefetch",
        label: n_("Prefetch"),
        help: "",
        unit: "",
        min: 1,
        max: limits::MAX_PREFETCH as u64,
        get: |c| Some(c.prefetch as u64),
        set: |c, v| c.prefetch = v as u8,
    },
    Number {
        group: Group::Workers,
        id: "payments",
        label: n_("Payments"),
        help: "",
        unit: "",
        min: 1,
        max: MAX_BROWSER_PAYMENTS,
        get: |c| Some(c.payments as u64),
        set: |c, v| c.payments = v as u32,
    },
    Number {
        group: Group::Gateway,
        id: "gateway-failure",
        label: n_("Gateway failures"),
        help: "",
        unit: "‰",
        min: 0,
        max: 1000,
        get: |c| Some(c.gateway.failure_permille as u64),
        set: |c, v| c.gateway.failure_permille = v as u16,
    },
    Number {
        group: Group::Gateway,
        id: "gateway-slow",
        label: n_("Gateway delay"),
        help: "",
        unit: "ms",
        min: 0,
        max: limits::MAX_DURATION_MS as u64,
        get: |c| Some(c.gateway.slow_ms as u64),
        set: |c, v| c.gateway.slow_ms = v as u32,
    },
    Number {
        group: Group::Capacity,
        id: "gateway-capacity",
        label: n_("Gateway capacity"),
        help: "",
        unit: n_("calls"),
        min: 1,
        max: limits::MAX_GATEWAY_CAPACITY as u64,
        get: |c| Some(c.gateway_capacity as u64),
        set: |c, v| c.gateway_capacity = v as u8,
    },
    Number {
        group: Group::Capacity,
        id: "call-timeout",
        label: n_("Call timeout"),
        help: "",
        unit: "ms",
        min: 1,
        max: limits::MAX_DURATION_MS as u64,
        get: |c| Some(c.call_timeout_ms as u64),
        set: |c, v| c.call_timeout_ms = v as u32,
    },
    Number {
        group: Group::Capacity,
        id: "fail-first",
        label: n_("Fail first"),
        help: "",
        unit: n_("attempts"),
        min: 0,
        max: 100,
        get: |c| Some(c.gateway.fail_first_attempts as u64),
        set: |c, v| c.gateway.fail_first_attempts = v as u8,
    },
    Number {
        group: Group::Acks,
        id: "lost-ack",
        label: n_("Lost acks"),
        help: "",
        unit: "‰",
        min: 0,
        max: 1000,
        get: |c| Some(c.lost_ack_permille as u64),
        set: |c, v| c.lost_ack_permille = v as u16,
    },
    Number {
        group: Group::Acks,
        id: "restart-delay",
        label: n_("Restart after"),
        help: "",
        unit: "ms",
        min: 0,
        max: limits::MAX_DURATION_MS as u64,
        get: |c| Some(c.restart_delay_ms as u64),
        set: |c, v| c.restart_delay_ms = v as u32,
    },
    Number {
        group: Group::Redelivery,
        id: "visibility-timeout",
        label: n_("Visibility timeout"),
        help: n_(
            "Shorter than processing time lets another consumer take a message the first is still working on. Time is shrunk: SQS sets it in whole seconds.",
        ),
        unit: "ms",
        min: 1,
        max: limits::MAX_DURATION_MS as u64,
        get: |c| match c.redelivery {
            RedeliveryMode::VisibilityTimeout { timeout_ms } => Some(timeout_ms as u64),
            RedeliveryMode::OnDisconnect => None,
        },
        set: |c, v| {
            c.redelivery = RedeliveryMode::VisibilityTimeout {
                timeout_ms: v as u32,
            }
        },
    },
    Number {
        group: Group::RetryPolicy,
        id: "retry-delay",
        label: n_("Retry delay"),
        help: "",
        unit: "ms",
        min: 0,
        max: limits::MAX_DURATION_MS as u64,
        get: |c| match c.retry {
            RetryPolicy::Fixed { delay_ms } => Some(delay_ms as u64),
            _ => None,
        },
        set: |c, v| c.retry = RetryPolicy::Fixed { delay_ms: v as u32 },
    },
    Number {
        group: Group::RetryWait,
        id: "max-deliveries",
        label: n_("Max deliveries"),
        help: n_(
            "After this many deliveries a payment goes to the dead-letter queue; 0 means never.",
        ),
        unit: "",
        min: 0,
        max: 255,
        get: |c| Some(c.max_deliveries as u64),
        set: |c, v| c.max_deliveries = v as u8,
    },
    Number {
        group: Group::RateLimit,
        id: "rate-limit-per-second",
        label: n_("Retries per second"),
        help: "",
        unit: "",
        min: 1,
        max: 1_000_000,
        get: |c| c.rate_limit.map(|r| r.per_second as u64),
        set: |c, v| {
            if let Some(r) = c.rate_limit.as_mut() {
                r.per_second = v as u32
            }
        },
    },
    Number {
        group: Group::RateLimit,
        id: "rate-limit-burst",
        label: n_("Burst"),
        help: "",
        unit: "",
        min: 1,
        max: 1_000_000,
        get: |c| c.rate_limit.map(|r| r.burst as u64),
        set: |c, v| {
            if let Some(r) = c.rate_limit.as_mut() {
                r.burst = v as u32
            }
        },
    },
];

/// The switches; labels and help lines are English keys, translated where they are drawn.
const FLAGS: [Flag; 8] = [
    Flag {
        group: Group::Safeguards,
        id: "toggle-idempotency",
        label: n_("Durable processed-payment check"),
        help: n_(
            "Look the payment up in a processed table before charging; write the record with the ledger row (turning it on also turns on the transaction).",
        ),
        get: |c| Some(c.strategy.idempotency),
        set: |c, on| {
            c.strategy.idempotency = on;
            // The record only protects if it commits together with the effect.
            if on {
                c.strategy.transactional = true;
            }
        },
    },
    Flag {
        group: Group::Safeguards,
        id: "toggle-transactional",
        label: n_("Transactional ack"),
        help: n_(
            "Ledger row and processed record commit together, then the ack. Off: each write commits on its own.",
        ),
        get: |c| Some(c.strategy.transactional),
        set: |c, on| c.strategy.transactional = on,
    },
    Flag {
        group: Group::Safeguards,
        id: "toggle-gateway-key",
        label: n_("Gateway idempotency key"),
        help: n_(
            "Send the idempotency key with the charge: while the gateway keeps it, a repeat gets the first charge back. Simplified: only charges are remembered; Stripe also replays errors.",
        ),
        get: |c| Some(c.strategy.gateway_key),
        set: |c, on| c.strategy.gateway_key = on,
    },
    Flag {
        group: Group::Broker,
        id: "sqs-fifo",
        label: n_("FIFO queue"),
        help: "",
        get: |c| sqs(c).map(|s| s.fifo),
        set: |c, on| with_sqs(c, |s| s.fifo = on),
    },
    Flag {
        group: Group::Broker,
        id: "log-offsets-in-tx",
        label: n_("Offsets in the database transaction"),
        help: n_(
            "The ack timing above is when offsets are committed (auto-ack: auto-commit). On: the offset is stored with the ledger row instead, and a restart resumes from it.",
        ),
        get: |c| log(c).map(|l| l.offsets_in_transaction),
        set: |c, on| with_log(c, |l| l.offsets_in_transaction = on),
    },
    Flag {
        group: Group::Producer,
        id: "producer-confirms",
        label: n_("Publisher confirms"),
        help: n_(
            "Off: the order service never learns a publish arrived, and publishes again after each timeout.",
        ),
        get: |c| Some(c.producer.confirms),
        set: |c, on| c.producer.confirms = on,
    },
    Flag {
        group: Group::Producer,
        id: "producer-outbox",
        label: n_("Transactional outbox"),
        help: n_(
            "The payment and an outbox row commit together; a relay publishes the row and marks it sent. Publisher crashes: without it a crash between commit and publish loses the payment; with it the relay publishes the row again.",
        ),
        get: |c| Some(c.producer.outbox),
        set: |c, on| c.producer.outbox = on,
    },
    Flag {
        group: Group::RateLimit,
        id: "rate-limit",
        label: n_("Rate-limit retries"),
        help: n_("A token bucket caps how many retries per second go ahead, wherever they wait."),
        get: |c| Some(c.rate_limit.is_some()),
        set: |c, on| {
            c.rate_limit = on.then_some(RateLimit {
                per_second: 50,
                burst: 10,
            })
        },
    },
];

/// The choices; labels, help lines and option words are English keys, translated where they are
/// drawn.
const PICKS: [Pick; 6] = [
    Pick {
        group: Group::Safeguards,
        id: "ack-timing",
        label: n_("Ack timing"),
        help: |_| {
            tr(
                "Acking before the work is committed turns a crash into a lost payment. With auto-ack the broker also ignores the prefetch limit and pushes ready messages without waiting for acks.",
            )
        },
        options: &[
            ("after_commit", n_("manual ack after commit (safe)")),
            ("manual_first", n_("manual ack, first thing")),
            ("auto", n_("auto-ack (delivery is the ack)")),
        ],
        get: |c| c.strategy.ack_timing.name(),
        set: |c, v| {
            if let Some(a) = AckTiming::from_name(v) {
                c.strategy.ack_timing = a;
            }
        },
    },
    Pick {
        group: Group::Safeguards,
        id: "record-check",
        label: n_("Record check"),
        help: |_| {
            tr(
                "Check-then-insert races when two deliveries run at once; a unique constraint makes the loser abort (here at its commit; PostgreSQL makes its insert wait for the winner, then fails it).",
            )
        },
        options: &[
            ("check_then_insert", n_("check, then insert")),
            ("unique_constraint", n_("unique constraint")),
        ],
        get: |c| c.strategy.record_check.name(),
        set: |c, v| {
            if let Some(r) = RecordCheck::from_name(v) {
                c.strategy.record_check = r;
            }
        },
    },
    Pick {
        group: Group::Safeguards,
        id: "ledger-write",
        label: n_("Ledger write"),
        help: |_| {
            tr(
                "Appending a row repeats on a duplicate; a conditional or set-like write does not (for the ledger, not the card).",
            )
        },
        options: &[
            ("append", n_("append a row")),
            ("conditional", n_("conditional (compare-and-set)")),
            ("commutative", n_("commutative (set by payment id)")),
        ],
        get: |c| c.strategy.ledger_write.name(),
        set: |c, v| {
            if let Some(l) = LedgerWrite::from_name(v) {
                c.strategy.ledger_write = l;
            }
        },
    },
    Pick {
        group: Group::Redelivery,
        id: "redelivery-mode",
        label: n_("Redelivery"),
        help: |_| {
            tr(
                "On disconnect (AMQP-like) or after a visibility timeout (SQS-like), even while the first consumer still works.",
            )
        },
        options: &[
            ("on_disconnect", n_("on disconnect")),
            ("visibility_timeout", n_("visibility timeout")),
        ],
        get: |c| match c.redelivery {
            RedeliveryMode::OnDisconnect => "on_disconnect",
            RedeliveryMode::VisibilityTimeout { .. } => "visibility_timeout",
        },
        set: |c, v| {
            c.redelivery = if v == "visibility_timeout" {
                RedeliveryMode::VisibilityTimeout { timeout_ms: 45 }
            } else {
                RedeliveryMode::OnDisconnect
            }
        },
    },
    Pick {
        group: Group::RetryPolicy,
        id: "retry-policy",
        label: n_("Retry policy"),
        help: |_| tr("How long a failed payment waits before it is tried again."),
        options: &[
            ("immediate", n_("immediate")),
            ("fixed", n_("fixed delay")),
            ("exponential", n_("exponential backoff")),
        ],
        get: |c| match c.retry {
            RetryPolicy::Immediate => "immediate",
            RetryPolicy::Fixed { .. } => "fixed",
            RetryPolicy::Exponential { .. } => "exponential",
        },
        set: |c, v| {
            c.retry = match v {
                "immediate" => RetryPolicy::Immediate,
                "exponential" => RetryPolicy::Exponential {
                    base_ms: 100,
                    cap_ms: 2_000,
                    jitter: true,
                },
                _ => RetryPolicy::Fixed { delay_ms: 100 },
            }
        },
    },
    Pick {
        group: Group::RetryWait,
        id: "retry-wait",
        label: n_("Where the delay is waited"),
        help: retry_wait_help,
        options: &[
            ("broker", n_("in the broker")),
            ("consumer", n_("in the consumer")),
        ],
        get: |c| c.retry_wait.name(),
        set: |c, v| {
            if let Some(w) = RetryWait::from_name(v) {
                c.retry_wait = w;
            }
        },
    },
];

/// Where a retry delay really lives, in one line for the broker in use.
fn retry_wait_help(config: &Config) -> &'static str {
    match (config.retry_wait, config.redelivery) {
        (RetryWait::Consumer, _) => tr(
            "The consumer keeps the failed message and waits, taking nothing else: the wait slows the callers, and so the load on the gateway.",
        ),
        (RetryWait::Broker, RedeliveryMode::OnDisconnect) => tr(
            "RabbitMQ has no delayed requeue: a delay is a retry queue whose message TTL dead-letters the payment back to the tail of the queue (an immediate retry requeues it to its old place). The consumer takes other messages meanwhile.",
        ),
        (RetryWait::Broker, RedeliveryMode::VisibilityTimeout { .. }) => tr(
            "SQS: the consumer sets the message's visibility timeout to the delay; it reappears afterwards. The consumer takes other messages meanwhile.",
        ),
    }
}

/// Callback makers of the strategy panel: each changes one setting of a copy of the configuration.
pub struct Edits<'a> {
    pub flag: &'a dyn Fn(fn(&mut Config, bool)) -> Callback<bool>,
    pub num: &'a dyn Fn(fn(&mut Config, u64)) -> Callback<u64>,
    pub pick: &'a dyn Fn(fn(&mut Config, &str)) -> Callback<String>,
}

/// The settings of `group` that apply to `config`: its switches, then its numbers in one row.
pub fn rows(e: &Edits, config: &Config, group: Group) -> Html {
    let flags = FLAGS.iter().filter(|f| f.group == group).filter_map(|f| {
        (f.get)(config).map(|on| {
            toggle(&ToggleProps {
                id: f.id.into(),
                label: tr(f.label).into(),
                help: if f.help.is_empty() { "" } else { tr(f.help) }.into(),
                checked: on,
                disabled: false,
                onset: (e.flag)(f.set),
            })
        })
    });
    let numbers = NUMBERS.iter().filter(|n| n.group == group).filter_map(|n| {
        (n.get)(config).map(|v| {
            number_field(&NumberFieldProps {
                id: n.id.into(),
                label: tr(n.label).into(),
                help: if n.help.is_empty() { "" } else { tr(n.help) }.into(),
                value: v,
                min: n.min,
                max: n.max,
                unit: tr(n.unit).into(),
                disabled: false,
                onset: (e.num)(n.set),
            })
        })
    });
    let picks = PICKS.iter().filter(|p| p.group == group).map(|p| {
        choice(&ChoiceProps {
            id: p.id.into(),
            label: tr(p.label).into(),
            help: (p.help)(config).into(),
            options: p
                .options
                .iter()
                .map(|(v, l)| (AttrValue::Static(v), AttrValue::Static(tr(l))))
                .collect(),
            selected: (p.get)(config).into(),
            onset: (e.pick)(p.set),
        })
    });
    // The groups led by a choice show their numbers one under another, not in a row; the rate limit
    // has its row while it is on; the other groups keep theirs, empty or not.
    let row = match group {
        Group::Safeguards | Group::Redelivery | Group::RetryPolicy | Group::RetryWait => false,
        Group::RateLimit => config.rate_limit.is_some(),
        _ => true,
    };
    let note = match group {
        Group::Retention => tr(
            "0 keeps them forever. Stripe may remove a key once it is 24 h old; a repeat after a record or key is gone is charged as new.",
        ),
        // A log has no shared queue and takes no acks: the group splits its partitions, and a poll
        // fetches up to `max.poll.records` (simulation/log.rs).
        Group::Workers if matches!(config.broker, BrokerKind::Log(_)) => tr(
            "The group splits the partitions: each is read by one consumer at a time. Prefetch is how many records a poll fetches (max.poll.records).",
        ),
        Group::Workers => {
            tr("Consumers share the queue; prefetch is how many unacked messages each may hold.")
        }
        Group::Gateway => tr(
            "A failed charge is retried by the policy above; a slow gateway widens the crash window.",
        ),
        Group::Capacity => tr(
            "The gateway works on this many calls at once; beyond that calls queue and each one slows down. A consumer gives up after its call timeout, but the call may still charge the card later. “Fail first” scripts the first attempts of every payment to fail.",
        ),
        Group::Acks => tr(
            "A lost ack looks like a crash to the broker: the payment comes back although the work is done.",
        ),
        _ => "",
    };
    html! {
        <>
            { for flags }
            { for picks }
            if row { <div class="field-row">{ for numbers }</div> } else { { for numbers } }
            if !note.is_empty() { <p class="field__help">{ vtext(note) }</p> }
        </>
    }
}
