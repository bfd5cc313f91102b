//! The app's state and the actions that change it.
//!
//! The simulation is large (a million-payment run is megabytes), so it lives once behind
//! `Rc<RefCell<…>>` and the state carries a version number that bumps whenever the world moved: the
//! reducer returns a new `Rc<AppState>` with the new version (Yew skips re-rendering on the same
//! `Rc`), and components compare versions instead of worlds. Timers, storage and the URL stay out of
//! here: the reducer only moves the model, and effects in the app write the rest.

use super::narrate;
use super::saved::{LabProgress, Saved};
use crate::sim::config::Millis;
use crate::sim::goal::{GoalStatus, Learner};
use crate::sim::lab::Lab;
use crate::sim::share::Scenario;
use crate::sim::timeline::Timeline;
use crate::sim::{Action as SimAction, Command, Config, Sim};
use std::cell::{Ref, RefCell};
use std::rc::Rc;

/// Real milliseconds of one play tick at most: a tab that slept for a minute must not try to catch
/// up a minute of simulated work in one frame.
const MAX_TICK_MS: f64 = 250.0;

/// Slowest speed: a hundredth of real time.
pub const MIN_SPEED: f64 = 0.01;
/// Fastest speed: a thousand times real time.
pub const MAX_SPEED: f64 = 1000.0;

/// Most events a rerun may process to settle; a run that never settles (a retry storm without a
/// dead-letter queue) stops here instead of freezing the tab.
const SETTLE_LIMIT: u32 = 2_000_000;

/// The run shown on screen, shared by every component. Compared by version, never by content.
#[derive(Clone)]
pub struct World {
    timeline: Rc<RefCell<Timeline>>,
    version: u64,
}

impl PartialEq for World {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.timeline, &other.timeline)
    }
}

impl World {
    fn new(timeline: Timeline) -> World {
        World {
            timeline: Rc::new(RefCell::new(timeline)),
            version: 0,
        }
    }

    /// The timeline, for reading. Hold it only while rendering.
    pub fn timeline(&self) -> Ref<'_, Timeline> {
        self.timeline.borrow()
    }

    /// The simulation, for reading. Hold it only while rendering.
    pub fn sim(&self) -> Ref<'_, Sim> {
        Ref::map(self.timeline.borrow(), |t| t.sim())
    }

    /// Bumped at every change of the world.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Changes the world in place and returns the handle of the changed world.
    fn update<R>(&self, f: impl FnOnce(&mut Timeline) -> R) -> (World, R) {
        let r = f(&mut self.timeline.borrow_mut());
        let world = World {
            timeline: self.timeline.clone(),
            version: self.version + 1,
        };
        (world, r)
    }

    /// Replaces the world by another run.
    fn replace(&self, timeline: Timeline) -> World {
        World {
            timeline: Rc::new(RefCell::new(timeline)),
            version: self.version + 1,
        }
    }
}

/// The lab being followed, compared by identity.
#[derive(Clone)]
pub struct LabRef(Rc<Lab>);

impl PartialEq for LabRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for LabRef {
    type Target = Lab;
    fn deref(&self) -> &Lab {
        &self.0
    }
}

/// A fresh timeline whose actions at t = 0 (a lab's armed crashes) are already applied, so the
/// learner sees them armed before pressing play.
fn start(config: Config, seed: u64, actions: Vec<crate::sim::Action>) -> Timeline {
    let mut t = Timeline::with_actions(config, seed, actions);
    t.advance(0);
    t
}

/// Most simulation events one play tick may process. A tick must leave room for the re-render within a
/// frame; at top speed a busy run would otherwise ask for tens of thousands of events per tick, each
/// long tick making the next one longer. Past the budget the run simply plays slower than asked.
const MAX_EVENTS_PER_TICK: u64 = 4_000;

