//! The reducer: one action in, the next state out.

use super::run::{MAX_TICK_MS, apply, play, start};
use super::{Action, AppState, MAX_SPEED, MIN_SPEED, View};
use crate::i18n::{tr, trf, trf_n};
use crate::sim::config::Millis;
use crate::sim::lab::Lab;
use crate::sim::{Action as SimAction, Command};
use std::cell::Cell;
use std::rc::Rc;

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
        // A dispatch while the world is borrowed (from inside a render or another reduction) would
        // panic on the `RefCell`; it is dropped instead.
        if self.world.timeline.try_borrow_mut().is_err() {
            return self;
        }
        // Actions that change nothing return the same state before it is cloned: a tick arrives 20
        // times a second, and the same `Rc` also spares Yew the re-render.
        match &action {
            Action::Tick { elapsed_ms } => {
                if !self.playing {
                    return self;
                }
                let owed = self.carry.get() + self.speed() * elapsed_ms.clamp(0.0, MAX_TICK_MS);
                // Nothing is due before the next whole millisecond (events at this instant would
                // still be played, and a settled run stops playing below).
                let idle = {
                    let sim = self.world.sim();
                    !sim.is_settled() && sim.next_event_time().is_none_or(|next| next > sim.now())
                };
                if owed < 1.0 && idle {
                    self.carry.set(owed);
                    return self;
                }
            }
            Action::CatchUp { .. } if self.catching_up.is_none() => return self,
            Action::Select(c) if *c >= self.world.sim().config().consumers => return self,
            Action::SetSpeed(speed) if speed.is_nan() => return self,
            _ => {}
        }
        let mut this = (*self).clone();
        // Anything that moves the run takes over from a catch-up still under way, where it got to.
        if this.catching_up.is_some()
            && matches!(
                action,
                Action::CancelCatchUp
                    | Action::TogglePlay
                    | Action::Step
                    | Action::StepBack
                    | Action::Seek(_)
                    | Action::Reset
                    | Action::Apply(_)
                    | Action::CrashSelected
                    | Action::SetConfig(_)
                    | Action::SetSeed(_)
                    | Action::ApplyFix
                    | Action::LoadLab(_)
                    | Action::LoadScenario(_)
                    | Action::OpenRun(..)
            )
        {
            this = this.stop_catching_up();
        }
        let tick = matches!(action, Action::Tick { .. });
        // Actions that change nothing a memoized panel draws (see `AppState::rev`).
        let quiet = tick
            || matches!(
                action,
                Action::TogglePlay
                    | Action::SetSpeed(_)
                    | Action::SetHelp(_)
                    | Action::ToggleHelp
                    | Action::Announce(_)
                    | Action::SetCopied(_)
                    | Action::TogglePresenter
                    | Action::ShowError(_)
                    | Action::DismissError
                    | Action::DismissNotice
            );
        let mut next = match action {
            Action::TogglePlay => {
                if !this.playing && this.world.sim().is_settled() {
                    // Nothing left to play: start over, then play, like a media player at its end.
                    let mut s = this.reset();
                    s.playing = true;
                    s
                } else {
                    AppState {
                        playing: !this.playing,
                        carry: Cell::new(0.0),
                        ..this
                    }
                }
            }
            Action::Tick { elapsed_ms } => {
                let owed = this.carry.get() + this.speed() * elapsed_ms.clamp(0.0, MAX_TICK_MS);
                let whole = owed.floor();
                let (world, whole_played) = this.world.update(|t| play(t, whole as Millis));
                let mut next = this.moved(world);
                // Time the budget could not play is dropped, not owed: owing it would snowball.
                next.carry = Cell::new(if whole_played { owed - whole } else { 0.0 });
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
                // A consumer the run does not have was dropped above.
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
                    tr("Rerun with the new settings, same seed and same actions."),
                )
            }
            Action::SetSeed(seed) => {
                let config = this.world.timeline().config().clone();
                this.rerun(config, seed, &trf_n("Rerun on seed {0}.", &[seed]))
            }
            Action::ApplyFix => {
                let (mut config, seed) = {
                    let t = this.world.timeline();
                    (t.config().clone(), t.seed())
                };
                (this.lab.fix)(&mut config);
                let mut next = this;
                next.progress_mut().solution_seen = true;
                next.rerun(
                    config,
                    seed,
                    tr("The fix is applied; same seed, same crashes."),
                )
            }
            Action::LoadLab(id) => match Lab::by_id(&id) {
                Some(lab) => this.load_lab(lab),
                None => AppState {
                    error: Some(trf("There is no lab called “{0}”.", &[&id])),
                    ..this
                },
            },
            Action::LoadScenario(s) => {
                let mut next = this;
                next.load_scenario(s);
                next
            }
            // Without a catch-up under way the action was dropped above.
            Action::CatchUp { max_events } => this.catch_up(max_events.max(1)),
            // The catch-up was already stopped above.
            Action::CancelCatchUp => this,
            Action::SetSpeed(speed) => {
                // NaN passes through `clamp`: a speed that is not a number was dropped above.
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
                next.replaced(world, tr("The sweep's run is open in the sandbox."))
            }
        };
        // Progress a play tick recorded is drawn with the run that earned it, when each panel gets
        // that run (see `hooks::use_staged_worlds`), not by every panel in the tick's own frame.
        if !quiet || (next.saved.progress != self.saved.progress && !tick) {
            next.rev += 1;
        }
        Rc::new(next)
    }
}
