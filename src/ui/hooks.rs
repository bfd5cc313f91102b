//! The page's effects as hooks, the way the Yew examples write them: the play clock (used by the
//! sandbox and by side by side), the keyboard shortcuts and pasted links, the real-crash autosave and
//! the theme. Each hook owns its timer or listener; unmounting the component (or the hook's input
//! changing) drops it, which stops it.

use super::browser::{location_hash, now_ms};
use super::state::{Action, AppState, World};
use super::{keyboard, open_link, real_crash};
use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Interval;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Real milliseconds between two play ticks.
pub const TICK_MS: u32 = 50;

/// While `playing`, calls `on_tick` every [`TICK_MS`] with the real milliseconds since the previous
/// tick (or since playing started). The latest `on_tick` is called, so a callback that captured a
/// prop (the speed) never goes stale, and changing it does not restart the clock.
#[hook]
pub fn use_play_clock(playing: bool, on_tick: Callback<f64>) {
    let latest = use_mut_ref(|| on_tick.clone());
    *latest.borrow_mut() = on_tick;
    use_effect_with(playing, move |&playing| {
        let interval = playing.then(|| {
            let last = Rc::new(Cell::new(now_ms()));
            Interval::new(TICK_MS, move || {
                let now = now_ms();
                let elapsed_ms = now - last.replace(now);
                // Cloned out first: the callback may re-render, which writes `latest` again.
                let on_tick = latest.borrow().clone();
                on_tick.emit(elapsed_ms);
            })
        });
        move || drop(interval)
    });
}

/// Keyboard shortcuts and pasted share links (a `hashchange`), for as long as the app is mounted.
#[hook]
pub fn use_shortcuts(dispatcher: UseReducerDispatcher<AppState>) {
    use_effect_with((), move |_| {
        let document = gloo::utils::document();
        let keys = {
            let dispatcher = dispatcher.clone();
            EventListener::new_with_options(
                &document,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    if let Some(action) = keyboard::action(e) {
                        // A shortcut is not also the focused control's key (see keyboard.rs).
                        e.prevent_default();
                        dispatcher.dispatch(action);
                    }
                },
            )
        };
        let hash = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
            if let Some(h) = location_hash() {
                dispatcher.dispatch(match open_link(&h) {
                    Ok(s) => Action::LoadScenario(s),
                    Err(e) => Action::ShowError(e),
                });
            }
        });
        move || drop((keys, hash))
    });
}

