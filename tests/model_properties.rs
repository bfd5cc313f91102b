//! The model's promises about the real systems it imitates, as properties over many seeds: RabbitMQ's
//! requeue order, auto-ack's loss, the redelivery that follows a restart, and runs that always end.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use redelivery_lab::sim::config::{GatewayFaults, Latency, Outage, OutageKind, RetryWait};
use redelivery_lab::sim::{
    AckTiming, ArmMode, Command, Config, CrashPoint, Event, RetryPolicy, Sim, Strategy,
};

const LIMIT_MS: u64 = 3_600_000;

fn run(config: Config, seed: u64, commands: &[Command]) -> Sim {
    let mut sim = Sim::new(config, seed);
    for c in commands {
        sim.apply(*c).unwrap();
    }
    sim.run_to_completion(LIMIT_MS);
    sim
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// With auto-ack the delivery is the acknowledgment: a crash at any point after delivery never
    /// causes a redelivery, so nothing is charged twice — and the crashed payment is lost.
    #[test]
    fn auto_ack_never_duplicates_and_loses_at_every_crash_after_delivery(
        seed in 0u64..10_000,
        point in proptest::sample::select(CrashPoint::BOUNDARIES[..5].to_vec()),
        k in 2u32..6,
        safeguards in any::<bool>(),
    ) {
        let base = if safeguards { Strategy::SAFE } else { Strategy::NAIVE };
        let config = Config {
            strategy: Strategy { ack_timing: AckTiming::Auto, ..base },
            ..Config::default()
        };
        let sim = run(config, seed, &[Command::ArmCrash { consumer: None, point, mode: ArmMode::EveryKth(k) }]);
        let t = sim.totals();
        prop_assert!(sim.is_settled());
        prop_assert_eq!(t.duplicate, 0, "auto-ack never redelivers");
        prop_assert_eq!(sim.metrics().counters.redeliveries, 0);
        prop_assert!(sim.metrics().counters.crashes > 0);
        prop_assert!(t.lost + t.orphan > 0, "the crashed payment is gone: {:?}", t);
    }

    /// Over AMQP, the ready queue hands messages out in publish order, requeues included: a requeued
    /// message goes back to its original position. With one consumer that means the deliveries' payment
    /// ids, read in order, never go down except right after a restart or a retry brought an older one
    /// back — and then it is exactly the oldest message not yet settled.
    #[test]
    fn requeue_keeps_publish_order(seed in 0u64..10_000, k in 2u32..7, point in proptest::sample::select(CrashPoint::BOUNDARIES[..5].to_vec())) {
        let config = Config { payments: 30, ..Config::default() };
        let sim = run(config, seed, &[Command::ArmCrash { consumer: None, point, mode: ArmMode::EveryKth(k) }]);
        let mut acked = std::collections::BTreeSet::new();
        let mut delivered_before = std::collections::BTreeSet::new();
        for e in sim.events().window() {
            match e.event {
                Event::Delivered { payment, .. } => {
                    // Every message older than this one that is still unacked has been delivered before
                    // and is in the consumer's hands or settled: nothing older waits behind it.
                    let older_waiting = (0..payment).any(|p| !acked.contains(&p) && !delivered_before.contains(&p));
                    prop_assert!(!older_waiting, "pay {payment} delivered while an older, never-delivered message waited");
                    delivered_before.insert(payment);
                }
                Event::Acked { payment, .. } => { acked.insert(payment); }
                _ => {}
            }
        }
    }

    /// A single consumer that crashes before its ack gets the same message back as the very first
    /// delivery after it restarts (the seed's "restart logs align with duplicate events").
    #[test]
    fn a_single_consumers_redelivery_is_its_first_delivery_after_restart(seed in 0u64..10_000, k in 2u32..7) {
        let sim = run(Config::default(), seed, &[Command::ArmCrash { consumer: None, point: CrashPoint::AfterCommit, mode: ArmMode::EveryKth(k) }]);
        let events: Vec<_> = sim.events().window().iter().collect();
        let mut checked = 0;
        for (i, e) in events.iter().enumerate() {
            if let Event::Crashed { payment: Some(p), .. } = e.event {
                let restart = events[i..].iter().position(|x| matches!(x.event, Event::Restarted { .. })).map(|j| i + j);
                let Some(r) = restart else { continue };
                let next = events[r..].iter().find_map(|x| match x.event {
                    Event::Delivered { payment, redelivered, .. } => Some((payment, redelivered, x.time)),
                    _ => None,
                });
                prop_assert_eq!(next.map(|n| (n.0, n.1)), Some((p, true)), "after the restart at {} ms", events[r].time);
                prop_assert_eq!(next.map(|n| n.2), Some(events[r].time), "at the moment of the restart");
                checked += 1;
            }
        }
        prop_assert!(checked > 0);
    }

    /// Whatever the settings, a run ends: it settles, or it halts with a sentence, within its caps —
    /// zero-time worlds and endless retries included. (No stack overflow either: the step machine
    /// loops instead of recursing.)
    #[test]
    fn every_run_settles_or_halts_with_a_sentence(
        seed in 0u64..1_000,
        zero in any::<bool>(),
        fail in prop_oneof![Just(0u16), Just(1000u16)],
        lost_ack in prop_oneof![Just(0u16), Just(1000u16)],
        restart in prop_oneof![Just(0u32), Just(50u32)],
        always in any::<bool>(),
    ) {
        let config = Config {
            payments: 2,
            consumers: 2,
            latency: if zero { Latency { base_ms: [0; 8], jitter_percent: 0 } } else { Latency::default() },
            restart_delay_ms: restart,
            retry: RetryPolicy::Immediate,
            lost_ack_permille: lost_ack,
            gateway: GatewayFaults { failure_permille: fail, ..GatewayFaults::default() },
            ..Config::default()
        };
        let mode = if always { ArmMode::Always } else { ArmMode::EveryKth(3) };
        let mut sim = Sim::new(config, seed);
        sim.apply(Command::ArmCrash { consumer: None, point: CrashPoint::AfterReceive, mode }).unwrap();
        let mut steps = 0u64;
        while !sim.is_settled() && sim.step() {
            steps += 1;
        }
        prop_assert!(sim.is_settled() || sim.halt().is_some_and(|h| h.ends_with('.')),
            "after {steps} steps at {} ms: neither settled nor halted", sim.now());
    }
}

