//! The labs: guided scenarios as data, in the manner of Learn Git Branching's levels.
//!
//! Each lab is a starting configuration, a scripted fault schedule, a narrative (predict → run →
//! observe → explain) and goals judged by the checker. The order walks the course: a calm delivery,
//! the double-payment incident, the failure-injection test, acking too early, the side effect outside
//! the transaction, concurrent duplicates, retry storms, and the checklist that ties them together.

use super::checker::Outcome;
use super::checklist;
use super::command::{Action, ArmMode, Command, CrashPoint};
use super::config::{
    AckTiming, Config, GatewayFaults, Outage, OutageKind, RateLimit, RecordCheck, RedeliveryMode,
    RetryPolicy, Strategy,
};
use super::goal::{
    Goal, GoalStatus, all_correct, at_least, given, never, outcome_at_least, requires,
};
use super::simulation::Sim;

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

/// A multiple-choice prediction asked before the first run ("predict before you run").
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
    /// The seed every learner starts from.
    pub seed: u64,
    /// The starting configuration.
    pub config: Config,
    /// The scripted fault schedule.
    pub actions: Vec<Action>,
    /// What to achieve.
    pub goals: Vec<Goal>,
    /// Nudges, from gentle to explicit.
    pub hints: &'static [&'static str],
    /// The fix, in words.
    pub solution: &'static str,
    /// The fix, applied to a configuration.
    pub fix: fn(&mut Config),
}

impl Lab {
    /// Every lab, in course order, free play first.
    pub fn all() -> Vec<Lab> {
        vec![
            sandbox(),
            first_delivery(),
            double_payment(),
            failure_injection(),
            ack_before_commit(),
            side_effect(),
            visibility_timeout(),
            retry_storm(),
            checklist_lab(),
        ]
    }

    /// The lab with this id.
    pub fn by_id(id: &str) -> Option<Lab> {
        Lab::all().into_iter().find(|l| l.id == id)
    }

    /// Runs the lab (optionally with another config or seed) to completion, applying its script.
    pub fn run(&self, config: &Config, seed: u64, limit_ms: u64) -> Sim {
        let mut sim = Sim::new(config.clone(), seed);
        for a in &self.actions {
            sim.run_until(a.at);
            let _ = sim.apply(a.command);
        }
        sim.run_to_completion(limit_ms);
        sim
    }

    /// Every goal's status on `sim`.
    pub fn evaluate(&self, sim: &Sim) -> Vec<GoalStatus> {
        self.goals.iter().map(|g| g.evaluate(sim)).collect()
    }
}

fn arm(at: u64, point: CrashPoint, mode: ArmMode) -> Action {
    Action {
        at,
        command: Command::ArmCrash {
            consumer: None,
            point,
            mode,
        },
    }
}

fn no_fix(_: &mut Config) {}

fn sandbox() -> Lab {
    Lab {
        id: "sandbox",
        number: 0,
        title: "Free play",
        summary: "Every control, no script: build your own incident.",
        narrative: Narrative {
            predict: "Pick a crash point and a strategy. Before you press play, say out loud what will happen to the money.",
            run: "Arm crashes on the consumer's step rail, flip the strategy toggles, add consumers, break the gateway.",
            observe: "Watch the totals, the charges per customer and the dashboards. Every anomaly links to the events behind it.",
            explain: "If a result surprised you, step back through the event log and find the exact boundary where it went wrong.",
        },
        prediction: None,
        seed: 1,
        config: Config::default(),
        actions: vec![],
        goals: vec![],
        hints: &["The sweep view runs every crash point against every strategy in one go."],
        solution: "There is no single answer here: the labs each isolate one lesson.",
        fix: no_fix,
    }
}

