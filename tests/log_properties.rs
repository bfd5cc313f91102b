//! The Kafka-like log's promises, as properties over many seeds, crash points, commit modes and group
//! sizes: a crash or a rebalance replays exactly the uncommitted range, records of a partition are
//! read in offset order, offsets stored in the database transaction never apply the ledger twice,
//! and with the gateway key nobody is charged twice.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use redelivery_lab::sim::broker::MessageState;
use redelivery_lab::sim::broker::log::partition_of;
use redelivery_lab::sim::config::{BrokerKind, GatewayFaults, LogSettings, RetryWait};
use redelivery_lab::sim::event::RequeueReason;
use redelivery_lab::sim::{
    AckTiming, ArmMode, Command, Config, CrashPoint, Event, RetryPolicy, Sim, Strategy,
};
use std::collections::{BTreeMap, BTreeSet};

const LIMIT_MS: u64 = 3_600_000;

fn log(partitions: u8, auto_commit_interval_ms: u32, offsets_in_transaction: bool) -> BrokerKind {
    BrokerKind::Log(LogSettings {
        partitions,
        auto_commit_interval_ms,
        offsets_in_transaction,
    })
}

fn run(config: Config, seed: u64, commands: &[Command]) -> Sim {
    let mut sim = Sim::new(config, seed);
    for c in commands {
        sim.apply(*c).unwrap();
    }
    sim.run_to_completion(LIMIT_MS);
    sim
}

/// What the event log says about one partition, replayed event by event.
#[derive(Default, Debug)]
struct PartitionModel {
    /// The partition's records in offset order (payments in publish order).
    records: Vec<u32>,
    /// The committed offset, from `Acked` and `DeadLettered` events.
    committed: usize,
    /// The next offset the owner fetches.
    position: usize,
    /// Offsets dead-lettered.
    dead: BTreeSet<usize>,
    /// A failed record waits out its retry delay at this offset.
    paused: Option<usize>,
    /// Right after a nack: the failed offset and the position before it (the seek's replays, or the
    /// dead-lettering, follow at once).
    nacked: Option<(usize, usize)>,
    /// Records returned in the current burst of `Requeued { Replay }` events, and the range the
    /// model expects there.
    burst: Option<(BTreeSet<usize>, std::ops::Range<usize>)>,
}

/// Counts of what the model checked, so a property can insist that its case was exercised.
#[derive(Default, Debug)]
struct Checked {
    rewinds: u32,
    replayed: u32,
    seeks: u32,
}

