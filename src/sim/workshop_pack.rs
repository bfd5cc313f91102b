//! The workshop pack's facilitator texts and answers: per lab, the timing, the discussion prompts and
//! the filled truth table of its printed worksheet.
//!
//! Native only: `lab labs --lessons` writes all of it into `lessons.json`, which the page fetches when
//! a lab opens, so none of it is in the browser's download. The truth table is computed here, from
//! the same simulation the page runs, never typed in: a crash at each boundary with the lab's starting
//! consumer, and again with the lab's fix applied.

use super::command::{Action, CrashPoint};
use super::lab::Lab;
use super::simulation::Sim;
use super::sweep::{Verdict, arm_for, verdict};

/// How a facilitator runs one lab in a workshop.
#[derive(Clone, Copy, Debug)]
pub struct Facilitation {
    /// Minutes for the lab and how they split, in one sentence.
    pub timing: &'static str,
    /// Questions to ask the room after the run.
    pub prompts: &'static [&'static str],
}

/// The facilitation of lab `id`, if it is a numbered lab this version knows.
pub fn facilitation(id: &str) -> Option<Facilitation> {
    let (timing, prompts): (&str, &[&str]) = match id {
        "first-delivery" => (
            "10 minutes: 2 to predict, 3 to run, 5 to walk one payment's steps together.",
            &[
                "Which step tells the broker it may forget the message, and what would change if it came first?",
                "Nothing failed here. Where in these steps could a crash leave a payment half done?",
            ],
        ),
        "double-payment" => (
            "20 minutes: 3 to predict, 5 to run and find a duplicate, 5 to diagnose, 7 to fix and rerun.",
            &[
                "The broker did exactly what at-least-once promises. Whose job was it to notice the repeat?",
                "Which signal on the dashboard would have paged you first, and how long after the first duplicate?",
                "Why does the fix have to be durable: what would an in-memory set of seen payments miss?",
            ],
        ),
        "failure-injection" => (
            "20 minutes: 3 to predict, 7 to run the test, 10 to find the failing boundary and close it.",
            &[
                "Which boundary did the review of this consumer miss, and why is it easy to miss?",
                "How would you run this test against your own consumer: where would the crash come from?",
            ],
        ),
        "ack-before-commit" => (
            "15 minutes: 3 to predict, 5 to run, 7 to compare loss with duplication.",
            &[
                "Is a lost payment better or worse than a double charge for your business, and who notices each?",
                "Why does moving the ack after the commit bring duplicates back, and what absorbs them?",
            ],
        ),
        "side-effect" => (
            "15 minutes: 3 to predict, 5 to run, 7 to discuss effects outside the database.",
            &[
                "The transaction rolled back. Why did the card charge not roll back with it?",
                "Which of your own calls to other services could take effect twice, and do they accept a key?",
            ],
        ),
        "visibility-timeout" => (
            "20 minutes: 3 to predict, 7 to run, 10 to compare check-then-insert with a unique constraint.",
            &[
                "Nothing crashed, yet a payment was processed twice. Where did the second delivery come from?",
                "Why is a longer visibility timeout not a fix on its own?",
            ],
        ),
        "retry-storm" => (
            "20 minutes: 3 to predict, 7 to run the outage, 10 to try backoff, jitter and a delivery limit.",
            &[
                "The outage ended, but the load did not. What kept it going?",
                "What happens to a payment that reaches the delivery limit, and who has to look at it?",
                "Which of your own clients retry at once, without backoff or a budget?",
            ],
        ),
        "checklist" => (
            "15 minutes: 5 to tick the items the room expects to need, 5 to run, 5 to review what broke.",
            &[
                "Which item did the room leave out, and which lab shows what breaks without it?",
                "Which of these items does your own service already have, and how would you prove it?",
            ],
        ),
        _ => return None,
    };
    Some(Facilitation { timing, prompts })
}

/// One row of a lab's truth table: a crash at `point` with the lab's starting consumer and with its fix.
#[derive(Clone, Debug, PartialEq)]
pub struct TruthRow {
    /// Where the consumer crashes (every k-th pass, as the sweep crashes it).
    pub point: CrashPoint,
    /// What happens with the lab's starting configuration, in words.
    pub start: String,
    /// What happens once the lab's fix is applied, in words.
    pub fixed: String,
}

/// The filled truth table of `lab`'s worksheet: for every crash boundary, the verdict of the lab's
/// starting configuration and of its fix, on the lab's seed, with the crash the sweep arms and no
/// other scripted fault.
pub fn truth_table(lab: &Lab) -> Vec<TruthRow> {
    let mut fixed = lab.config.clone();
    (lab.fix)(&mut fixed);
    CrashPoint::BOUNDARIES
        .into_iter()
        .map(|point| TruthRow {
            point,
            start: outcome(lab, &lab.config, point),
            fixed: outcome(lab, &fixed, point),
        })
        .collect()
}

/// What a crash at `point` does to a run of `config`, in the worksheet's words.
fn outcome(lab: &Lab, config: &super::config::Config, point: CrashPoint) -> String {
    let mut sim = Sim::new(config.clone(), lab.seed);
    let arm = Action {
        at: 0,
        command: arm_for(point, config.payments),
    };
    if sim.replay(&[arm]).is_err() {
        return "no crash possible here".into();
    }
    let settled = sim.run_to_completion(24 * 3_600_000);
    let t = sim.totals();
    let n = |k: u64| {
        if k == 1 {
            "1 payment".to_string()
        } else {
            format!("{k} payments")
        }
    };
    // The worst outcome first, as the sweep's verdict ranks them; dead letters are harm too.
    let mut words = match (settled, verdict(&t)) {
        (false, _) | (_, Verdict::Unsettled) => {
            return "did not settle within a simulated day".into();
        }
        (true, Verdict::Safe) if t.dead_lettered == 0 => {
            return "every payment charged once".into();
        }
        (true, Verdict::Safe) => String::new(),
        (true, Verdict::Duplicate) => format!("charged twice: {}", n(t.duplicate)),
        (true, Verdict::Lost) => format!("lost: {}", n(t.lost)),
        (true, Verdict::Orphan) => format!("orphan (charge and ledger disagree): {}", n(t.orphan)),
    };
    if t.dead_lettered > 0 {
        let sep = if words.is_empty() { "" } else { "; " };
        words = format!("{words}{sep}dead-lettered: {}", n(t.dead_lettered));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_numbered_lab_has_a_timing_and_prompts() {
        for lab in Lab::all().iter().filter(|l| l.number > 0) {
            let f =
                facilitation(lab.id).unwrap_or_else(|| panic!("{} has no facilitation", lab.id));
            assert!(f.timing.contains("minutes"), "{}", lab.id);
            assert!(!f.prompts.is_empty(), "{}", lab.id);
        }
        assert!(facilitation("sandbox").is_none());
    }

    /// The key is the simulation's answer: lab 2's naive consumer charges twice after a crash between
    /// commit and ack, and its fix charges once.
    #[test]
    fn the_double_payment_key_says_twice_before_the_fix_and_once_after() {
        let lab = Lab::by_id("double-payment").expect("lab 2");
        let table = truth_table(&lab);
        assert_eq!(table.len(), 6);
        let commit = table
            .iter()
            .find(|r| r.point == CrashPoint::AfterCommit)
            .expect("after commit");
        assert!(commit.start.starts_with("charged twice: "), "{commit:?}");
        assert_eq!(commit.fixed, "every payment charged once");
    }
}
