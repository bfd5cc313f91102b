//! Workshop mode: a presenter view (large type, the keyboard map on screen) and the run's state and
//! goals as plain text to paste into a chat or a slide.

use super::help::{OUTSIDE_SANDBOX, shortcuts};
use yew::prelude::*;

/// The two workshop buttons, for the view bar, and the copied text once asked for (`copied`).
/// `oncopy` builds the plain-text summary, tries the clipboard and shows the text; `onclose` hides it.
pub fn workshop(
    presenter: bool,
    copied: Option<String>,
    ontoggle_presenter: &Callback<()>,
    oncopy: &Callback<()>,
    onclose: &Callback<()>,
) -> Html {
    let onpresenter = ontoggle_presenter.reform(|_: MouseEvent| ());
    let oncopy = oncopy.reform(|_: MouseEvent| ());
    let onclose = onclose.reform(|_: MouseEvent| ());
    html! {
        <>
            <button type="button" class="button" data-testid="presenter" aria-pressed={presenter.to_string()}
                onclick={onpresenter} title="Large type, high contrast and the keyboard map on screen">
                { "Presenter view" }
            </button>
            <button type="button" class="button" data-testid="copy-state" onclick={oncopy}
                title="The lab, seed, time, strategy, totals, goals and a link, as plain text">
                { "Copy state and goals" }
            </button>
            if let Some(text) = copied {
                <div class="copied" role="status" data-testid="copy-state-box">
                    <label for="copy-state-text">
                        { "Copied to the clipboard if this browser allows it; otherwise select the text here and copy it." }
                    </label>
                    <textarea id="copy-state-text" class="mono" data-testid="copy-state-text" readonly=true
                        rows="8" value={text} />
                    <button type="button" class="button" onclick={onclose}>{ "Close" }</button>
                </div>
            }
        </>
    }
}

/// The keyboard map, always on screen in the presenter view: the keys that work in the current view
/// (`sandbox`: the Sandbox view is on screen).
pub fn key_map(sandbox: bool) -> Html {
    html! {
        // One word in the view bar, so the story and the pipeline keep the first screen; open on demand.
        <details class="keymap" data-testid="keymap">
            <summary class="keymap__summary">{ "Keys" }</summary>
            <div class="keymap__items">
                { for shortcuts(sandbox).map(|s| html! {
                    <span class="keymap__item"><kbd>{ s.keys }</kbd>{ " " }{ s.what }</span>
                }) }
                if !sandbox {
                    <span class="keymap__item" data-testid="keymap-outside-sandbox">{ OUTSIDE_SANDBOX }</span>
                }
            </div>
        </details>
    }
}
