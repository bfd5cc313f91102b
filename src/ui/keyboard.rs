//! Keyboard shortcuts for workshops: presenter remotes send `.` and the page keys.
//!
//! A trainer clicks a lab picker, a strategy checkbox or Reset and then reaches for Space or →: the
//! shortcut must still drive the timeline, not reopen the picker, toggle the checkbox back (silently
//! undoing the fix) or press Reset again. So only a field that takes typing (text, number, a text area)
//! keeps its keys; a slider keeps only the keys that move it.

use super::state::Action;
use web_sys::KeyboardEvent;

/// What a focused element does with the keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    /// Nothing, or a control that is only clicked (button, select, checkbox, link): shortcuts win.
    Page,
    /// A field you type into: every key is the field's.
    Typing,
    /// A slider: the arrows and page keys move it, every other shortcut works.
    Slider,
}

/// Input types that take typed text; every other type (checkbox, radio, button…) is only clicked.
const TYPED_INPUTS: [&str; 10] = [
    "text", "number", "search", "email", "url", "tel", "password", "date", "time", "",
];

fn owner(target: Option<&web_sys::Element>) -> Owner {
    let Some(t) = target else {
        return Owner::Page;
    };
    if t.has_attribute("contenteditable") {
        return Owner::Typing;
    }
    match t.tag_name().to_ascii_lowercase().as_str() {
        "textarea" => Owner::Typing,
        "input" => {
            let kind = t
                .get_attribute("type")
                .unwrap_or_default()
                .to_ascii_lowercase();
            if kind == "range" {
                Owner::Slider
            } else if TYPED_INPUTS.contains(&kind.as_str()) {
                Owner::Typing
            } else {
                Owner::Page
            }
        }
        _ => Owner::Page,
    }
}

/// The action for a key press, if it is a shortcut. When it is one, the caller prevents the key's
/// default, so a focused select does not switch options, a focused checkbox does not toggle and a focused
/// button is not pressed as well. Enter is never a shortcut: it still presses the focused button.
pub fn action(e: &KeyboardEvent) -> Option<Action> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let key = e.key();
    if key == "Escape" {
        return Some(Action::SetHelp(false));
    }
    let target = e
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
    match owner(target.as_ref()) {
        Owner::Typing => return None,
        Owner::Slider
            if matches!(
                key.as_str(),
                "ArrowLeft"
                    | "ArrowRight"
                    | "ArrowUp"
                    | "ArrowDown"
                    | "PageUp"
                    | "PageDown"
                    | "Home"
                    | "End"
            ) =>
        {
            return None;
        }
        _ => {}
    }
    let timeline = matches!(
        key.as_str(),
        " " | "."
            | "ArrowRight"
            | "PageDown"
            | "ArrowLeft"
            | "PageUp"
            | "c"
            | "C"
            | "r"
            | "R"
            | "1"
            | "2"
            | "3"
            | "4"
    );
    let in_dialog = target
        .as_ref()
        .is_some_and(|t| t.closest("[role=dialog]").ok().flatten().is_some());
    if timeline && in_dialog {
        // The help is modal: Space presses its Close button, it does not play the run behind it.
        return None;
    }
    if timeline && !sandbox_on_screen() {
        // Side by side and Sweep: these keys would move a run that is not on screen (the reducer
        // drops them too), so they keep their ordinary meaning there: Space presses "Play both".
        return None;
    }
    Some(match key.as_str() {
        " " => Action::TogglePlay,
        "." | "ArrowRight" | "PageDown" => Action::Step,
        "ArrowLeft" | "PageUp" => Action::StepBack,
        "c" | "C" => Action::CrashSelected,
        "r" | "R" => Action::Reset,
        "p" | "P" => Action::ToggleProjector,
        "?" => Action::ToggleHelp,
        "1" | "2" | "3" | "4" => Action::Select(key.as_bytes()[0] - b'1'),
        _ => return None,
    })
}

/// Whether the sandbox's play controls are on screen: its time slider (`#scrub`, controls.rs) is
/// rendered in the Sandbox view only.
fn sandbox_on_screen() -> bool {
    gloo::utils::document().get_element_by_id("scrub").is_some()
}
