//! The strategy toggles and the world's settings, each with a one-line explanation.
//!
//! Changing any of them reruns the same seed and the same recorded actions from t = 0, up to the
//! current time, so the learner compares like with like.

use super::number_field::{NumberFieldProps, number_field};
use super::toggle::{ToggleProps, toggle};
use crate::sim::config::limits;
use crate::sim::{Config, RetryPolicy};
use crate::ui::{atr, vtr};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StrategyProps {
    /// The configuration the run started with.
    pub config: Config,
    pub onset_config: Callback<Config>,
}

pub fn strategy_panel(props: &StrategyProps) -> Html {
    let config = &props.config;
    // One small helper makes every callback: copy the config, change one thing, send it.
    let edit = |f: fn(&mut Config, bool)| {
        let (onset, config) = (props.onset_config.clone(), config.clone());
        Callback::from(move |on: bool| {
            let mut next = config.clone();
            f(&mut next, on);
            onset.emit(next);
        })
    };
    let edit_num = |f: fn(&mut Config, u64)| {
        let (onset, config) = (props.onset_config.clone(), config.clone());
        Callback::from(move |v: u64| {
            let mut next = config.clone();
            f(&mut next, v);
            onset.emit(next);
        })
    };
    let edit_choice = |f: fn(&mut Config, &str)| {
        let (onset, config) = (props.onset_config.clone(), config.clone());
        Callback::from(move |v: String| {
            let mut next = config.clone();
            f(&mut next, &v);
            onset.emit(next);
        })
    };

    let edits = super::setting_table::Edits {
        flag: &edit,
        num: &edit_num,
        pick: &edit_choice,
    };
    html! {
        <section class="panel strategy" aria-labelledby="strategy-title" data-testid="strategy">
            <h2 class="panel__title" id="strategy-title">{ vtr("Strategy") }</h2>
            <p class="panel__note">
                { vtr("Every change replays this run from t = 0 with the same seed and the same crashes, up to the current time, so you compare like with like.") }
            </p>
            <details class="strategy__group" open=true>
                <summary class="strategy__summary">{ vtr("Consumer safeguards") }</summary>
                { super::setting_table::rows(&edits, config, super::setting_table::Group::Safeguards) }
            </details>
            <details class="strategy__group" open=true>
                <summary class="strategy__summary">{ vtr("Broker and retries") }</summary>
                { super::broker::broker_fields(&edits, config) }
                { super::setting_table::rows(&edits, config, super::setting_table::Group::Redelivery) }
                { super::setting_table::rows(&edits, config, super::setting_table::Group::RetryPolicy) }
                { retry_fields(config, &edit_num, &edit) }
                { super::setting_table::rows(&edits, config, super::setting_table::Group::RetryWait) }
                { super::setting_table::rows(&edits, config, super::setting_table::Group::RateLimit) }
                { super::setting_table::rows(&edits, config, super::setting_table::Group::Workers) }
            </details>
            <details class="strategy__group" open=true>
                <summary class="strategy__summary">{ vtr("Faults") }</summary>
                { super::setting_table::rows(&edits, config, super::setting_table::Group::Gateway) }
                { super::setting_table::rows(&edits, config, super::setting_table::Group::Capacity) }
                { super::setting_table::rows(&edits, config, super::setting_table::Group::Acks) }
                { super::setting_table::rows(&edits, config, super::setting_table::Group::Retention) }
            </details>
            { super::producer::producer_fields(&edits, config) }
        </section>
    }
}

/// Payments a browser run may have (the core allows more; the CLI is the place for those).
pub const MAX_BROWSER_PAYMENTS: u64 = 200_000;

fn retry_fields(
    config: &Config,
    edit_num: &dyn Fn(fn(&mut Config, u64)) -> Callback<u64>,
    edit: &dyn Fn(fn(&mut Config, bool)) -> Callback<bool>,
) -> Html {
    let max_ms = limits::MAX_DURATION_MS as u64;
    match config.retry {
        RetryPolicy::Immediate | RetryPolicy::Fixed { .. } => html! {},
        RetryPolicy::Exponential {
            base_ms,
            cap_ms,
            jitter,
        } => html! {
            <>
                <div class="field-row">
                    { number_field(&NumberFieldProps { id: "retry-base".into(), label: atr("First delay"), help: Default::default(), value: base_ms as u64, min: 1, max: max_ms, unit: "ms".into(), disabled: Default::default(), onset: edit_num(|c, v| if let RetryPolicy::Exponential { base_ms, cap_ms, .. } = &mut c.retry {
                            *base_ms = v as u32;
                            *cap_ms = (*cap_ms).max(*base_ms);
                        }) }) }
                    { number_field(&NumberFieldProps { id: "retry-cap".into(), label: atr("Cap"), help: Default::default(), value: cap_ms as u64, min: 1, max: max_ms, unit: "ms".into(), disabled: Default::default(), onset: edit_num(|c, v| if let RetryPolicy::Exponential { base_ms, cap_ms, .. } = &mut c.retry {
                            *cap_ms = (v as u32).max(*base_ms);
                        }) }) }
                </div>
                { toggle(&ToggleProps { id: "retry-jitter".into(), label: atr("Jitter"), help: atr("Spread retries randomly so failed payments do not come back in lockstep."), checked: jitter, disabled: Default::default(), onset: edit(|c, on| if let RetryPolicy::Exponential { jitter, .. } = &mut c.retry { *jitter = on }) }) }
            </>
        },
    }
}
