//! The timeline: rewind, scrub and fork a run.
//!
//! The state at time *t* is the replay of seed + configuration + the actions up to *t*. Snapshots taken
//! every few thousand events make a jump to any time cheap (restore the nearest earlier snapshot, then
//! replay the gap). Acting in the past forks: the recorded future is discarded and the new action
//! becomes part of the log — "what if we had crashed it *here* instead?"

use super::command::{Action, Command};
use super::config::{Config, Millis};
use super::durable::{DurableError, DurableState};
use super::share::Scenario;
use super::simulation::{CommandError, Sim};
use snapshots::Snapshots;

mod snapshots;

pub use snapshots::SNAPSHOT_EVERY;

/// How far one slice of a catch-up ([`Timeline::catch_up`]) got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatchUp {
    /// The run is at the target time.
    Done,
    /// The slice's event budget is spent short of the target; call again to go on.
    Partway,
}

/// A run that can be replayed to any time. The action log is the source of truth; the [`Sim`] is
/// the log replayed up to [`Timeline::now`].
#[derive(Clone, Debug)]
pub struct Timeline {
    config: Config,
    seed: u64,
    actions: Vec<Action>,
    next_action: usize,
    sim: Sim,
    snapshots: Snapshots,
    horizon: Millis,
}

impl Timeline {
    /// A fresh run at time 0 with no actions.
    pub fn new(config: Config, seed: u64) -> Timeline {
        Timeline::with_actions(config, seed, Vec::new())
    }

    /// A run whose `actions` (sorted by time, e.g. a lab's script or a shared link's log) are applied
    /// as time reaches them.
    pub fn with_actions(config: Config, seed: u64, mut actions: Vec<Action>) -> Timeline {
        sort_by_time(&mut actions);
        let sim = Sim::new(config.clone(), seed);
        Timeline {
            snapshots: Snapshots::new(&sim),
            config,
            seed,
            actions,
            next_action: 0,
            sim,
            horizon: 0,
        }
    }

    /// Continues a run recovered from durable state ([`Sim::recover`]): its timeline starts at the
    /// recovery, since what came before lived in a page that no longer exists.
    pub fn resume(sim: Sim) -> Timeline {
        let now = sim.now();
        Timeline {
            snapshots: Snapshots::new(&sim),
            config: sim.config().clone(),
            seed: sim.seed(),
            actions: Vec::new(),
            next_action: 0,
            sim,
            horizon: now,
        }
    }

    /// The durable parts of the run for real crash mode, with its script: the starting settings and
    /// the whole action log (actions still ahead included).
    pub fn durable_state(&self) -> DurableState {
        let mut d = self.sim.durable_state();
        d.script = Some(Scenario {
            lab: None,
            seed: self.seed,
            config: self.config.clone(),
            actions: self.actions.clone(),
            at: self.now(),
        });
        d
    }

    /// Continues a run after a real crash ([`Sim::recover`]). With the saved script, the run keeps
    /// its history: the actions already applied stay in the log, the reload is recorded as a crash
    /// of every consumer at that moment (so a replay under other settings crashes there too), the
    /// faults armed before the reload stay armed, and the scripted actions still ahead are applied
    /// when their time comes. Without one (an older
    /// save), the timeline starts at the recovery.
    pub fn recover(mut state: DurableState) -> Result<Timeline, DurableError> {
        let script = state.script.take();
        let mut sim = Sim::recover(state)?;
        let Some(script) = script else {
            return Ok(Timeline::resume(sim));
        };
        let now = sim.now();
        // The faults armed when the page closed: the script replayed to that moment has them, counts
        // and all (a replay is deterministic).
        let mut before =
            Timeline::with_actions(script.config.clone(), script.seed, script.actions.clone());
        before.seek(now);
        sim.keep_armed_faults(before.sim());
        let done = script.actions.partition_point(|a| a.at <= now);
        let consumers = sim.config().consumers;
        let mut actions = script.actions[..done].to_vec();
        for consumer in 0..consumers {
            actions.push(Action {
                at: now,
                command: Command::CrashNow { consumer },
            });
        }
        actions.extend_from_slice(&script.actions[done..]);
        let next_action = done + consumers as usize;
        let mut snapshots = Snapshots::new(&sim);
        snapshots.list[0].next_action = next_action;
        Ok(Timeline {
            snapshots,
            config: script.config,
            seed: sim.seed(),
            actions,
            next_action,
            sim,
            horizon: now,
        })
    }

    /// The earliest time this timeline can show (0, or the moment a recovered run resumed).
    pub fn start(&self) -> Millis {
        self.snapshots.list.first().map_or(0, |s| s.sim.now())
    }

    /// The simulation at the current time.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The configuration the run started with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The current time.
    pub fn now(&self) -> Millis {
        self.sim.now()
    }

    /// The furthest time this run has been played to.
    pub fn horizon(&self) -> Millis {
        self.horizon
    }

    /// The whole action log (including actions after `now` when scrubbed back).
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// Is every payment settled at the current time?
    pub fn is_settled(&self) -> bool {
        self.sim.is_settled()
    }

