//! Catching up a run: a link far into a run (or a rerun under new settings there) replays millions of
//! events, so the replay runs in slices of about ten milliseconds, one per browser task, and the page
//! paints and answers input in between. Between slices only this bar re-renders (the panels would cost more than the slice), and
//! only once the catch-up has taken long enough to be worth a progress bar and a Cancel.

use crate::i18n::trf_n;
use crate::sim::timeline::CatchUp;
use crate::ui::browser::now_ms;
use crate::ui::state::{CatchingUp, World};
use crate::ui::{atr, vtext, vtr};
use gloo::timers::callback::Interval;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// Real milliseconds one slice should take: far below the 50 ms that makes a long task, with room
/// for the render that follows the last one.
const SLICE_MS: f64 = 8.0;
/// Events per call into the run within a slice: the slice checks the clock between calls, so it ends
/// near [`SLICE_MS`] however expensive the events are (a call finishes the instant it is in).
const CHUNK_EVENTS: u64 = 1_000;
/// A catch-up shorter than this finishes without ever showing the bar.
const QUIET_MS: f64 = 300.0;

#[derive(Properties, PartialEq)]
pub struct CatchUpBarProps {
    /// The run being caught up (moved in place, slice by slice).
    pub world: World,
    /// Where it is going.
    pub catching: CatchingUp,
    /// The run is there.
    pub ondone: Callback<()>,
    /// The learner stopped it.
    pub oncancel: Callback<()>,
}

#[component]
pub fn CatchUpBar(props: &CatchUpBarProps) -> Html {
    let started = use_memo((), |_| now_ms());
    let redraw = use_force_update();
    {
        let (world, catching, ondone, started) = (
            props.world.clone(),
            props.catching,
            props.ondone.clone(),
            *started,
        );
        use_effect_with((), move |_| {
            let finished = Rc::new(Cell::new(false));
            let interval = Interval::new(0, move || {
                if finished.get() {
                    // Announced in a task of its own: the render of every panel that follows must
                    // not share a task with the last slice.
                    ondone.emit(());
                    return;
                }
                let t0 = now_ms();
                loop {
                    if world.catch_up(&catching, CHUNK_EVENTS) == CatchUp::Done {
                        finished.set(true);
                        break;
                    }
                    if now_ms() - t0 >= SLICE_MS {
                        break;
                    }
                }
                if !finished.get() && now_ms() - started >= QUIET_MS {
                    redraw.force_update();
                }
            });
            move || drop(interval)
        });
    }
    if now_ms() - *started < QUIET_MS {
        return html! {};
    }
    let now = props.world.timeline().now();
    let c = props.catching;
    // An integer: formatting an `f64` would link the float-to-text machinery into the page.
    let permille = (c.fraction(now) * 1000.0).round() as i64;
    let oncancel = props.oncancel.reform(|_: MouseEvent| ());
    let what = if c.rerun {
        trf_n(
            "Rerunning with the new settings to t = {0} ms: at {1} ms so far. Cancel keeps the run as it was.",
            &[c.target, now],
        )
    } else {
        trf_n(
            "Replaying the shared run to t = {0} ms: at {1} ms so far.",
            &[c.target, now],
        )
    };
    html! {
        <div class="catch-up" role="status" data-testid="catch-up" data-rerun={c.rerun.to_string()}>
            <p>{ vtext(what) }</p>
            <progress class="catch-up__progress" data-testid="catch-up-progress" max="1000"
                value={permille.to_string()} aria-label={atr("Replay progress")} />
            <button type="button" class="button" data-testid="catch-up-cancel" onclick={oncancel}>
                { vtr("Cancel") }
            </button>
        </div>
    }
}