/// Replays the event log through a model of the log's offsets and checks every event against it:
/// - a record is fetched only at its partition's position, so a partition is read in offset order;
/// - commits only ever cover a prefix of a partition (`Acked` events in offset order);
/// - a replay (after a crash or a rebalance) returns exactly the records from the committed offset to
///   the position — the uncommitted range — and the next fetch is at the committed offset;
/// - a failed record's seek returns exactly the records fetched after it, and nothing is fetched from
///   a partition while its failed record waits.
fn check_offsets(sim: &Sim) -> Result<Checked, String> {
    let partitions = sim.broker().topic().expect("a log").partitions.len() as u8;
    let mut parts: Vec<PartitionModel> = (0..partitions).map(|_| Default::default()).collect();
    let mut offset_of = BTreeMap::new();
    let mut checked = Checked::default();
    let window = sim.events().window();
    assert_eq!(
        window.front().map(|e| e.seq),
        Some(0),
        "the whole log is in the window"
    );
    for e in window {
        let ev = e.event;
        // A burst of replays ends at the first other event: the returned set must be the range.
        for (i, m) in parts.iter_mut().enumerate() {
            let in_burst = matches!(ev, Event::Requeued { payment, reason: RequeueReason::Replay } if partition_of(payment, partitions) as usize == i);
            if !in_burst {
                close_burst(m, i, e.time)?;
            }
        }
        let Some(payment) = ev.payment() else {
            continue;
        };
        let p = partition_of(payment, partitions) as usize;
        let m = &mut parts[p];
        let nacked = m.nacked.take();
        match ev {
            Event::Published { payment } => {
                offset_of.insert(payment, m.records.len());
                m.records.push(payment);
            }
            Event::Delivered { .. } => {
                let o = offset_of[&payment];
                if o != m.position {
                    return Err(format!(
                        "partition {p} at {}: fetched offset {o}, the position is {}",
                        e.time, m.position
                    ));
                }
                if m.paused.is_some() {
                    return Err(format!(
                        "partition {p} fetched while its failed record waits"
                    ));
                }
                m.position += 1;
            }
            Event::Acked { .. } => {
                while m.dead.contains(&m.committed) {
                    m.committed += 1;
                }
                let o = offset_of[&payment];
                if o != m.committed {
                    return Err(format!(
                        "partition {p} at {}: committed offset {o} out of order (committed {})",
                        e.time, m.committed
                    ));
                }
                m.committed += 1;
            }
            Event::DeadLettered { .. } => {
                m.dead.insert(offset_of[&payment]);
                if let Some((_, before)) = nacked {
                    m.position = before;
                    m.paused = None;
                }
                while m.dead.contains(&m.committed) {
                    m.committed += 1;
                }
            }
            Event::Nacked { delay_ms, .. } => {
                let o = offset_of[&payment];
                m.nacked = Some((o, m.position));
                checked.seeks += 1;
                m.position = o;
                m.paused = (delay_ms > 0).then_some(o);
            }
            Event::Requeued {
                reason: RequeueReason::Retry,
                ..
            } => {
                m.paused = None;
            }
            Event::Requeued {
                reason: RequeueReason::Replay,
                ..
            } => {
                let o = offset_of[&payment];
                checked.replayed += 1;
                if m.burst.as_ref().is_some_and(|(_, want)| !want.contains(&o)) {
                    // A rewind right after a seek: the seek's burst is over.
                    close_burst(m, p, e.time)?;
                }
                m.nacked = nacked;
                match nacked {
                    // The seek back to a failed record: what was fetched after it goes back.
                    Some((k, before)) if o > k && m.burst.is_none() => {
                        m.burst = Some((BTreeSet::new(), k + 1..before));
                    }
                    _ => {}
                }
                if m.burst.is_none() {
                    // A rewind to the committed offset: the uncommitted range goes back.
                    checked.rewinds += 1;
                    while m.dead.contains(&m.committed) {
                        m.committed += 1;
                    }
                    let end = m.position.max(m.paused.map_or(0, |k| k + 1));
                    m.burst = Some((BTreeSet::new(), m.committed..end));
                    m.position = m.committed;
                    m.paused = None;
                }
                if let Some((got, _)) = m.burst.as_mut() {
                    got.insert(o);
                }
            }
            _ => {}
        }
    }
    // The run's end: nothing below the committed offset is pending, nothing above it is done.
    let topic = sim.broker().topic().expect("a log");
    for (i, part) in topic.partitions.iter().enumerate() {
        for (o, payment) in part.records.iter().enumerate() {
            let done = matches!(
                sim.broker().message(*payment).state,
                MessageState::Acked | MessageState::DeadLettered
            );
            if done != (o < part.committed as usize) {
                return Err(format!(
                    "partition {i}: offset {o} is done = {done} with the committed offset at {}",
                    part.committed
                ));
            }
        }
    }
    Ok(checked)
}

/// Checks a finished burst of replays: the offsets returned must be exactly the expected range.
fn close_burst(m: &mut PartitionModel, partition: usize, time: u64) -> Result<(), String> {
    if let Some((got, want)) = m.burst.take() {
        let want_set: BTreeSet<usize> = want.clone().collect();
        if got != want_set {
            return Err(format!(
                "partition {partition} at {time}: replayed offsets {got:?}, expected {want:?}"
            ));
        }
    }
    Ok(())
}

/// The log's determinism: the runs of `golden::log_lines` give the checked-in digests (the browser
/// test compares the same file). Regenerate with `UPDATE_GOLDEN=1` when a change is meant to move them.
#[test]
fn log_runs_match_their_golden_digests() {
    let now = redelivery_lab::sim::golden::log_lines();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/log_digests.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &now).unwrap();
        return;
    }
    assert_eq!(now, include_str!("golden/log_digests.txt"));
    assert_eq!(
        now,
        redelivery_lab::sim::golden::log_lines(),
        "the same runs twice"
    );
}

fn strategy(bits: usize) -> Strategy {
    let all = Strategy::all_combinations();
    all[bits % all.len()]
}

#[test]
fn a_calm_log_delivers_every_payment_once_in_partition_order() {
    for timing in [
        AckTiming::AfterCommit,
        AckTiming::ManualFirst,
        AckTiming::Auto,
    ] {
        let config = Config {
            payments: 40,
            consumers: 2,
            prefetch: 4,
            strategy: Strategy {
                ack_timing: timing,
                ..Strategy::NAIVE
            },
            broker: log(3, 50, false),
            ..Config::default()
        };
        let sim = run(config, 3, &[]);
        assert!(sim.is_settled(), "{timing:?}: {:?}", sim.halt());
        let t = sim.totals();
        assert_eq!(t.charged_once, 40, "{timing:?}: {t:?}");
        assert_eq!(sim.metrics().counters.redeliveries, 0);
        check_offsets(&sim).unwrap();
    }
}

