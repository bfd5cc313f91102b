//! The timeline's snapshots: copies of the run taken every few thousand events, so that a jump to
//! any time replays only the gap from the nearest earlier copy.
//!
//! Their number and their memory are bounded: when either bound is reached every second snapshot is
//! dropped and the spacing doubles, so a long run keeps a few evenly spread copies instead of a
//! growing pile.

use super::super::config::Millis;
use super::super::simulation::Sim;

/// Events between two snapshots at the start of a run (the spacing doubles each time the snapshot list
/// is thinned, so long runs keep a bounded number of evenly spread snapshots).
pub const SNAPSHOT_EVERY: u64 = 4096;
/// Most snapshots kept; beyond it every second one is dropped.
pub(super) const MAX_SNAPSHOTS: usize = 32;
/// Most heap the snapshots may hold together ([`Sim::heap_bytes`]); beyond it every second one is
/// dropped too. A snapshot of a 200,000-payment run is about 5 MB, so without this bound 32 of them
/// took a browser tab past 100 MB; with it, big runs keep fewer, farther-apart snapshots (a jump
/// replays a longer gap) and small runs keep all 32.
pub(super) const MAX_SNAPSHOT_BYTES: usize = 24 << 20;
/// Events of history each snapshot keeps, so the event log is not empty after a jump back.
pub(super) const SNAPSHOT_EVENTS: usize = 1000;

/// The run as it was at one moment, with how many of the log's actions it had applied.
#[derive(Clone, Debug)]
pub(super) struct Snapshot {
    pub(super) next_action: usize,
    pub(super) sim: Sim,
}

/// The snapshots of one timeline, oldest first (the first is where the timeline starts).
#[derive(Clone, Debug)]
pub(super) struct Snapshots {
    pub(super) list: Vec<Snapshot>,
    every: u64,
}

impl Snapshots {
    /// The list holding `start`, with no action applied yet.
    pub(super) fn new(start: &Sim) -> Snapshots {
        Snapshots {
            list: vec![Snapshot {
                next_action: 0,
                sim: start.clone(),
            }],
            every: SNAPSHOT_EVERY,
        }
    }

    /// Runs `sim` to `t`, taking snapshots along the way; `next_action` is how many of the log's
    /// actions `sim` has applied.
    pub(super) fn play_until(&mut self, sim: &mut Sim, next_action: usize, t: Millis) {
        loop {
            let last = self.list.last().map_or(0, |s| s.sim.events().total());
            let due = last + self.every;
            if sim.events().total() >= due
                && self.list.last().is_none_or(|s| s.sim.now() < sim.now())
            {
                self.take(sim, next_action);
            }
            match sim.next_event_time() {
                Some(next) if next <= t => {
                    // Step timer by timer only while a snapshot could fall due; otherwise run in bulk.
                    if sim.events().total() + 64 < due {
                        sim.run_until(next);
                    } else {
                        sim.step();
                    }
                }
                _ => break,
            }
        }
        sim.run_until(t);
    }

    fn take(&mut self, sim: &mut Sim, next_action: usize) {
        let copy = sim.snapshot(SNAPSHOT_EVENTS);
        let bytes = copy.heap_bytes() + self.heap_bytes();
        if self.list.len() >= MAX_SNAPSHOTS || bytes > MAX_SNAPSHOT_BYTES {
            let mut i = 0;
            self.list.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.every = self.every.saturating_mul(2);
        }
        self.list.push(Snapshot {
            next_action,
            sim: copy,
        });
    }

    /// The heap the snapshots hold together, in bytes ([`Sim::heap_bytes`] of each).
    pub(super) fn heap_bytes(&self) -> usize {
        self.list.iter().map(|s| s.sim.heap_bytes()).sum()
    }
}
