//! Catching up a shared run: a link far into a run replays millions of events, so the replay runs in
//! slices of about ten milliseconds, one per browser task, and the page paints and answers input in
//! between. Between slices only this bar re-renders (the panels would cost more than the slice), and
//! only once the catch-up has taken long enough to be worth a progress bar and a Cancel.

use crate::sim::timeline::CatchUp;
use crate::ui::now_ms;
use crate::ui::state::{CatchingUp, FIRST_CATCH_UP_EVENTS, World};
use gloo::timers::callback::Interval;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// Real milliseconds one slice should take: far below the 50 ms that makes a long task, with room
/// for the render that follows the last one.
const SLICE_MS: f64 = 8.0;
/// Bounds of a slice's event budget, which adapts to how long slices really take on this machine.
const SLICE_EVENTS: (u64, u64) = (250, 1_000_000);
/// A catch-up shorter than this finishes without ever showing the bar.
const QUIET_MS: f64 = 300.0;

#[derive(Properties, PartialEq)]
pub struct CatchUpBarProps {
    /// The run being caught up (moved in place, slice by slice).
    pub world: World,
    /// Where it is going.
    pub catching: CatchingUp,
    /// The run is at the link's time.
    pub ondone: Callback<()>,
    /// The learner stopped it.
    pub oncancel: Callback<()>,
}

#[component]
pub fn CatchUpBar(props: &CatchUpBarProps) -> Html {
    let started = use_memo((), |_| now_ms());
    let redraw = use_force_update();
    {
        let (world, target, ondone, started) = (
            props.world.clone(),
            props.catching.target,
            props.ondone.clone(),
            *started,
        );
        use_effect_with((), move |_| {
            let budget = Rc::new(Cell::new(FIRST_CATCH_UP_EVENTS));
            let finished = Rc::new(Cell::new(false));
            let interval = Interval::new(0, move || {
                if finished.get() {
                    return;
                }
                let t0 = now_ms();
                let got = world.catch_up(target, budget.get());
                let took = now_ms() - t0;
                // Doubles while slices are quick, halves when slow: the budget follows the machine.
                if took < SLICE_MS * 0.6 {
                    budget.set((budget.get() * 2).min(SLICE_EVENTS.1));
                } else if took > SLICE_MS * 1.5 {
                    budget.set((budget.get() / 2).max(SLICE_EVENTS.0));
                }
                if got == CatchUp::Done {
                    finished.set(true);
                    ondone.emit(());
                } else if now_ms() - started >= QUIET_MS {
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
    html! {
        <div class="catch-up" role="status" data-testid="catch-up">
            <p>{ format!("Replaying the shared run to t = {} ms: at {now} ms so far.", c.target) }</p>
            <progress class="catch-up__progress" data-testid="catch-up-progress" max="1000"
                value={permille.to_string()} aria-label="Replay progress" />
            <button type="button" class="button" data-testid="catch-up-cancel" onclick={oncancel}>
                { "Cancel" }
            </button>
        </div>
    }
}
