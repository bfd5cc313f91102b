//! Retention of idempotency memory: within the window a redelivery is absorbed, after it the same
//! redelivery charges again — for the processed-record table and for the gateway's keys alike.
//! Stripe documents that a key may be pruned once it is at least 24 hours old; the tests use that
//! window as well as short ones, since only the order of commit, expiry and redelivery matters.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use redelivery_lab::sim::config::{LedgerWrite, Retention, STRIPE_KEY_RETENTION_MS};
use redelivery_lab::sim::{ArmMode, Command, Config, CrashPoint, Event, Sim, Strategy};

/// One crash between commit and ack; the consumer comes back after `restart_ms`, and the broker
/// redelivers that message then (one consumer, so nobody else takes it meanwhile).
fn crash_once_after_commit(
    strategy: Strategy,
    restart_ms: u32,
    retention: Retention,
    seed: u64,
) -> Sim {
    let config = Config {
        payments: 5,
        strategy,
        restart_delay_ms: restart_ms,
        retention,
        ..Config::default()
    };
    let mut sim = Sim::new(config, seed);
    sim.apply(Command::ArmCrash {
        consumer: None,
        point: CrashPoint::AfterCommit,
        mode: ArmMode::Once,
    })
    .unwrap();
    sim.run_to_completion(10_000_000_000);
    sim
}

/// The crashed payment, and two gaps ending at its redelivery: from the first charge (the oldest
/// memory, the gateway key) and from the last write of a memory before it (the commit of the
/// processed record, or the charge when there is none); plus the time its last event happened.
struct Gaps {
    payment: u32,
    from_first_charge: u64,
    from_last_memory: u64,
    settled_after_first_charge: u64,
}

fn gaps(sim: &Sim) -> Gaps {
    let events = sim.events().window();
    let (payment, redelivered) = events
        .iter()
        .find_map(|e| match e.event {
            Event::Delivered {
                payment,
                redelivered: true,
                ..
            } => Some((payment, e.time)),
            _ => None,
        })
        .expect("the crash leads to a redelivery");
    let mine = |e: &&redelivery_lab::sim::LoggedEvent| e.event.payment() == Some(payment);
    let first_charge = events
        .iter()
        .filter(mine)
        .find(|e| {
            matches!(
                e.event,
                Event::Charged {
                    replayed: false,
                    ..
                }
            )
        })
        .expect("charged before the crash")
        .time;
    let last_memory = events
        .iter()
        .filter(mine)
        .filter(|e| e.time < redelivered)
        .filter(|e| {
            matches!(
                e.event,
                Event::Charged {
                    replayed: false,
                    ..
                } | Event::Committed { .. }
            )
        })
        .map(|e| e.time)
        .max()
        .unwrap_or(first_charge);
    let last = events
        .iter()
        .filter(mine)
        .map(|e| e.time)
        .max()
        .unwrap_or(redelivered);
    Gaps {
        payment,
        from_first_charge: redelivered - first_charge,
        from_last_memory: redelivered - last_memory,
        settled_after_first_charge: last - first_charge,
    }
}

fn both(window: u64) -> Retention {
    Retention {
        records_ms: Some(window),
        gateway_keys_ms: Some(window),
    }
}

/// A processed record, one transaction, ack after commit, and the gateway key: every safeguard.
const SAFE: Strategy = Strategy::SAFE;
/// No processed record: the gateway key protects the card, a commutative write the ledger.
const KEY_ONLY: Strategy = Strategy {
    idempotency: false,
    transactional: false,
    ledger_write: LedgerWrite::Commutative,
    ..Strategy::SAFE
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Within the window the redelivery is absorbed; once both memories are older than the window,
    /// the same redelivery charges the card a second time.
    #[test]
    fn within_the_window_no_double_charge_after_it_the_redelivery_double_charges(
        seed in 0u64..10_000,
        restart_ms in 200u32..3_600_000,
        key_only in any::<bool>(),
    ) {
        let strategy = if key_only { KEY_ONLY } else { SAFE };
        // Measure the gap once without retention, then set the window on either side of it.
        let forever = crash_once_after_commit(strategy, restart_ms, Retention::default(), seed);
        let g = gaps(&forever);
        let payment = g.payment;
        prop_assert_eq!(forever.totals().duplicate, 0);
        prop_assert!(g.from_last_memory <= g.from_first_charge);

        // Both memories still there when the redelivered message is handled.
        let window = g.settled_after_first_charge + 1;
        let kept = crash_once_after_commit(strategy, restart_ms, both(window), seed);
        prop_assert_eq!(kept.totals().duplicate, 0, "a window longer than the gap absorbs it");
        prop_assert_eq!(kept.gateway().charges(payment), 1);

        // A window no longer than the time since the newest memory was written has pruned the
        // record and the key (stored earlier, at the charge) by the time the redelivery arrives.
        let pruned = crash_once_after_commit(strategy, restart_ms, both(g.from_last_memory), seed);
        prop_assert_eq!(pruned.gateway().charges(payment), 2, "money moved twice after expiry");
        prop_assert!(pruned.totals().duplicate >= 1);
    }
}

