//! How long the processed records and the gateway's keys are kept: two fields, 0 for forever.

use super::number_field::{NumberFieldProps, number_field};
use crate::sim::Config;
use crate::sim::config::MAX_RETENTION_MS;
use yew::prelude::*;

/// The two retention fields of the strategy panel; `edit_num` makes a callback that changes one
/// setting of the configuration.
pub fn retention_fields(
    edit_num: &dyn Fn(fn(&mut Config, u64)) -> Callback<u64>,
    config: &Config,
) -> Html {
    let r = config.retention;
    let field = |id: &'static str, label: &'static str, value: Option<u64>, f| {
        number_field(&NumberFieldProps {
            id: id.into(),
            label: label.into(),
            help: Default::default(),
            value: value.unwrap_or(0),
            min: 0,
            max: MAX_RETENTION_MS,
            unit: "ms".into(),
            disabled: false,
            onset: edit_num(f),
        })
    };
    html! {
        <>
            <div class="field-row">
                { field("retention-records", "Keep records", r.records_ms, |c, v| c.retention.records_ms = (v > 0).then_some(v)) }
                { field("retention-keys", "Gateway keeps keys", r.gateway_keys_ms, |c, v| c.retention.gateway_keys_ms = (v > 0).then_some(v)) }
            </div>
            <p class="field__help">{ "0 keeps them forever. Stripe may remove a key once it is 24 h old; a repeat after a record or key is gone is charged as new." }</p>
        </>
    }
}
