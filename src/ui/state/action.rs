//! What can happen to the state.

use super::View;
use crate::sim::config::Millis;
use crate::sim::share::Scenario;
use crate::sim::{Command, Config};

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
    /// Bring a shared run at most `max_events` events closer to its link's time.
    CatchUp {
        /// The slice's event budget (the page sizes it to stay well inside a frame).
        max_events: u64,
    },
    /// Stop catching up: the run stays paused where it got to.
    CancelCatchUp,
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
