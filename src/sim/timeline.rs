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

/// Events between two snapshots at the start of a run (the spacing doubles each time the snapshot list
/// is thinned, so long runs keep a bounded number of evenly spread snapshots).
pub const SNAPSHOT_EVERY: u64 = 4096;
/// Most snapshots kept; beyond it every second one is dropped.
const MAX_SNAPSHOTS: usize = 32;
/// Most heap the snapshots may hold together ([`Sim::heap_bytes`]); beyond it every second one is
/// dropped too. A snapshot of a 200,000-payment run is about 5 MB, so without this bound 32 of them
/// took a browser tab past 100 MB; with it, big runs keep fewer, farther-apart snapshots (a jump
/// replays a longer gap) and small runs keep all 32.
const MAX_SNAPSHOT_BYTES: usize = 24 << 20;
/// Events of history each snapshot keeps, so the event log is not empty after a jump back.
const SNAPSHOT_EVENTS: usize = 1000;

/// How far one slice of a catch-up ([`Timeline::catch_up`]) got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatchUp {
    /// The run is at the target time.
    Done,
    /// The slice's event budget is spent short of the target; call again to go on.
    Partway,
}

#[derive(Clone, Debug)]
struct Snapshot {
    next_action: usize,
    sim: Sim,
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
    snapshots: Vec<Snapshot>,
    snapshot_every: u64,
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
        actions.sort_by_key(|a| a.at);
        let sim = Sim::new(config.clone(), seed);
        Timeline {
            snapshots: vec![Snapshot {
                next_action: 0,
                sim: sim.clone(),
            }],
            config,
            seed,
            actions,
            next_action: 0,
            sim,
            snapshot_every: SNAPSHOT_EVERY,
            horizon: 0,
        }
    }

    /// Continues a run recovered from durable state ([`Sim::recover`]): its timeline starts at the
    /// recovery, since what came before lived in a page that no longer exists.
    pub fn resume(sim: Sim) -> Timeline {
        let now = sim.now();
        Timeline {
            snapshots: vec![Snapshot {
                next_action: 0,
                sim: sim.clone(),
            }],
            config: sim.config().clone(),
            seed: sim.seed(),
            actions: Vec::new(),
            next_action: 0,
            sim,
            snapshot_every: SNAPSHOT_EVERY,
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
        Ok(Timeline {
            snapshots: vec![Snapshot {
                next_action,
                sim: sim.clone(),
            }],
            config: script.config,
            seed: sim.seed(),
            actions,
            next_action,
            sim,
            snapshot_every: SNAPSHOT_EVERY,
            horizon: now,
        })
    }

    /// The earliest time this timeline can show (0, or the moment a recovered run resumed).
    pub fn start(&self) -> Millis {
        self.snapshots.first().map_or(0, |s| s.sim.now())
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
            .iter()
            .rposition(|s| s.sim.now() <= t)
            .unwrap_or(0);
        let Some(snap) = self.snapshots.get(i) else {
            return;
        };
        if t < self.now() || snap.sim.now() > self.now() {
            self.sim = snap.sim.clone();
            self.next_action = snap.next_action;
        }
    }

    fn run_to(&mut self, t: Millis) {
        while let Some(a) = self.actions.get(self.next_action).copied() {
            if a.at > t {
                break;
            }
            self.play_until(a.at);
            // Recorded actions were valid when recorded, and replay is deterministic, so they apply again.
            let _ = self.sim.apply(a.command);
            self.next_action += 1;
        }
        self.play_until(t);
        self.horizon = self.horizon.max(self.now());
    }

    /// Runs the sim to `t`, taking snapshots along the way.
    fn play_until(&mut self, t: Millis) {
        loop {
            let last = self.snapshots.last().map_or(0, |s| s.sim.events().total());
            let due = last + self.snapshot_every;
            if self.sim.events().total() >= due
                && self
                    .snapshots
                    .last()
                    .is_none_or(|s| s.sim.now() < self.sim.now())
            {
                self.snapshot();
            }
            match self.sim.next_event_time() {
                Some(next) if next <= t => {
                    // Step timer by timer only while a snapshot could fall due; otherwise run in bulk.
                    if self.sim.events().total() + 64 < due {
                        self.sim.run_until(next);
                    } else {
                        self.sim.step();
                    }
                }
                _ => break,
            }
        }
        self.sim.run_until(t);
    }

    fn snapshot(&mut self) {
        let sim = self.sim.snapshot(SNAPSHOT_EVENTS);
        let bytes = sim.heap_bytes()
            + self
                .snapshots
                .iter()
                .map(|s| s.sim.heap_bytes())
                .sum::<usize>();
        if self.snapshots.len() >= MAX_SNAPSHOTS || bytes > MAX_SNAPSHOT_BYTES {
            let mut i = 0;
            self.snapshots.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.snapshot_every = self.snapshot_every.saturating_mul(2);
        }
        self.snapshots.push(Snapshot {
            next_action: self.next_action,
            sim,
        });
    }

    /// How many snapshots are held (for tests and the memory budget).
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }

    /// The heap the snapshots hold together, in bytes ([`Sim::heap_bytes`] of each).
    pub fn snapshot_bytes(&self) -> usize {
        self.snapshots.iter().map(|s| s.sim.heap_bytes()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::command::{ArmMode, CrashPoint};

    fn cfg(payments: u32) -> Config {
        Config {
            payments,
            ..Config::default()
        }
    }

    #[test]
    fn seeking_back_and_forth_reproduces_the_same_state() {
        let mut tl = Timeline::new(cfg(1_500), 5);
        tl.advance(2_000);
        tl.apply(Command::CrashNow { consumer: 0 }).unwrap();
        tl.advance(200_000);
        let end = (tl.now(), tl.sim().digest(), tl.sim().totals());
        assert!(tl.snapshot_count() > 1, "long runs take snapshots");
        tl.seek(1_000);
        assert_eq!(tl.now(), 1_000);
        let mut fresh = Sim::new(cfg(1_500), 5);
        fresh.run_until(1_000);
        assert_eq!(
            tl.sim().digest(),
            fresh.digest(),
            "rewound state equals a replay to that time"
        );
        tl.seek(end.0);
        assert_eq!((tl.now(), tl.sim().digest(), tl.sim().totals()), end);
    }

    #[test]
    fn forking_discards_the_future() {
        let mut tl = Timeline::new(cfg(20), 3);
        tl.advance(100);
        tl.apply(Command::ArmCrash {
            consumer: None,
            point: CrashPoint::AfterCommit,
            mode: ArmMode::Once,
        })
        .unwrap();
        tl.advance(5_000);
        assert_eq!(tl.sim().totals().duplicate, 1);
        tl.seek(50);
        assert_eq!(tl.actions().len(), 1, "scrubbing alone keeps the log");
        tl.apply(Command::LoseNextAck { consumer: 0 }).unwrap();
        assert_eq!(
            tl.actions().len(),
            1,
            "the crash after the fork point is gone"
        );
        assert_eq!(tl.horizon(), 50);
        tl.advance(5_000);
        assert_eq!(
            tl.sim().totals().duplicate,
            1,
            "the naive consumer double-charges the lost ack instead"
        );
        assert_eq!(tl.sim().metrics().counters.crashes, 0);
    }

    #[test]
    fn acting_at_the_horizon_keeps_scripted_faults_ahead() {
        let script = vec![Action {
            at: 500,
            command: Command::CrashNow { consumer: 0 },
        }];
        let mut tl = Timeline::with_actions(cfg(20), 2, script);
        tl.advance(100);
        tl.apply(Command::LoseNextAck { consumer: 0 }).unwrap();
        assert_eq!(tl.actions().len(), 2);
        tl.advance(1_000);
        assert_eq!(
            tl.sim().metrics().counters.crashes,
            1,
            "the scripted crash still fires"
        );
        assert!(tl.actions().windows(2).all(|w| w[0].at <= w[1].at));
    }

    #[test]
    fn snapshots_stay_bounded_on_long_runs() {
        let mut tl = Timeline::new(
            Config {
                payments: 60_000,
                publish_interval_ms: 5,
                consumers: 4,
                ..Config::default()
            },
            1,
        );
        tl.advance(10_000_000);
        assert!(tl.snapshot_count() <= MAX_SNAPSHOTS);
        assert!(
            tl.snapshot_bytes() <= MAX_SNAPSHOT_BYTES,
            "{} bytes",
            tl.snapshot_bytes()
        );
        assert!(
            tl.snapshots
                .iter()
                .all(|s| s.sim.events().window().len() <= SNAPSHOT_EVENTS)
        );
        let end = tl.now();
        let digest = tl.sim().digest();
        tl.seek(end / 3);
        tl.seek(end);
        assert_eq!(tl.sim().digest(), digest);
    }

    #[test]
    fn a_resumed_run_starts_at_its_recovery() {
        let mut sim = Sim::new(cfg(10), 1);
        sim.run_until(120);
        let mut tl = Timeline::resume(Sim::recover(sim.durable_state()).unwrap());
        assert_eq!(tl.start(), 120);
        tl.advance(60_000);
        assert!(tl.is_settled());
        tl.seek(0);
        assert_eq!(tl.now(), 120, "nothing before the recovery to rewind to");
    }

    #[test]
    fn step_event_moves_to_the_next_moment() {
        let mut tl = Timeline::new(cfg(2), 1);
        assert!(tl.step_event());
        let t1 = tl.now();
        assert!(tl.step_event());
        assert!(tl.now() > t1);
        tl.step_back();
        assert!(tl.now() < t1 + 1);
    }

    #[test]
    fn a_catch_up_in_slices_reaches_the_same_state_as_one_seek() {
        let script = vec![
            Action {
                at: 300,
                command: Command::CrashNow { consumer: 0 },
            },
            Action {
                at: 2_000,
                command: Command::ArmCrash {
                    consumer: None,
                    point: CrashPoint::AfterCharge,
                    mode: ArmMode::EveryKth(7),
                },
            },
        ];
        let mut whole = Timeline::with_actions(cfg(3_000), 9, script.clone());
        whole.seek(60_000);
        let mut sliced = Timeline::with_actions(cfg(3_000), 9, script);
        let mut slices = 0;
        let mut last = (0, 0);
        while sliced.catch_up(60_000, 500) == CatchUp::Partway {
            slices += 1;
            let here = (sliced.now(), sliced.sim().events().total());
            assert!(here > last, "every slice makes progress");
            assert!(here.1 <= last.1 + 500 + 64, "a slice stays near its budget");
            last = here;
        }
        assert!(slices >= 5, "{slices} slices");
        assert_eq!(sliced.now(), 60_000);
        assert_eq!(sliced.sim().digest(), whole.sim().digest());
        assert_eq!(sliced.actions(), whole.actions());
        // Backwards in slices lands where a seek lands too.
        while sliced.catch_up(1_000, 500) == CatchUp::Partway {}
        whole.seek(1_000);
        assert_eq!(sliced.sim().digest(), whole.sim().digest());
    }

    #[test]
    fn scripted_actions_apply_at_their_time() {
        let script = vec![Action {
            at: 200,
            command: Command::CrashNow { consumer: 0 },
        }];
        let mut tl = Timeline::with_actions(cfg(20), 2, script);
        tl.advance(199);
        assert_eq!(tl.sim().metrics().counters.crashes, 0);
        tl.advance(1);
        assert_eq!(tl.sim().metrics().counters.crashes, 1);
    }
}