    /// Applies `command` now and records it. In the past (before the horizon), this forks: recorded
    /// actions not yet reached are discarded, and so is everything the run did after now. At the
    /// horizon, scripted actions still ahead (a lab's later faults) are kept.
    pub fn apply(&mut self, command: Command) -> Result<(), CommandError> {
        let now = self.now();
        self.sim.apply(command)?;
        if now < self.horizon {
            self.actions.truncate(self.next_action);
            let keep = self.next_action;
            self.snapshots
                .list
                .retain(|s| s.sim.now() < now || (s.sim.now() == now && s.next_action <= keep));
            self.horizon = now;
        }
        // Recorded actions at this same time were applied already, so the new one goes right after them.
        self.actions
            .insert(self.next_action, Action { at: now, command });
        self.next_action += 1;
        Ok(())
    }

    /// Plays forward by `dt` simulated milliseconds.
    pub fn advance(&mut self, dt: Millis) {
        self.run_to(self.now().saturating_add(dt));
    }

    /// Plays forward to the next moment anything happens; false when nothing is left to happen.
    pub fn step_event(&mut self) -> bool {
        let next_timer = self.sim.next_event_time();
        let next_action = self.actions.get(self.next_action).map(|a| a.at);
        let target = match (next_timer, next_action) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => return false,
        };
        self.run_to(target.max(self.now()));
        true
    }

    /// Goes back to the last moment before now at which something happened.
    pub fn step_back(&mut self) {
        let now = self.now();
        let prev = self
            .sim
            .events()
            .window()
            .iter()
            .rev()
            .map(|e| e.time)
            .find(|t| *t < now)
            .unwrap_or(0);
        self.seek(prev);
    }

    /// Jumps to time `t`, backwards or forwards.
    pub fn seek(&mut self, t: Millis) {
        self.restore_for(t);
        self.run_to(t);
    }

    /// One slice of a jump to `t`: like [`Timeline::seek`], but processes at most about `max_events`
    /// events (the moment the budget runs out is finished, so a slice may go a few events over) and
    /// then returns, so a page can hand the thread back to the browser between slices. Calling it
    /// again with the same `t` goes on where the last slice stopped; [`Timeline::now`] tells how far
    /// it got. The result is the same state [`Timeline::seek`] reaches.
    pub fn catch_up(&mut self, t: Millis, max_events: u64) -> CatchUp {
        self.restore_for(t);
        let budget_end = self.sim.events().total().saturating_add(max_events);
        loop {
            let next_timer = self.sim.next_event_time();
            let next_action = self.actions.get(self.next_action).map(|a| a.at);
            let next = match (next_timer, next_action) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            match next {
                Some(next) if next <= t => {
                    if self.sim.events().total() >= budget_end {
                        return CatchUp::Partway;
                    }
                    self.run_to(next.max(self.now()));
                }
                _ => {
                    self.run_to(t);
                    return CatchUp::Done;
                }
            }
        }
    }

    /// Before moving to `t`: restores the nearest snapshot at or before `t` when going backwards, or
    /// when one lies between now and `t` (replaying from it is shorter than replaying from now).
    fn restore_for(&mut self, t: Millis) {
        let i = self
            .snapshots
            .list
            .iter()
            .rposition(|s| s.sim.now() <= t)
            .unwrap_or(0);
        let Some(snap) = self.snapshots.list.get(i) else {
            return;
        };
        if t < self.now() || snap.sim.now() > self.now() {
            self.sim = snap.sim.clone();
            self.next_action = snap.next_action;
        }
    }

    fn run_to(&mut self, t: Millis) {
        let Timeline {
            actions,
            next_action,
            sim,
            snapshots,
            ..
        } = self;
        // Recorded actions were valid when recorded, and replay is deterministic, so they apply
        // again; one refused under other settings (a consumer that no longer exists) is skipped.
        let _ = sim.replay_until(actions, next_action, t, &mut |sim, at, applied| {
            snapshots.play_until(sim, applied, at)
        });
        self.snapshots
            .play_until(&mut self.sim, self.next_action, t);
        self.horizon = self.horizon.max(self.now());
    }

    /// How many snapshots are held (for tests and the memory budget).
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.list.len()
    }

    /// The heap the snapshots hold together, in bytes ([`Sim::heap_bytes`] of each).
    pub fn snapshot_bytes(&self) -> usize {
        self.snapshots.heap_bytes()
    }
}

#[cfg(test)]
mod tests;

/// Orders `actions` by time, keeping the order of actions at the same time (they were applied in it).
///
/// An insertion sort on purpose: every list that reaches it is already sorted or nearly so (a link
/// encodes its times as increments, `Timeline::apply` inserts in order, a lab's script is a handful of
/// lines), so it runs in one pass, and it keeps the standard library's stable sort, about 2 KB
/// gzipped, out of the browser's download.
fn sort_by_time(actions: &mut [Action]) {
    for i in 1..actions.len() {
        let at = actions[i].at;
        let mut j = i;
        while j > 0 && actions[j - 1].at > at {
            j -= 1;
        }
        actions[j..=i].rotate_right(1);
    }
}