fn first_delivery() -> Lab {
    Lab {
        id: "first-delivery",
        number: 1,
        title: "First delivery: receive, process, ack",
        summary: "Follow five payments through the happy path.",
        narrative: Narrative {
            predict: "Nothing fails in this run. How many times will the broker hand out each message?",
            run: "Press step a few times and watch one message walk the consumer's rail, then press play.",
            observe: "A message stays in flight until its ack arrives; only then does the broker forget it.",
            explain: "At-least-once rests on that rule: the broker deletes a message when it hears an ack, never earlier. Every duplicate in the next labs comes from that same rule meeting a crash.",
        },
        prediction: Some(Prediction {
            question: "With no failures, how many deliveries does each payment get?",
            options: &["Exactly one", "At least two", "It depends on the seed"],
            answer: 0,
            why: "Redelivery happens only when an ack does not arrive. No crash, no lost ack: one delivery each.",
        }),
        seed: 1,
        config: Config {
            payments: 5,
            publish_interval_ms: 60,
            ..Config::default()
        },
        actions: vec![],
        goals: vec![
            Goal {
                id: "all-charged-once",
                text: "Every payment is charged exactly once",
                check: all_correct,
            },
            Goal {
                id: "acked",
                text: "The broker receives an ack for every message",
                check: |s| at_least(s, s.metrics().counters.acks, s.config().payments as u64),
            },
            Goal {
                id: "no-redelivery",
                text: "No message is delivered twice",
                check: |s| {
                    if s.metrics().counters.redeliveries > 0 {
                        GoalStatus::Fail
                    } else if s.is_settled() {
                        GoalStatus::Pass
                    } else {
                        GoalStatus::Pending
                    }
                },
            },
        ],
        hints: &["Press step: each press moves to the next moment something happens."],
        solution: "Just run it: with no faults, receive → process → ack delivers every payment once.",
        fix: no_fix,
    }
}

fn double_payment() -> Lab {
    Lab {
        id: "double-payment",
        number: 2,
        title: "The double-payment incident",
        summary: "Customers were charged twice after a restart. Reproduce it, diagnose it, fix it.",
        narrative: Narrative {
            predict: "The consumer will crash after charging the card and writing the ledger, but before its ack. What does the broker do when the consumer comes back?",
            run: "Press play. The crash is already armed (every sixth payment). Then turn on the processed-payment check and rerun the same seed.",
            observe: "Look for the on-call signals: a redelivery spike, consumer restarts lined up with the duplicates, and no idempotency enforcement in the strategy panel.",
            explain: "The broker never heard the ack, so it redelivered — correctly. The consumer had no memory of having charged, so it charged again. A durable processed record, written in the same transaction as the ledger row and checked before charging, turns the redelivery into a harmless skip.",
        },
        prediction: Some(Prediction {
            question: "The consumer crashes after its commit but before its ack. After the restart…",
            options: &[
                "the payment is lost",
                "the broker redelivers and the customer is charged again",
                "the broker knows it was processed and drops it",
            ],
            answer: 1,
            why: "The broker only knows about acks. No ack means redelivery, and a consumer with no idempotency repeats the charge.",
        }),
        seed: 42,
        config: Config::default(),
        actions: vec![arm(0, CrashPoint::AfterCommit, ArmMode::EveryKth(6))],
        goals: vec![
            Goal {
                id: "reproduce",
                text: "Reproduce the incident: a customer charged twice",
                check: |s| outcome_at_least(s, Outcome::Duplicate, 1),
            },
            Goal {
                id: "diagnose",
                text: "Find the signals: redeliveries and consumer restarts",
                check: |s| {
                    let c = &s.metrics().counters;
                    GoalStatus::all([at_least(s, c.redeliveries, 1), at_least(s, c.restarts, 1)])
                },
            },
            Goal {
                id: "fix",
                text: "Fix it: same seed, same crashes, nobody charged twice",
                check: |s| {
                    given(
                        s,
                        |c| c.strategy.idempotency && c.strategy.transactional,
                        [
                            at_least(s, s.metrics().counters.crashes, 1),
                            never(s, Outcome::Duplicate),
                        ],
                    )
                },
            },
        ],
        hints: &[
            "The redelivery counter on the dashboard jumps each time the consumer restarts.",
            "The consumer forgets everything when it crashes. What could remember, durably, that a payment was already processed?",
            "Turn on the processed-payment check (idempotency) with a transactional ack, then rerun.",
        ],
        solution: "Enable idempotency (a processed-message table checked before charging) and the transactional ack (ledger row and processed record committed together, ack after commit). Rerun the same seed: the redeliveries are still there, the duplicates are not.",
        fix: |c| {
            c.strategy.idempotency = true;
            c.strategy.transactional = true;
        },
    }
}

