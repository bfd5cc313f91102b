use super::*;
use crate::sim::config::{LedgerWrite, Strategy};
use crate::sim::goal::GoalKind;

const LIMIT: u64 = 600_000;

fn statuses(lab: &Lab, config: &Config) -> Vec<GoalStatus> {
    lab.evaluate(&lab.run(config, lab.seed, LIMIT))
}

#[test]
fn ids_are_unique_and_numbers_run_in_order() {
    let labs = Lab::all();
    for (i, l) in labs.iter().enumerate() {
        assert_eq!(l.number as usize, i);
        assert_eq!(l.config.validate(), Ok(()), "{}", l.id);
        assert_eq!(Lab::by_id(l.id).unwrap().id, l.id);
        for q in [l.prediction, l.diagnosis].into_iter().flatten() {
            assert!(q.answer < q.options.len());
        }
        let diagnoses = l.goals.iter().any(|g| g.kind == GoalKind::Diagnose);
        assert_eq!(diagnoses, l.diagnosis.is_some(), "{}", l.id);
    }
}

/// Each lab as shipped shows its problem (its `See` goals pass) and its fix goals do not pass; its
/// own solution makes every fix goal pass on the same seed.
#[test]
fn every_lab_shows_its_problem_and_its_solution_fixes_it() {
    for lab in Lab::all().into_iter().filter(|l| !l.goals.is_empty()) {
        let before = statuses(&lab, &lab.config);
        let mut fixed = lab.config.clone();
        (lab.fix)(&mut fixed);
        let after = statuses(&lab, &fixed);
        for (i, g) in lab.goals.iter().enumerate() {
            match g.kind {
                GoalKind::See => assert_eq!(before[i], GoalStatus::Pass, "{} {}", lab.id, g.id),
                GoalKind::Fix => {
                    assert_eq!(after[i], GoalStatus::Pass, "{} {}: {after:?}", lab.id, g.id)
                }
                GoalKind::Diagnose => {}
            }
        }
        if lab.id != "first-delivery" {
            assert!(
                lab.fix_goals()
                    .zip(
                        lab.goals
                            .iter()
                            .enumerate()
                            .filter(|(_, g)| g.kind == GoalKind::Fix)
                    )
                    .any(|(_, (i, _))| before[i] != GoalStatus::Pass),
                "{}: the fix goals must need the fix: {before:?}",
                lab.id
            );
        }
    }
}

#[test]
fn every_failed_or_pending_goal_says_why() {
    for lab in Lab::all() {
        let sim = lab.run(&lab.config, lab.seed, LIMIT);
        for (g, j) in lab.goals.iter().zip(lab.judge(&sim, &Learner::default())) {
            assert!(
                j.why.ends_with('.') || j.why.ends_with('?'),
                "{} {}: {:?}",
                lab.id,
                g.id,
                j.why
            );
            assert!(j.why.len() > 10, "{} {}", lab.id, g.id);
        }
    }
}

#[test]
fn lab_two_passes_with_the_gateway_key_and_a_commutative_ledger() {
    let lab = Lab::by_id("double-payment").unwrap();
    let mut c = lab.config.clone();
    c.strategy.gateway_key = true;
    c.strategy.ledger_write = LedgerWrite::Commutative;
    let sim = lab.run(&c, lab.seed, LIMIT);
    let fix = lab.goals.iter().find(|g| g.id == "fix").unwrap();
    let j = fix.judge(&sim, &Learner::default());
    assert_eq!(j.status, GoalStatus::Pass, "{}", j.why);
}

#[test]
fn lab_two_diagnosis_needs_a_selected_duplicate_and_the_right_answer() {
    let lab = Lab::by_id("double-payment").unwrap();
    let sim = lab.run(&lab.config, lab.seed, LIMIT);
    let g = lab
        .goals
        .iter()
        .find(|g| g.kind == GoalKind::Diagnose)
        .unwrap();
    let dup = (0..sim.config().payments)
        .find(|p| sim.outcome(*p) == crate::sim::Outcome::Duplicate)
        .unwrap();
    let clean = (0..sim.config().payments)
        .find(|p| sim.outcome(*p) == crate::sim::Outcome::ChargedOnce)
        .unwrap();
    let answer = lab.diagnosis.unwrap().answer;
    let judge = |focus, diagnosis| g.judge(&sim, &Learner { focus, diagnosis }).status;
    assert_eq!(judge(None, Some(answer)), GoalStatus::Pending);
    assert_eq!(judge(Some(clean), Some(answer)), GoalStatus::Pending);
    assert_eq!(judge(Some(dup), None), GoalStatus::Pending);
    assert_eq!(
        judge(Some(dup), Some((answer + 1) % 3)),
        GoalStatus::Pending
    );
    assert_eq!(judge(Some(dup), Some(answer)), GoalStatus::Pass);
}

#[test]
fn failure_injection_grid_shows_the_missing_key_where_nothing_is_committed_yet() {
    let lab = Lab::by_id("failure-injection").unwrap();
    let rows = failure_injection::grid(&lab.config, lab.seed);
    assert_eq!(rows.len(), 6);
    for r in &rows {
        let failing: Vec<usize> = (0..5)
            .filter(|k| r.steps[*k].status != GoalStatus::Pass)
            .collect();
        // After the charge and after the (uncommitted) ledger write, the database holds nothing yet.
        if matches!(
            r.boundary,
            crate::sim::CrashPoint::AfterCharge | crate::sim::CrashPoint::AfterLedgerWrite
        ) {
            assert_eq!(failing, vec![4], "{:?}", r.steps);
        } else {
            assert!(failing.is_empty(), "{:?}: {:?}", r.boundary, r.steps);
        }
    }
    let mut safe = lab.config.clone();
    safe.strategy = Strategy::SAFE;
    for r in failure_injection::grid(&safe, lab.seed) {
        for s in &r.steps {
            assert_eq!(s.status, GoalStatus::Pass, "{:?}: {}", r.boundary, s.why);
        }
    }
}

