//! The view switch: the sandbox, two strategies side by side, or the sweep's truth table.

use crate::ui::state::View;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TabsProps {
    pub view: View,
    pub onset_view: Callback<View>,
}

#[component]
pub fn Tabs(props: &TabsProps) -> Html {
    let tab = |view: View, id: &'static str, label: &'static str| {
        let on = props.view == view;
        html! {
            <button type="button" class={classes!("tabs__tab", on.then_some("tabs__tab--on"))}
                data-testid={id} aria-pressed={on.to_string()}
                onclick={props.onset_view.reform(move |_: MouseEvent| view)}>
                { label }
            </button>
        }
    };
    html! {
        <nav class="tabs" aria-label="Views">
            { tab(View::Sandbox, "view-sandbox", "Sandbox") }
            { tab(View::Compare, "view-compare", "Side by side") }
            { tab(View::Sweep, "view-sweep", "Sweep") }
        </nav>
    }
}
