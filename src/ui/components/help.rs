//! The keyboard help: every shortcut a trainer (or a presenter remote) can use.

use yew::prelude::*;

/// The shortcuts, as shown.
pub const SHORTCUTS: [(&str, &str); 8] = [
    ("Space", "play or pause"),
    (". or → or Page Down", "step to the next event"),
    ("← or Page Up", "step back to the previous event"),
    ("c", "crash the selected consumer now"),
    ("1 – 4", "select a consumer"),
    ("r", "reset to t = 0 (same seed, same settings)"),
    ("p", "projector theme on or off"),
    ("?", "this help; Escape closes it"),
];

#[derive(Properties, PartialEq)]
pub struct HelpProps {
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
                <h2 id="help-title" class="panel__title">{ "Keyboard shortcuts" }</h2>
                <table class="table help__table">
                    <tbody>
                        { for SHORTCUTS.iter().map(|(keys, what)| html! {
                            <tr><th scope="row"><kbd>{ *keys }</kbd></th><td>{ *what }</td></tr>
                        }) }
                    </tbody>
                </table>
                <p class="panel__note">{ "Shortcuts are ignored while you type in a field." }</p>
                <button type="button" class="button button--primary" data-testid="help-close" ref={close_ref} onclick={onclose}>
                    { "Close" }
                </button>
            </div>
        </div>
    }
}
