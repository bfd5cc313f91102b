//! Everything the app asks of the browser outside the DOM Yew draws: the address bar, storage, the
//! clipboard, downloads, scrolling and the clock, in one place.
//!
//! Each call answers `None` (or does nothing) where the browser refuses — storage switched off, no
//! clipboard permission — so a locked-down browser degrades to a working page, never to a panic.

use wasm_bindgen::{JsCast, JsValue};

/// The page's `localStorage`, if this browser lets the page keep one.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// This tab's `sessionStorage`, if the browser keeps one.
pub fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The address bar's hash without its `#`, or `None` when there is none.
pub fn location_hash() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let hash = hash.trim_start_matches('#');
    (!hash.is_empty()).then(|| hash.to_string())
}

/// Reloads the page whenever only the part after `#` changes (a pasted link, or a host page pointing
/// its frame at another run): the single-purpose pages read their address once, at load. The page's
/// own [`replace_hash`] fires no `hashchange`, so it never reloads itself.
pub fn reload_on_hashchange() {
    gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", |_| {
        let _ = gloo::utils::window().location().reload();
    })
    .forget();
}

/// Replaces the address bar's hash without adding a history entry or firing `hashchange`; answers
/// the new address.
pub fn replace_hash(hash: Option<&str>) -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let base = format!("{}{}", location.pathname().ok()?, location.search().ok()?);
    let url = match hash {
        Some(h) => format!("{base}#{h}"),
        None => base,
    };
    window
        .history()
        .ok()?
        .replace_state_with_url(&JsValue::NULL, "", Some(&url))
        .ok()?;
    location.href().ok()
}

/// The page's address without its hash (the base of a share link).
pub fn page_address() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map_or_else(String::new, |h| {
            h.split('#').next().unwrap_or("").to_string()
        })
}

/// Puts `text` on the clipboard if the browser allows it. The promise is dropped: every caller also
/// shows the text on screen, so a refusal loses nothing.
pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Hands `text` to the browser as a file called `name` (a `data:` link: no blob to free afterwards).
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let a: web_sys::HtmlAnchorElement = gloo::utils::document()
        .create_element("a")?
        .unchecked_into();
    a.set_href(&format!(
        "data:{mime};charset=utf-8,{}",
        js_sys::encode_uri_component(text)
    ));
    a.set_download(name);
    a.click();
    Ok(())
}

/// Scrolls the page to its top.
pub fn scroll_to_top() {
    gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
}

/// Milliseconds on the page's monotonic clock (0 where there is none).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
