//! The broker kind of the sandbox (queue, SQS-like, Kafka-like log), with what the model leaves out
//! of each kind in one sentence; the kind's settings follow from the setting table.

use super::choice::{ChoiceProps, choice};
use super::setting_table::{Edits, Group, rows};
use crate::i18n::{n_, tr};
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
            "Kafka-like: each partition is read in order, and a consumer resumes from its last committed offset, replaying what follows. Here “ack” is the offset commit (auto-ack: a timed auto-commit). Simplified: one topic, one group, no broker failures.",
        ),
    }
}

/// What the pipeline calls a broker of one kind, as catalogue keys (translated where drawn): the same
/// three states in each kind's own words. On a log, "ready" is a record past the group's position
/// and "in flight" one fetched whose offset is not committed yet; a log pushes nothing and takes no
/// acks, so its consumer fetches and commits its offset.
pub struct Words {
    /// The queue panel's title, before the name `payments`.
    pub title: &'static str,
    /// The queue panel's lanes: waiting, out with a consumer, dead-lettered.
    pub lanes: [&'static str; 3],
    /// The arrow from the broker to the consumers.
    pub arrow: &'static str,
}

/// The [`Words`] of `kind`. Inlined: each caller keeps only the words it draws (a shared copy
/// returning all five cost the app's download about 100 B gzipped).
#[inline(always)]
pub fn words(kind: &BrokerKind) -> Words {
    // RabbitMQ's ready and unacked, SQS's visible and in flight, the dead-letter queue.
    const QUEUE_LANES: [&str; 3] = [n_("Ready"), n_("In flight"), n_("Dead-letter")];
    const DELIVER: &str = n_("↓ deliver · ↑ ack");
    match kind {
        BrokerKind::Queue => Words {
            title: n_("Broker: queue "),
            lanes: QUEUE_LANES,
            arrow: DELIVER,
        },
        BrokerKind::Sqs(_) => Words {
            title: n_("Broker: SQS queue "),
            lanes: QUEUE_LANES,
            arrow: DELIVER,
        },
        BrokerKind::Log(_) => Words {
            title: n_("Broker: log topic "),
            lanes: [
                n_("Not yet fetched"),
                n_("Fetched, not committed"),
                n_("Dead-letter topic"),
            ],
            arrow: n_("↓ fetch · ↑ commit offset"),
        },
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
