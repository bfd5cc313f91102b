//! The run on screen and the lab being followed, shared by every component and compared by identity
//! and version, never by content.

use super::CatchingUp;
use crate::sim::Sim;
use crate::sim::lab::Lab;
use crate::sim::timeline::{CatchUp, Timeline};
use std::cell::{Ref, RefCell};
use std::rc::Rc;

/// The run shown on screen, shared by every component. Compared by version, never by content.
#[derive(Clone)]
pub struct World {
    pub(super) timeline: Rc<RefCell<Timeline>>,
    pub(super) version: u64,
}

impl PartialEq for World {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.timeline, &other.timeline)
    }
}

impl World {
    pub(crate) fn new(timeline: Timeline) -> World {
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

    /// Which run and which moment of it: equal keys show the same thing.
    pub fn key(&self) -> (usize, u64) {
        (Rc::as_ptr(&self.timeline) as usize, self.version)
    }

    /// What a [`crate::ui::components::memo::Memo`] of a panel drawn from this run depends on: the
    /// run, its moment ([`World::key`]) and `extra` (the app's revision, a part count…).
    pub fn deps(&self, extra: u64) -> (usize, u64, u64) {
        let (run, version) = self.key();
        (run, version, extra)
    }

    /// Bumped at every change of the world.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Changes the world in place and returns the handle of the changed world.
    pub(crate) fn update<R>(&self, f: impl FnOnce(&mut Timeline) -> R) -> (World, R) {
        let r = f(&mut self.timeline.borrow_mut());
        let world = World {
            timeline: self.timeline.clone(),
            version: self.version + 1,
        };
        (world, r)
    }

    /// One slice of a catch-up ([`Timeline::catch_up`], then for a rerun of a finished run the steps
    /// to its end), in place and without a new version: the panels keep showing the old picture (and
    /// skip re-rendering) until the run gets there. While the world is borrowed elsewhere the slice
    /// waits for the next call.
    pub fn catch_up(&self, c: &CatchingUp, max_events: u64) -> CatchUp {
        let Ok(mut timeline) = self.timeline.try_borrow_mut() else {
            return CatchUp::Partway;
        };
        // Past the target (settling) a catch-up to it would restore a snapshot and replay.
        if timeline.now() <= c.target && timeline.catch_up(c.target, max_events) == CatchUp::Partway
        {
            return CatchUp::Partway;
        }
        let Some(until) = c.settle_until else {
            return CatchUp::Done;
        };
        let budget_end = timeline.sim().events().total().saturating_add(max_events);
        loop {
            let events = timeline.sim().events().total();
            if timeline.is_settled()
                || timeline.sim().halt().is_some()
                || events >= until
                || !timeline.step_event()
            {
                return CatchUp::Done;
            }
            if timeline.sim().events().total() >= budget_end {
                return CatchUp::Partway;
            }
        }
    }

    /// The same run under a new version, after it moved without one (a catch-up).
    pub(super) fn replace_same(&self) -> World {
        World {
            timeline: self.timeline.clone(),
            version: self.version + 1,
        }
    }

    /// Replaces the world by another run.
    pub(crate) fn replace(&self, timeline: Timeline) -> World {
        World {
            timeline: Rc::new(RefCell::new(timeline)),
            version: self.version + 1,
        }
    }
}

/// The lab being followed, compared by identity.
#[derive(Clone)]
pub struct LabRef(pub(super) Rc<Lab>);

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
