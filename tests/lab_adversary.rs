//! The goal adversary: for every lab, search configurations for one that passes all of the lab's fix
//! goals while leaving the harm the lab is about. None may exist, and at least one configuration must
//! pass (the lab is winnable).
//!
//! The space is every strategy (idempotency × transaction × the three ack timings × gateway key ×
//! record check × the three ledger writes × keyed on the payment or the message id: 288) crossed
//! with a grid of numeric settings (retry policy
//! and delays, where the retry waits, max deliveries 1–10 and unlimited, rate limit on and off,
//! prefetch, consumers 1–4, redelivery on disconnect or a visibility timeout, how long processed
//! records and gateway keys are kept, a producer that publishes once or republishes, and the
//! broker kind: the lab's own, a log committing offsets to the broker or in the database
//! transaction, or an SQS standard queue with duplicates). The full product is
//! too big for `cargo test` on a small machine, so every strategy is tried with the lab's own numbers,
//! and a deterministic sample of the numeric grid is tried with every strategy (a fixed stride through
//! the grid, offset per strategy). The output prints the size of the search per lab. A configuration
//! it reports can be replayed with `lab run --lab <id> --config <file>`.
//!
//! "Passes" means every `Fix` goal passes: `See` goals are achieved in the run that shows the problem,
//! not the fixed one, and `Diagnose` goals depend on what the learner selected.
// Native only: serde_json (to print a configuration it finds) is a native dev-dependency, and the
// search is the same decisions on every platform (tests/wasm_determinism.rs).
#![cfg(not(target_arch = "wasm32"))]

use redelivery_lab::sim::config::{
    BrokerKind, Config, KeyedOn, LedgerWrite, LogSettings, ProducerSettings, RateLimit, Retention,
    RetryPolicy, RetryWait, SqsSettings,
};
use redelivery_lab::sim::goal::{GoalStatus, Learner};
use redelivery_lab::sim::lab::common::{harm_words, has_harm};
use redelivery_lab::sim::lab::{Lab, failure_injection};
use redelivery_lab::sim::{AckTiming, CrashPoint, RecordCheck, RedeliveryMode, Sim, Strategy};
use std::time::Instant;

const LIMIT_MS: u64 = 120_000;
/// Numeric grid points sampled per strategy (on top of the lab's own numbers).
const SAMPLES_PER_STRATEGY: usize = 14;

fn strategies() -> Vec<Strategy> {
    let mut out = Vec::new();
    for bits in 0..16u8 {
        for ack_timing in [
            AckTiming::Auto,
            AckTiming::ManualFirst,
            AckTiming::AfterCommit,
        ] {
            for ledger_write in [
                LedgerWrite::Append,
                LedgerWrite::Conditional,
                LedgerWrite::Commutative,
            ] {
                out.push(Strategy {
                    idempotency: bits & 1 != 0,
                    transactional: bits & 2 != 0,
                    gateway_key: bits & 4 != 0,
                    record_check: if bits & 8 != 0 {
                        RecordCheck::UniqueConstraint
                    } else {
                        RecordCheck::CheckThenInsert
                    },
                    ack_timing,
                    ledger_write,
                    key: KeyedOn::Payment,
                });
            }
        }
    }
    // Every strategy again, keyed on the message id: it matters only when a payment arrives as two
    // messages, and the producer dimension of the grid makes that happen.
    let by_message: Vec<Strategy> = out
        .iter()
        .map(|s| Strategy {
            key: KeyedOn::Message,
            ..*s
        })
        .collect();
    out.extend(by_message);
    out
}

const RETRIES: [RetryPolicy; 5] = [
    RetryPolicy::Immediate,
    RetryPolicy::Fixed { delay_ms: 50 },
    RetryPolicy::Fixed { delay_ms: 500 },
    RetryPolicy::Exponential {
        base_ms: 100,
        cap_ms: 1_000,
        jitter: true,
    },
    RetryPolicy::Exponential {
        base_ms: 200,
        cap_ms: 4_000,
        jitter: false,
    },
];
const WAITS: [RetryWait; 2] = [RetryWait::Broker, RetryWait::Consumer];
const MAX_DELIVERIES: [u8; 7] = [0, 1, 2, 3, 5, 8, 10];
const RATES: [Option<RateLimit>; 2] = [
    None,
    Some(RateLimit {
        per_second: 20,
        burst: 10,
    }),
];
const PREFETCH: [u8; 2] = [1, 4];
const CONSUMERS: [u8; 4] = [1, 2, 3, 4];
const REDELIVERY: [RedeliveryMode; 3] = [
    RedeliveryMode::OnDisconnect,
    RedeliveryMode::VisibilityTimeout { timeout_ms: 45 },
    RedeliveryMode::VisibilityTimeout { timeout_ms: 2_000 },
];

