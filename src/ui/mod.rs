//! The Yew front end: renders what the core decides.

use yew::prelude::*;

#[component]
fn App() -> Html {
    html! { <main data-testid="app" class="app"><h1>{ "Redelivery Lab" }</h1></main> }
}

/// Mounts the app on the page body.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
