//! One clear sentence when something the user did (or a link they followed) cannot be honoured.

use crate::ui::{vtext, vtr};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    pub message: Option<String>,
    pub ondismiss: Callback<()>,
}

pub fn error_banner(props: &ErrorBannerProps) -> Html {
    let Some(message) = props.message.clone() else {
        return html! {};
    };
    let ondismiss = props.ondismiss.reform(|_: MouseEvent| ());
    html! {
        <div class="error-banner" role="alert" data-testid="error-banner">
            <span class="error-banner__icon" aria-hidden="true">{ "⚠" }</span>
            <p class="error-banner__message">{ vtext(message) }</p>
            <button type="button" class="button error-banner__dismiss" onclick={ondismiss}>
                { vtr("Dismiss") }
            </button>
        </div>
    }
}