/// Retention windows: forever (the default), keys pruned after 2 s, both pruned after 1 s, and
/// keys kept forever with records pruned after 500 ms. Shorter memory can only expose harm, so the
/// dimension is there to show that no lab's goals mistake a forgotten record for a fix.
const RETENTION: [Retention; 4] = [
    Retention {
        records_ms: None,
        gateway_keys_ms: None,
    },
    Retention {
        records_ms: None,
        gateway_keys_ms: Some(2_000),
    },
    Retention {
        records_ms: Some(1_000),
        gateway_keys_ms: Some(1_000),
    },
    Retention {
        records_ms: Some(500),
        gateway_keys_ms: None,
    },
];

/// The producer: publishing each payment once, losing one confirm in five (so it publishes again),
/// or without confirms at all (it publishes every payment again after each timeout).
const PRODUCERS: [ProducerSettings; 3] = [
    ProducerSettings {
        confirms: true,
        lost_confirm_permille: 0,
        confirm_timeout_ms: 1_000,
        outbox: false,
        crash_permille: 0,
    },
    ProducerSettings {
        confirms: true,
        lost_confirm_permille: 200,
        confirm_timeout_ms: 1_000,
        outbox: false,
        crash_permille: 0,
    },
    ProducerSettings {
        confirms: false,
        lost_confirm_permille: 0,
        confirm_timeout_ms: 300,
        outbox: false,
        crash_permille: 0,
    },
];

/// The broker: the lab's own (`None`), a log with offsets committed to the broker (when, the ack
/// timing of the strategy says) or stored in the database transaction, or an SQS standard queue that
/// delivers one message in ten twice.
const BROKERS: [Option<BrokerKind>; 4] = [
    None,
    Some(BrokerKind::Log(LogSettings {
        partitions: 2,
        auto_commit_interval_ms: 100,
        offsets_in_transaction: false,
    })),
    Some(BrokerKind::Log(LogSettings {
        partitions: 2,
        auto_commit_interval_ms: 100,
        offsets_in_transaction: true,
    })),
    Some(BrokerKind::Sqs(SqsSettings {
        fifo: false,
        duplicate_permille: 100,
    })),
];

fn grid_size() -> usize {
    BROKERS.len()
        * PRODUCERS.len()
        * RETENTION.len()
        * RETRIES.len()
        * WAITS.len()
        * MAX_DELIVERIES.len()
        * RATES.len()
        * PREFETCH.len()
        * CONSUMERS.len()
        * REDELIVERY.len()
}

/// Grid point `i` applied to `base`.
fn numbers(base: &Config, mut i: usize) -> Config {
    let mut pick = |n: usize| {
        let k = i % n;
        i /= n;
        k
    };
    let mut c = base.clone();
    c.retry = RETRIES[pick(RETRIES.len())];
    c.retry_wait = WAITS[pick(WAITS.len())];
    c.max_deliveries = MAX_DELIVERIES[pick(MAX_DELIVERIES.len())];
    c.rate_limit = RATES[pick(RATES.len())];
    c.prefetch = PREFETCH[pick(PREFETCH.len())];
    c.consumers = CONSUMERS[pick(CONSUMERS.len())];
    c.redelivery = REDELIVERY[pick(REDELIVERY.len())];
    c.retention = RETENTION[pick(RETENTION.len())];
    c.producer = PRODUCERS[pick(PRODUCERS.len())];
    if let Some(b) = BROKERS[pick(BROKERS.len())] {
        c.broker = b;
    }
    // Republishing producers are modelled on the queue and SQS only (the core refuses them on a
    // log), so a log gets the producer that publishes once instead of a wasted grid point.
    if c.broker.log().is_some() {
        c.producer = PRODUCERS[0];
    }
    c
}

