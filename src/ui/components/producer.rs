//! The order service that publishes the payments, and what the consumer keys idempotency on.

use super::broker::Edits;
use super::choice::{ChoiceProps, choice};
use super::number_field::{NumberFieldProps, number_field};
use super::toggle::{ToggleProps, toggle};
use crate::sim::Config;
use crate::sim::config::{KeyedOn, limits};
use yew::prelude::*;

/// The producer's settings and the key choice.
pub fn producer_fields(e: &Edits, config: &Config) -> Html {
    let p = config.producer;
    let options = [("payment", "the payment id"), ("message", "the message id")]
        .iter()
        .map(|(v, l)| (AttrValue::Static(v), AttrValue::Static(l)))
        .collect();
    html! {
        <details class="strategy__group">
            <summary class="strategy__summary">{ "Producer" }</summary>
            { choice(&ChoiceProps { id: "keyed-on".into(), label: "Idempotency keyed on".into(), help: "The processed record and the gateway key. A payment published again arrives as a new message with a new id.".into(), options, selected: (if config.strategy.key == KeyedOn::Message { "message" } else { "payment" }).into(), onset: (e.pick)(|c, v| c.strategy.key = if v == "message" { KeyedOn::Message } else { KeyedOn::Payment }) }) }
            { toggle(&ToggleProps { id: "producer-confirms".into(), label: "Publisher confirms".into(), help: "Off: the order service never learns a publish arrived, and publishes again after each timeout.".into(), checked: p.confirms, disabled: false, onset: (e.flag)(|c, on| c.producer.confirms = on) }) }
            <div class="field-row">
                { number_field(&NumberFieldProps { id: "producer-lost-confirms".into(), label: "Lost confirms".into(), help: Default::default(), value: p.lost_confirm_permille as u64, min: 0, max: 1000, unit: "‰".into(), disabled: !p.confirms, onset: (e.num)(|c, v| c.producer.lost_confirm_permille = v as u16) }) }
                { number_field(&NumberFieldProps { id: "producer-confirm-timeout".into(), label: "Publish again after".into(), help: Default::default(), value: p.confirm_timeout_ms as u64, min: 1, max: limits::MAX_DURATION_MS as u64, unit: "ms".into(), disabled: false, onset: (e.num)(|c, v| c.producer.confirm_timeout_ms = v as u32) }) }
            </div>
            { toggle(&ToggleProps { id: "producer-outbox".into(), label: "Transactional outbox".into(), help: "The payment and an outbox row commit together; a relay publishes the row and marks it sent.".into(), checked: p.outbox, disabled: false, onset: (e.flag)(|c, on| c.producer.outbox = on) }) }
            { number_field(&NumberFieldProps { id: "producer-crashes".into(), label: "Publisher crashes".into(), help: "Without the outbox a crash between commit and publish loses the payment; with it, the relay publishes the row again.".into(), value: p.crash_permille as u64, min: 0, max: 1000, unit: "‰".into(), disabled: false, onset: (e.num)(|c, v| c.producer.crash_permille = v as u16) }) }
        </details>
    }
}