/// Records kept forever, keys pruned: a consumer relying on the key alone is safe a minute later
/// under Stripe's 24 hours, and charged twice once the redelivery comes after the key's window —
/// unless its processed record is still there to stop the repeat before the gateway is called.
/// (A restart delay is at most an hour, so the late case uses a one-hour key window.)
#[test]
fn a_redelivery_after_the_key_window_passes_the_key_but_not_a_kept_record() {
    let day = STRIPE_KEY_RETENTION_MS;
    let keys_a_day = Retention {
        records_ms: None,
        gateway_keys_ms: Some(day),
    };
    let hour = 3_600_000;
    let keys_an_hour = Retention {
        records_ms: None,
        gateway_keys_ms: Some(hour),
    };
    let minute = crash_once_after_commit(KEY_ONLY, 60_000, keys_a_day, 7);
    assert_eq!(
        minute.totals().duplicate,
        0,
        "a minute later the key is still known"
    );
    let late = crash_once_after_commit(KEY_ONLY, hour as u32, keys_an_hour, 7);
    assert_eq!(
        late.totals().duplicate,
        1,
        "an hour-old key was pruned: charged twice"
    );
    let recorded = crash_once_after_commit(SAFE, hour as u32, keys_an_hour, 7);
    assert_eq!(
        recorded.totals().duplicate,
        0,
        "the processed record, kept forever, stops the repeat before the gateway is called"
    );
}

/// No retention set behaves exactly as before retention existed: the same digest as keeping both
/// memories for a year.
#[test]
fn no_window_is_the_old_behaviour() {
    let year = Retention {
        records_ms: Some(365 * STRIPE_KEY_RETENTION_MS),
        gateway_keys_ms: Some(365 * STRIPE_KEY_RETENTION_MS),
    };
    let a = crash_once_after_commit(SAFE, 200, Retention::default(), 3);
    let b = crash_once_after_commit(SAFE, 200, year, 3);
    assert_eq!(a.digest(), b.digest());
    assert_eq!(a.totals(), b.totals());
}

/// A retention window travels in links (`v3.`) and saved runs (`d4.`), with the queue as its broker;
/// a configuration without one is still written as before (`v2.`).
#[test]
fn a_retention_window_round_trips_through_links_and_saves() {
    use redelivery_lab::sim::durable::DurableState;
    use redelivery_lab::sim::share::{self, Scenario};
    use redelivery_lab::sim::timeline::Timeline;
    let plain = Scenario {
        lab: None,
        seed: 5,
        config: Config::default(),
        actions: vec![],
        at: 300,
    };
    assert!(share::encode(&plain).starts_with("v2."));
    for retention in [
        Retention {
            records_ms: Some(1),
            gateway_keys_ms: None,
        },
        Retention {
            records_ms: None,
            gateway_keys_ms: Some(STRIPE_KEY_RETENTION_MS),
        },
    ] {
        let s = Scenario {
            config: Config {
                retention,
                ..Config::default()
            },
            ..plain.clone()
        };
        let link = share::encode(&s);
        assert!(link.starts_with("v3."), "{link}");
        assert_eq!(share::decode(&link), Ok(s.clone()));
        let mut tl = Timeline::with_actions(s.config.clone(), s.seed, vec![]);
        tl.seek(300);
        let text = tl.sim().durable_state().to_text();
        assert!(text.starts_with("d4."), "{text}");
        assert_eq!(
            DurableState::from_text(&text).map(|d| d.config),
            Ok(s.config)
        );
    }
}
