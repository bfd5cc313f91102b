//! Unit tests of the machinery.

use super::crash::boundary_after;
use super::timers::TimerKind;
use super::*;
use crate::sim::checker::classify;
use crate::sim::config::Step;

#[test]
fn cached_totals_match_a_fresh_count_at_every_step() {
    let config = Config {
        payments: 30,
        consumers: 2,
        ..Config::default()
    };
    let mut sim = Sim::new(config, 5);
    sim.apply(Command::ArmCrash {
        consumer: None,
        point: CrashPoint::AfterCharge,
        mode: ArmMode::EveryKth(3),
    })
    .unwrap();
    while sim.step() {
        let cached = sim.totals();
        let mut fresh = Totals::default();
        for p in 0..sim.config.payments {
            let f = sim.facts(p);
            fresh.add(classify(f), f, sim.message(p).amount_cents);
        }
        assert_eq!(cached, fresh, "at {} ms", sim.now());
        if sim.now() == 300 {
            sim.apply(Command::CrashNow { consumer: 1 }).ok();
        }
    }
}

#[test]
fn boundary_after_matches_the_crash_points() {
    for step in Step::ALL {
        assert_eq!(boundary_after(step), CrashPoint::after(step), "{step:?}");
    }
}

#[test]
fn timers_fire_in_time_then_schedule_order() {
    let mut sim = Sim::new(Config::default(), 1);
    sim.schedule(50, TimerKind::RetryReady { msg: 0 });
    sim.schedule(10, TimerKind::RetryReady { msg: 1 });
    sim.schedule(10, TimerKind::RetryReady { msg: 2 });
    let mut order = Vec::new();
    while let Some(t) = sim.timers.pop() {
        order.push((t.at(), t.kind));
    }
    assert_eq!(
        order,
        vec![
            (0, TimerKind::Publish),
            (10, TimerKind::RetryReady { msg: 1 }),
            (10, TimerKind::RetryReady { msg: 2 }),
            (50, TimerKind::RetryReady { msg: 0 }),
        ]
    );
}

#[test]
fn memory_is_a_few_bytes_per_payment() {
    let small = |payments| {
        let mut sim = Sim::new(
            Config {
                payments,
                event_window: 1_000,
                ..Config::default()
            },
            3,
        );
        assert!(sim.run_to_completion(u64::MAX));
        sim.heap_bytes()
    };
    let (a, b) = (small(2_000), small(20_000));
    assert!(b < a * 20, "{a} → {b}");
    assert!(b / 20_000 < 64, "a few bytes per payment: {b}");
}