/// One consumer crashes after charging: on its return it reads its partitions again from the last
/// committed offsets, so the payment it was charging (and what it had fetched after it) comes again.
#[test]
fn a_crash_replays_from_the_committed_offset() {
    let config = Config {
        payments: 30,
        prefetch: 3,
        broker: log(2, 100, false),
        ..Config::default()
    };
    let sim = run(
        config,
        7,
        &[Command::ArmCrash {
            consumer: None,
            point: CrashPoint::AfterCharge,
            mode: ArmMode::Once,
        }],
    );
    assert!(sim.is_settled());
    let checked = check_offsets(&sim).unwrap();
    assert!(checked.rewinds >= 1 && checked.replayed >= 1, "{checked:?}");
    assert_eq!(
        sim.totals().duplicate,
        1,
        "the naive consumer charges again"
    );
    assert!(sim.metrics().counters.redelivered_after_replay >= 1);
}

/// Auto-commit: a crash after an automatic commit loses what was fetched and not processed; with a
/// long interval, a crash before it replays what was processed.
#[test]
fn auto_commit_loses_after_the_commit_and_repeats_before_it() {
    let run_with = |interval: u32| {
        let config = Config {
            payments: 30,
            prefetch: 8,
            publish_interval_ms: 0,
            strategy: Strategy {
                ack_timing: AckTiming::Auto,
                ..Strategy::NAIVE
            },
            broker: log(1, interval, false),
            ..Config::default()
        };
        let mut sim = Sim::new(config, 2);
        // The first poll takes 8 records; the consumer crashes while charging the third, once an
        // automatic commit (every 10 ms) has committed all 8 — or, with a 1-hour interval, none.
        sim.apply(Command::ArmCrash {
            consumer: None,
            point: CrashPoint::AfterCharge,
            mode: ArmMode::EveryKth(3),
        })
        .unwrap();
        sim.run_until(150);
        sim.apply(Command::Disarm {
            consumer: None,
            point: CrashPoint::AfterCharge,
        })
        .unwrap();
        sim.run_to_completion(LIMIT_MS);
        check_offsets(&sim).unwrap();
        sim.totals()
    };
    let after_commit = run_with(10);
    assert!(after_commit.lost > 0, "{after_commit:?}");
    let before_commit = run_with(3_600_000);
    assert_eq!(before_commit.lost, 0, "{before_commit:?}");
    assert!(before_commit.duplicate > 0, "{before_commit:?}");
}

/// Two consumers: when consumer 2 crashes, consumer 1 takes its partitions over and replays their
/// uncommitted range; when consumer 2 comes back, consumer 1 hands them back at its next poll, and
/// consumer 2 starts from the committed offsets.
#[test]
fn a_rebalance_hands_partitions_over_at_the_committed_offset() {
    let config = Config {
        payments: 60,
        consumers: 2,
        prefetch: 4,
        broker: log(4, 100, false),
        ..Config::default()
    };
    let mut sim = Sim::new(config, 5);
    sim.run_until(300);
    let owners = |sim: &Sim| {
        sim.broker()
            .topic()
            .unwrap()
            .partitions
            .iter()
            .map(|p| p.owner)
            .collect::<Vec<_>>()
    };
    assert_eq!(owners(&sim), [Some(0), Some(0), Some(1), Some(1)]);
    sim.apply(Command::CrashNow { consumer: 1 }).unwrap();
    assert_eq!(
        owners(&sim),
        [Some(0); 4],
        "the survivor takes every partition"
    );
    sim.run_until(600);
    assert_eq!(
        owners(&sim),
        [Some(0), Some(0), Some(1), Some(1)],
        "and gives two back"
    );
    sim.run_to_completion(LIMIT_MS);
    assert!(sim.is_settled());
    let checked = check_offsets(&sim).unwrap();
    assert!(checked.rewinds >= 1, "{checked:?}");
}

