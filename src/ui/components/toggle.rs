//! A labelled checkbox with a one-line explanation: a real `<input>` with a `<label for>`.

use crate::ui::vtext;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToggleProps {
    /// The `id` of the input and the `data-testid`.
    pub id: AttrValue,
    pub label: AttrValue,
    /// What switching it on changes, in one line.
    pub help: AttrValue,
    pub checked: bool,
    #[prop_or_default]
    pub disabled: bool,
    pub onset: Callback<bool>,
}

pub fn toggle(props: &ToggleProps) -> Html {
    let onset = props.onset.clone();
    let onchange = Callback::from(move |e: Event| {
        onset.emit(e.target_unchecked_into::<HtmlInputElement>().checked());
    });
    let help_id = format!("{}-help", props.id);
    html! {
        <div class="toggle">
            <input
                type="checkbox"
                class="toggle__input"
                id={props.id.clone()}
                data-testid={props.id.clone()}
                checked={props.checked}
                disabled={props.disabled}
                aria-describedby={help_id.clone()}
                {onchange}
            />
            <label class="toggle__label" for={props.id.clone()}>{ vtext(props.label.clone()) }</label>
            <p class="toggle__help" id={help_id}>{ vtext(props.help.clone()) }</p>
        </div>
    }
}
