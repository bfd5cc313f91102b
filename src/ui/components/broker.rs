//! The broker kind of the sandbox (queue, SQS-like, Kafka-like log), with what the model leaves out
//! of each kind in one sentence; the kind's settings follow from the setting table.

use super::choice::{ChoiceProps, choice};
use super::setting_table::{Edits, Group, rows};
use crate::i18n::tr;
use crate::sim::Config;
use crate::sim::config::{BrokerKind, LogSettings, SqsSettings};
use crate::ui::atr;
use yew::prelude::*;

/// How the model simplifies each kind, in one sentence.
fn simplifies(b: &BrokerKind) -> &'static str {
    match b {
        BrokerKind::Queue => tr(
            "RabbitMQ-like: an unacked message returns when its consumer disconnects. Simplified: one queue, no consumer timeout.",
        ),
        BrokerKind::Sqs(_) => tr(
            "SQS-like: a standard queue may deliver a message twice with no failure; a FIFO queue drops a send whose deduplication id came within 5 minutes. Simplified: the duplicate rate is a setting; each payment is its own FIFO group.",
        ),
        BrokerKind::Log(_) => tr(
            "Kafka-like: each partition is read in order, and a consumer resumes from its last committed offset, replaying what follows. Simplified: one topic, one group, no broker failures.",
        ),
    }
}

/// The broker selector and the chosen kind's settings.
pub fn broker_fields(e: &Edits, config: &Config) -> Html {
    let options = [
        ("queue", tr("queue (RabbitMQ-like)")),
        ("sqs", tr("SQS-like")),
        ("log", tr("log (Kafka-like)")),
    ]
    .iter()
    .map(|(v, l)| (AttrValue::Static(v), AttrValue::Static(l)))
    .collect();
    html! {
        <>
            { choice(&ChoiceProps {
                id: "broker-kind".into(),
                label: atr("Broker"),
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
            }) }
            { rows(e, config, Group::Broker) }
        </>
    }
}