/// Offsets in the transaction: however the consumer crashes, even the naive one (no idempotency
/// table, rows appended), each payment is in the ledger exactly once; the card gateway outside the
/// transaction still charges twice without its key.
#[test]
fn offsets_in_the_transaction_make_the_ledger_effectively_once_but_not_the_card() {
    let config = Config {
        payments: 40,
        strategy: Strategy {
            transactional: true,
            ..Strategy::NAIVE
        },
        broker: log(2, 100, true),
        ..Config::default()
    };
    let crash = [Command::ArmCrash {
        consumer: None,
        point: CrashPoint::AfterCharge,
        mode: ArmMode::EveryKth(5),
    }];
    let sim = run(config.clone(), 9, &crash);
    assert!(sim.is_settled());
    check_offsets(&sim).unwrap();
    assert!((0..40).all(|p| sim.ledger().ledger_rows(p) == 1));
    assert!(sim.totals().duplicate > 0, "the card is charged again");
    let keyed = Config {
        strategy: Strategy {
            gateway_key: true,
            ..config.strategy
        },
        ..config
    };
    let sim = run(keyed, 9, &crash);
    assert_eq!(sim.totals().duplicate, 0);
    assert_eq!(sim.totals().charged_once, 40);
}

/// A failed charge holds up its partition: the record is retried in place until the delivery
/// limit, then dead-lettered, and the partition moves on in order.
#[test]
fn a_failing_record_is_retried_in_place_then_dead_lettered() {
    let config = Config {
        payments: 20,
        prefetch: 4,
        max_deliveries: 3,
        retry: RetryPolicy::Fixed { delay_ms: 50 },
        gateway: GatewayFaults {
            fail_first_attempts: 5,
            ..GatewayFaults::default()
        },
        broker: log(2, 100, false),
        ..Config::default()
    };
    let sim = run(config, 4, &[]);
    assert!(sim.is_settled(), "{:?}", sim.halt());
    let checked = check_offsets(&sim).unwrap();
    assert!(checked.seeks > 0);
    assert_eq!(sim.broker().dead_letter().len(), 20);
    assert!(sim.broker().messages().iter().all(|m| m.deliveries == 3));
}

