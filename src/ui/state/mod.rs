//! The app's state and the actions that change it.
//!
//! The simulation is large (a million-payment run is megabytes), so it lives once behind
//! `Rc<RefCell<…>>` and the state carries a version number that bumps whenever the world moved: the
//! reducer returns a new `Rc<AppState>` with the new version (Yew skips re-rendering on the same
//! `Rc`), and components compare versions instead of worlds. Timers, storage and the URL stay out of
//! here: the reducer only moves the model, and effects in the app write the rest.

mod action;
mod catch_up;
mod reducer;
mod run;
mod world;

pub use action::Action;
pub use catch_up::{CatchingUp, FIRST_CATCH_UP_EVENTS};
pub use world::{LabRef, World};
// The embed page (`super::embed`) moves a run of its own with the same steps.
pub(crate) use run::{MAX_TICK_MS, play, start};

use super::narrate;
use super::saved::{LabProgress, Saved};
use crate::i18n::tr;
use crate::sim::goal::{GoalStatus, Learner};
use crate::sim::lab::Lab;
use crate::sim::share::Scenario;
use std::cell::Cell;
use std::rc::Rc;

/// Slowest speed: a hundredth of real time.
pub const MIN_SPEED: f64 = 0.01;
/// Fastest speed: a thousand times real time.
pub const MAX_SPEED: f64 = 1000.0;

/// Which view fills the page below the header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// One run, every control.
    #[default]
    Sandbox,
    /// Two strategies on the same seed and crashes, in lockstep.
    Compare,
    /// Every crash point against every strategy.
    Sweep,
}

/// Everything the page shows.
#[derive(Clone)]
pub struct AppState {
    /// The view on screen.
    pub view: View,
    /// The presenter view: large type and the keyboard map on screen.
    pub presenter: bool,
    /// The run as plain text, shown after "copy state and goals" until closed.
    pub copied: Option<String>,
    /// The run.
    pub world: World,
    /// The lab being followed (free play is a lab too).
    pub lab: LabRef,
    /// Is simulated time flowing?
    pub playing: bool,
    /// Simulated time owed by earlier ticks (below one millisecond).
    /// A `Cell`, so a tick that owes less than a millisecond adds to it in place and returns the same
    /// state: no clone and no re-render.
    carry: Cell<f64>,
    /// Settings and progress; the app writes them to storage when they change.
    pub saved: Saved,
    /// A sentence for the user, shown in the error banner until dismissed.
    pub error: Option<String>,
    /// The sentence of a command the run refused (e.g. crashing a consumer that is down): it is
    /// about the run, so it goes when the run is replaced.
    refusal: Option<String>,
    /// What a real crash did, shown until dismissed.
    pub notice: Option<String>,
    /// The consumer the keyboard's `c` crashes.
    pub selected: u8,
    /// Is the keyboard help open?
    pub help_open: bool,
    /// The payment the event log is narrowed to, if any.
    pub focus: Option<u32>,
    /// The latest notable thing that happened, for the screen reader's live region.
    pub announcement: String,
    /// Events already considered for announcements.
    announced: u64,
    /// A run still on its way to a far-off time (a shared run's, or a rerun's).
    pub catching_up: Option<CatchingUp>,
    /// A rerun under new settings still catching up, while the previous run stays on screen.
    rerun: Option<catch_up::Rerun>,
    /// Bumped by every change but a play tick, play/pause and the page's own chrome (help, speed,
    /// banners), and by any change of the learner's progress but a tick's: a panel drawn from the run
    /// and the rest of the state depends on the run's [`World::key`] and this, so it can skip a tick
    /// that moved only a run it is not showing, and draws a goal a tick reached with that run.
    pub rev: u64,
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new(Saved::default())
    }
}

impl AppState {
    /// The app as remembered: the last lab, paused at t = 0.
    pub fn new(saved: Saved) -> AppState {
        let lab = Lab::by_id(&saved.settings.lab)
            .or_else(|| Lab::by_id("sandbox"))
            .unwrap_or_else(|| Lab::all().remove(0));
        let timeline = start(lab.config.clone(), lab.seed, lab.actions.to_vec());
        let mut state = AppState {
            view: View::Sandbox,
            presenter: false,
            copied: None,
            world: World::new(timeline),
            lab: LabRef(Rc::new(lab)),
            playing: false,
            carry: Cell::new(0.0),
            saved,
            error: None,
            refusal: None,
            notice: None,
            selected: 0,
            help_open: false,
            focus: None,
            announcement: String::new(),
            announced: 0,
            catching_up: None,
            rerun: None,
            rev: 0,
        };
        state.saved.settings.lab = state.lab.id.to_string();
        state
    }

