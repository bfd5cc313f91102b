//! The page's language: which one, and loading its message catalogue before the first render.
//!
//! English is built in (the texts are the catalogue's keys, `src/i18n.rs`); another language is one
//! file, `locales/<code>.json` (written by `scripts/build` from `locales/<code>/*.json`),
//! fetched only by a visitor who reads it, so the first download does not grow with languages. The
//! page renders once the table is installed: a short wait on a small file, and never a screen of mixed
//! languages. If the fetch fails, the page stays in English and says so in one sentence.

use crate::ui::browser::local_storage;
use std::cell::RefCell;

/// The languages the page offers: code, and the name in that language (what a reader looks for).
pub const LANGUAGES: [(&str, &str); 2] = [("en", "English"), ("es", "Español")];

/// Where the language chosen in the picker is remembered.
const KEY: &str = "redelivery-lab/locale";

thread_local! {
    /// Why the chosen language's table did not load, as a sentence for the error banner.
    static FAILED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The offered language a code such as `es`, `es-ES` or `EN-us` names, if any.
fn offered(code: &str) -> Option<&'static str> {
    let lang = code.split(['-', '_']).next()?.to_ascii_lowercase();
    LANGUAGES.iter().map(|l| l.0).find(|c| *c == lang)
}

/// The language to show: `?locale=xx` in the address, then the choice saved by the picker (only when
/// the page may read storage: an embed on someone's blog may not), then the browser's language;
/// English when none of them is offered.
pub fn wanted(storage: bool) -> &'static str {
    let Some(window) = web_sys::window() else {
        return "en";
    };
    let query = window.location().search().unwrap_or_default();
    let asked = query
        .trim_start_matches('?')
        .split('&')
        .find_map(|p| p.strip_prefix("locale="))
        .map(str::to_string);
    // Not even asked for: a frame on another site that touches storage may meet a permission prompt.
    let saved = storage
        .then(local_storage)
        .flatten()
        .and_then(|s| s.get_item(KEY).ok().flatten());
    let browser = window.navigator().language();
    [asked, saved, browser]
        .iter()
        .flatten()
        .find_map(|c| offered(c))
        .unwrap_or("en")
}

/// Installs the wanted language's table, then calls `render`: at once for English, after the fetch
/// for another language (with the page in English, and [`or_failure`] saying so, when the fetch fails).
/// `storage`: whether the saved choice may be read.
pub fn start(storage: bool, render: impl FnOnce() + 'static) {
    let code = wanted(storage);
    if code == "en" {
        return render();
    }
    yew::platform::spawn_local(async move {
        match fetch(code).await {
            Ok(text) => {
                crate::i18n::install_text(code, text);
                if let Some(html) = gloo::utils::document().document_element() {
                    let _ = html.set_attribute("lang", code);
                }
            }
            Err(why) => {
                FAILED.with(|f| {
                    *f.borrow_mut() = Some(format!(
                        "The translation (locales/{code}.json) could not be loaded: {why}. The page stays in English."
                    ))
                });
            }
        }
        render();
    });
}

/// The error a page shows first: its own `error` (a share link or permalink it could not read, a run
/// it could not restore), else the sentence saying the chosen language did not load, given once.
/// Each page's error banner holds one sentence, and the page's own problem is the first thing to say.
pub fn or_failure<T: From<String>>(error: Option<T>) -> Option<T> {
    error.or_else(|| FAILED.with(|f| f.borrow_mut().take()).map(T::from))
}

/// Remembers `code` as the reader's language and reloads the page in it. The caller first puts the
/// run in the address bar (its share link), so the reload reopens the same run; progress is saved.
pub fn choose(code: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(KEY, code);
    }
    let _ = gloo::utils::window()
        .location()
        .set_search(&format!("locale={code}"));
}

/// The catalogue file's text: one JSON string, English and translation alternating, each ended by a NUL
/// (scripts/build writes it), which `i18n::install_text` splits without a JSON object walk.
async fn fetch(code: &str) -> Result<String, &'static str> {
    crate::ui::lessons::fetch(&format!("locales/{code}.json"))
        .await?
        .as_string()
        .ok_or(crate::i18n::tr("the file is not a table of texts"))
}