/// Plays `dt` forward, but stops at the moment the run settles (at high speed one tick spans many
/// seconds, and overshooting would leave the charts' interesting part squeezed into a corner) or when
/// the tick's event budget is spent. Returns true if it played the whole of `dt`.
fn play(t: &mut Timeline, dt: Millis) -> bool {
    let target = t.now().saturating_add(dt);
    let budget_end = t.sim().events().total() + MAX_EVENTS_PER_TICK;
    while !t.is_settled() {
        if t.sim().events().total() >= budget_end {
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

fn settle(t: &mut Timeline) {
    for _ in 0..SETTLE_LIMIT {
        if t.is_settled() || !t.step_event() {
            return;
        }
    }
}

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
    carry: f64,
    /// Settings and progress; the app writes them to storage when they change.
    pub saved: Saved,
    /// A sentence for the user, shown in the error banner until dismissed.
    pub error: Option<String>,
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
        let timeline = start(lab.config.clone(), lab.seed, lab.actions.clone());
        let mut state = AppState {
            view: View::Sandbox,
            presenter: false,
            copied: None,
            world: World::new(timeline),
            lab: LabRef(Rc::new(lab)),
            playing: false,
            carry: 0.0,
            saved,
            error: None,
            notice: None,
            selected: 0,
            help_open: false,
            focus: None,
            announcement: String::new(),
            announced: 0,
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
        let mut state = state.replaced(world, "The run was recovered after the page closed.");
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
        self.saved
            .progress
            .entry(self.lab.id.to_string())
            .or_default()
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
        self
    }

    /// Like [`AppState::moved`], for a world that was replaced: its history is not news.
    fn replaced(mut self, world: World, what: &str) -> AppState {
        self.announced = world.sim().events().total();
        self.playing = false;
        self.carry = 0.0;
        self.announcement = {
            let sim = world.sim();
            format!("{what} {}", narrate::summary(&sim))
        };
        self.selected = self
            .selected
            .min(world.sim().config().consumers.saturating_sub(1));
        self.moved(world)
    }

    /// Back to t = 0 on the same configuration and seed, keeping every recorded action — the lab's
    /// script and the crashes, outages and lost acks the learner added by hand — so the replay is the
    /// same run.
    fn reset(self) -> AppState {
        let (config, seed, actions) = {
            let t = self.world.timeline();
            (t.config().clone(), t.seed(), t.actions().to_vec())
        };
        let world = self.world.replace(start(config, seed, actions));
        self.replaced(world, "Back to the start, with every recorded action.")
    }

    /// Back to t = 0 with only the lab's own script: the learner's hand-made actions are dropped.
    fn clear_actions(self) -> AppState {
        let (config, seed) = {
            let t = self.world.timeline();
            (t.config().clone(), t.seed())
        };
        let world = self
            .world
            .replace(start(config, seed, self.lab.actions.clone()));
        self.replaced(
            world,
            "Your actions are cleared; back to the lab's own script.",
        )
    }

    /// The same seed and the same recorded actions under `config` (and `seed`), brought to the
    /// current time, so the learner compares like with like. A finished run stays finished: a safer
    /// strategy takes more steps, and comparing it half-way would show pending payments instead of
    /// the answer.
    fn rerun(self, config: Config, seed: u64, what: &str) -> AppState {
        if let Err(e) = config.validate() {
            return AppState {
                error: Some(e.to_string()),
                ..self
            };
        }
        let timeline = {
            let t = self.world.timeline();
            let mut rerun = Timeline::with_actions(config, seed, t.actions().to_vec());
            rerun.seek(t.now());
            if t.is_settled() {
                settle(&mut rerun);
            }
            rerun
        };
        let world = self.world.replace(timeline);
        self.replaced(world, what)
    }

    fn load_lab(mut self, lab: Lab) -> AppState {
        let world = self
            .world
            .replace(start(lab.config.clone(), lab.seed, lab.actions.clone()));
        self.saved.settings.lab = lab.id.to_string();
        let what = format!("Lab opened: {}.", lab.title);
        self.lab = LabRef(Rc::new(lab));
        self.focus = None;
        self.selected = 0;
        self.replaced(world, &what)
    }

    fn load_scenario(&mut self, s: Scenario) {
        let lab = s
            .lab
            .as_deref()
            .and_then(Lab::by_id)
            .or_else(|| Lab::by_id("sandbox"))
            .unwrap_or_else(|| (*self.lab).clone());
        let mut state = self.clone().load_lab(lab);
        let mut timeline = Timeline::with_actions(s.config, s.seed, s.actions);
        timeline.seek(s.at);
        let world = state.world.replace(timeline);
        state = state.replaced(world, "Shared run opened.");
        *self = state;
    }
}

/// What can happen to the state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Start playing, or pause.
    TogglePlay,
    /// Real time passed while playing.
    Tick {
        /// Real milliseconds since the last tick.
        elapsed_ms: f64,
    },
    /// Advance to the next moment something happens.
    Step,
    /// Go back to the previous moment something happened.
    StepBack,
    /// Jump to a simulated time (backwards or forwards).
    Seek(Millis),
    /// Back to t = 0 with the same configuration, seed and recorded actions (the learner's included).
    Reset,
    /// Back to t = 0 with only the lab's scripted actions: the learner's own are dropped.
    ClearActions,
    /// Apply a command to the simulation now (it is recorded in the action log).
    Apply(Command),
    /// Crash the selected consumer now.
    CrashSelected,
    /// Select the consumer the keyboard crashes.
    Select(u8),
    /// Change the configuration: reruns the same seed and actions up to the current time.
    SetConfig(Config),
    /// Change the seed: reruns the same actions on another seed.
    SetSeed(u64),
    /// Apply the current lab's fix to the configuration and rerun.
    ApplyFix,
    /// Open a lab by id.
    LoadLab(String),
    /// Open a run from a share link.
    LoadScenario(Scenario),
    /// Simulated milliseconds per real millisecond.
    SetSpeed(f64),
    /// Switch the projector theme.
    ToggleProjector,
    /// Open or close the keyboard help.
    SetHelp(bool),
    /// Open the keyboard help if closed, close it if open.
    ToggleHelp,
    /// Narrow the event log to a payment (or widen it again).
    Focus(Option<u32>),
    /// Answer the lab's prediction (ignored once its answer has been shown).
    Predict(usize),
    /// Answer the lab's diagnosis question.
    Diagnose(usize),
    /// Reveal the next hint.
    ShowHint,
    /// Reveal the solution (after the learner confirmed).
    ShowSolution,
    /// Something to tell the user in the live region (e.g. "link copied").
    Announce(String),
    /// Show an error sentence.
    ShowError(String),
    /// Hide the error banner.
    DismissError,
    /// Show another view.
    SetView(View),
    /// Switch the presenter view on or off.
    TogglePresenter,
    /// Show the run as plain text (or hide it).
    SetCopied(Option<String>),
    /// Switch real crash mode on or off.
    SetRealCrash(bool),
    /// Saving for real crash mode failed: say why and switch the mode off.
    RealCrashFailed(String),
    /// Hide the real crash notice.
    DismissNotice,
    /// Open one exact run in the free-play sandbox: a configuration, a seed and a crash armed at t = 0
    /// (a sweep cell).
    OpenRun(Config, u64, Command),
}

impl yew::Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // The sandbox's run is not on screen in the other views: its keys must not move it unseen.
        if self.view != View::Sandbox
            && matches!(
                action,
                Action::TogglePlay
                    | Action::Step
                    | Action::StepBack
                    | Action::Reset
                    | Action::ClearActions
                    | Action::CrashSelected
                    | Action::Select(_)
            )
        {
            return self;
        }
        let this = (*self).clone();
        let next = match action {
            Action::TogglePlay => {
                if !this.playing && this.world.sim().is_settled() {
                    // Nothing left to play: start over, then play, like a media player at its end.
                    let mut s = this.reset();
                    s.playing = true;
                    s
                } else {
                    AppState {
                        playing: !this.playing,
                        carry: 0.0,
                        ..this
                    }
                }
            }
            Action::Tick { elapsed_ms } => {
                if !this.playing {
                    return self;
                }
                let owed = this.carry + this.speed() * elapsed_ms.clamp(0.0, MAX_TICK_MS);
                let whole = owed.floor();
                let (world, whole_played) = this.world.update(|t| play(t, whole as Millis));
                let mut next = this.moved(world);
                // Time the budget could not play is dropped, not owed: owing it would snowball.
                next.carry = if whole_played { owed - whole } else { 0.0 };
                next
            }
            Action::Step => {
                let (world, _) = this.world.update(|t| t.step_event());
                AppState {
                    playing: false,
                    ..this.moved(world)
                }
            }
            Action::StepBack => {
                let (world, ()) = this.world.update(|t| t.step_back());
                AppState {
                    playing: false,
                    ..this.moved(world)
                }
            }
            Action::Seek(t) => {
                let (world, ()) = this.world.update(|tl| tl.seek(t));
                AppState {
                    playing: false,
                    ..this.moved(world)
                }
            }
            Action::Reset => this.reset(),
            Action::ClearActions => this.clear_actions(),
            Action::Apply(command) => apply(this, command),
            Action::CrashSelected => {
                let consumer = this.selected;
                apply(this, Command::CrashNow { consumer })
            }
            Action::Select(c) => {
                let consumers = this.world.sim().config().consumers;
                if c >= consumers {
                    return self;
                }
                AppState {
                    selected: c,
                    ..this
                }
            }
            Action::SetConfig(config) => {
                let seed = this.world.timeline().seed();
                this.rerun(
                    config,
                    seed,
                    "Rerun with the new settings, same seed and same actions.",
                )
            }
            Action::SetSeed(seed) => {
                let config = this.world.timeline().config().clone();
                this.rerun(config, seed, &format!("Rerun on seed {seed}."))
            }
            Action::ApplyFix => {
                let (mut config, seed) = {
                    let t = this.world.timeline();
                    (t.config().clone(), t.seed())
                };
                (this.lab.fix)(&mut config);
                let mut next = this;
                next.progress_mut().solution_seen = true;
                next.rerun(config, seed, "The fix is applied; same seed, same crashes.")
            }
            Action::LoadLab(id) => match Lab::by_id(&id) {
                Some(lab) => this.load_lab(lab),
                None => AppState {
                    error: Some(format!("There is no lab called “{id}”.")),
                    ..this
                },
            },
            Action::LoadScenario(s) => {
                let mut next = this;
                next.load_scenario(s);
                next
            }
            Action::SetSpeed(speed) => {
                let mut next = this;
                next.saved.settings.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
                next
            }
            Action::ToggleProjector => {
                let mut next = this;
                next.saved.settings.projector = !next.saved.settings.projector;
                next
            }
            Action::SetHelp(open) => AppState {
                help_open: open,
                ..this
            },
            Action::ToggleHelp => AppState {
                help_open: !this.help_open,
                ..this
            },
            Action::Focus(payment) => {
                let mut next = AppState {
                    focus: payment,
                    ..this
                };
                // Selecting a payment can be the evidence a diagnose goal asks for.
                next.record_progress();
                next
            }
            Action::Predict(choice) => {
                let mut next = this;
                // Once the answer is on screen, changing the prediction would only copy it.
                if !next.progress().revealed {
                    next.progress_mut().prediction = Some(choice);
                }
                next
            }
            Action::Diagnose(choice) => {
                let mut next = this;
                next.progress_mut().diagnosis = Some(choice);
                next.record_progress();
                next
            }
            Action::ShowHint => {
                let mut next = this;
                let n = next.lab.hints.len();
                let p = next.progress_mut();
                p.hints_shown = (p.hints_shown + 1).min(n);
                next
            }
            Action::ShowSolution => {
                let mut next = this;
                next.progress_mut().solution_seen = true;
                next
            }
            Action::Announce(line) => AppState {
                announcement: line,
                ..this
            },
            Action::ShowError(message) => AppState {
                error: Some(message),
                ..this
            },
            Action::DismissError => AppState {
                error: None,
                ..this
            },
            Action::SetCopied(copied) => AppState { copied, ..this },
            Action::TogglePresenter => AppState {
                presenter: !this.presenter,
                ..this
            },
            Action::SetRealCrash(on) => {
                let mut next = this;
                next.saved.settings.real_crash = on;
                next
            }
            Action::RealCrashFailed(message) => {
                let mut next = this;
                next.saved.settings.real_crash = false;
                next.error = Some(message);
                next
            }
            Action::DismissNotice => AppState {
                notice: None,
                ..this
            },
            Action::SetView(view) => AppState {
                view,
                playing: false,
                ..this
            },
            Action::OpenRun(config, seed, command) => {
                let mut next = match Lab::by_id("sandbox") {
                    Some(lab) if this.lab.id != "sandbox" => this.load_lab(lab),
                    _ => this,
                };
                let timeline = start(config, seed, vec![SimAction { at: 0, command }]);
                let world = next.world.replace(timeline);
                next.view = View::Sandbox;
                next.replaced(world, "The sweep's run is open in the sandbox.")
            }
        };
        Rc::new(next)
    }
}

fn apply(state: AppState, command: Command) -> AppState {
    let (world, result) = state.world.update(|t| t.apply(command));
    let mut next = state.moved(world);
    if let Err(e) = result {
        next.error = Some(e.to_string());
    }
    next
}
