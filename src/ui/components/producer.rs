//! The order service that publishes the payments, and what the consumer keys idempotency on.

use super::choice::{ChoiceProps, choice};
use super::setting_table::{Edits, Group, rows};
use crate::i18n::tr;
use crate::sim::Config;
use crate::sim::config::KeyedOn;
use crate::ui::{atr, vtr};
use yew::prelude::*;

/// The key choice and the producer's settings, in a group of their own.
pub fn producer_fields(e: &Edits, config: &Config) -> Html {
    let options = [
        ("payment", tr("the payment id")),
        ("message", tr("the message id")),
    ]
    .iter()
    .map(|(v, l)| (AttrValue::Static(v), AttrValue::Static(l)))
    .collect();
    let keyed = if config.strategy.key == KeyedOn::Message {
        "message"
    } else {
        "payment"
    };
    html! {
        <details class="strategy__group">
            <summary class="strategy__summary">{ vtr("Producer") }</summary>
            { choice(&ChoiceProps {
                id: "keyed-on".into(),
                label: atr("Idempotency keyed on"),
                help: atr("The processed record and the gateway key. A payment published again arrives as a new message with a new id."),
                options,
                selected: keyed.into(),
                onset: (e.pick)(|c, v| c.strategy.key = if v == "message" { KeyedOn::Message } else { KeyedOn::Payment }),
            }) }
            { rows(e, config, Group::Producer) }
        </details>
    }
}
