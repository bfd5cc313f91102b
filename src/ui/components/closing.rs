//! The course's closing panel: when at-least-once is the right choice, and what to take away.

use crate::sim::lab::{TAKEAWAYS, WHEN_TO_USE};
use yew::prelude::*;

#[component]
pub fn Closing() -> Html {
    html! {
        <section class="closing" data-testid="closing" aria-labelledby="closing-title">
            <h3 class="lesson__heading" id="closing-title">{ "When to use at-least-once" }</h3>
            <ul>{ for WHEN_TO_USE.iter().map(|s| html! { <li>{ *s }</li> }) }</ul>
            <h3 class="lesson__heading">{ "Key takeaways" }</h3>
            <ul>{ for TAKEAWAYS.iter().map(|s| html! { <li>{ *s }</li> }) }</ul>
        </section>
    }
}