fn failure_injection() -> Lab {
    Lab {
        id: "failure-injection",
        number: 3,
        title: "The failure-injection test",
        summary: "Five steps every at-least-once consumer should pass, each with a verdict.",
        narrative: Narrative {
            predict: "This consumer claims to be idempotent. Which of the five steps would fail if that claim were false?",
            run: "Press play and watch the five verdicts. Then switch idempotency off and rerun to see which step catches it.",
            observe: "Steps 1–4 check that the fault really happened; only step 5 judges the consumer.",
            explain: "A test that crashes nothing proves nothing. This one forces the exact failure at-least-once produces — a crash between processing and ack — then checks that the redelivery caused no second side effect.",
        },
        prediction: Some(Prediction {
            question: "With idempotency switched off, which step fails?",
            options: &[
                "Step 2: crash before ack",
                "Step 4: redelivery",
                "Step 5: no duplicate side effect",
            ],
            answer: 2,
            why: "The crash, restart and redelivery happen either way; only the absence of a second charge depends on the consumer.",
        }),
        seed: 7,
        config: Config {
            payments: 3,
            strategy: Strategy::SAFE,
            ..Config::default()
        },
        actions: vec![arm(0, CrashPoint::AfterCommit, ArmMode::Once)],
        goals: vec![
            Goal {
                id: "produce",
                text: "1. Produce messages with unique ids",
                check: |s| at_least(s, s.metrics().counters.published, 1),
            },
            Goal {
                id: "crash",
                text: "2. Process a message, then crash the consumer before its ack",
                check: |s| {
                    at_least(
                        s,
                        s.armed()
                            .iter()
                            .filter(|a| a.point == CrashPoint::AfterCommit)
                            .map(|a| a.fired as u64)
                            .sum(),
                        1,
                    )
                },
            },
            Goal {
                id: "restart",
                text: "3. Restart the consumer",
                check: |s| at_least(s, s.metrics().counters.restarts, 1),
            },
            Goal {
                id: "redelivered",
                text: "4. Confirm the message is redelivered",
                check: |s| at_least(s, s.metrics().counters.redeliveries, 1),
            },
            Goal {
                id: "no-duplicate",
                text: "5. Verify no side effect happened twice",
                check: |s| {
                    GoalStatus::all([
                        at_least(s, s.metrics().counters.redeliveries, 1),
                        never(s, Outcome::Duplicate),
                    ])
                },
            },
        ],
        hints: &["If step 2 stays pending, the crash has not fired yet: keep playing."],
        solution: "With processed records, a transactional ack and the gateway key, the redelivered message is recognised and skipped: all five steps pass.",
        fix: |c| c.strategy = Strategy::SAFE,
    }
}

