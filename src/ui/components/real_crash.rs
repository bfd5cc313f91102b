//! Real crash mode's switch, what it does, and what the last real crash did. Plain functions, not
//! components: they keep no state.

use crate::i18n::trf_n;
use crate::ui::real_crash::MAX_PAYMENTS;
use crate::ui::{atr, vtext, vtr};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What the switch and the bar show and do.
pub struct RealCrashProps {
    pub on: bool,
    /// Payments in the current run (runs above the cap are not saved).
    pub payments: u32,
    /// What the last recovery did, if it is still shown.
    pub notice: Option<String>,
    pub onset: Callback<bool>,
    /// Forget the saved run and start this one again from t = 0.
    pub onreset: Callback<()>,
    pub ondismiss: Callback<()>,
}

/// The switch, for the view bar.
pub fn switch(props: &RealCrashProps) -> Html {
    let onset = props.onset.clone();
    let onchange = Callback::from(move |e: Event| {
        onset.emit(e.target_unchecked_into::<HtmlInputElement>().checked())
    });
    html! {
        <span class="modes__switch">
            <input type="checkbox" id="real-crash" data-testid="real-crash" checked={props.on} {onchange}
                aria-describedby="real-crash-what" />
            <label for="real-crash" title={atr("Save the queue, ledger and gateway in this browser: closing the page crashes every consumer")}>
                { vtr("Real crash mode") }
            </label>
        </span>
    }
}

/// The explanation while the mode is on, and the notice after a recovery.
pub fn bar(props: &RealCrashProps) -> Html {
    let onreset = props.onreset.reform(|_: MouseEvent| ());
    let ondismiss = props.ondismiss.reform(|_: MouseEvent| ());
    html! {
        <>
            if props.on {
                <div class="real-crash" id="real-crash-what" data-testid="real-crash-bar">
                    <p>
                        <strong>{ vtr("Real crash mode is on. ") }</strong>
                        if props.payments > MAX_PAYMENTS {
                            { vtext(trf_n("This run has {0} payments; only runs of up to {1} are saved, so closing the page now loses it.", &[props.payments as u64, MAX_PAYMENTS as u64])) }
                        } else {
                            { vtext(trf_n("The queue, the ledger and the card gateway are saved in this browser as the run goes (runs of up to {0} payments). \
                                Close or reload the page mid-run: every consumer really crashes, and the broker redelivers when you come back.", &[MAX_PAYMENTS as u64])) }
                        }
                    </p>
                    <button type="button" class="button" data-testid="real-crash-reset" onclick={onreset}>
                        { vtr("Reset durable state") }
                    </button>
                </div>
            }
            if let Some(notice) = props.notice.clone() {
                <div class="real-crash real-crash--notice" role="status" data-testid="real-crash-notice">
                    <p><span aria-hidden="true">{ "⚡ " }</span>{ vtext(notice) }</p>
                    <button type="button" class="button" onclick={ondismiss}>{ vtr("Dismiss") }</button>
                </div>
            }
        </>
    }
}
