//! The lessons as properties: each holds for every seed and every crash schedule we can generate, not
//! only for the hand-picked runs of `tests/scenarios.rs`.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{LIMIT_MS, arm_once, facts_from_events, run, visibility_race};
use proptest::prelude::*;
use redelivery_lab::sim::checker::classify;
use redelivery_lab::sim::{
    self, AckTiming, Action, ArmMode, Command, Config, CrashPoint, RecordCheck, RedeliveryMode,
    Sim, Totals,
};

/// A crash that can land anywhere: right now on one consumer, or armed at a boundary. Never
/// `ArmMode::Always` (nor `EveryKth(1)`, the same thing): a crash on every pass can stop a message
/// forever, and these properties are about runs that finish.
fn crash_command(consumers: u8) -> impl Strategy<Value = Command> {
    let point = proptest::sample::select(CrashPoint::BOUNDARIES.to_vec());
    let mode = prop_oneof![Just(ArmMode::Once), (2u32..=6).prop_map(ArmMode::EveryKth)];
    let who = proptest::option::of(0..consumers);
    prop_oneof![
        (0..consumers).prop_map(|consumer| Command::CrashNow { consumer }),
        (who, point, mode).prop_map(|(consumer, point, mode)| Command::ArmCrash {
            consumer,
            point,
            mode
        }),
    ]
}

/// Up to six crashes at random times while the payments are flowing. At most one crash is armed per
/// boundary: two "every 2nd time" crashes at one boundary, out of step, fire on every pass — the same
/// endless loop as `Always`.
fn crash_schedule(payments: u32, consumers: u8) -> impl Strategy<Value = Vec<Action>> {
    let horizon = payments as u64 * 70;
    proptest::collection::vec(
        (0..=horizon, crash_command(consumers)).prop_map(|(at, command)| Action { at, command }),
        0..=6,
    )
    .prop_map(|mut v| {
        v.sort_by_key(|a| a.at);
        let mut armed = Vec::new();
        v.retain(|a| match a.command {
            Command::ArmCrash { point, .. } if armed.contains(&point) => false,
            Command::ArmCrash { point, .. } => {
                armed.push(point);
                true
            }
            _ => true,
        });
        v
    })
}

/// A world (seed, payments, consumers, prefetch) and a crash schedule fitting it.
fn world() -> impl Strategy<Value = (u64, u32, u8, u8, Vec<Action>)> {
    (any::<u64>(), 5u32..40, 1u8..=4, 1u8..=3).prop_flat_map(
        |(seed, payments, consumers, prefetch)| {
            (
                Just(seed),
                Just(payments),
                Just(consumers),
                Just(prefetch),
                crash_schedule(payments, consumers),
            )
        },
    )
}