fn ack_before_commit() -> Lab {
    Lab {
        id: "ack-before-commit",
        number: 4,
        title: "Ack before commit",
        summary: "Acknowledge early and crashes stop duplicating — they start losing money.",
        narrative: Narrative {
            predict: "This consumer acks as soon as it receives a message. What happens to a payment when it crashes before charging?",
            run: "Press play: the consumer crashes after every fifth record check. Then move the ack after the commit and rerun.",
            observe: "No duplicates at all — and yet payments are missing. The lost counter and the missing money are the symptoms; nothing was redelivered.",
            explain: "The ack told the broker to forget the message before any work was durable. The crash erased the only other copy, the consumer's memory. Acking before commit trades duplicates for silent loss — worse, because nobody notices.",
        },
        prediction: Some(Prediction {
            question: "Ack on receive, crash before the charge. The payment is…",
            options: &["charged twice", "lost", "redelivered and charged once"],
            answer: 1,
            why: "The broker already forgot it, and the consumer's memory died with it.",
        }),
        seed: 4,
        config: Config {
            strategy: Strategy {
                ack_timing: AckTiming::ManualFirst,
                ..Strategy::SAFE
            },
            ..Config::default()
        },
        actions: vec![arm(0, CrashPoint::AfterCheck, ArmMode::EveryKth(5))],
        goals: vec![
            Goal {
                id: "lose",
                text: "See a payment lost",
                check: |s| outcome_at_least(s, Outcome::Lost, 1),
            },
            Goal {
                id: "no-duplicates",
                text: "Notice: not a single duplicate",
                check: |s| {
                    GoalStatus::all([
                        at_least(s, s.metrics().counters.crashes, 1),
                        never(s, Outcome::Duplicate),
                    ])
                },
            },
            Goal {
                id: "fix",
                text: "Fix it: ack after commit, same crashes, nothing lost",
                check: |s| {
                    given(
                        s,
                        |c| c.strategy.ack_timing == AckTiming::AfterCommit,
                        [
                            at_least(s, s.metrics().counters.crashes, 1),
                            never(s, Outcome::Lost),
                            never(s, Outcome::Orphan),
                        ],
                    )
                },
            },
        ],
        hints: &["Look at the ack-timing setting in the strategy panel."],
        solution: "Set ack timing to “after commit”. A crash now leads to a redelivery, and the idempotency safeguards absorb it.",
        fix: |c| c.strategy.ack_timing = AckTiming::AfterCommit,
    }
}

fn side_effect() -> Lab {
    Lab {
        id: "side-effect",
        number: 5,
        title: "The side effect outside the transaction",
        summary: "Processed records and a transaction, and still a double charge.",
        narrative: Narrative {
            predict: "This consumer has a processed-record table and a transactional ack. It crashes right after charging the card. Safe?",
            run: "Press play: a crash fires after every fourth charge. Then turn on the gateway idempotency key and rerun.",
            observe: "The ledger is right — one row per payment — but the charges table shows customers charged twice.",
            explain: "The transaction rolled back the ledger row and the processed record, so the redelivery processed the payment again. But the card charge happened outside the database and nothing can roll it back. Only the gateway itself can recognise a repeat: send the payment id as its idempotency key.",
        },
        prediction: Some(Prediction {
            question: "Crash after the charge, before the commit, with processed records and a transaction:",
            options: &[
                "no harm: the transaction rolls back",
                "the card is charged twice",
                "the payment is lost",
            ],
            answer: 1,
            why: "A rollback undoes database writes, not money taken from a card.",
        }),
        seed: 5,
        config: Config {
            strategy: Strategy {
                gateway_key: false,
                ..Strategy::SAFE
            },
            ..Config::default()
        },
        actions: vec![arm(0, CrashPoint::AfterCharge, ArmMode::EveryKth(4))],
        goals: vec![
            Goal {
                id: "double-charge",
                text: "See a customer charged twice despite the processed table",
                check: |s| outcome_at_least(s, Outcome::Duplicate, 1),
            },
            Goal {
                id: "fix",
                text: "Close the hole with the gateway key: no double charge",
                check: |s| {
                    given(
                        s,
                        |c| c.strategy.gateway_key,
                        [
                            at_least(s, s.metrics().counters.crashes, 1),
                            never(s, Outcome::Duplicate),
                        ],
                    )
                },
            },
        ],
        hints: &[
            "Compare the ledger and the charges: which one has the extra entry?",
            "The gateway accepts an idempotency key. What business id would make a repeat recognisable?",
        ],
        solution: "Turn on the gateway idempotency key: the consumer sends the payment id, and the gateway returns the first charge instead of taking money again.",
        fix: |c| c.strategy.gateway_key = true,
    }
}

