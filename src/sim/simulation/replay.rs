//! Replay: an action log played onto a run.
//!
//! Seed + configuration + action log determine a run, so everything that rebuilds one — the timeline
//! scrubbing back, the sweep, a lab's script, a shared link, the CLI's scripted actions — does it the
//! same way: run the world to each action's time, apply the action, go on. This is that one loop, so
//! they cannot drift apart (an action applied before or after the timers of its own millisecond would
//! give a different run).

use super::super::command::Action;
use super::super::config::Millis;
use super::{CommandError, Sim};

/// An action of a replayed log that the run refused, with its place in the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// Its index in the log.
    pub index: usize,
    /// The action.
    pub action: Action,
    /// Why the run refused it.
    pub error: CommandError,
}

impl Sim {
    /// Plays `actions` (in time order; actions at the same time keep their order) onto this run: runs
    /// the world to each action's time, then applies it. The world stops at the last action's time;
    /// run it on with [`Sim::run_until`] or [`Sim::run_to_completion`]. A refused action is skipped and
    /// the rest still play; the first refusal is returned.
    pub fn replay(&mut self, actions: &[Action]) -> Result<(), Refused> {
        let mut next = 0;
        self.replay_until(actions, &mut next, Millis::MAX, &mut |sim, at, _| {
            sim.run_until(at)
        })
    }

    /// The general form of [`Sim::replay`]: plays `actions[*next..]` whose time is at most `t`, and
    /// leaves `*next` at the first action not played. The world is moved to each action's time by
    /// `run_to(sim, time, index of that action)`, so a caller can do more on the way (the timeline
    /// takes snapshots, which must know how many actions are applied); it is not moved on to `t`.
    pub fn replay_until(
        &mut self,
        actions: &[Action],
        next: &mut usize,
        t: Millis,
        // `dyn`: one copy of the loop serves every caller (actions are rare; the call costs nothing
        // next to running the world), which keeps the browser bundle smaller.
        run_to: &mut dyn FnMut(&mut Sim, Millis, usize),
    ) -> Result<(), Refused> {
        let mut first = Ok(());
        while let Some(action) = actions.get(*next).copied() {
            if action.at > t {
                break;
            }
            run_to(self, action.at, *next);
            if let Err(error) = self.apply(action.command)
                && first.is_ok()
            {
                first = Err(Refused {
                    index: *next,
                    action,
                    error,
                });
            }
            *next += 1;
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::command::{Command, CrashPoint};
    use super::super::super::config::Config;
    use super::*;

    fn at(at: Millis, command: Command) -> Action {
        Action { at, command }
    }

    #[test]
    fn actions_apply_at_their_time_and_a_refused_one_is_reported_and_skipped() {
        let log = [
            at(0, Command::LoseNextAck { consumer: 0 }),
            at(120, Command::CrashNow { consumer: 9 }),
            at(300, Command::CrashNow { consumer: 0 }),
        ];
        let mut sim = Sim::new(Config::default(), 7);
        let refused = sim.replay(&log).unwrap_err();
        assert_eq!(refused.index, 1);
        assert_eq!(refused.action, log[1]);
        assert_eq!(sim.now(), 300, "the world stops at the last action");
        // The refused action is not in the run's record; the two others are, at their times.
        let applied: Vec<Millis> = sim.actions().iter().map(|a| a.at).collect();
        assert_eq!(applied, [0, 300]);
        assert_eq!(sim.metrics().counters.crashes, 1);
    }

    #[test]
    fn a_replay_in_parts_is_the_same_run_as_one_replay() {
        let log = [
            at(
                0,
                Command::ArmCrash {
                    consumer: None,
                    point: CrashPoint::AfterCharge,
                    mode: crate::sim::command::ArmMode::EveryKth(3),
                },
            ),
            at(250, Command::CrashNow { consumer: 1 }),
            at(250, Command::LoseNextAck { consumer: 0 }),
            at(900, Command::CrashNow { consumer: 0 }),
        ];
        let two = Config {
            consumers: 2,
            ..Config::default()
        };
        let mut whole = Sim::new(two.clone(), 3);
        let refused = whole.replay(&log).err();
        whole.run_to_completion(60_000);
        let mut parts = Sim::new(two.clone(), 3);
        let mut next = 0;
        let mut refused_in_parts = None;
        for t in [0, 249, 250, 600, 900] {
            let r = parts.replay_until(&log, &mut next, t, &mut |s, at, _| s.run_until(at));
            refused_in_parts = refused_in_parts.or(r.err());
            parts.run_until(t);
        }
        assert_eq!(refused_in_parts, refused);
        assert_eq!(next, log.len());
        parts.run_to_completion(60_000);
        assert_eq!(parts.actions(), whole.actions());
        assert_eq!(parts.digest(), whole.digest());
    }
}
