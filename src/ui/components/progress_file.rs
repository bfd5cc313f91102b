//! Progress as a file: what a learner achieved, carried to another browser or machine. The file is
//! the same checked text the page keeps in storage (src/ui/saved.rs), and a file is as untrusted as
//! a link: anything that does not read back whole is refused with one sentence and changes nothing.

use crate::ui::saved::{self, Saved};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Progress files are a few hundred bytes; anything far bigger is not one.
const MAX_BYTES: f64 = 65_536.0;

/// The checked progress in `text`, or the sentence saying why it was refused.
pub fn read(text: &str) -> Result<Saved, String> {
    let refused = "This file is not a Redelivery Lab progress file, so nothing changed.";
    let (mut s, unreadable) = saved::decode_counting(text).ok_or(refused)?;
    if unreadable + saved::validate(&mut s) > 0 {
        return Err(
            "This progress file holds values this version cannot use, so nothing changed.".into(),
        );
    }
    Ok(s)
}

/// The file input's change handler: reads the chosen file, then `onimport` with its checked progress
/// or `onerror` with one sentence. The input is cleared, so the same file can be chosen again.
pub fn on_file_chosen(
    onimport: &Callback<Saved>,
    onerror: &Callback<String>,
) -> Callback<web_sys::Event> {
    let (onimport, onerror) = (onimport.clone(), onerror.clone());
    Callback::from(move |e: web_sys::Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let file = input.files().and_then(|f| f.get(0));
        input.set_value("");
        let Some(file) = file else { return };
        if file.size() > MAX_BYTES {
            onerror.emit(
                "This file is too big to be a progress file, so nothing changed.".to_string(),
            );
            return;
        }
        let (onimport, onerror) = (onimport.clone(), onerror.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string());
            match text
                .ok_or_else(|| "This file could not be read, so nothing changed.".to_string())
                .and_then(|t| read(&t))
            {
                Ok(s) => onimport.emit(s),
                Err(message) => onerror.emit(message),
            }
        });
    })
}
