//! The labs: guided scenarios as data, in the manner of Learn Git Branching's levels.
//!
//! Each lab is a starting configuration, a scripted fault schedule, a narrative (predict → run →
//! observe → explain) and goals judged by the checker's invariants — never by the settings, so any
//! fix that removes the harm for the right reason passes and a setting that merely hides it does not
//! (`tests/lab_adversary.rs` searches for configurations that would game a lab). The order walks the
//! course: a calm delivery, the double-payment incident, the failure-injection test, acking too early,
//! the side effect outside the transaction, concurrent duplicates, retry storms, and the checklist
//! that ties them together. One file per lab; `common` holds what their goals share.

/// A lesson text of a numbered lab (its story, prediction, goals, hints and solution, and the closing panel):
/// the literal itself natively, an empty string in the browser build. The page fetches the words from
/// `lessons.json`, written at build time by `lab labs --lessons` from these same literals, when a lab opens:
/// they are about 5 KB of the gzipped download that a visitor who stays in free play never reads.
/// Counts (options, hints) stay in both builds, so every check on them is unchanged.
#[cfg(not(target_arch = "wasm32"))]
macro_rules! lesson {
    ($text:literal) => {
        $text
    };
}
#[cfg(target_arch = "wasm32")]
macro_rules! lesson {
    ($text:literal) => {
        ""
    };
}

/// A lab's list (its goals, its script) as a constant slice: the entries are data in the download
/// rather than code that stores each field.
macro_rules! statics {
    ($($e:expr),* $(,)?) => {
        const { &[$($e),*] }
    };
}

mod ack_before_commit;
pub mod business_key;
mod checklist_lab;
mod commit_timing;
pub mod common;
mod double_payment;
mod effectively_once;
pub mod evidence;
pub mod expired_key;
pub mod failure_injection;
mod first_delivery;
mod retry_storm;
mod sandbox;
mod side_effect;
mod sqs_duplicate;
mod visibility_timeout;

pub use visibility_timeout::VISIBILITY_SEED;

use super::config::Config;
use super::goal::{Goal, GoalKind, GoalStatus, Judged, Learner};
use super::simulation::Sim;
use crate::i18n::{tr, trf, trs};

/// The four beats of a lab's story.
#[derive(Clone, Copy, Debug)]
pub struct Narrative {
    /// The question to think about before pressing play.
    pub predict: &'static str,
    /// What to do.
    pub run: &'static str,
    /// Where to look.
    pub observe: &'static str,
    /// Why it happened.
    pub explain: &'static str,
}

/// A multiple-choice question: the prediction asked before the first run, or the diagnosis asked
/// after it.
#[derive(Clone, Copy, Debug)]
pub struct Prediction {
    /// The question.
    pub question: &'static str,
    /// The choices.
    pub options: &'static [&'static str],
    /// Index of the right choice.
    pub answer: usize,
    /// Why that is the answer.
    pub why: &'static str,
}

/// One guided scenario.
#[derive(Clone, Debug)]
pub struct Lab {
    /// Stable id used in links and saved progress.
    pub id: &'static str,
    /// Position in the course (0 = free play).
    pub number: u8,
    /// Title.
    pub title: &'static str,
    /// One line for the lab picker.
    pub summary: &'static str,
    /// The story.
    pub narrative: Narrative,
    /// The prediction to make first.
    pub prediction: Option<Prediction>,
    /// The diagnosis question a `Diagnose` goal asks, answered after looking at the evidence.
    pub diagnosis: Option<Prediction>,
    /// The seed every learner starts from.
    pub seed: u64,
    /// The starting configuration.
    pub config: Config,
    /// The scripted fault schedule.
    pub actions: &'static [super::command::Action],
    /// What to achieve.
    pub goals: &'static [Goal],
    /// Nudges, from gentle to explicit.
    pub hints: &'static [&'static str],
    /// The fix, in words.
    pub solution: &'static str,
    /// The fix, applied to a configuration.
    pub fix: fn(&mut Config),
}

/// Where a learner stands in a lab: complete, or what is still missing, with the harm of the run on
/// screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabVerdict {
    /// Every goal achieved, in this run or an earlier one.
    pub complete: bool,
    /// The verdict in one or two sentences.
    pub sentence: String,
}

impl Lab {
    /// Every lab, in course order, free play first, in the installed language.
    pub fn all() -> Vec<Lab> {
        LABS.iter().map(Lab::translated).collect()
    }

    /// This lab with its words in the installed language. A numbered lab's story is a lesson, which
    /// the page fetches (empty here, and no catalogue key natively: `tr` leaves it as it is); free
    /// play's is catalogue keys, and its hint is translated apart, a lab's hints being a static slice.
    fn translated(&self) -> Lab {
        let n = self.narrative;
        Lab {
            title: tr(self.title),
            summary: tr(self.summary),
            narrative: Narrative {
                predict: tr(n.predict),
                run: tr(n.run),
                observe: tr(n.observe),
                explain: tr(n.explain),
            },
            hints: if self.number == 0 {
                sandbox::hints()
            } else {
                self.hints
            },
            solution: tr(self.solution),
            ..self.clone()
        }
    }

    /// The lab with this id.
    pub fn by_id(id: &str) -> Option<Lab> {
        Lab::all().into_iter().find(|l| l.id == id)
    }

