//! A labelled `<select>` with a one-line explanation.

use crate::ui::vtext;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChoiceProps {
    /// The `id` of the select and the `data-testid`.
    pub id: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub help: AttrValue,
    /// `(value, label)` pairs.
    pub options: Vec<(AttrValue, AttrValue)>,
    pub selected: AttrValue,
    pub onset: Callback<String>,
}

pub fn choice(props: &ChoiceProps) -> Html {
    let onset = props.onset.clone();
    let onchange = Callback::from(move |e: Event| {
        onset.emit(e.target_unchecked_into::<HtmlSelectElement>().value());
    });
    let help_id = format!("{}-help", props.id);
    html! {
        <div class="field">
            <label class="field__label" for={props.id.clone()}>{ vtext(props.label.clone()) }</label>
            <select class="field__input" id={props.id.clone()} data-testid={props.id.clone()}
                aria-describedby={(!props.help.is_empty()).then(|| help_id.clone())} {onchange}>
                { for props.options.iter().map(|(value, label)| html! {
                    <option value={value.clone()} selected={*value == props.selected}>{ vtext(label.clone()) }</option>
                }) }
            </select>
            if !props.help.is_empty() {
                <p class="field__help" id={help_id}>{ vtext(props.help.clone()) }</p>
            }
        </div>
    }
}
