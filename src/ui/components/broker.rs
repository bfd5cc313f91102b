//! The broker kind of the sandbox (queue, SQS-like, Kafka-like log) with its settings, and what the
//! model leaves out of each kind, in one sentence.

use super::choice::{ChoiceProps, choice};
use super::number_field::{NumberFieldProps, number_field};
use super::toggle::{ToggleProps, toggle};
use crate::sim::Config;
use crate::sim::config::{BrokerKind, LogSettings, MAX_PARTITIONS, SqsSettings, limits};
use yew::prelude::*;

/// Callback makers of the strategy panel: each changes one setting of a copy of the configuration.
pub struct Edits<'a> {
    pub flag: &'a dyn Fn(fn(&mut Config, bool)) -> Callback<bool>,
    pub num: &'a dyn Fn(fn(&mut Config, u64)) -> Callback<u64>,
    pub pick: &'a dyn Fn(fn(&mut Config, &str)) -> Callback<String>,
}

/// How the model simplifies each kind, in one sentence.
fn simplifies(b: &BrokerKind) -> &'static str {
    match b {
        BrokerKind::Queue => {
            "RabbitMQ-like: an unacked message returns when its consumer disconnects. Simplified: one queue, no consumer timeout."
        }
        BrokerKind::Sqs(_) => {
            "SQS-like: a standard queue may deliver a message twice with no failure; a FIFO queue drops a repeated deduplication id within 5 minutes. Simplified: no message groups, time in ms."
        }
        BrokerKind::Log(_) => {
            "Kafka-like: each partition is read in order, and a consumer resumes from its last committed offset, replaying what follows. Simplified: one topic, one group, no broker failures."
        }
    }
}

fn log(c: &mut Config) -> &mut LogSettings {
    if !matches!(c.broker, BrokerKind::Log(_)) {
        c.broker = BrokerKind::Log(LogSettings::default());
    }
    match &mut c.broker {
        BrokerKind::Log(l) => l,
        _ => unreachable!("set just above"),
    }
}

fn sqs(c: &mut Config) -> &mut SqsSettings {
    if !matches!(c.broker, BrokerKind::Sqs(_)) {
        c.broker = BrokerKind::Sqs(SqsSettings::default());
    }
    match &mut c.broker {
        BrokerKind::Sqs(s) => s,
        _ => unreachable!("set just above"),
    }
}

/// The broker selector and the chosen kind's settings.
pub fn broker_fields(e: &Edits, config: &Config) -> Html {
    let options = [
        ("queue", "queue (RabbitMQ-like)"),
        ("sqs", "SQS-like"),
        ("log", "log (Kafka-like)"),
    ]
    .iter()
    .map(|(v, l)| (AttrValue::Static(v), AttrValue::Static(l)))
    .collect();
    let kind = choice(&ChoiceProps {
        id: "broker-kind".into(),
        label: "Broker".into(),
        help: simplifies(&config.broker).into(),
        options,
        selected: config.broker.name().into(),
        onset: (e.pick)(|c, v| {
            c.broker = match v {
                "sqs" => BrokerKind::Sqs(SqsSettings::default()),
                "log" => BrokerKind::Log(LogSettings::default()),
                _ => BrokerKind::Queue,
            }
        }),
    });
    let settings = match config.broker {
        BrokerKind::Queue => html! {},
        BrokerKind::Sqs(s) => html! {
            <div class="field-row">
                { toggle(&ToggleProps { id: "sqs-fifo".into(), label: "FIFO queue".into(), help: Default::default(), checked: s.fifo, disabled: false, onset: (e.flag)(|c, on| sqs(c).fifo = on) }) }
                { number_field(&NumberFieldProps { id: "sqs-duplicates".into(), label: "Duplicates with no failure".into(), help: Default::default(), value: s.duplicate_permille as u64, min: 0, max: 1000, unit: "‰".into(), disabled: s.fifo, onset: (e.num)(|c, v| sqs(c).duplicate_permille = v as u16) }) }
            </div>
        },
        BrokerKind::Log(l) => html! {
            <>
                <div class="field-row">
                    { number_field(&NumberFieldProps { id: "log-partitions".into(), label: "Partitions".into(), help: Default::default(), value: l.partitions as u64, min: 1, max: MAX_PARTITIONS as u64, unit: Default::default(), disabled: false, onset: (e.num)(|c, v| log(c).partitions = v as u8) }) }
                    { number_field(&NumberFieldProps { id: "log-auto-commit".into(), label: "Auto-commit every".into(), help: Default::default(), value: l.auto_commit_interval_ms as u64, min: 1, max: limits::MAX_DURATION_MS as u64, unit: "ms".into(), disabled: false, onset: (e.num)(|c, v| log(c).auto_commit_interval_ms = v as u32) }) }
                </div>
                { toggle(&ToggleProps { id: "log-offsets-in-tx".into(), label: "Offsets in the database transaction".into(), help: "The ack timing above is when offsets are committed (auto-ack: auto-commit). On: the offset is stored with the ledger row instead, and a restart resumes from it.".into(), checked: l.offsets_in_transaction, disabled: false, onset: (e.flag)(|c, on| log(c).offsets_in_transaction = on) }) }
            </>
        },
    };
    html! { <>{ kind }{ settings }</> }
}
