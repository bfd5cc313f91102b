//! The lessons, as tests: each one is a sentence a trainer would say.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use redelivery_lab::sim::config::{GatewayFaults, RateLimit};
use redelivery_lab::sim::{
    AckTiming, ArmMode, Command, Config, CrashPoint, Event, LedgerWrite, Outcome, RecordCheck,
    RetryPolicy, Sim, Strategy,
};

fn run(strategy: Strategy, point: CrashPoint, mode: ArmMode, seed: u64) -> Sim {
    let config = Config {
        strategy,
        ..Config::default()
    };
    let mut sim = Sim::new(config, seed);
    sim.apply(Command::ArmCrash {
        consumer: None,
        point,
        mode,
    })
    .unwrap();
    assert!(sim.run_to_completion(600_000), "the run should settle");
    sim
}

#[test]
fn a_calm_run_charges_everyone_once() {
    let mut sim = Sim::new(Config::default(), 1);
    assert!(sim.run_to_completion(60_000));
    let t = sim.totals();
    assert_eq!(t.charged_once, 20);
    assert_eq!(t.anomalies(), 0);
    assert_eq!(sim.metrics().counters.redeliveries, 0);
}

#[test]
fn crash_after_commit_without_idempotency_charges_twice() {
    let sim = run(Strategy::NAIVE, CrashPoint::AfterCommit, ArmMode::Once, 1);
    let t = sim.totals();
    assert_eq!(t.duplicate, 1, "{t:?}");
    assert_eq!(t.charged_once, 19);
    assert!(t.money_overcharged_cents > 0);
    assert_eq!(sim.metrics().counters.redeliveries, 1);
    assert_eq!(sim.metrics().counters.restarts, 1);
    let a = &sim.anomalies(10)[0];
    assert_eq!(a.outcome, Outcome::Duplicate);
    assert_eq!(a.charges, 2);
    let kinds: Vec<&str> = a
        .causes
        .iter()
        .map(|s| sim.event(*s).unwrap().event.kind())
        .collect();
    assert!(
        kinds.contains(&"crashed") && kinds.contains(&"charged"),
        "{kinds:?}"
    );
}

#[test]
fn crash_after_commit_with_processed_records_is_caught() {
    let s = Strategy {
        idempotency: true,
        transactional: true,
        ..Strategy::NAIVE
    };
    let sim = run(s, CrashPoint::AfterCommit, ArmMode::Once, 1);
    assert_eq!(sim.totals().anomalies(), 0, "{:?}", sim.totals());
    assert_eq!(sim.metrics().counters.duplicates_detected, 1);
}

#[test]
fn crash_after_charge_without_gateway_key_charges_twice_even_with_a_transaction() {
    let s = Strategy {
        idempotency: true,
        transactional: true,
        gateway_key: false,
        ..Strategy::SAFE
    };
    let sim = run(s, CrashPoint::AfterCharge, ArmMode::Once, 2);
    let t = sim.totals();
    assert_eq!(t.duplicate, 1, "{t:?}");
    let a = &sim.anomalies(1)[0];
    assert_eq!(
        (a.charges, a.ledger_rows),
        (2, 1),
        "money moved twice, the ledger is right"
    );
}

#[test]
fn the_gateway_key_closes_the_last_hole() {
    let sim = run(
        Strategy::SAFE,
        CrashPoint::AfterCharge,
        ArmMode::EveryKth(2),
        2,
    );
    assert_eq!(sim.totals().anomalies(), 0);
    assert_eq!(sim.totals().charged_once, 20);
}

#[test]
fn ack_before_process_loses_payments_and_never_duplicates() {
    let s = Strategy {
        ack_timing: AckTiming::ManualFirst,
        ..Strategy::SAFE
    };
    let sim = run(s, CrashPoint::AfterCheck, ArmMode::EveryKth(4), 3);
    let t = sim.totals();
    assert_eq!(t.duplicate, 0);
    assert!(t.lost >= 4, "{t:?}");
    assert!(t.money_missing_cents > 0);
}

#[test]
fn non_transactional_crash_after_ledger_write_leaves_an_orphan_free_but_duplicate_ledger_with_naive()
 {
    let sim = run(
        Strategy::NAIVE,
        CrashPoint::AfterLedgerWrite,
        ArmMode::Once,
        4,
    );
    assert_eq!(sim.totals().duplicate, 1);
}

#[test]
fn transaction_rolls_back_the_ledger_on_crash() {
    let s = Strategy {
        idempotency: true,
        transactional: true,
        gateway_key: true,
        ..Strategy::SAFE
    };
    let sim = run(s, CrashPoint::AfterLedgerWrite, ArmMode::Once, 4);
    assert_eq!(sim.totals().anomalies(), 0);
    assert!(
        sim.events()
            .window()
            .iter()
            .any(|e| matches!(e.event, Event::RolledBack { .. }))
    );
}

/// Two consumers, 40 payments, a 45 ms visibility timeout: shorter than processing.
fn visibility_race(check: RecordCheck, seed: u64) -> Sim {
    common::visibility_race(check, seed, 40, 2, 45)
}

#[test]
fn visibility_timeout_shorter_than_processing_races_check_then_insert() {
    let dup_seeds = (0..20)
        .filter(|s| {
            visibility_race(RecordCheck::CheckThenInsert, *s)
                .totals()
                .duplicate
                > 0
        })
        .count();
    assert!(dup_seeds > 0, "some seed should race");
}

