//! Goals: what a lab asks the learner to achieve, judged by the checker's invariants.
//!
//! A goal never compares exact state ("the ledger must equal this table") and never looks at the
//! settings ("is the gateway key on?"); it asks a question any correct run answers the same way ("did
//! the crash happen, and was every payment charged exactly once?"). A learner who reaches the fix by
//! another path still passes, and a setting that hides the problem instead of solving it does not.
//! Every verdict carries one sentence saying why, so a goal never fails for an unstated reason.

use super::checker::Outcome;
use super::simulation::Sim;
use crate::i18n::{n_, tr, trf};
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

/// A goal's status with the sentence that explains it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judged {
    /// Where the goal stands.
    pub status: GoalStatus,
    /// Why, in one sentence (also for a pass, so the learner sees what was checked).
    pub why: String,
}

impl Judged {
    /// Achieved, because `why`.
    pub fn pass(why: impl Into<String>) -> Judged {
        Judged {
            status: GoalStatus::Pass,
            why: why.into(),
        }
    }

    /// Not achievable in this run, because `why`.
    pub fn fail(why: impl Into<String>) -> Judged {
        Judged {
            status: GoalStatus::Fail,
            why: why.into(),
        }
    }

    /// Not decided yet, because `why`.
    pub fn pending(why: impl Into<String>) -> Judged {
        Judged {
            status: GoalStatus::Pending,
            why: why.into(),
        }
    }

    /// The first failing part, else the first pending one, else the last passing one (parts are
    /// listed from precondition to conclusion, so the last pass says the most).
    pub fn all(parts: impl IntoIterator<Item = Judged>) -> Judged {
        let mut pending: Option<Judged> = None;
        let mut last = Judged::pass(tr("Nothing to check."));
        for p in parts {
            match p.status {
                GoalStatus::Fail => return p,
                GoalStatus::Pending => {
                    pending.get_or_insert(p);
                }
                GoalStatus::Pass => last = p,
            }
        }
        pending.unwrap_or(last)
    }
}

/// What kind of achievement a goal asks for. A lab is complete when every goal has been achieved at
/// least once, not necessarily in the same run: the problem is seen in one run and fixed in another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoalKind {
    /// See the problem happen.
    See,
    /// Point at the evidence: something the learner chose, recorded in their progress.
    Diagnose,
    /// A run free of the lab's harm, for the right reason. The adversary test checks that no
    /// configuration passes every fix goal while leaving harm behind.
    Fix,
}

/// What the learner did that is not part of the simulation: the payment they selected and their
/// answer to the lab's diagnosis question.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Learner {
    /// The payment the learner selected (the event log narrowed to it).
    pub focus: Option<u32>,
    /// The option picked for the lab's diagnosis question.
    pub diagnosis: Option<usize>,
}

/// One goal of a lab.
#[derive(Clone, Copy, Debug)]
pub struct Goal {
    /// Stable id within the lab (used to remember progress).
    pub id: &'static str,
    /// What to achieve, in the trainer's words.
    pub text: &'static str,
    /// See, diagnose or fix.
    pub kind: GoalKind,
    /// The judge.
    pub check: fn(&Sim, &Learner) -> Judged,
}

impl Goal {
    /// Judges the goal against the current state of a run and what the learner did.
    pub fn judge(&self, sim: &Sim, learner: &Learner) -> Judged {
        (self.check)(sim, learner)
    }

    /// The status alone, for a learner who did nothing beyond running (the CLI, the golden runs).
    pub fn evaluate(&self, sim: &Sim) -> GoalStatus {
        self.judge(sim, &Learner::default()).status
    }
}

/// Something that must happen at least `n` times: pass once seen; fail if the run settled without
/// it. `what` names the thing counted, in the plural and in the page's language ("redeliveries").
pub fn at_least(sim: &Sim, have: u64, n: u64, what: &str) -> Judged {
    let enough = have >= n;
    let have = have.to_string();
    if enough {
        Judged::pass(trf("This run has {0} {1}.", &[&have, what]))
    } else if sim.is_settled() {
        Judged::fail(trf(
            "The run ended with {0} {1}; this needs at least {2}.",
            &[&have, what, &n.to_string()],
        ))
    } else {
        Judged::pending(trf("{0} {1} so far; keep playing.", &[&have, what]))
    }
}

/// At least `n` payments ended with `outcome`.
pub fn outcome_at_least(sim: &Sim, outcome: Outcome, n: u64) -> Judged {
    at_least(
        sim,
        sim.totals().get(outcome),
        n,
        tr(match outcome {
            Outcome::ChargedOnce => n_("charged once payments"),
            Outcome::Duplicate => n_("duplicate payments"),
            Outcome::Lost => n_("lost payments"),
            Outcome::Orphan => n_("orphan payments"),
            Outcome::DeadLettered => n_("dead-lettered payments"),
            Outcome::Pending => n_("pending payments"),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::Config;

    #[test]
    fn all_combines_like_a_checklist() {
        use GoalStatus::*;
        assert_eq!(GoalStatus::all([Pass, Pass]), Pass);
        assert_eq!(GoalStatus::all([Pass, Pending]), Pending);
        assert_eq!(GoalStatus::all([Pending, Fail]), Fail);
        let j = Judged::all([Judged::pass("a"), Judged::pending("b"), Judged::fail("c")]);
        assert_eq!(j, Judged::fail("c"));
        assert_eq!(
            Judged::all([Judged::pass("a"), Judged::pending("b")]).why,
            "b"
        );
    }

    #[test]
    fn at_least_waits_for_the_run_to_settle_and_says_why() {
        let mut sim = Sim::new(Config::default(), 1);
        let j = at_least(&sim, 0, 1, "crashes");
        assert_eq!(j.status, GoalStatus::Pending);
        sim.run_to_completion(60_000);
        let j = at_least(&sim, sim.metrics().counters.crashes, 1, "crashes");
        assert_eq!(j.status, GoalStatus::Fail);
        assert!(j.why.contains("0 crashes"), "{}", j.why);
    }
}