/// The harm the lab is about, in words, or `None`.
fn harm(lab: &Lab, sim: &Sim) -> Option<String> {
    if lab.id == "failure-injection" {
        // The test's harm is a boundary where the consumer does damage.
        return CrashPoint::BOUNDARIES.into_iter().find_map(|boundary| {
            let run = failure_injection::run_at(sim.config(), sim.seed(), boundary);
            (has_harm(&run.totals()) || !run.is_settled()).then(|| {
                format!(
                    "at {}: {}",
                    boundary.label(),
                    harm_words(&run).unwrap_or_else(|| "unsettled".into())
                )
            })
        });
    }
    if !sim.is_settled() {
        return Some("the run never settled".into());
    }
    let t = sim.totals();
    if has_harm(&t) {
        return harm_words(sim);
    }
    if lab.id == "retry-storm" {
        let c = &sim.metrics().counters;
        if c.deliveries >= 8 * c.published.max(1) {
            return Some(format!(
                "{} deliveries for {} payments",
                c.deliveries, c.published
            ));
        }
    }
    None
}

fn passes(lab: &Lab, sim: &Sim) -> bool {
    lab.goals
        .iter()
        .filter(|g| g.kind == redelivery_lab::sim::goal::GoalKind::Fix)
        .all(|g| g.judge(sim, &Learner::default()).status == GoalStatus::Pass)
}

#[test]
fn no_configuration_games_a_lab() {
    let strategies = strategies();
    let grid = grid_size();
    let mut problems = Vec::new();
    for lab in Lab::all().into_iter().filter(|l| !l.goals.is_empty()) {
        let started = Instant::now();
        let (mut tried, mut passed, mut refused) = (0usize, 0usize, 0usize);
        for (si, strategy) in strategies.iter().enumerate() {
            let base = Config {
                strategy: *strategy,
                ..lab.config.clone()
            };
            let mut configs = vec![base.clone()];
            // A fixed stride through the grid, offset per strategy: deterministic, and over all
            // strategies it touches every region of the grid.
            for k in 0..SAMPLES_PER_STRATEGY {
                configs.push(numbers(
                    &base,
                    (si * 7919 + k * 104_729 + lab.number as usize * 31) % grid,
                ));
            }
            for config in configs {
                tried += 1;
                // A configuration the core refuses (a producer that republishes on a log) cannot be
                // run by a learner: the sandbox and `lab run` say why instead.
                if config.validate().is_err() {
                    refused += 1;
                    continue;
                }
                let sim = lab.run(&config, lab.seed, LIMIT_MS);
                if !passes(&lab, &sim) {
                    continue;
                }
                passed += 1;
                if let Some(h) = harm(&lab, &sim) {
                    problems.push(format!(
                        "{} passes its fix goals with harm ({h}) under {}",
                        lab.id,
                        serde_json::to_string(&config).unwrap()
                    ));
                }
            }
        }
        println!(
            "adversary {:<20} {tried:>5} configurations ({} strategies × (lab numbers + {SAMPLES_PER_STRATEGY} of {grid} grid points)), {refused} refused as invalid, {passed} pass the fix goals, {:.1} s",
            lab.id,
            strategies.len(),
            started.elapsed().as_secs_f64()
        );
        assert!(
            passed > 0,
            "{}: no configuration passes: the lab cannot be won",
            lab.id
        );
    }
    assert!(
        problems.is_empty(),
        "{} gamed:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The search would notice a gamed lab: the dead-letter-everything configuration of the retry storm
/// is harm to it (and fails the lab's goals, checked in the lab's own tests).
#[test]
fn the_harm_detector_sees_dead_letters_as_harm() {
    let lab = Lab::by_id("retry-storm").unwrap();
    let config = Config {
        retry: RetryPolicy::Fixed { delay_ms: 100 },
        max_deliveries: 1,
        rate_limit: RATES[1],
        ..lab.config.clone()
    };
    let sim = lab.run(&config, lab.seed, LIMIT_MS);
    let h = harm(&lab, &sim).expect("dead letters are harm");
    assert!(h.contains("dead-letter queue"), "{h}");
    assert!(!passes(&lab, &sim));
}
