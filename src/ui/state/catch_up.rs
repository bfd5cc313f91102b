//! Bringing a run to a far-off time a slice at a time: a shared run to the time its link names, and a
//! rerun under new settings to the time the previous run was at.

use super::AppState;
use super::world::World;
use crate::i18n::{tr, trf, trf_n, trs};
use crate::sim::config::{Config, Millis};
use crate::sim::lab::Lab;
use crate::sim::share::Scenario;
use crate::sim::timeline::{CatchUp, Timeline};

/// Events the first slice of a catch-up processes at once, inside the action that starts it (opening
/// a link, changing a setting); later slices are sized by the page to stay well inside a frame
/// (`components::catch_up`). A rerun that fits in it is done at once, as before slicing existed.
pub const FIRST_CATCH_UP_EVENTS: u64 = 4_000;

/// The first slice of a rerun under new settings: most reruns of a lab (a few hundred payments) end
/// inside it, so a checkbox answers at once; a rerun far into a long run goes on in slices.
const FIRST_RERUN_EVENTS: u64 = 20_000;

/// Most events a rerun of a finished run may process past the previous run's time to finish too; a
/// run that never settles (a retry storm without a dead-letter queue) stops there.
const SETTLE_LIMIT: u64 = 2_000_000;

/// A run being brought to a far-off time, a slice at a time, so the page never holds the thread for
/// long (a link far into a run replays millions of events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatchingUp {
    /// The simulated time to reach.
    pub target: Millis,
    /// Where the catch-up started (for the progress bar).
    pub from: Millis,
    /// Slices done so far through [`super::Action::CatchUp`].
    pub slices: u32,
    /// For a rerun of a finished run: after the target, play on until the run settles (a safer
    /// strategy takes more steps), or until the run's event count reaches this.
    pub settle_until: Option<u64>,
    /// A rerun under new settings (the previous run stays on screen, and Cancel keeps it), rather
    /// than a shared run (Cancel keeps what was reached).
    pub rerun: bool,
}

impl CatchingUp {
    /// How far along it is, from 0 to 1.
    pub fn fraction(&self, now: Millis) -> f64 {
        let span = self.target.saturating_sub(self.from).max(1) as f64;
        (now.saturating_sub(self.from) as f64 / span).clamp(0.0, 1.0)
    }
}

/// A rerun on its way: the new run, caught up in place while the previous one stays on screen.
#[derive(Clone)]
pub(super) struct Rerun {
    pub(super) next: World,
    /// The sentence that announces it once it is there.
    pub(super) what: String,
}

impl AppState {
    /// The run a catch-up under way moves: a rerun's new run, or the shared run on screen.
    pub fn catching_world(&self) -> World {
        self.rerun
            .as_ref()
            .map_or_else(|| self.world.clone(), |r| r.next.clone())
    }

    /// Opens a shared run and starts bringing it to the link's time: the first slice now, the rest
    /// as [`super::Action::CatchUp`] slices the page sends between frames.
    pub(super) fn load_scenario(&mut self, s: Scenario) {
        let named = s.lab.as_deref().map(|id| (id, Lab::by_id(id)));
        let unknown = match named {
            Some((id, None)) => Some(trf(
                "This share link belongs to a lab called “{0}” that this version of Redelivery Lab \
                 does not have, so its run opened in free play.",
                &[id],
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
            settle_until: None,
            rerun: false,
        });
        state = state.catch_up(FIRST_CATCH_UP_EVENTS);
        if unknown.is_some() {
            state.error = unknown;
        }
        *self = state;
    }

    /// The same seed and the same recorded actions under `config` (and `seed`), brought to the
    /// current time, so the learner compares like with like. A finished run stays finished: a safer
    /// strategy takes more steps, and comparing it half-way would show pending payments instead of
    /// the answer. A long rerun goes on in slices while the previous run stays on screen.
    pub(super) fn rerun(mut self, config: Config, seed: u64, what: &str) -> AppState {
        if let Err(e) = config.validate() {
            return AppState {
                error: Some(e.to_string()),
                ..self
            };
        }
        let (timeline, target, settle_until) = {
            let t = self.world.timeline();
            let settle_until = t
                .is_settled()
                .then(|| t.sim().events().total().saturating_add(SETTLE_LIMIT));
            (
                Timeline::with_actions(config, seed, t.actions().to_vec()),
                t.now(),
                settle_until,
            )
        };
        self.playing = false;
        self.rerun = Some(Rerun {
            next: self.world.replace(timeline),
            what: what.to_string(),
        });
        self.catching_up = Some(CatchingUp {
            target,
            from: 0,
            slices: 0,
            settle_until,
            rerun: true,
        });
        self.catch_up(FIRST_RERUN_EVENTS)
    }

    /// Ends a catch-up: a shared run is paused where it got to, and says so; a rerun is dropped and
    /// the previous run stays as it was.
    pub(super) fn stop_catching_up(mut self) -> AppState {
        let Some(c) = self.catching_up.take() else {
            return self;
        };
        if self.rerun.take().is_some() {
            self.announcement = trs("The rerun was cancelled; the run on screen is unchanged.");
            return self;
        }
        let world = self.world.replace_same();
        let what = trf_n(
            "Catching up stopped at t = {0} ms of the link's {1} ms.",
            &[world.timeline().now(), c.target],
        );
        self.replaced(world, &what)
    }

    /// One slice of the catch-up; the run is announced once it gets there.
    pub(super) fn catch_up(mut self, max_events: u64) -> AppState {
        let Some(mut c) = self.catching_up else {
            return self;
        };
        if self.catching_world().catch_up(&c, max_events) == CatchUp::Partway {
            // The run moved in place without a new version: the panels stay as they are (and cheap
            // to re-render) until the run is there.
            c.slices = c.slices.wrapping_add(1);
            self.catching_up = Some(c);
            return self;
        }
        self.catching_up = None;
        match self.rerun.take() {
            Some(r) => {
                let world = r.next.replace_same();
                self.replaced(world, &r.what)
            }
            None => {
                let world = self.world.replace_same();
                self.replaced(world, tr("Shared run opened."))
            }
        }
    }
}