#[test]
fn unique_constraint_never_writes_two_ledger_rows() {
    for seed in 0..20 {
        let sim = visibility_race(RecordCheck::UniqueConstraint, seed);
        for p in 0..40 {
            assert!(sim.ledger().ledger_rows(p) <= 1, "seed {seed} payment {p}");
        }
        assert_eq!(sim.totals().anomalies(), 0, "seed {seed}");
    }
}

#[test]
fn conditional_ledger_write_survives_duplicates_without_a_processed_table() {
    let s = Strategy {
        ledger_write: LedgerWrite::Conditional,
        gateway_key: true,
        ..Strategy::NAIVE
    };
    let sim = run(s, CrashPoint::AfterCommit, ArmMode::EveryKth(2), 5);
    assert_eq!(sim.totals().anomalies(), 0, "{:?}", sim.totals());
}

#[test]
fn a_gateway_outage_with_immediate_retries_amplifies_and_the_dead_letter_queue_bounds_it() {
    let storm = |retry, max_deliveries| {
        let config = Config {
            retry,
            max_deliveries,
            consumers: 4,
            strategy: Strategy::SAFE,
            gateway: GatewayFaults {
                outage: Some(redelivery_lab::sim::config::Outage {
                    from_ms: 0,
                    until_ms: 3_000,
                    kind: redelivery_lab::sim::OutageKind::Refuse,
                }),
                ..Default::default()
            },
            ..Config::default()
        };
        let mut sim = Sim::new(config, 9);
        sim.run_to_completion(600_000);
        sim
    };
    let immediate = storm(RetryPolicy::Immediate, 0);
    let amp = immediate.signals().retry_amplification;
    assert!(amp > 5.0, "immediate retries amplify: {amp}");
    assert_eq!(
        immediate.totals().charged_once,
        20,
        "and everything eventually goes through"
    );
    let bounded = storm(
        RetryPolicy::Exponential {
            base_ms: 100,
            cap_ms: 2_000,
            jitter: true,
        },
        0,
    );
    let bounded_amp = bounded.signals().retry_amplification;
    assert!(
        bounded_amp < amp / 2.0,
        "backoff {bounded_amp} vs immediate {amp}"
    );
    let dlq = storm(RetryPolicy::Immediate, 3);
    assert!(dlq.totals().dead_lettered > 0);
    assert_eq!(dlq.totals().anomalies(), 0);
}

#[test]
fn rate_limit_paces_retries() {
    let config = Config {
        retry: RetryPolicy::Immediate,
        rate_limit: Some(RateLimit {
            per_second: 5,
            burst: 1,
        }),
        gateway: GatewayFaults {
            failure_permille: 500,
            ..Default::default()
        },
        ..Config::default()
    };
    let mut sim = Sim::new(config, 3);
    assert!(sim.run_to_completion(600_000));
    let nacks: Vec<u32> = sim
        .events()
        .window()
        .iter()
        .filter_map(|e| match e.event {
            Event::Nacked { delay_ms, .. } => Some(delay_ms),
            _ => None,
        })
        .collect();
    assert!(
        nacks.iter().any(|d| *d > 0),
        "the bucket delays some retries: {nacks:?}"
    );
}

#[test]
fn a_lost_ack_redelivers_and_idempotency_absorbs_it() {
    let mut sim = Sim::new(
        Config {
            strategy: Strategy::SAFE,
            ..Config::default()
        },
        4,
    );
    sim.run_until(30);
    sim.apply(Command::LoseNextAck { consumer: 0 }).unwrap();
    assert!(sim.run_to_completion(600_000));
    assert_eq!(sim.metrics().counters.acks_lost, 1);
    assert_eq!(sim.metrics().counters.redeliveries, 1);
    assert_eq!(sim.totals().anomalies(), 0);
}

#[test]
fn crash_now_mid_charge_on_naive_consumer_is_counted_and_restarted() {
    let mut sim = Sim::new(Config::default(), 8);
    sim.run_until(20);
    sim.apply(Command::CrashNow { consumer: 0 }).unwrap();
    assert!(
        sim.apply(Command::CrashNow { consumer: 0 }).is_err(),
        "already down"
    );
    assert!(
        sim.apply(Command::CrashNow { consumer: 3 }).is_err(),
        "no such consumer"
    );
    assert!(sim.run_to_completion(600_000));
    assert_eq!(sim.metrics().counters.restarts, 1);
    assert_eq!(sim.actions().len(), 1, "refused commands are not recorded");
}

#[test]
fn a_crash_armed_every_time_never_lets_the_message_through() {
    let config = Config {
        strategy: Strategy::SAFE,
        ..Config::default()
    };
    let mut sim = Sim::new(config, 2);
    sim.apply(Command::ArmCrash {
        consumer: None,
        point: CrashPoint::AfterCharge,
        mode: ArmMode::Always,
    })
    .unwrap();
    assert!(
        !sim.run_to_completion(5_000),
        "the first payment keeps crashing"
    );
    assert_eq!(sim.totals().duplicate, 0, "but the key keeps the card safe");
    assert!(sim.metrics().counters.crashes > 5);
}