fn visibility_timeout() -> Lab {
    Lab {
        id: "visibility-timeout",
        number: 6,
        title: "Visibility timeout shorter than processing",
        summary: "No crash at all, and still two consumers process the same payment at once.",
        narrative: Narrative {
            predict: "The queue hides a delivered message for 45 ms; processing takes about 60. Two consumers. Nothing crashes. What can go wrong?",
            run: "Press play. Then switch the record check from check-then-insert to a unique constraint and rerun.",
            observe: "Redeliveries without restarts. Two consumers both read “not processed yet” and both write a ledger row.",
            explain: "A visibility timeout redelivers while the first consumer is still working. Check-then-insert is a race: both readers see no record. A unique constraint lets only one insert win; the loser's transaction aborts and its ledger row is rolled back.",
        },
        prediction: Some(Prediction {
            question: "With a visibility timeout shorter than processing, duplicates come from…",
            options: &[
                "crashes",
                "two live consumers working on the same message",
                "lost acks",
            ],
            answer: 1,
            why: "The message became visible again while the first consumer was still processing it.",
        }),
        seed: VISIBILITY_SEED,
        config: visibility_config(RecordCheck::CheckThenInsert),
        actions: vec![],
        goals: vec![
            Goal {
                id: "concurrent",
                text: "See a message redelivered while it is still being processed",
                check: |s| at_least(s, s.metrics().counters.redeliveries, 1),
            },
            Goal {
                id: "race",
                text: "See check-then-insert let a second ledger row through",
                check: |s| outcome_at_least(s, Outcome::Duplicate, 1),
            },
            Goal {
                id: "fix",
                text: "Fix it with a unique constraint: never two rows for one payment",
                check: |s| {
                    given(
                        s,
                        |c| {
                            c.strategy.record_check == RecordCheck::UniqueConstraint
                                && c.strategy.transactional
                        },
                        [
                            at_least(s, s.metrics().counters.redeliveries, 1),
                            never(s, Outcome::Duplicate),
                        ],
                    )
                },
            },
        ],
        hints: &[
            "The restarts counter stays at zero: these redeliveries are the timeout's doing.",
            "Which record check lets the database, not the application, decide who wins?",
        ],
        solution: "Use a unique constraint on the processed record inside the transaction. Lengthening the visibility timeout beyond processing time also helps, but only the constraint makes it safe.",
        fix: |c| c.strategy.record_check = RecordCheck::UniqueConstraint,
    }
}

/// The visibility-timeout lab's seed, chosen so check-then-insert visibly races.
pub const VISIBILITY_SEED: u64 = 3;

fn visibility_config(record_check: RecordCheck) -> Config {
    Config {
        consumers: 2,
        payments: 30,
        redelivery: RedeliveryMode::VisibilityTimeout { timeout_ms: 45 },
        strategy: Strategy {
            record_check,
            ..Strategy::SAFE
        },
        ..Config::default()
    }
}

