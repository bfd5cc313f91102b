//! The operational checklist: each item answered by the run — a setting, or for a monitoring
//! practice the signal an alert would watch, with its reading — a readiness score, and a link to the
//! lab that breaks without it.

use crate::i18n::n_;
use crate::sim::checklist::{ITEMS, readiness, satisfied};
use crate::ui::state::World;
use crate::ui::{vtext, vtr};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChecklistProps {
    pub world: World,
    pub onload_lab: Callback<String>,
}

pub fn checklist(props: &ChecklistProps) -> Html {
    let sim = props.world.sim();
    let (ok, all) = readiness(&sim);
    let items = ITEMS.iter().map(|item| {
        let (done, reading) = satisfied(item, &sim);
        let lab = item.lab.to_string();
        let onopen = props.onload_lab.reform(move |_: MouseEvent| lab.clone());
        html! {
            <li class={classes!("checklist__item", if done { "checklist__item--done" } else { "checklist__item--open" })}
                data-testid="checklist-item" data-item={item.id} data-done={done.to_string()}>
                <span class="checklist__auto" aria-hidden="true">{ if done { "✓" } else { "✗" } }</span>
                <span class="checklist__question">
                    { vtext(item.question_words()) }
                    <span class="visually-hidden">{ vtr(if done { n_(" (satisfied)") } else { n_(" (not yet)") }) }</span>
                </span>
                if let Some(reading) = reading {
                    <p class="checklist__signal mono" data-testid="checklist-signal">{ vtext(reading) }</p>
                }
                <p class="checklist__why">
                    { vtext(item.why_words()) }
                    if !done {
                        { " " }
                        <button type="button" class="link-button" data-testid="checklist-lab" onclick={onopen}>
                            { vtr("See it break →") }
                        </button>
                    }
                </p>
            </li>
        }
    });
    html! {
        <div class="checklist">
            <h3 class="lesson__heading">
                { vtr("Checklist · readiness ") }
                <span class="mono" data-testid="readiness">{ vtext(format!("{ok}/{all}")) }</span>
            </h3>
            <ul class="checklist__items">{ for items }</ul>
        </div>
    }
}