/// Real crash mode: saves the durable parts as the run goes, at most every few hundred milliseconds
/// while playing, and at once when paused or stepping — and when the run went back in time or changed
/// lab (a reset, a play from the start, another lab), which a reload must see even while playing.
#[hook]
pub fn use_real_crash_autosave(
    world: World,
    lab: &'static str,
    playing: bool,
    on: bool,
    dispatcher: UseReducerDispatcher<AppState>,
) {
    let last: Rc<RefCell<(f64, u64, &'static str)>> = use_mut_ref(|| (0.0, 0, ""));
    let version = world.version();
    use_effect_with(
        (version, playing, on, lab),
        move |&(_, playing, on, lab)| {
            let now = now_ms();
            let at = world.sim().now();
            let (saved_ms, saved_at, saved_lab) = *last.borrow();
            let restarted = at < saved_at || lab != saved_lab;
            if on && (!playing || restarted || now - saved_ms >= real_crash::SAVE_EVERY_MS) {
                *last.borrow_mut() = (now, at, lab);
                // Bound first, so the borrow of the world ends before the dispatch: the reducer
                // drops an action that arrives while the world is borrowed.
                let saved = real_crash::save(&world.timeline(), lab);
                if let Err(message) = saved {
                    real_crash::clear();
                    dispatcher.dispatch(Action::RealCrashFailed(message));
                }
            }
        },
    );
}

/// The projector theme is an attribute on `<html>`, where the stylesheet's themes live. At load, a
/// theme the page already set (a host page, a test) is left alone unless projector mode is on.
#[hook]
pub fn use_theme(projector: bool) {
    let loaded = use_mut_ref(|| false);
    use_effect_with(projector, move |&projector| {
        let first = !loaded.replace(true);
        if let Some(root) = gloo::utils::document().document_element() {
            if projector {
                let _ = root.set_attribute("data-theme", "projector");
            } else if !first {
                let _ = root.remove_attribute("data-theme");
            }
        }
    });
}

/// Whether any part of the element with this id is inside the viewport. Asked through `Reflect`,
/// which the page already imports, so it adds no browser bindings to the download.
fn in_view(id: &str) -> bool {
    use wasm_bindgen::JsValue;
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap_or_default();
    let Some(el) = gloo::utils::document().get_element_by_id(id) else {
        return false;
    };
    let el = JsValue::from(el);
    let rect = get(&el, "getBoundingClientRect")
        .unchecked_into::<js_sys::Function>()
        .call0(&el)
        .unwrap_or_default();
    let num = |o: &JsValue, k| get(o, k).as_f64().unwrap_or(0.0);
    num(&rect, "top") < window_number("innerHeight") && num(&rect, "bottom") > 0.0
}

/// A number the window holds (`innerWidth`…), read through `Reflect` like [`in_view`]'s.
fn window_number(key: &str) -> f64 {
    js_sys::Reflect::get(&gloo::utils::window(), &key.into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// The run as the heavy panels see it, one per slot in `slots` (the element id of the panel's box,
/// and in how many parts the panel may be drawn), with how many of those parts to draw now
/// (`usize::MAX`: all of them). Drawing a panel that grows with the run (event rows, charge cards,
/// charts) costs far more than a frame on a phone, so:
/// - while playing, a panel follows the run only while its box is on screen, and not in the tick's
///   own frame, which draws the clock and the play controls: the panels on screen follow in the
///   frames after it, on a phone one per frame (together with the tick they cost a 4×-throttled
///   phone more than a frame), on a wider page together; the others keep the run they showed (the
///   same version, so Yew skips them) and cost nothing per tick;
/// - when playing stops, and after a catch-up, the panels that fell behind get the run one after
///   another, a part per animation frame (ten log rows, a chart, then its data table), the first a
///   frame after the change, so no frame draws much;
/// - every other change reaches every panel at once, whole.
///
/// Only when a panel shows the run changes, never the run itself. The second value is false while
/// a panel still shows an older run or only part of it.
#[hook]
pub fn use_staged_worlds(
    world: &World,
    catching: bool,
    playing: bool,
    slots: &'static [(&'static str, usize)],
) -> (Vec<(World, usize)>, bool) {
    let whole = || vec![(world.clone(), usize::MAX); slots.len()];
    let shown = use_mut_ref(whole);
    let was_moving = use_mut_ref(|| false);
    let staging = use_mut_ref(|| false);
    let redraw = use_force_update();
    if was_moving.replace(catching || playing) && !(catching || playing) {
        *staging.borrow_mut() = true;
    }
    if !playing && !*staging.borrow() {
        *shown.borrow_mut() = whole();
    }
    let out = shown.borrow().clone();
    let pending = out
        .iter()
        .position(|(w, parts)| w != world || *parts != usize::MAX);
    let last_version = use_mut_ref(|| u64::MAX);
    {
        let world = world.clone();
        use_effect_with(
            (world.version(), pending, playing),
            move |&(version, pending, playing)| {
                let changed = last_version.replace(version) != version;
                // One part per animation frame: parts run from a timer would pile several into one
                // frame's style, layout and paint (a phone's long frames, issue 13 item 11).
                let next = match pending {
                    Some(_) => Some(each_frame(changed, move || {
                        let mut shown = shown.borrow_mut();
                        if playing {
                            // Asked here, where the last frame laid the page out and nothing changed
                            // it since, so the question forces no layout.
                            let behind: Vec<usize> = (0..slots.len())
                                .filter(|&i| shown[i].0 != world && in_view(slots[i].0))
                                .collect();
                            // On a phone's narrow page (the stylesheet's 40rem) one per frame, the one
                            // left behind longest first; on a wider one (a desktop's CPU) all at once.
                            let Some(&oldest) =
                                behind.iter().min_by_key(|&&i| shown[i].0.version())
                            else {
                                return false;
                            };
                            let all = window_number("innerWidth") >= 640.0;
                            for i in behind {
                                if all || i == oldest {
                                    shown[i] = (world.clone(), usize::MAX);
                                }
                            }
                        } else if let Some(((w, parts), (_, of))) = shown
                            .iter_mut()
                            .zip(slots)
                            .find(|((w, parts), _)| *w != world || *parts != usize::MAX)
                        {
                            // A panel that fell behind starts again from its first part; the last
                            // part means the whole panel.
                            *parts = if *w != world { 1 } else { *parts + 1 };
                            if *parts >= *of {
                                *parts = usize::MAX;
                            }
                            *w = world.clone();
                        }
                        redraw.force_update();
                        true
                    })),
                    None => {
                        *staging.borrow_mut() = false;
                        None
                    }
                };
                move || {
                    if let Some(live) = next {
                        live.set(false);
                    }
                }
            },
        );
    }
    (out, pending.is_none())
}

/// How many of a panel's `max` rows the first `parts` parts of a catch-up draw, `per_part` rows each
/// (see [`use_staged_worlds`]; `usize::MAX` parts: all of them).
pub fn rows_in_parts(parts: usize, per_part: usize, max: usize) -> usize {
    max.min(parts.saturating_mul(per_part))
}

/// Calls `part` at every animation frame until the returned flag is cleared or `part` answers false;
/// from the second frame if `wait`, which leaves the first to draw what changed the run (the end of a
/// play, a click, a play tick) on its own.
fn each_frame(wait: bool, part: impl Fn() -> bool + 'static) -> Rc<Cell<bool>> {
    fn next(live: Rc<Cell<bool>>, part: Rc<dyn Fn() -> bool>, now: bool) {
        let callback = wasm_bindgen::closure::Closure::once_into_js(move || {
            if live.get() && (!now || part()) {
                next(live, part, true);
            }
        });
        let _ = gloo::utils::window().request_animation_frame(callback.unchecked_ref());
    }
    let live = Rc::new(Cell::new(true));
    next(live.clone(), Rc::new(part), !wait);
    live
}
