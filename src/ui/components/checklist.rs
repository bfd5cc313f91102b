//! The operational checklist: each item verified from the settings (or ticked by hand for a
//! practice), a readiness score, and a link to the lab that breaks without it.

use crate::sim::checklist::{ITEMS, readiness, satisfied};
use crate::ui::state::World;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChecklistProps {
    pub world: World,
    pub ticked: Vec<String>,
    pub ontick: Callback<(String, bool)>,
    pub onload_lab: Callback<String>,
}

#[component]
pub fn Checklist(props: &ChecklistProps) -> Html {
    let config = props.world.timeline().config().clone();
    let (ok, all) = readiness(&config, &props.ticked);
    let items = ITEMS.iter().map(|item| {
        let done = satisfied(item, &config, &props.ticked);
        let id = format!("check-{}", item.id);
        let control = match item.verify {
            Some(_) => html! {
                <span class="checklist__auto" aria-hidden="true">{ if done { "✓" } else { "✗" } }</span>
            },
            None => {
                let (ontick, item_id) = (props.ontick.clone(), item.id.to_string());
                let onchange = Callback::from(move |e: Event| {
                    let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                    ontick.emit((item_id.clone(), on));
                });
                html! { <input type="checkbox" id={id.clone()} checked={done} {onchange} /> }
            }
        };
        let lab = item.lab.to_string();
        let onopen = props.onload_lab.reform(move |_: MouseEvent| lab.clone());
        html! {
            <li class={classes!("checklist__item", if done { "checklist__item--done" } else { "checklist__item--open" })}
                data-testid="checklist-item" data-item={item.id} data-done={done.to_string()}>
                { control }
                <label for={id} class="checklist__question">
                    { item.question }
                    <span class="visually-hidden">{ if done { " (satisfied)" } else { " (not yet)" } }</span>
                </label>
                <p class="checklist__why">
                    { item.why }
                    if !done {
                        { " " }
                        <button type="button" class="link-button" data-testid="checklist-lab" onclick={onopen}>
                            { "See it break →" }
                        </button>
                    }
                </p>
            </li>
        }
    });
    html! {
        <div class="checklist">
            <h3 class="lesson__heading">
                { "Checklist · readiness " }
                <span class="mono" data-testid="readiness">{ format!("{ok}/{all}") }</span>
            </h3>
            <ul class="checklist__items">{ for items }</ul>
        </div>
    }
}