fn retry_storm() -> Lab {
    Lab {
        id: "retry-storm",
        number: 7,
        title: "Retry storm",
        summary: "A three-second gateway outage and immediate retries: watch the load explode.",
        narrative: Narrative {
            predict: "The card gateway is down for three seconds. Four consumers retry failures immediately. How many deliveries per payment?",
            run: "Press play. Then switch to exponential backoff with jitter, add a rate limit and a delivery limit, and rerun.",
            observe: "Retry amplification (deliveries per payment) on the dashboard, and the queue depth during the outage.",
            explain: "Every failure comes straight back and fails again, as fast as the consumers can spin. Backoff spreads retries out, a rate limit caps them, and a delivery limit parks hopeless messages in the dead-letter queue for a human to look at.",
        },
        prediction: Some(Prediction {
            question: "Immediate retries during a 3 s outage: deliveries per payment will be about…",
            options: &["1", "2–3", "dozens"],
            answer: 2,
            why: "Failures are fast while the gateway refuses connections, so each message cycles many times.",
        }),
        seed: 9,
        config: Config {
            consumers: 4,
            strategy: Strategy::SAFE,
            retry: RetryPolicy::Immediate,
            gateway: GatewayFaults {
                outage: Some(Outage {
                    from_ms: 0,
                    until_ms: 3_000,
                    kind: OutageKind::Refuse,
                }),
                ..GatewayFaults::default()
            },
            ..Config::default()
        },
        actions: vec![],
        goals: vec![
            Goal {
                id: "storm",
                text: "See the storm: more than 20 deliveries per payment",
                check: |s| {
                    let c = &s.metrics().counters;
                    at_least(s, c.deliveries, 20 * c.published.max(1) + 1)
                },
            },
            Goal {
                id: "calm",
                text: "Calm it: under 8 deliveries per payment, nothing lost",
                check: |s| {
                    let c = &s.metrics().counters;
                    let judged = if !s.is_settled() {
                        GoalStatus::Pending
                    } else if c.deliveries < 8 * c.published.max(1) && s.totals().lost == 0 {
                        GoalStatus::Pass
                    } else {
                        GoalStatus::Fail
                    };
                    // Judged once the learner has changed how retries behave.
                    given(
                        s,
                        |c| c.retry != RetryPolicy::Immediate || c.rate_limit.is_some(),
                        [judged],
                    )
                },
            },
            Goal {
                id: "bounded",
                text: "Bound it: retries rate-limited and capped by a dead-letter queue",
                check: |s| requires(s, |c| c.rate_limit.is_some() && c.max_deliveries > 0),
            },
        ],
        hints: &[
            "The retry policy is in the strategy panel.",
            "Exponential backoff with a cap around the outage length keeps attempts low.",
        ],
        solution: "Exponential backoff (base 200 ms, cap 2 s, jitter), a rate limit of 20 retries a second, and a limit of 8 deliveries before the dead-letter queue.",
        fix: |c| {
            c.retry = RetryPolicy::Exponential {
                base_ms: 200,
                cap_ms: 2_000,
                jitter: true,
            };
            c.rate_limit = Some(RateLimit {
                per_second: 20,
                burst: 10,
            });
            c.max_deliveries = 8;
        },
    }
}

