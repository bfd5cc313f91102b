//! Bringing a shared run to the time its link names, a slice at a time.

use super::AppState;
use crate::sim::config::Millis;
use crate::sim::lab::Lab;
use crate::sim::share::Scenario;
use crate::sim::timeline::{CatchUp, Timeline};

/// Events the first slice of a shared run's catch-up processes while the page loads; later slices
/// are sized by the page to stay well inside a frame (`components::catch_up`).
pub const FIRST_CATCH_UP_EVENTS: u64 = 4_000;

/// A shared run being brought to the time its link names, a slice at a time, so the page never
/// holds the thread for long (a link far into a run replays millions of events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatchingUp {
    /// The simulated time the link names.
    pub target: Millis,
    /// Where the catch-up started (for the progress bar).
    pub from: Millis,
    /// Slices done so far through [`Action::CatchUp`].
    pub slices: u32,
}

impl CatchingUp {
    /// How far along it is, from 0 to 1.
    pub fn fraction(&self, now: Millis) -> f64 {
        let span = self.target.saturating_sub(self.from).max(1) as f64;
        (now.saturating_sub(self.from) as f64 / span).clamp(0.0, 1.0)
    }
}

impl AppState {
    /// Opens a shared run and starts bringing it to the link's time: the first slice now, the rest
    /// as [`Action::CatchUp`] slices the page sends between frames.
    pub(super) fn load_scenario(&mut self, s: Scenario) {
        let named = s.lab.as_deref().map(|id| (id, Lab::by_id(id)));
        let unknown = match named {
            Some((id, None)) => Some(format!(
                "This share link belongs to a lab called “{id}” that this version of Redelivery Lab \
                 does not have, so its run opened in free play."
            )),
            _ => None,
        };
        let lab = named
            .and_then(|(_, lab)| lab)
            .or_else(|| Lab::by_id("sandbox"))
            .unwrap_or_else(|| (*self.lab).clone());
        let mut state = self.clone().load_lab(lab);
        let timeline = Timeline::with_actions(s.config, s.seed, s.actions);
        let world = state.world.replace(timeline);
        state.world = world;
        state.catching_up = Some(CatchingUp {
            target: s.at,
            from: 0,
            slices: 0,
        });
        state = state.catch_up(FIRST_CATCH_UP_EVENTS);
        if unknown.is_some() {
            state.error = unknown;
        }
        *self = state;
    }

    /// Ends a catch-up where it got to: the run is paused there, and says so.
    pub(super) fn stop_catching_up(mut self) -> AppState {
        let Some(c) = self.catching_up.take() else {
            return self;
        };
        let world = self.world.replace_same();
        let what = format!(
            "Catching up stopped at t = {} ms of the link's {} ms.",
            world.timeline().now(),
            c.target
        );
        self.replaced(world, &what)
    }

    /// One slice of the catch-up; the run is announced once it reaches the link's time.
    pub(super) fn catch_up(mut self, max_events: u64) -> AppState {
        let Some(mut c) = self.catching_up else {
            return self;
        };
        let done = self.world.catch_up(c.target, max_events) == CatchUp::Done;
        if done {
            self.catching_up = None;
            let world = self.world.replace_same();
            self.replaced(world, "Shared run opened.")
        } else {
            // The world moved in place without a new version: the panels stay as they are (and cheap
            // to re-render) until the run is there.
            c.slices = c.slices.wrapping_add(1);
            self.catching_up = Some(c);
            self
        }
    }
}
