//! Moving the run: playing, resetting, rerunning under new settings, opening a lab, applying a
//! command.

use super::AppState;
use super::world::LabRef;
use crate::i18n::{tr, trf};
use crate::sim::config::Millis;
use crate::sim::lab::Lab;
use crate::sim::timeline::Timeline;
use crate::sim::{Command, Config};
use std::rc::Rc;

/// Real milliseconds of one play tick at most: a tab that slept for a minute must not try to catch
/// up a minute of simulated work in one frame.
pub(crate) const MAX_TICK_MS: f64 = 250.0;

/// A fresh timeline whose actions at t = 0 (a lab's armed crashes) are already applied, so the
/// learner sees them armed before pressing play.
pub(crate) fn start(config: Config, seed: u64, actions: Vec<crate::sim::Action>) -> Timeline {
    let mut t = Timeline::with_actions(config, seed, actions);
    t.advance(0);
    t
}

/// Most simulation events one play tick may process. A tick must leave room for the re-render within a
/// frame; at top speed a busy run would otherwise ask for tens of thousands of events per tick, each
/// long tick making the next one longer. Past the budget the run simply plays slower than asked.
const MAX_EVENTS_PER_TICK: u64 = 4_000;

/// Real milliseconds of simulation one play tick may spend (on the page's clock, so a slow or
/// throttled CPU gets fewer events per tick, not longer frames): the rest of the frame is for drawing.
/// Where the run stops between ticks never changes which events happen, only when they are shown.
const PLAY_BUDGET_MS: f64 = 4.0;

/// Plays `dt` forward, but stops at the moment the run settles (at high speed one tick spans many
/// seconds, and overshooting would leave the charts' interesting part squeezed into a corner) or when
/// the tick's event or time budget is spent. Returns true if it played the whole of `dt`.
pub(crate) fn play(t: &mut Timeline, dt: Millis) -> bool {
    let target = t.now().saturating_add(dt);
    let budget_end = t.sim().events().total() + MAX_EVENTS_PER_TICK;
    let started = crate::ui::browser::now_ms();
    while !t.is_settled() {
        let events = t.sim().events().total();
        // The clock is read every few events only: reading it costs about as much as an event.
        if events >= budget_end
            || (events.is_multiple_of(8) && crate::ui::browser::now_ms() - started > PLAY_BUDGET_MS)
        {
            return false;
        }
        match t.sim().next_event_time() {
            Some(next) if next <= target => {
                t.step_event();
            }
            _ => {
                t.seek(target);
                return true;
            }
        }
    }
    true
}

impl AppState {
    /// Back to t = 0 on the same configuration and seed, keeping every recorded action — the lab's
    /// script and the crashes, outages and lost acks the learner added by hand — so the replay is the
    /// same run.
    pub(super) fn reset(self) -> AppState {
        let (config, seed, actions) = {
            let t = self.world.timeline();
            (t.config().clone(), t.seed(), t.actions().to_vec())
        };
        let world = self.world.replace(start(config, seed, actions));
        self.replaced(world, tr("Back to the start, with every recorded action."))
    }

    /// Back to t = 0 with only the lab's own script: the learner's hand-made actions are dropped.
    pub(super) fn clear_actions(self) -> AppState {
        let (config, seed) = {
            let t = self.world.timeline();
            (t.config().clone(), t.seed())
        };
        let world = self
            .world
            .replace(start(config, seed, self.lab.actions.to_vec()));
        // A real crash is one of the actions cleared: its notice no longer describes the run.
        let mut next = self.replaced(
            world,
            tr("Your actions are cleared; back to the lab's own script."),
        );
        next.notice = None;
        next
    }

    pub(super) fn load_lab(mut self, lab: Lab) -> AppState {
        let world = self
            .world
            .replace(start(lab.config.clone(), lab.seed, lab.actions.to_vec()));
        self.saved.settings.lab = lab.id.to_string();
        let what = trf("Lab opened: {0}.", &[lab.title]);
        self.lab = LabRef(Rc::new(lab));
        self.focus = None;
        self.selected = 0;
        self.notice = None;
        self.replaced(world, &what)
    }
}

pub(super) fn apply(state: AppState, command: Command) -> AppState {
    let (world, result) = state.world.update(|t| t.apply(command));
    let mut next = state.moved(world);
    if let Err(e) = result {
        next.error = Some(e.to_string());
        next.refusal = next.error.clone();
    }
    next
}
