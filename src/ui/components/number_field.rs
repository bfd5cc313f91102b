//! A labelled number input with a one-line explanation. It reports on `change` (enter or leaving
//! the field), not on every keystroke, because each change reruns the simulation.

use crate::ui::vtext;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NumberFieldProps {
    /// The `id` of the input and the `data-testid`.
    pub id: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub help: AttrValue,
    pub value: u64,
    pub min: u64,
    pub max: u64,
    #[prop_or_default]
    pub unit: AttrValue,
    #[prop_or_default]
    pub disabled: bool,
    pub onset: Callback<u64>,
}

pub fn number_field(props: &NumberFieldProps) -> Html {
    let (min, max, value) = (props.min, props.max, props.value);
    let onset = props.onset.clone();
    let onchange = Callback::from(move |e: Event| {
        let input = e.target_unchecked_into::<HtmlInputElement>();
        match input.value().trim().parse::<u64>() {
            Ok(v) => onset.emit(v.clamp(min, max)),
            // Not a number: put the current value back rather than guess.
            Err(_) => input.set_value(&value.to_string()),
        }
    });
    let help_id = format!("{}-help", props.id);
    html! {
        <div class="field">
            <label class="field__label" for={props.id.clone()}>{ vtext(props.label.clone()) }</label>
            <span class="field__control">
                <input class="field__input mono" type="number" inputmode="numeric"
                    id={props.id.clone()} data-testid={props.id.clone()}
                    min={min.to_string()} max={max.to_string()} value={value.to_string()}
                    disabled={props.disabled}
                    aria-describedby={(!props.help.is_empty()).then(|| help_id.clone())}
                    {onchange} />
                if !props.unit.is_empty() { <span class="field__unit">{ vtext(props.unit.clone()) }</span> }
            </span>
            if !props.help.is_empty() {
                <p class="field__help" id={help_id}>{ vtext(props.help.clone()) }</p>
            }
        </div>
    }
}
