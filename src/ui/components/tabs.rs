//! The view switch: the sandbox, two strategies side by side, or the sweep's truth table.

use crate::i18n::tr;
use crate::ui::state::View;
use crate::ui::{atr, vtext};
use yew::prelude::*;

/// The view buttons, and `modes` (mode switches) at the other end of the bar. A plain function, not a
/// component: it keeps no state, and every component costs download size.
pub fn tabs(current: View, onset_view: &Callback<View>, modes: Html) -> Html {
    let tab = |view: View, id: &'static str, label: &'static str| {
        let on = current == view;
        html! {
            <button type="button" class={classes!("tabs__tab", on.then_some("tabs__tab--on"))}
                data-testid={id} aria-pressed={on.to_string()}
                onclick={onset_view.reform(move |_: MouseEvent| view)}>
                { vtext(label) }
            </button>
        }
    };
    html! {
        <nav class="tabs" aria-label={atr("Views")}>
            { tab(View::Sandbox, "view-sandbox", tr("Sandbox")) }
            { tab(View::Compare, "view-compare", tr("Side by side")) }
            { tab(View::Sweep, "view-sweep", tr("Sweep")) }
            <span class="modes">{ modes }</span>
        </nav>
    }
}