    /// The app showing a shared run.
    pub fn from_scenario(saved: Saved, s: Scenario) -> AppState {
        let mut state = AppState::new(saved);
        state.load_scenario(s);
        state
    }

    /// The app after a real crash: the saved run, recovered and resumed, in its lab.
    pub fn recovered(saved: Saved, r: super::real_crash::Recovered) -> AppState {
        let mut state = AppState::new(saved);
        if let Some(lab) = Lab::by_id(&r.lab) {
            state = state.load_lab(lab);
        }
        let world = state.world.replace(r.timeline);
        let mut state = state.replaced(world, tr("The run was recovered after the page closed."));
        state.notice = Some(r.notice);
        state
    }

    /// Simulated milliseconds per real millisecond.
    pub fn speed(&self) -> f64 {
        self.saved.settings.speed
    }

    /// The learner's progress in the current lab.
    pub fn progress(&self) -> LabProgress {
        self.saved
            .progress
            .get(self.lab.id)
            .cloned()
            .unwrap_or_default()
    }

    /// What the learner did beyond running, for the goals that judge it: the payment selected and the
    /// diagnosis answered.
    pub fn learner(&self) -> Learner {
        Learner {
            focus: self.focus,
            diagnosis: self.progress().diagnosis,
        }
    }

    /// The run as a share-link scenario: seed, starting configuration, action log and current time.
    pub fn scenario(&self) -> Scenario {
        let t = self.world.timeline();
        Scenario {
            lab: (self.lab.id != "sandbox").then(|| self.lab.id.to_string()),
            seed: t.seed(),
            config: t.config().clone(),
            actions: t.actions().to_vec(),
            at: t.now(),
        }
    }

    fn progress_mut(&mut self) -> &mut LabProgress {
        self.saved.progress.get_or_default(self.lab.id)
    }

    /// Records the goals passing now (with what the learner did) in their progress, and that the
    /// prediction's answer was shown (a finished run shows it; from then on the prediction is locked).
    fn record_progress(&mut self) {
        let learner = self.learner();
        let (passed, revealed): (Vec<String>, bool) = {
            let sim = self.world.sim();
            (
                self.lab
                    .goals
                    .iter()
                    .filter(|g| g.judge(&sim, &learner).status == GoalStatus::Pass)
                    .map(|g| g.id.to_string())
                    .collect(),
                self.lab.prediction.is_some() && sim.is_settled() && sim.now() > 0,
            )
        };
        if !passed.is_empty() {
            self.progress_mut().achieved.extend(passed);
        }
        if revealed && !self.progress().revealed {
            self.progress_mut().revealed = true;
        }
    }

    /// Bookkeeping after the world moved: goals reached and the live-region summary.
    fn moved(mut self, world: World) -> AppState {
        self.world = world;
        self.record_progress();
        let (total, line) = {
            let sim = self.world.sim();
            (sim.events().total(), narrate::latest(&sim, self.announced))
        };
        if let Some(line) = line {
            self.announcement = line;
        }
        self.announced = total;
        if self.playing && self.world.sim().is_settled() {
            self.playing = false;
        }
        // A run that cannot settle stopped for good: say why (the core's sentence), stop playing.
        let halt = self.world.sim().halt().map(str::to_string);
        if let Some(why) = halt {
            self.playing = false;
            if self.error.is_none() {
                self.error = Some(why);
            }
        }
        self
    }

    /// Like [`AppState::moved`], for a world that was replaced: its history is not news.
    fn replaced(mut self, world: World, what: &str) -> AppState {
        // A refusal described the run that is gone ("Consumer 1 is already down." after a reset).
        if self
            .refusal
            .take()
            .is_some_and(|r| self.error.as_ref() == Some(&r))
        {
            self.error = None;
        }
        self.announced = world.sim().events().total();
        self.playing = false;
        self.carry = Cell::new(0.0);
        self.announcement = {
            let sim = world.sim();
            format!("{what} {}", narrate::summary(&sim))
        };
        self.selected = self
            .selected
            .min(world.sim().config().consumers.saturating_sub(1));
        self.moved(world)
    }
}