fn any_record_check() -> impl Strategy<Value = RecordCheck> {
    prop_oneof![
        Just(RecordCheck::CheckThenInsert),
        Just(RecordCheck::UniqueConstraint)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Idempotency + transaction + ack after commit + gateway key + unique constraint: whatever
    /// crashes, wherever and whenever, every payment is charged and recorded exactly once.
    #[test]
    fn every_safeguard_on_survives_any_crash_schedule(
        (seed, payments, consumers, prefetch, actions) in world()
    ) {
        let config = Config {
            payments,
            consumers,
            prefetch,
            strategy: sim::Strategy::SAFE,
            redelivery: RedeliveryMode::OnDisconnect,
            ..Config::default()
        };
        let (sim, settled) = run(config, seed, &actions);
        prop_assert!(settled, "the run should settle: {actions:?}");
        let t = sim.totals();
        prop_assert_eq!(t.duplicate, 0, "{:?}", t);
        prop_assert_eq!(t.lost, 0, "{:?}", t);
        prop_assert_eq!(t.orphan, 0, "{:?}", t);
        prop_assert_eq!(t.charged_once, payments as u64, "{:?}", t);
        prop_assert_eq!(t.money_overcharged_cents + t.money_missing_cents, 0);
    }

    /// The incident: without a processed-record table, a crash after the commit and before the ack
    /// means the redelivery charges the customer a second time — on every seed.
    #[test]
    fn crash_after_commit_without_idempotency_charges_twice(
        seed in any::<u64>(),
        payments in 5u32..40,
        consumers in 1u8..=4,
        transactional in any::<bool>(),
        record_check in any_record_check(),
    ) {
        let config = Config {
            payments,
            consumers,
            strategy: sim::Strategy { transactional, record_check, ..sim::Strategy::NAIVE },
            ..Config::default()
        };
        let (sim, settled) = run(config, seed, &[arm_once(CrashPoint::AfterCommit)]);
        prop_assert!(settled);
        let t = sim.totals();
        prop_assert_eq!(t.duplicate, 1, "{:?}", t);
        prop_assert!(t.money_overcharged_cents > 0);
        let a = &sim.anomalies(1)[0];
        prop_assert_eq!(a.charges, 2, "the card was charged twice: {:?}", a);
        prop_assert_eq!(sim.metrics().counters.redeliveries, 1);
    }

    /// The side effect outside the transaction: the processed record and the ledger row roll back
    /// with the crash, the card charge does not, so the redelivery charges again.
    #[test]
    fn crash_after_charge_without_gateway_key_charges_the_card_twice(
        seed in any::<u64>(),
        payments in 5u32..40,
        consumers in 1u8..=4,
        record_check in any_record_check(),
    ) {
        let config = Config {
            payments,
            consumers,
            strategy: sim::Strategy { gateway_key: false, record_check, ..sim::Strategy::SAFE },
            ..Config::default()
        };
        let (sim, settled) = run(config, seed, &[arm_once(CrashPoint::AfterCharge)]);
        prop_assert!(settled);
        let twice: Vec<u32> = (0..payments).filter(|p| sim.gateway().charges(*p) == 2).collect();
        prop_assert_eq!(twice.len(), 1, "one card charged twice");
        prop_assert_eq!(sim.ledger().ledger_rows(twice[0]), 1, "while the ledger is right");
        prop_assert_eq!(sim.totals().duplicate, 1);
    }

    /// Auto-ack: the broker forgets the message on receipt, so a crash mid-way never duplicates —
    /// it loses the payment instead.
    #[test]
    fn ack_before_process_loses_payments_and_never_duplicates(
        seed in any::<u64>(),
        payments in 5u32..40,
        consumers in 1u8..=4,
        prefetch in 1u8..=3,
        idempotency in any::<bool>(),
        transactional in any::<bool>(),
        gateway_key in any::<bool>(),
        // k ≤ 4 < payments, so the armed crash fires at least once.
        mode in prop_oneof![Just(ArmMode::Once), (2u32..=4).prop_map(ArmMode::EveryKth)],
    ) {
        let config = Config {
            payments,
            consumers,
            prefetch,
            strategy: sim::Strategy {
                idempotency,
                transactional,
                gateway_key,
                ack_timing: AckTiming::ManualFirst,
                ..sim::Strategy::SAFE
            },
            ..Config::default()
        };
        let arm = Action {
            at: 0,
            command: Command::ArmCrash { consumer: None, point: CrashPoint::AfterCheck, mode },
        };
        let (sim, settled) = run(config, seed, &[arm]);
        prop_assert!(settled);
        let t = sim.totals();
        prop_assert_eq!(t.duplicate, 0, "{:?}", t);
        prop_assert!(t.lost >= 1, "{:?}", t);
        prop_assert_eq!(t.lost, sim.metrics().counters.crashes, "each crash loses its payment");
        prop_assert!(t.money_missing_cents > 0);
    }

    /// Concurrent duplicates from a visibility timeout shorter than processing: a unique constraint
    /// in the transaction lets only one racer commit, so the ledger never holds two rows.
    #[test]
    fn unique_constraint_never_writes_two_ledger_rows_for_one_payment(
        seed in any::<u64>(),
        payments in 5u32..40,
        consumers in 2u8..=4,
        timeout_ms in 30u32..55,
    ) {
        let sim = visibility_race(RecordCheck::UniqueConstraint, seed, payments, consumers, timeout_ms);
        for p in 0..payments {
            prop_assert!(sim.ledger().ledger_rows(p) <= 1, "payment {} has two ledger rows", p);
            prop_assert!(sim.gateway().charges(p) <= 1, "payment {} charged twice", p);
        }
        prop_assert_eq!(sim.totals().anomalies(), 0);
    }

    /// Same seed, configuration and actions: the same run, event for event — and a clone taken
    /// mid-run continues exactly like the original.
    #[test]
    fn same_seed_config_and_actions_give_the_same_digest(
        (seed, payments, consumers, prefetch, actions) in world(),
        idempotency in any::<bool>(),
        transactional in any::<bool>(),
        gateway_key in any::<bool>(),
        visibility in any::<bool>(),
        fork_at in 0u64..3_000,
    ) {
        let config = Config {
            payments,
            consumers,
            prefetch,
            strategy: sim::Strategy { idempotency, transactional, gateway_key, ..sim::Strategy::NAIVE },
            redelivery: if visibility {
                RedeliveryMode::VisibilityTimeout { timeout_ms: 45 }
            } else {
                RedeliveryMode::OnDisconnect
            },
            ..Config::default()
        };
        let (a, a_settled) = run(config.clone(), seed, &actions);
        let (b, b_settled) = run(config.clone(), seed, &actions);
        prop_assert_eq!(a_settled, b_settled);
        prop_assert_eq!(a.digest(), b.digest());
        prop_assert_eq!(a.totals(), b.totals());
        prop_assert_eq!(a.events().total(), b.events().total());

        // Fork: run to `fork_at`, clone, and let both continue with the rest of the script.
        let mut original = Sim::new(config, seed);
        let (before, after): (Vec<Action>, Vec<Action>) =
            actions.iter().partition(|x| x.at <= fork_at);
        for x in &before {
            original.run_until(x.at);
            let _ = original.apply(x.command);
        }
        original.run_until(fork_at);
        let mut fork = original.clone();
        for sim in [&mut original, &mut fork] {
            for x in &after {
                sim.run_until(x.at);
                let _ = sim.apply(x.command);
            }
            sim.run_to_completion(LIMIT_MS);
        }
        prop_assert_eq!(original.digest(), fork.digest());
        prop_assert_eq!(original.events().total(), fork.events().total());
        prop_assert_eq!(original.totals(), fork.totals());
        // Pausing at `fork_at` may run past the moment the run settled (a crashed consumer's
        // restart still fires then), so only the outcomes are compared with the unpaused run.
        prop_assert_eq!(original.totals(), a.totals());
    }

    /// The checker's verdicts agree with the history: each payment's charges, ledger rows, publication
    /// and dead-lettering as re-counted from the event log (without asking the gateway or the database)
    /// equal what the checker read from them, and once the run has settled the totals are exactly the
    /// outcomes those re-counted facts give, payment by payment.
    #[test]
    fn every_outcome_follows_from_the_event_log(
        (seed, payments, consumers, prefetch, actions) in world(),
        bits in 0usize..32,
        slow_ms in prop_oneof![Just(0u32), 1u32..80],
        call_timeout_ms in prop_oneof![Just(sim::config::DEFAULT_CALL_TIMEOUT_MS), 5u32..60],
    ) {
        // A slow gateway and a short call timeout make late charges: money that moves after the
        // consumer gave up on the call. A call timeout shorter than every charge would retry forever,
        // so short timeouts come with a delivery limit (which dead-letters).
        let short = call_timeout_ms < sim::config::DEFAULT_CALL_TIMEOUT_MS;
        let config = Config {
            payments,
            consumers,
            prefetch,
            strategy: sim::Strategy::all_combinations()[bits],
            gateway: sim::config::GatewayFaults { slow_ms, ..Default::default() },
            call_timeout_ms,
            max_deliveries: if short { 5 } else { 0 },
            ..Config::default()
        };
        let (sim, settled) = run(config, seed, &actions);
        let from_log = facts_from_events(&sim);
        let mut expected = Totals::default();
        for (p, logged) in (0..payments).zip(&from_log) {
            let read = sim.facts(p);
            prop_assert_eq!(
                (logged.published, logged.charges, logged.ledger_rows, logged.dead_lettered),
                (read.published, read.charges, read.ledger_rows, read.dead_lettered),
                "payment {}: (published, charges, ledger rows, dead-lettered) from the log vs the state",
                p
            );
            expected.add(classify(*logged), *logged, sim.message(p).amount_cents);
        }
        if settled {
            prop_assert_eq!(sim.totals().pending, 0, "a settled run has nothing under way");
            // Settled: nothing is in the broker or a consumer, so history alone decides each outcome.
            prop_assert_eq!(sim.totals(), expected);
        }
    }
}

/// Check-then-insert under concurrent deliveries: both racers read "absent", both write. Not every
/// seed interleaves that way, but some do.
#[test]
fn visibility_timeout_shorter_than_processing_lets_check_then_insert_duplicate_on_some_seeds() {
    for consumers in 2..=4 {
        let racing = (0..30)
            .filter(|seed| {
                visibility_race(RecordCheck::CheckThenInsert, *seed, 40, consumers, 45)
                    .totals()
                    .duplicate
                    > 0
            })
            .count();
        assert!(
            racing > 0,
            "{consumers} consumers: some seed should write a payment twice"
        );
    }
}