    /// Runs the lab (optionally with another config or seed) to completion, applying its script.
    pub fn run(&self, config: &Config, seed: u64, limit_ms: u64) -> Sim {
        let mut sim = Sim::new(config.clone(), seed);
        // A script's action that another config refuses (a consumer it lacks) is skipped.
        let _ = sim.replay(self.actions);
        sim.run_to_completion(limit_ms);
        sim
    }

    /// Every goal's status on `sim`, for a learner who only ran it.
    pub fn evaluate(&self, sim: &Sim) -> Vec<GoalStatus> {
        self.goals.iter().map(|g| g.evaluate(sim)).collect()
    }

    /// Every goal judged on `sim` with what the learner did, each with its sentence.
    pub fn judge(&self, sim: &Sim, learner: &Learner) -> Vec<Judged> {
        self.goals.iter().map(|g| g.judge(sim, learner)).collect()
    }

    /// The verdict: complete when every goal passes now or passed before (`achieved` holds goal ids
    /// from earlier runs); otherwise the first goal still missing and why. `judged` is
    /// [`Lab::judge`]'s answer for the run on screen, `sim` that run.
    pub fn verdict(
        &self,
        sim: &Sim,
        judged: &[Judged],
        achieved: &dyn Fn(&str) -> bool,
    ) -> LabVerdict {
        let harm = common::harm_words(sim);
        let this_run = match (&harm, sim.is_settled()) {
            (Some(h), _) => Some(trf("This run: {0}.", &[h])),
            (None, true) if sim.now() > 0 => {
                Some(trs("This run: every payment charged exactly once."))
            }
            _ => None,
        };
        let with_run = |s: String| match &this_run {
            // A goal's reason may already name the run's harm ("13 payments charged…"):
            // said once, not twice in a row.
            // (`ends_with`, not `contains`: a substring search costs the download about 1 KB.)
            Some(r) if !harm.as_ref().is_some_and(|h| s.ends_with(&format!("{h}."))) => {
                format!("{s} {r}")
            }
            _ => s,
        };
        let missing = self
            .goals
            .iter()
            .zip(judged)
            .find(|(g, j)| j.status != GoalStatus::Pass && !achieved(g.id));
        match missing {
            None => LabVerdict {
                complete: true,
                sentence: with_run(trs("Lab complete: every goal achieved.")),
            },
            Some((g, j)) => LabVerdict {
                complete: false,
                // The browser build loads goal texts on demand (empty here): the reason alone then.
                sentence: with_run(if g.text.is_empty() {
                    trf("Not complete yet: {0}", &[&j.why])
                } else {
                    trf("Still missing: {0}. {1}", &[g.text, &j.why])
                }),
            },
        }
    }

    /// The goals a configuration must pass to count as fixed.
    pub fn fix_goals(&self) -> impl Iterator<Item = &Goal> {
        self.goals.iter().filter(|g| g.kind == GoalKind::Fix)
    }

    /// The lab after this one, if any.
    pub fn next(&self) -> Option<Lab> {
        Lab::all().into_iter().find(|l| l.number == self.number + 1)
    }
}

/// The labs in course order, free play first, as constants: data in the download rather than code
/// that builds each one.
static LABS: [Lab; 14] = [
    sandbox::LAB,
    first_delivery::LAB,
    double_payment::LAB,
    failure_injection::LAB,
    ack_before_commit::LAB,
    side_effect::LAB,
    visibility_timeout::LAB,
    retry_storm::LAB,
    checklist_lab::LAB,
    expired_key::LAB,
    business_key::LAB,
    sqs_duplicate::LAB,
    commit_timing::LAB,
    effectively_once::LAB,
];

/// When at-least-once delivery is the right choice, for the closing panel.
pub const WHEN_TO_USE: [&str; 4] = [
    lesson!(
        "Money and other state changes: payments, orders, stock levels — anywhere a lost message costs more than a handled duplicate."
    ),
    lesson!(
        "Workflows whose steps must all happen eventually, such as order processing or provisioning."
    ),
    lesson!(
        "Events that mutate state downstream, when the consumer can recognise a repeat by a business id."
    ),
    lesson!(
        "Not for data that is worthless once late (a live price tick, a sensor sample): at-most-once is cheaper there, and losing one message is acceptable."
    ),
];

/// What the course comes down to, for the closing panel.
pub const TAKEAWAYS: [&str; 8] = [
    lesson!(
        "At-least-once means nothing is dropped before it is acknowledged, at the price of duplicates; at-most-once means no duplicates, at the price of loss. Pick one on purpose."
    ),
    lesson!(
        "A duplicate is a normal event, not an exception: crashes, lost acks, timeouts and rebalances all produce them, sometimes with no failure at all."
    ),
    lesson!(
        "The consumer must be idempotent end to end — the database write and the card charge — keyed by the business id."
    ),
    lesson!(
        "Commit the effect and the processed record together, and acknowledge only after the commit."
    ),
    lesson!(
        "Watch redeliveries, duplicates caught, dead letters and lag: they are how you learn that the guarantee is being exercised."
    ),
    lesson!(
        "Idempotency memory expires: Stripe may remove a key once it is 24 hours old. Keep your own processed records longer than any message can come back — the longest outage, the dead-letter queue's retention."
    ),
    lesson!(
        "A producer that publishes again sends the same payment as a new message: key idempotency on the payment, never on the message id."
    ),
    lesson!(
        "Exactly-once is an end-to-end result, not a broker setting: offsets stored with the ledger make the database effectively-once, and every side effect outside it still needs its own idempotency key."
    ),
];

#[cfg(test)]
mod tests;
