//! The numbered labs' lesson texts, loaded on demand from `lessons.json`.
//!
//! The browser build leaves those words out of the WebAssembly (`lesson!` in `src/sim/lab/mod.rs`):
//! they are about 5 KB of the gzipped download that a visitor in free play never reads. `scripts/build`
//! writes `lessons.json` next to the page with `lab labs --lessons`, from the same Rust literals: one
//! flat object from keys (`double-payment/predict`, `double-payment/hints/0`, `closing/takeaways/2`) to
//! words. The page fetches it once, when the first lab that needs it opens; free play keeps its own
//! words in the build, so the first screen needs no fetch. The file also holds the exported
//! failure-injection skeleton (`src/sim/export.rs`), whose button fetches it on the click
//! ([`when_loaded`]). A visitor reading Spanish gets `lessons.es.json` instead, same keys.

use crate::i18n::tr;
use js_sys::{JSON, Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// Where the page finds the texts, relative to itself (the site works from any folder).
const URL: &str = "lessons.json";
/// The Spanish texts (`locales/es/lessons/*.json` joined by `scripts/build`, English where a key is
/// untranslated), fetched instead of [`URL`] when Spanish is the installed language.
const URL_ES: &str = "lessons.es.json";

/// How far the one fetch of `lessons.json` has come.
#[derive(Clone, Debug, PartialEq)]
pub enum Load {
    /// Not asked for yet.
    Idle,
    /// On its way.
    Loading,
    /// Here: [`word`] answers.
    Ready,
    /// Failed, with the reason as a clause ("the server answered 404").
    Failed(String),
}

thread_local! {
    static STATE: RefCell<Load> = const { RefCell::new(Load::Idle) };
    static WORDS: RefCell<Option<Object>> = const { RefCell::new(None) };
    /// Components to redraw when the fetch ends.
    static WAITING: RefCell<Vec<Callback<()>>> = const { RefCell::new(Vec::new()) };
}

/// The words under `key`, or an empty string while they are not loaded (or the file lacks them).
pub fn word(key: &str) -> String {
    WORDS.with(|w| {
        w.borrow()
            .as_ref()
            .and_then(|o| Reflect::get(o, &JsValue::from_str(key)).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    })
}

/// A text of lab `id`: `built_in` when the build carries it (free play), else the loaded `id/field`.
pub fn text(id: &str, field: &str, built_in: &str) -> String {
    if built_in.is_empty() {
        word(&format!("{id}/{field}"))
    } else {
        built_in.to_string()
    }
}

/// The texts' loading state, starting the fetch when `needed` and not yet asked for; the component
/// redraws when the fetch ends.
#[hook]
pub fn use_lessons(needed: bool) -> Load {
    let redraw = use_force_update();
    // Whether this component already waits for the fetch in flight (it renders many times meanwhile).
    let waiting = use_mut_ref(|| false);
    let state = STATE.with(|s| s.borrow().clone());
    let wake = Callback::from(move |_| redraw.force_update());
    match state {
        Load::Idle if needed => {
            *waiting.borrow_mut() = true;
            start(wake);
            return Load::Loading;
        }
        Load::Loading if !*waiting.borrow() => {
            *waiting.borrow_mut() = true;
            WAITING.with(|w| w.borrow_mut().push(wake));
        }
        Load::Loading => {}
        _ => *waiting.borrow_mut() = false,
    }
    state
}

/// Tries a failed fetch again ("Retry"); `redraw` is called when it ends.
pub fn retry(redraw: Callback<()>) {
    if matches!(STATE.with(|s| s.borrow().clone()), Load::Failed(_)) {
        start(redraw);
    }
}

/// Calls `then` once the texts are here or the fetch has failed (look at [`state`]): at once when that
/// is already so, else after the fetch it starts (or joins, or tries again after a failure). For a
/// control that needs the words on a click, such as the skeleton export.
pub fn when_loaded(then: Callback<()>) {
    match state() {
        Load::Ready => then.emit(()),
        Load::Loading => WAITING.with(|w| w.borrow_mut().push(then)),
        Load::Idle | Load::Failed(_) => start(then),
    }
}

/// How far the fetch has come.
pub fn state() -> Load {
    STATE.with(|s| s.borrow().clone())
}

fn start(redraw: Callback<()>) {
    STATE.with(|s| *s.borrow_mut() = Load::Loading);
    WAITING.with(|w| w.borrow_mut().push(redraw));
    yew::platform::spawn_local(async {
        let done = match fetch_lessons().await {
            Ok(words) => {
                WORDS.with(|w| *w.borrow_mut() = Some(words));
                Load::Ready
            }
            Err(why) => Load::Failed(why.into()),
        };
        STATE.with(|s| *s.borrow_mut() = done);
        for redraw in WAITING.with(|w| std::mem::take(&mut *w.borrow_mut())) {
            redraw.emit(());
        }
    });
}

/// The texts in the installed language; when its file fails to load, the English ones (a lesson in
/// English beats no lesson).
async fn fetch_lessons() -> Result<Object, &'static str> {
    let mut spanish = crate::i18n::language() == "es";
    // One await in a loop rather than two calls: the fetch's future is built once in the WebAssembly.
    loop {
        let words = fetch(if spanish { URL_ES } else { URL }).await;
        match words.and_then(|v| {
            v.dyn_into()
                .map_err(|_| tr("the file is not a table of texts"))
        }) {
            Err(_) if spanish => spanish = false,
            done => return done,
        }
    }
}

/// Fetches a JSON file next to the page (the lesson texts, a language's catalogue) and parses it, or
/// says in a clause why not; the caller checks the value's shape.
pub(crate) async fn fetch(url: &str) -> Result<JsValue, &'static str> {
    let window = web_sys::window().ok_or(tr("there is no window"))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .ok()
        .and_then(|r| r.dyn_into().ok())
        .ok_or(tr("the network request failed"))?;
    if !response.ok() {
        return Err(tr("the server refused it"));
    }
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        Err(_) => None,
    };
    text.and_then(|t| JSON::parse(&t).ok())
        .ok_or(tr("the file is not a table of texts"))
}