/// A reload of the page mid-run (real crash mode) on a log: the saved run keeps the log and its
/// committed offsets (as a `d4.` save), every consumer restarts and resumes from them, and with offsets
/// in the transaction the ledger still holds each payment once.
#[test]
fn a_saved_log_run_recovers_from_its_committed_offsets() {
    use redelivery_lab::sim::durable::DurableState;
    for in_tx in [false, true] {
        let config = Config {
            payments: 50,
            consumers: 2,
            prefetch: 3,
            strategy: Strategy {
                transactional: true,
                ..Strategy::NAIVE
            },
            broker: log(3, 100, in_tx),
            ..Config::default()
        };
        let mut sim = Sim::new(config, 21);
        sim.apply(Command::ArmCrash {
            consumer: None,
            point: CrashPoint::AfterCharge,
            mode: ArmMode::EveryKth(6),
        })
        .unwrap();
        sim.run_until(700);
        let text = sim.durable_state().to_text();
        assert!(text.starts_with("d4."), "{text}");
        let state = DurableState::from_text(&text).unwrap();
        let mut back = Sim::recover(state).unwrap();
        let before: Vec<u32> = (0..50)
            .filter(|p| sim.broker().message(*p).state == MessageState::Acked)
            .collect();
        assert!(back.run_to_completion(LIMIT_MS));
        assert!(
            before.iter().all(
                |p| back.broker().message(*p).deliveries == sim.broker().message(*p).deliveries
            ),
            "nothing below a committed offset is read again"
        );
        let t = back.totals();
        assert_eq!(t.lost + t.pending, 0, "{t:?}");
        if in_tx {
            assert!((0..50).all(|p| back.ledger().ledger_rows(p) == 1));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// A log in a zero-time world (steps, restarts and retries that take no time, a gateway that
    /// always fails) never panics or spins: the run settles, halts with a sentence, or moves on in
    /// time.
    #[test]
    fn a_zero_time_log_world_ends_or_halts(
        seed in 0u64..1_000,
        consumers in 1u8..=4,
        partitions in 1u8..=8,
        bits in 0usize..48,
        in_tx in any::<bool>(),
        max_deliveries in 0u8..3,
        failure_permille in prop_oneof![Just(1000u16), 0u16..1000],
    ) {
        let config = Config {
            payments: 30,
            publish_interval_ms: 0,
            consumers,
            strategy: strategy(bits),
            restart_delay_ms: 0,
            max_deliveries,
            retry: RetryPolicy::Immediate,
            latency: redelivery_lab::sim::config::Latency { base_ms: [0; 8], jitter_percent: 0 },
            gateway: GatewayFaults { failure_permille, ..GatewayFaults::default() },
            broker: log(partitions, 1, in_tx),
            ..Config::default()
        };
        let mut sim = Sim::new(config, seed);
        sim.apply(Command::ArmCrash { consumer: None, point: CrashPoint::AfterCharge, mode: ArmMode::EveryKth(3) }).unwrap();
        let settled = sim.run_to_completion(10_000);
        prop_assert!(settled || sim.halt().is_some() || sim.now() > 0 || sim.next_event_time().is_some());
        if max_deliveries > 0 && failure_permille == 1000 {
            prop_assert!(settled, "a delivery limit ends every failing record: {:?}", sim.halt());
        }
    }

    /// Any seed, group size, partition count, strategy (hence commit mode), crash point and fault:
    /// every replay is exactly the uncommitted range, partitions are read in order, commits cover
    /// prefixes, and the run settles.
    #[test]
    fn replays_are_exactly_the_uncommitted_range_and_partitions_stay_in_order(
        seed in 0u64..100_000,
        consumers in 1u8..=4,
        partitions in 1u8..=8,
        prefetch in 1u8..=6,
        bits in 0usize..48,
        in_tx in any::<bool>(),
        interval in 1u32..200,
        point in proptest::sample::select(CrashPoint::BOUNDARIES.to_vec()),
        k in 2u32..6,
        failure_permille in prop_oneof![Just(0u16), 0u16..300],
        lost_ack_permille in prop_oneof![Just(0u16), 0u16..200],
        max_deliveries in 0u8..4,
        consumer_wait in any::<bool>(),
        crash_at in 0u64..600,
        switch_to in proptest::option::of(0usize..48),
    ) {
        let config = Config {
            payments: 40,
            consumers,
            prefetch,
            strategy: strategy(bits),
            max_deliveries,
            retry_wait: if consumer_wait { RetryWait::Consumer } else { RetryWait::Broker },
            lost_ack_permille,
            gateway: GatewayFaults { failure_permille, ..GatewayFaults::default() },
            broker: log(partitions, interval, in_tx),
            ..Config::default()
        };
        let mut sim = Sim::new(config, seed);
        sim.apply(Command::ArmCrash { consumer: None, point, mode: ArmMode::EveryKth(k) }).unwrap();
        sim.run_until(crash_at);
        let victim = (seed % consumers as u64) as u8;
        if !sim.consumers()[victim as usize].is_down() {
            sim.apply(Command::CrashNow { consumer: victim }).unwrap();
        }
        // A change of strategy mid-run changes when offsets are committed from then on; records
        // fetched under automatic commits are still committed by them.
        if let Some(b) = switch_to {
            sim.apply(Command::SetStrategy(strategy(b))).unwrap();
        }
        sim.run_to_completion(LIMIT_MS);
        prop_assert!(sim.is_settled(), "{:?}", sim.halt());
        let checked = check_offsets(&sim);
        prop_assert!(checked.is_ok(), "{}", checked.unwrap_err());
        prop_assert!(sim.metrics().counters.crashes > 0);
    }

    /// Offsets stored in the database transaction: whatever the strategy, crash point and faults, no
    /// payment's ledger is applied twice, and every payment not dead-lettered is applied once. With
    /// the gateway key as well, nobody is charged twice.
    #[test]
    fn offsets_in_the_transaction_never_apply_the_ledger_twice(
        seed in 0u64..100_000,
        consumers in 1u8..=4,
        partitions in 1u8..=8,
        prefetch in 1u8..=6,
        bits in 0usize..48,
        point in proptest::sample::select(CrashPoint::BOUNDARIES.to_vec()),
        k in 2u32..6,
        failure_permille in prop_oneof![Just(0u16), 0u16..300],
        call_timeout_ms in prop_oneof![Just(1_000u32), 48u32..60],
        max_deliveries in 0u8..4,
    ) {
        let s = strategy(bits);
        let config = Config {
            payments: 40,
            consumers,
            prefetch,
            strategy: s,
            max_deliveries,
            call_timeout_ms,
            gateway: GatewayFaults { failure_permille, ..GatewayFaults::default() },
            broker: log(partitions, 100, true),
            ..Config::default()
        };
        let sim = run(config, seed, &[Command::ArmCrash { consumer: None, point, mode: ArmMode::EveryKth(k) }]);
        prop_assert!(sim.is_settled(), "{:?}", sim.halt());
        for p in 0..40u32 {
            let rows = sim.ledger().ledger_rows(p);
            let dead = sim.broker().message(p).state == MessageState::DeadLettered;
            prop_assert!(rows <= 1, "payment {} written {} times", p, rows);
            prop_assert!(dead || rows == 1, "payment {} never written", p);
        }
        if s.gateway_key {
            prop_assert_eq!(sim.totals().duplicate, 0, "{:?}", sim.totals());
        }
        let checked = check_offsets(&sim);
        prop_assert!(checked.is_ok(), "{}", checked.unwrap_err());
    }
}