#[test]
fn a_zero_time_world_that_crashes_every_time_halts_with_a_sentence() {
    let config = Config {
        latency: Latency {
            base_ms: [0; 8],
            jitter_percent: 0,
        },
        restart_delay_ms: 0,
        ..Config::default()
    };
    let mut sim = Sim::new(config, 1);
    sim.apply(Command::ArmCrash {
        consumer: None,
        point: CrashPoint::AfterReceive,
        mode: ArmMode::Always,
    })
    .unwrap();
    assert!(!sim.run_to_completion(u64::MAX));
    let halt = sim.halt().expect("it halts");
    assert!(halt.contains("cannot settle"), "{halt}");
    assert_eq!(sim.now(), 0, "time never moved");
    assert!(!sim.step(), "nothing happens after a halt");
}

#[test]
fn a_failing_gateway_with_instant_steps_and_immediate_retries_does_not_overflow_the_stack() {
    let config = Config {
        latency: Latency {
            base_ms: [0; 8],
            jitter_percent: 0,
        },
        retry: RetryPolicy::Immediate,
        gateway: GatewayFaults {
            failure_permille: 1000,
            ..GatewayFaults::default()
        },
        ..Config::default()
    };
    let mut sim = Sim::new(config, 1);
    assert!(!sim.run_to_completion(u64::MAX));
    assert!(sim.halt().is_some());
}

/// The retry storm: a gateway that hangs for two seconds, four consumers with a 250 ms call timeout
/// and immediate retries. Calls the consumers gave up on stay in the gateway and slow every call down,
/// so the backlog outlives the outage; waiting before a retry *in the consumer* sheds the load and the
/// system comes back.
#[test]
fn a_short_hang_with_immediate_retries_becomes_a_storm_that_outlasts_it_and_backoff_ends_it() {
    let storm = Config {
        consumers: 4,
        payments: 200,
        publish_interval_ms: 20,
        strategy: Strategy::SAFE,
        retry: RetryPolicy::Immediate,
        call_timeout_ms: 250,
        gateway: GatewayFaults {
            outage: Some(Outage {
                from_ms: 1_000,
                until_ms: 3_000,
                kind: OutageKind::Hang,
            }),
            ..GatewayFaults::default()
        },
        ..Config::default()
    };
    let lag_at = |sim: &Sim, t: u64| {
        sim.metrics()
            .samples()
            .iter()
            .rev()
            .find(|s| s.t <= t)
            .map_or(0, |s| s.oldest_ready_age_ms)
    };
    let mut sim = Sim::new(storm.clone(), 9);
    sim.run_until(20_000);
    assert!(!sim.is_settled(), "still not settled 17 s after the outage");
    assert!(
        lag_at(&sim, 20_000) > lag_at(&sim, 3_000),
        "lag keeps growing after the outage: {} ms at 3 s, {} ms at 20 s",
        lag_at(&sim, 3_000),
        lag_at(&sim, 20_000)
    );
    assert!(sim.gateway().load() > 16, "abandoned calls pile up");

    let calm = Config {
        retry: RetryPolicy::Exponential {
            base_ms: 200,
            cap_ms: 3_000,
            jitter: true,
        },
        retry_wait: RetryWait::Consumer,
        ..storm
    };
    let mut sim = Sim::new(calm, 9);
    assert!(sim.run_to_completion(20_000), "settles");
    let t = sim.totals();
    assert_eq!(t.charged_once, 200, "{t:?}");
    assert_eq!(lag_at(&sim, sim.now()), 0);
}
