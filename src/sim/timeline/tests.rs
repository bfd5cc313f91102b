//! The timeline's tests: seeking, forking, snapshots, catching up.

use super::snapshots::{MAX_SNAPSHOT_BYTES, MAX_SNAPSHOTS, SNAPSHOT_EVENTS};
use super::*;
use crate::sim::command::{ArmMode, CrashPoint};

fn cfg(payments: u32) -> Config {
    Config {
        payments,
        ..Config::default()
    }
}

#[test]
fn seeking_back_and_forth_reproduces_the_same_state() {
    let mut tl = Timeline::new(cfg(1_500), 5);
    tl.advance(2_000);
    tl.apply(Command::CrashNow { consumer: 0 }).unwrap();
    tl.advance(200_000);
    let end = (tl.now(), tl.sim().digest(), tl.sim().totals());
    assert!(tl.snapshot_count() > 1, "long runs take snapshots");
    tl.seek(1_000);
    assert_eq!(tl.now(), 1_000);
    let mut fresh = Sim::new(cfg(1_500), 5);
    fresh.run_until(1_000);
    assert_eq!(
        tl.sim().digest(),
        fresh.digest(),
        "rewound state equals a replay to that time"
    );
    tl.seek(end.0);
    assert_eq!((tl.now(), tl.sim().digest(), tl.sim().totals()), end);
}

#[test]
fn forking_discards_the_future() {
    let mut tl = Timeline::new(cfg(20), 3);
    tl.advance(100);
    tl.apply(Command::ArmCrash {
        consumer: None,
        point: CrashPoint::AfterCommit,
        mode: ArmMode::Once,
    })
    .unwrap();
    tl.advance(5_000);
    assert_eq!(tl.sim().totals().duplicate, 1);
    tl.seek(50);
    assert_eq!(tl.actions().len(), 1, "scrubbing alone keeps the log");
    tl.apply(Command::LoseNextAck { consumer: 0 }).unwrap();
    assert_eq!(
        tl.actions().len(),
        1,
        "the crash after the fork point is gone"
    );
    assert_eq!(tl.horizon(), 50);
    tl.advance(5_000);
    assert_eq!(
        tl.sim().totals().duplicate,
        1,
        "the naive consumer double-charges the lost ack instead"
    );
    assert_eq!(tl.sim().metrics().counters.crashes, 0);
}

#[test]
fn acting_at_the_horizon_keeps_scripted_faults_ahead() {
    let script = vec![Action {
        at: 500,
        command: Command::CrashNow { consumer: 0 },
    }];
    let mut tl = Timeline::with_actions(cfg(20), 2, script);
    tl.advance(100);
    tl.apply(Command::LoseNextAck { consumer: 0 }).unwrap();
    assert_eq!(tl.actions().len(), 2);
    tl.advance(1_000);
    assert_eq!(
        tl.sim().metrics().counters.crashes,
        1,
        "the scripted crash still fires"
    );
    assert!(tl.actions().windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn snapshots_stay_bounded_on_long_runs() {
    let mut tl = Timeline::new(
        Config {
            payments: 60_000,
            publish_interval_ms: 5,
            consumers: 4,
            ..Config::default()
        },
        1,
    );
    tl.advance(10_000_000);
    assert!(tl.snapshot_count() <= MAX_SNAPSHOTS);
    assert!(
        tl.snapshot_bytes() <= MAX_SNAPSHOT_BYTES,
        "{} bytes",
        tl.snapshot_bytes()
    );
    assert!(
        tl.snapshots
            .list
            .iter()
            .all(|s| s.sim.events().window().len() <= SNAPSHOT_EVENTS)
    );
    let end = tl.now();
    let digest = tl.sim().digest();
    tl.seek(end / 3);
    tl.seek(end);
    assert_eq!(tl.sim().digest(), digest);
}

#[test]
fn a_resumed_run_starts_at_its_recovery() {
    let mut sim = Sim::new(cfg(10), 1);
    sim.run_until(120);
    let mut tl = Timeline::resume(Sim::recover(sim.durable_state()).unwrap());
    assert_eq!(tl.start(), 120);
    tl.advance(60_000);
    assert!(tl.is_settled());
    tl.seek(0);
    assert_eq!(tl.now(), 120, "nothing before the recovery to rewind to");
}

#[test]
fn step_event_moves_to_the_next_moment() {
    let mut tl = Timeline::new(cfg(2), 1);
    assert!(tl.step_event());
    let t1 = tl.now();
    assert!(tl.step_event());
    assert!(tl.now() > t1);
    tl.step_back();
    assert!(tl.now() < t1 + 1);
}

#[test]
fn a_catch_up_in_slices_reaches_the_same_state_as_one_seek() {
    let script = vec![
        Action {
            at: 300,
            command: Command::CrashNow { consumer: 0 },
        },
        Action {
            at: 2_000,
            command: Command::ArmCrash {
                consumer: None,
                point: CrashPoint::AfterCharge,
                mode: ArmMode::EveryKth(7),
            },
        },
    ];
    let mut whole = Timeline::with_actions(cfg(3_000), 9, script.clone());
    whole.seek(60_000);
    let mut sliced = Timeline::with_actions(cfg(3_000), 9, script);
    let mut slices = 0;
    let mut last = (0, 0);
    while sliced.catch_up(60_000, 500) == CatchUp::Partway {
        slices += 1;
        let here = (sliced.now(), sliced.sim().events().total());
        assert!(here > last, "every slice makes progress");
        assert!(here.1 <= last.1 + 500 + 64, "a slice stays near its budget");
        last = here;
    }
    assert!(slices >= 5, "{slices} slices");
    assert_eq!(sliced.now(), 60_000);
    assert_eq!(sliced.sim().digest(), whole.sim().digest());
    assert_eq!(sliced.actions(), whole.actions());
    // Backwards in slices lands where a seek lands too.
    while sliced.catch_up(1_000, 500) == CatchUp::Partway {}
    whole.seek(1_000);
    assert_eq!(sliced.sim().digest(), whole.sim().digest());
}

#[test]
fn scripted_actions_apply_at_their_time() {
    let script = vec![Action {
        at: 200,
        command: Command::CrashNow { consumer: 0 },
    }];
    let mut tl = Timeline::with_actions(cfg(20), 2, script);
    tl.advance(199);
    assert_eq!(tl.sim().metrics().counters.crashes, 0);
    tl.advance(1);
    assert_eq!(tl.sim().metrics().counters.crashes, 1);
}

#[test]
fn actions_are_ordered_by_time_keeping_the_order_of_equal_times() {
    let crash = |consumer, at| Action {
        at,
        command: Command::CrashNow { consumer },
    };
    let script = vec![
        crash(2, 50),
        crash(0, 10),
        crash(1, 50),
        crash(3, 10),
        crash(0, 0),
    ];
    let mut expected = script.clone();
    expected.sort_by_key(|a| a.at);
    let tl = Timeline::with_actions(cfg(20), 2, script);
    assert_eq!(tl.actions(), &expected[..]);
}