#[test]
fn failure_injection_step_four_catches_an_early_ack() {
    let lab = Lab::by_id("failure-injection").unwrap();
    let mut c = lab.config.clone();
    c.strategy = Strategy {
        ack_timing: crate::sim::AckTiming::ManualFirst,
        ..Strategy::SAFE
    };
    let rows = failure_injection::grid(&c, lab.seed);
    let check = rows
        .iter()
        .find(|r| r.boundary == crate::sim::CrashPoint::AfterCheck)
        .unwrap();
    assert_eq!(check.steps[3].status, GoalStatus::Fail, "{:?}", check.steps);
}

#[test]
fn the_visibility_seed_shows_the_race_as_shipped() {
    let lab = Lab::by_id("visibility-timeout").unwrap();
    let s = statuses(&lab, &lab.config);
    assert_eq!(&s[..2], &[GoalStatus::Pass, GoalStatus::Pass], "{s:?}");
}

#[test]
fn dead_lettering_everything_fails_the_retry_storm_with_a_sentence() {
    let lab = Lab::by_id("retry-storm").unwrap();
    let mut c = lab.config.clone();
    c.retry = crate::sim::RetryPolicy::Fixed { delay_ms: 100 };
    c.max_deliveries = 1;
    c.rate_limit = Some(crate::sim::config::RateLimit {
        per_second: 20,
        burst: 10,
    });
    let sim = lab.run(&c, lab.seed, LIMIT);
    let judged = lab.judge(&sim, &Learner::default());
    let failed: Vec<&Judged> = judged
        .iter()
        .filter(|j| j.status == GoalStatus::Fail)
        .collect();
    assert!(
        failed
            .iter()
            .any(|j| j.why.contains("in the dead-letter queue, so not collected")),
        "{judged:?}"
    );
    let v = lab.verdict(&sim, &judged, &|_| false);
    assert!(!v.complete);
    assert!(v.sentence.contains("dead-letter queue"), "{}", v.sentence);
}

#[test]
fn a_verdict_names_the_runs_harm_once() {
    let lab = Lab::by_id("checklist").unwrap();
    let sim = lab.run(&lab.config, lab.seed, LIMIT);
    let judged = lab.judge(&sim, &Learner::default());
    let harm = common::harm_words(&sim).expect("the naive consumer breaks");
    // "breaks" seen: what is still missing is the clean stress run, whose reason names the harm.
    let v = lab.verdict(&sim, &judged, &|id| id == "breaks");
    assert!(!v.complete);
    assert_eq!(
        v.sentence.matches(harm.as_str()).count(),
        1,
        "{}",
        v.sentence
    );
    // The browser's form (goal texts load on demand, so the reason stands alone) names it once too,
    // after one "not yet", never "Not complete yet: Not yet: …".
    let blank: Vec<Goal> = lab.goals.iter().map(|g| Goal { text: "", ..*g }).collect();
    let browser = Lab {
        goals: Box::leak(blank.into_boxed_slice()),
        ..lab.clone()
    };
    let v = browser.verdict(&sim, &judged, &|id| id == "breaks");
    assert_eq!(v.sentence, format!("Not complete yet: {harm}."));
    // A reason that does not name it (lab 2's diagnosis) still gets the run's harm after it.
    let lab = Lab::by_id("double-payment").unwrap();
    let sim = lab.run(&lab.config, lab.seed, LIMIT);
    let judged = lab.judge(&sim, &Learner::default());
    let harm = common::harm_words(&sim).expect("lab 2 charges twice");
    let v = lab.verdict(&sim, &judged, &|_| false);
    assert!(
        v.sentence.ends_with(&format!(" This run: {harm}.")),
        "{}",
        v.sentence
    );
}

#[test]
fn verdict_counts_goals_achieved_in_earlier_runs() {
    let lab = Lab::by_id("side-effect").unwrap();
    let mut c = lab.config.clone();
    (lab.fix)(&mut c);
    let sim = lab.run(&c, lab.seed, LIMIT);
    let judged = lab.judge(&sim, &Learner::default());
    let v = lab.verdict(&sim, &judged, &|_| false);
    assert!(!v.complete, "the double charge was never seen");
    assert!(
        v.sentence.starts_with("Still missing: See a customer"),
        "{}",
        v.sentence
    );
    let v = lab.verdict(&sim, &judged, &|id| id == "double-charge");
    assert!(v.complete, "{}", v.sentence);
    assert!(v.sentence.starts_with("Lab complete"));
}

/// A pass sentence that joins two ("3 payments arrived as two messages, and all 20 payments were
/// charged exactly once.") reads as one: no capital after the joining "and".
#[test]
fn joined_pass_sentences_read_as_one() {
    for lab in Lab::all().into_iter().filter(|l| !l.goals.is_empty()) {
        let mut fixed = lab.config.clone();
        (lab.fix)(&mut fixed);
        let sim = lab.run(&fixed, lab.seed, LIMIT);
        for (g, j) in lab.goals.iter().zip(lab.judge(&sim, &Learner::default())) {
            let capital_after_and = j.why.match_indices(" and ").any(|(i, _)| {
                j.why
                    .as_bytes()
                    .get(i + 5)
                    .is_some_and(u8::is_ascii_uppercase)
            });
            assert!(!capital_after_and, "{} {}: {:?}", lab.id, g.id, j.why);
        }
    }
}
