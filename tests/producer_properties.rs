//! The producer side and the SQS-like broker as properties: a republish is a new message for the same
//! payment, only a key tied to the business payment stops it charging twice, the outbox relay's crash
//! always publishes again, a FIFO queue drops a repeat only inside its 5-minute window, and a standard
//! queue duplicates at about its configured rate — never at rate 0.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::strategy::Strategy as _;
use redelivery_lab::sim::config::{BrokerKind, KeyedOn, ProducerSettings, SqsSettings};
use redelivery_lab::sim::producer::MAX_PUBLISHES;
use redelivery_lab::sim::sqs::DEDUP_WINDOW_MS;
use redelivery_lab::sim::{ArmMode, Command, Config, CrashPoint, Event, Outcome, Sim, Strategy};

/// Long enough for every republish (three timeouts of at most an hour) and every redelivery.
const LIMIT_MS: u64 = 20_000_000;

fn producer(lost_confirm_permille: u16, confirms: bool) -> ProducerSettings {
    ProducerSettings {
        confirms,
        lost_confirm_permille,
        ..ProducerSettings::default()
    }
}

fn keyed(key: KeyedOn) -> Strategy {
    Strategy {
        key,
        ..Strategy::SAFE
    }
}

/// Runs `config` on `seed` with `crashes` applied at the start, to completion.
fn run(config: Config, seed: u64, crashes: &[Command]) -> Sim {
    let mut sim = Sim::new(config, seed);
    for c in crashes {
        sim.apply(*c).unwrap();
    }
    assert!(sim.run_to_completion(LIMIT_MS), "the run settles");
    sim
}

/// Every event of the run (the runs here are small enough for the whole log to stay in the window).
fn events(sim: &Sim) -> Vec<(u64, Event)> {
    assert_eq!(sim.events().dropped(), 0, "the whole log is in the window");
    sim.events()
        .window()
        .iter()
        .map(|e| (e.time, e.event))
        .collect()
}