fn checklist_lab() -> Lab {
    Lab {
        id: "checklist",
        number: 8,
        title: "The operational checklist",
        summary: "Every safeguard at once, under crashes, lost acks and an outage.",
        narrative: Narrative {
            predict: "Crashes at two boundaries, lost acks and a gateway outage, all at once. Which checklist items does this naive consumer need?",
            run: "Tick the checklist items by changing the strategy and retry settings (and the two monitoring practices by hand). Rerun until the readiness score is full and the run is clean.",
            observe: "Each unchecked item links to the lab that breaks without it.",
            explain: "No single safeguard is enough: idempotency without a transaction races, a transaction without a gateway key double-charges, acking early loses, unbounded retries storm. Effectively-once processing is at-least-once delivery plus all of them.",
        },
        prediction: None,
        seed: 8,
        config: Config {
            consumers: 2,
            payments: 40,
            lost_ack_permille: 20,
            gateway: GatewayFaults {
                outage: Some(Outage {
                    from_ms: 500,
                    until_ms: 1_500,
                    kind: OutageKind::Refuse,
                }),
                ..GatewayFaults::default()
            },
            ..Config::default()
        },
        actions: vec![
            arm(0, CrashPoint::AfterCharge, ArmMode::EveryKth(7)),
            arm(0, CrashPoint::AfterCommit, ArmMode::EveryKth(9)),
        ],
        goals: vec![
            Goal {
                id: "breaks",
                text: "See the stress break a consumer without safeguards",
                check: |s| at_least(s, s.totals().anomalies(), 1),
            },
            Goal {
                id: "settings",
                text: "Every checklist item the simulation can verify is satisfied",
                check: |s| {
                    let all = checklist::ITEMS
                        .iter()
                        .filter_map(|i| i.verify)
                        .all(|f| f(s.config()));
                    if all {
                        GoalStatus::Pass
                    } else {
                        GoalStatus::Pending
                    }
                },
            },
            Goal {
                id: "clean-run",
                text: "The stress run ends with no duplicate, no loss, no orphan",
                check: |s| {
                    let t = s.totals();
                    let judged = if t.anomalies() > 0 {
                        GoalStatus::Fail
                    } else if s.is_settled() && s.metrics().counters.crashes > 0 {
                        GoalStatus::Pass
                    } else {
                        GoalStatus::Pending
                    };
                    // Judged once every setting the simulation can verify is in place.
                    given(
                        s,
                        |c| {
                            checklist::ITEMS
                                .iter()
                                .filter_map(|i| i.verify)
                                .all(|f| f(c))
                        },
                        [judged],
                    )
                },
            },
        ],
        hints: &["Start from the double-payment fix, then work down the list."],
        solution: "Idempotency, transactional ack with a unique constraint, ack after commit, the gateway key, exponential backoff with a rate limit and a delivery limit — and monitor redeliveries and duplicates.",
        fix: |c| {
            c.strategy = Strategy::SAFE;
            c.retry = RetryPolicy::Exponential {
                base_ms: 100,
                cap_ms: 1_000,
                jitter: true,
            };
            c.rate_limit = Some(RateLimit {
                per_second: 50,
                burst: 10,
            });
            c.max_deliveries = 10;
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            if let Some(p) = l.prediction {
                assert!(p.answer < p.options.len());
            }
        }
    }

    /// Each lab as shipped shows its problem (its first goal passes, its fix goal does not), and its
    /// own solution makes every goal pass on the same seed — except goals that ask to *see* the
    /// problem, which the fixed run no longer shows.
    #[test]
    fn every_lab_shows_its_problem_and_its_solution_fixes_it() {
        for lab in Lab::all().into_iter().filter(|l| !l.goals.is_empty()) {
            let before = statuses(&lab, &lab.config);
            assert_eq!(
                before[0],
                GoalStatus::Pass,
                "{}: first goal as shipped: {before:?}",
                lab.id
            );
            let mut fixed = lab.config.clone();
            (lab.fix)(&mut fixed);
            let after = statuses(&lab, &fixed);
            let last = lab.goals.len() - 1;
            assert_eq!(
                after[last],
                GoalStatus::Pass,
                "{}: final goal after the fix: {after:?}",
                lab.id
            );
            if lab.id != "first-delivery" && lab.id != "failure-injection" {
                assert_ne!(
                    before[last],
                    GoalStatus::Pass,
                    "{}: the fix goal must need the fix",
                    lab.id
                );
            }
        }
    }

    #[test]
    fn failure_injection_catches_a_consumer_without_idempotency() {
        let lab = Lab::by_id("failure-injection").unwrap();
        let mut c = lab.config.clone();
        c.strategy = Strategy::NAIVE;
        let s = statuses(&lab, &c);
        assert_eq!(&s[..4], &[GoalStatus::Pass; 4], "the fault happened");
        assert_eq!(s[4], GoalStatus::Fail, "step 5 judges the consumer");
    }

    #[test]
    fn the_visibility_seed_shows_the_race_as_shipped() {
        let lab = Lab::by_id("visibility-timeout").unwrap();
        let s = statuses(&lab, &lab.config);
        assert_eq!(&s[..2], &[GoalStatus::Pass, GoalStatus::Pass], "{s:?}");
    }

    #[test]
    fn the_retry_storm_is_calmed_by_the_solution() {
        let lab = Lab::by_id("retry-storm").unwrap();
        let mut c = lab.config.clone();
        (lab.fix)(&mut c);
        assert_eq!(statuses(&lab, &c)[1], GoalStatus::Pass);
    }
}
