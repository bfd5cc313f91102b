//! The keyboard help: every shortcut a trainer (or a presenter remote) can use.

use crate::i18n::{n_, tr};
use crate::ui::{vtext, vtr};
use yew::prelude::*;

/// One shortcut as shown: its keys, what it does, and whether it drives the sandbox's timeline (those
/// keys do nothing in Side by side and Sweep, whose runs have their own buttons).
pub struct Shortcut {
    pub keys: &'static str,
    pub what: &'static str,
    pub sandbox_only: bool,
}

const fn shortcut(keys: &'static str, what: &'static str, sandbox_only: bool) -> Shortcut {
    Shortcut {
        keys,
        what,
        sandbox_only,
    }
}

/// The shortcuts that work in the current view (`sandbox`: the Sandbox view is on screen), as shown
/// in the page's language.
pub fn shortcuts(sandbox: bool) -> impl Iterator<Item = Shortcut> {
    [
        shortcut(n_("Space"), n_("play or pause"), true),
        shortcut(
            n_(". or → or Page Down"),
            n_("step to the next event"),
            true,
        ),
        shortcut(
            n_("← or Page Up"),
            n_("step back to the previous event"),
            true,
        ),
        shortcut("c", n_("crash the selected consumer now"), true),
        shortcut("1 – 4", n_("select a consumer"), true),
        shortcut("r", n_("reset to t = 0 (same seed, same settings)"), true),
        shortcut("p", n_("projector theme on or off"), false),
        shortcut("?", n_("this help; Escape closes it"), false),
    ]
    .into_iter()
    .filter(move |s| sandbox || !s.sandbox_only)
    // Translated here, two calls for the whole table (a key such as "c" is not in the catalogue and
    // stays as it is).
    .map(|s| shortcut(tr(s.keys), tr(s.what), s.sandbox_only))
}

/// What the key map says outside the sandbox, so no key seems to be advertised and then ignored.
pub fn outside_sandbox() -> &'static str {
    tr(
        "Space, the arrows, Page Up/Down, c, r and 1 – 4 drive the Sandbox's run: open Sandbox to use them.",
    )
}

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    /// The Sandbox view is on screen (its timeline keys work).
    pub sandbox: bool,
    pub onclose: Callback<()>,
}

#[component]
pub fn Help(props: &HelpProps) -> Html {
    let onclose = props.onclose.reform(|_: MouseEvent| ());
    let close_ref = use_node_ref();
    {
        // Move focus into the dialog so Escape and Tab work from the keyboard straight away.
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(button) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    html! {
        <div class="help" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help">
            <div class="help__card">
                <h2 id="help-title" class="panel__title">{ vtr("Keyboard shortcuts") }</h2>
                <table class="table help__table">
                    <tbody>
                        { for shortcuts(props.sandbox).map(|s| html! {
                            <tr><th scope="row"><kbd>{ vtext(s.keys) }</kbd></th><td>{ vtext(s.what) }</td></tr>
                        }) }
                    </tbody>
                </table>
                if !props.sandbox {
                    <p class="panel__note" data-testid="help-outside-sandbox">{ vtext(outside_sandbox()) }</p>
                }
                <p class="panel__note">{ vtr("Shortcuts are ignored while you type in a field.") }</p>
                <button type="button" class="button button--primary" data-testid="help-close" ref={close_ref} onclick={onclose}>
                    { vtr("Close") }
                </button>
            </div>
        </div>
    }
}
