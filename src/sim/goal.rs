//! Goals: what a lab asks the learner to achieve, judged by the checker's invariants.
//!
//! A goal never compares exact state ("the ledger must equal this table"); it asks a question any
//! correct run answers the same way ("did anyone get charged twice?"). That way a learner who reaches
//! the fix by another path still passes.

use super::checker::Outcome;
use super::config::Config;
use super::simulation::Sim;
use serde::{Deserialize, Serialize};

/// Where a goal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    /// Achieved.
    Pass,
    /// Cannot be achieved in this run any more.
    Fail,
    /// Not decided yet.
    Pending,
}

impl GoalStatus {
    /// The word used in `data-status` attributes.
    pub fn name(self) -> &'static str {
        match self {
            GoalStatus::Pass => "pass",
            GoalStatus::Fail => "fail",
            GoalStatus::Pending => "pending",
        }
    }

    /// Pass only if every part passes; fail if any part fails.
    pub fn all(parts: impl IntoIterator<Item = GoalStatus>) -> GoalStatus {
        let mut out = GoalStatus::Pass;
        for p in parts {
            match p {
                GoalStatus::Fail => return GoalStatus::Fail,
                GoalStatus::Pending => out = GoalStatus::Pending,
                GoalStatus::Pass => {}
            }
        }
        out
    }
}

/// One goal of a lab.
#[derive(Clone, Copy, Debug)]
pub struct Goal {
    /// Stable id within the lab (used to remember progress).
    pub id: &'static str,
    /// What to achieve, in the trainer's words.
    pub text: &'static str,
    /// The judge.
    pub check: fn(&Sim) -> GoalStatus,
}

impl Goal {
    /// Judges the goal against the current state of a run.
    pub fn evaluate(&self, sim: &Sim) -> GoalStatus {
        (self.check)(sim)
    }
}

/// Something that must happen at least `n` times: pass once seen; fail if the run settled without it.
pub fn at_least(sim: &Sim, have: u64, n: u64) -> GoalStatus {
    if have >= n {
        GoalStatus::Pass
    } else if sim.is_settled() {
        GoalStatus::Fail
    } else {
        GoalStatus::Pending
    }
}

/// At least `n` payments ended with `outcome`.
pub fn outcome_at_least(sim: &Sim, outcome: Outcome, n: u64) -> GoalStatus {
    at_least(sim, sim.totals().get(outcome), n)
}

/// No payment ends with `outcome`: fails as soon as one does (an extra charge never goes away), passes
/// once the run has settled without one.
pub fn never(sim: &Sim, outcome: Outcome) -> GoalStatus {
    if sim.totals().get(outcome) > 0 {
        GoalStatus::Fail
    } else if sim.is_settled() {
        GoalStatus::Pass
    } else {
        GoalStatus::Pending
    }
}

/// The run has settled and every payment was charged exactly once.
pub fn all_correct(sim: &Sim) -> GoalStatus {
    let t = sim.totals();
    if t.anomalies() > 0 {
        GoalStatus::Fail
    } else if sim.is_settled() {
        if t.charged_once == sim.config().payments as u64 {
            GoalStatus::Pass
        } else {
            GoalStatus::Fail
        }
    } else {
        GoalStatus::Pending
    }
}

/// A precondition on the current configuration: pending (not failed) while unmet, so a learner can
/// still flip the toggle.
pub fn requires(sim: &Sim, ok: fn(&Config) -> bool) -> GoalStatus {
    if ok(sim.config()) {
        GoalStatus::Pass
    } else {
        GoalStatus::Pending
    }
}

/// A fix goal: pending (never failed) until the configuration has the fix, then judged by `parts`.
/// A learner who has not tried the fix yet has not failed it.
pub fn given(
    sim: &Sim,
    ok: fn(&Config) -> bool,
    parts: impl IntoIterator<Item = GoalStatus>,
) -> GoalStatus {
    if ok(sim.config()) {
        GoalStatus::all(parts)
    } else {
        GoalStatus::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_combines_like_a_checklist() {
        use GoalStatus::*;
        assert_eq!(GoalStatus::all([Pass, Pass]), Pass);
        assert_eq!(GoalStatus::all([Pass, Pending]), Pending);
        assert_eq!(GoalStatus::all([Pending, Fail]), Fail);
    }

    #[test]
    fn never_waits_for_the_run_to_settle() {
        let mut sim = Sim::new(Config::default(), 1);
        assert_eq!(never(&sim, Outcome::Duplicate), GoalStatus::Pending);
        sim.run_to_completion(60_000);
        assert_eq!(never(&sim, Outcome::Duplicate), GoalStatus::Pass);
        assert_eq!(all_correct(&sim), GoalStatus::Pass);
    }
}