/// A crash that a safe consumer survives: once, or every k-th pass, at any boundary.
fn consumer_crash() -> impl proptest::strategy::Strategy<Value = Command> {
    let point = proptest::sample::select(CrashPoint::BOUNDARIES.to_vec());
    let mode = prop_oneof![Just(ArmMode::Once), (2u32..=6).prop_map(ArmMode::EveryKth)];
    (point, mode).prop_map(|(point, mode)| Command::ArmCrash {
        consumer: None,
        point,
        mode,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_producer_retry_creates_a_second_message_id_for_the_same_payment(
        seed in any::<u64>(),
        payments in 1u32..30,
        lost in 1u16..=1000,
        confirms in any::<bool>(),
    ) {
        let config = Config { payments, producer: producer(lost, confirms), ..Config::default() };
        let sim = run(config, seed, &[]);
        let mut ids = std::collections::BTreeSet::new();
        let mut republishes = 0;
        for (_, e) in events(&sim) {
            if let Event::Republished { payment, msg, relay } = e {
                republishes += 1;
                prop_assert!(!relay);
                prop_assert!(msg >= payments, "a new id past the payments' first messages");
                prop_assert!(msg != payment);
                prop_assert_eq!(sim.broker().payment(msg), payment, "the same business payment");
                prop_assert!(ids.insert(msg), "message {} handed out twice", msg);
            }
        }
        prop_assert_eq!(republishes, sim.metrics().counters.republished);
        if !confirms || lost == 1000 {
            // No confirm ever arrives: every payment is published the most times a producer tries.
            prop_assert_eq!(republishes, (payments * (MAX_PUBLISHES as u32 - 1)) as u64);
            for p in 0..payments {
                prop_assert_eq!(sim.broker().messages_of(p).count(), MAX_PUBLISHES as usize);
            }
        }
    }

    #[test]
    fn keyed_on_the_business_id_no_payment_is_charged_twice_under_any_lost_confirm_rate(
        seed in any::<u64>(),
        payments in 1u32..25,
        consumers in 1u8..=4,
        lost in 0u16..=1000,
        confirms in any::<bool>(),
        outbox in any::<bool>(),
        relay_crash in 0u16..=1000,
        timeout in 1u32..400,
        crash in proptest::option::of(consumer_crash()),
    ) {
        let config = Config {
            payments,
            consumers,
            strategy: keyed(KeyedOn::Payment),
            producer: ProducerSettings {
                confirms,
                lost_confirm_permille: lost,
                confirm_timeout_ms: timeout,
                outbox,
                crash_permille: if outbox { relay_crash } else { 0 },
            },
            ..Config::default()
        };
        let crashes: Vec<Command> = crash.into_iter().collect();
        let sim = run(config, seed, &crashes);
        let d = sim.duplicates();
        prop_assert_eq!(d.payments_charged_twice, 0, "{:?}", d);
        prop_assert_eq!(sim.totals().anomalies(), 0, "{:?}", sim.totals());
        prop_assert_eq!(sim.totals().charged_once, payments as u64);
    }

    #[test]
    fn keyed_on_the_message_id_a_republish_charges_twice(
        seed in any::<u64>(),
        payments in 1u32..25,
        consumers in 1u8..=4,
        confirms in any::<bool>(),
    ) {
        // Every confirm lost (or none asked for): each payment arrives as three messages.
        let config = Config {
            payments,
            consumers,
            strategy: keyed(KeyedOn::Message),
            producer: producer(1000, confirms),
            ..Config::default()
        };
        let sim = run(config, seed, &[]);
        let d = sim.duplicates();
        prop_assert_eq!(d.payments_charged_twice, payments as u64, "{:?}", d);
        prop_assert_eq!(d.extra_charges, (payments * (MAX_PUBLISHES as u32 - 1)) as u64);
        prop_assert_eq!(sim.totals().duplicate, payments as u64);
    }

    #[test]
    fn fifo_dedup_drops_a_repeat_inside_the_5_minute_window_and_not_after_it(
        seed in any::<u64>(),
        payments in 1u32..12,
        // Every republish of a payment comes inside the window of its first send.
        inside in 1u32..(DEDUP_WINDOW_MS as u32 / (MAX_PUBLISHES as u32 - 1)),
        outside in (DEDUP_WINDOW_MS as u32)..=3_600_000,
    ) {
        let fifo = |timeout: u32, key: KeyedOn| {
            let config = Config {
                payments,
                strategy: keyed(key),
                broker: BrokerKind::Sqs(SqsSettings { fifo: true, duplicate_permille: 0 }),
                producer: ProducerSettings {
                    lost_confirm_permille: 1000,
                    confirm_timeout_ms: timeout,
                    ..ProducerSettings::default()
                },
                ..Config::default()
            };
            run(config, seed, &[])
        };
        let repeats = (payments * (MAX_PUBLISHES as u32 - 1)) as u64;
        let within = fifo(inside, KeyedOn::Payment);
        let c = within.metrics().counters;
        prop_assert_eq!((c.fifo_dropped, c.republished), (repeats, 0));
        prop_assert_eq!(within.duplicates().extra_deliveries, 0);
        for (t, e) in events(&within) {
            if let Event::FifoDropped { payment, .. } = e {
                let first = within.broker().message(payment).published_at as u64;
                prop_assert!(t < first + DEDUP_WINDOW_MS, "dropped at {} after a send at {}", t, first);
            }
        }
        let after = fifo(outside, KeyedOn::Payment).metrics().counters;
        prop_assert_eq!((after.fifo_dropped, after.republished), (0, repeats));
        // A deduplication id that is the message id never repeats.
        let by_message = fifo(inside, KeyedOn::Message).metrics().counters;
        prop_assert_eq!((by_message.fifo_dropped, by_message.republished), (0, repeats));
    }

    #[test]
    fn an_outbox_relay_crash_between_publish_and_mark_sent_always_yields_a_second_publish(
        seed in any::<u64>(),
        payments in 1u32..30,
        crash in 1u16..=1000,
        lost in 0u16..=1000,
    ) {
        let config = Config {
            payments,
            strategy: Strategy::SAFE,
            producer: ProducerSettings {
                lost_confirm_permille: lost,
                outbox: true,
                crash_permille: crash,
                ..ProducerSettings::default()
            },
            ..Config::default()
        };
        let sim = run(config, seed, &[]);
        let log = events(&sim);
        let mut crashes = 0;
        for (i, (t, e)) in log.iter().enumerate() {
            if let Event::PublisherCrashed { payment, relay } = *e {
                crashes += 1;
                prop_assert!(relay, "with an outbox only the relay crashes");
                let again = log[i..].iter().any(|(u, e)| {
                    *u >= *t && matches!(*e, Event::Republished { payment: p, relay: true, .. } if p == payment)
                });
                prop_assert!(again, "pay-{} crashed in the relay and was never published again", payment);
            }
        }
        prop_assert_eq!(crashes, sim.metrics().counters.publisher_crashes);
        if crash == 1000 {
            prop_assert!(crashes >= payments as u64);
        }
        // Publishing is reliable: nothing lost, every payment charged once under the safe strategy.
        prop_assert_eq!(sim.totals().charged_once, payments as u64);
    }

    #[test]
    fn without_an_outbox_the_order_service_crash_loses_the_payment(
        seed in any::<u64>(),
        payments in 1u32..30,
    ) {
        let config = Config {
            payments,
            strategy: Strategy::SAFE,
            producer: ProducerSettings { crash_permille: 1000, ..ProducerSettings::default() },
            ..Config::default()
        };
        let sim = run(config, seed, &[]);
        prop_assert_eq!(sim.totals().lost, payments as u64);
        prop_assert!((0..payments).all(|p| sim.outcome(p) == Outcome::Lost && sim.never_published(p)));
    }

    #[test]
    fn sqs_standard_duplicates_happen_at_about_the_configured_rate_and_never_with_rate_0(
        seed in any::<u64>(),
        rate in 0u16..=300,
    ) {
        let config = Config {
            payments: 2_000,
            publish_interval_ms: 10,
            consumers: 4,
            broker: BrokerKind::Sqs(SqsSettings { fifo: false, duplicate_permille: rate }),
            event_window: 1,
            ..Config::default()
        };
        let sim = run(config, seed, &[]);
        let c = sim.metrics().counters;
        // One draw per delete the broker hears: acks = first deletes + deletes of the copies.
        let expected = c.acks as f64 * rate as f64 / 1000.0;
        let sd = (expected * (1.0 - rate as f64 / 1000.0)).sqrt();
        prop_assert!((c.sqs_duplicates as f64 - expected).abs() <= 5.0 * sd + 1.0,
            "{} duplicates in {} deletes at {}‰", c.sqs_duplicates, c.acks, rate);
        // No failure anywhere: each extra delivery is one of those copies, and nothing else.
        prop_assert_eq!(c.crashes + c.acks_lost + c.charge_failures, 0);
        prop_assert_eq!(sim.duplicates().extra_deliveries, c.sqs_duplicates);
        if rate == 0 {
            prop_assert_eq!(c.sqs_duplicates, 0);
            prop_assert_eq!(sim.duplicates().extra_deliveries, 0);
        }
    }
}

#[test]
fn a_run_without_producer_duplicates_numbers_its_messages_like_its_payments() {
    let sim = run(
        Config {
            payments: 50,
            consumers: 3,
            ..Config::default()
        },
        9,
        &[],
    );
    assert_eq!(sim.broker().messages().len(), 50);
    assert!(sim.broker().copies().is_empty());
    assert!((0..50).all(|p| sim.broker().payment(p) == p));
}

#[test]
fn sqs_duplicates_are_deterministic_from_the_seed() {
    let config = Config {
        payments: 300,
        broker: BrokerKind::Sqs(SqsSettings {
            fifo: false,
            duplicate_permille: 50,
        }),
        ..Config::default()
    };
    let a = run(config.clone(), 4, &[]);
    let b = run(config.clone(), 4, &[]);
    let other = run(config, 5, &[]);
    assert_eq!(a.digest(), b.digest());
    assert!(a.metrics().counters.sqs_duplicates > 0);
    assert_ne!(a.digest(), other.digest());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Real crash mode: a save taken mid-run, with republished messages, pending republishes, payments
    /// never published and a FIFO queue's deduplication table, reads back as the same state, and the
    /// recovered run still charges no payment twice when keyed on the business id.
    #[test]
    fn a_save_with_republished_messages_round_trips_and_recovers_without_double_charges(
        seed in any::<u64>(),
        payments in 1u32..20,
        at in 0u64..3_000,
        fifo in any::<bool>(),
        outbox in any::<bool>(),
    ) {
        use redelivery_lab::sim::durable::DurableState;
        let config = Config {
            payments,
            consumers: 2,
            strategy: keyed(KeyedOn::Payment),
            broker: if fifo {
                BrokerKind::Sqs(SqsSettings { fifo: true, duplicate_permille: 0 })
            } else {
                BrokerKind::Queue
            },
            producer: ProducerSettings {
                lost_confirm_permille: 500,
                confirm_timeout_ms: 300,
                outbox,
                crash_permille: 300,
                ..ProducerSettings::default()
            },
            ..Config::default()
        };
        let mut sim = Sim::new(config, seed);
        sim.run_until(at);
        let state = sim.durable_state();
        let text = state.to_text();
        prop_assert!(text.starts_with("d4."), "{}", text);
        prop_assert_eq!(DurableState::from_text(&text), Ok(state.clone()));
        let mut back = Sim::recover(state).unwrap();
        prop_assert!(back.run_to_completion(LIMIT_MS));
        prop_assert_eq!(back.duplicates().payments_charged_twice, 0);
        let lost = (0..payments).filter(|p| back.never_published(*p)).count() as u64;
        prop_assert!(!outbox || lost == 0, "the outbox loses nothing");
        prop_assert_eq!(back.totals().charged_once + lost, payments as u64, "{:?}", back.totals());
    }
}
