//! Keyboard shortcuts for workshops: presenter remotes send `.` and the page keys.

use super::state::Action;
use web_sys::KeyboardEvent;

/// The action for a key press, if it is a shortcut. Keys typed into a field are the field's own,
/// and Space or Enter on a focused button press that button, not the shortcut.
pub fn action(e: &KeyboardEvent) -> Option<Action> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let key = e.key();
    let target = e
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
    let tag = target
        .as_ref()
        .map(|t| t.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    if key == "Escape" {
        return Some(Action::SetHelp(false));
    }
    if matches!(tag.as_str(), "input" | "select" | "textarea")
        || target
            .as_ref()
            .is_some_and(|t| t.has_attribute("contenteditable"))
    {
        return None;
    }
    if matches!(key.as_str(), " " | "Enter") && matches!(tag.as_str(), "button" | "summary" | "a") {
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
