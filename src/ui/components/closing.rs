//! The course's closing panel: when at-least-once is the right choice, and what to take away. Its
//! words load with the lesson texts (src/ui/lessons.rs): it shows only in the checklist lab.

use crate::sim::lab::{TAKEAWAYS, WHEN_TO_USE};
use crate::ui::lessons::text;
use crate::ui::vtr;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClosingProps {
    /// Whether the lesson texts have loaded: a change redraws the panel with them.
    pub ready: bool,
}

pub fn closing(_props: &ClosingProps) -> Html {
    html! {
        <section class="closing" data-testid="closing" aria-labelledby="closing-title">
            <h3 class="lesson__heading" id="closing-title">{ vtr("When to use at-least-once") }</h3>
            <ul>{ for WHEN_TO_USE.iter().enumerate().map(|(i, s)| html! { <li>{ text("closing", &format!("when_to_use/{i}"), s) }</li> }) }</ul>
            <h3 class="lesson__heading">{ vtr("Key takeaways") }</h3>
            <ul>{ for TAKEAWAYS.iter().enumerate().map(|(i, s)| html! { <li>{ text("closing", &format!("takeaways/{i}"), s) }</li> }) }</ul>
        </section>
    }
}
