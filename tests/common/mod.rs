//! Helpers shared by the native integration tests (`mod common;` in each file that uses them).
// Each test file compiles this module on its own and uses only some of it.
#![allow(dead_code)]

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod hostile;

use redelivery_lab::sim::checker::PaymentFacts;
use redelivery_lab::sim::{
    Action, ArmMode, Command, Config, CrashPoint, Event, LedgerWrite, RecordCheck, RedeliveryMode,
    Sim, Strategy,
};

/// Far beyond what any test run needs to settle (a simulated hour).
pub const LIMIT_MS: u64 = 3_600_000;

/// Runs `config` on `seed`, applying each action when the simulation reaches its time (a refused
/// command — crashing a consumer that is already down — is skipped, as the UI would refuse it).
/// Returns the run and whether it settled within [`LIMIT_MS`].
pub fn run(config: Config, seed: u64, actions: &[Action]) -> (Sim, bool) {
    let mut sim = Sim::new(config, seed);
    let _ = sim.replay(actions);
    let settled = sim.run_to_completion(LIMIT_MS);
    (sim, settled)
}

/// A crash armed at `point` on every consumer from the start, once.
pub fn arm_once(point: CrashPoint) -> Action {
    Action {
        at: 0,
        command: Command::ArmCrash {
            consumer: None,
            point,
            mode: ArmMode::Once,
        },
    }
}

/// Every safeguard on except the processed-record guard, which is `check`, with a visibility timeout
/// (`timeout_ms`) shorter than processing: a message still being worked on is handed to a second
/// consumer, so two consumers race on one payment. The run must settle.
pub fn visibility_race(
    check: RecordCheck,
    seed: u64,
    payments: u32,
    consumers: u8,
    timeout_ms: u32,
) -> Sim {
    let config = Config {
        payments,
        consumers,
        redelivery: RedeliveryMode::VisibilityTimeout { timeout_ms },
        strategy: Strategy {
            record_check: check,
            ..Strategy::SAFE
        },
        ..Config::default()
    };
    let (sim, settled) = run(config, seed, &[]);
    assert!(settled, "seed {seed}: the race should settle");
    sim
}

/// Each payment's facts as the event log tells them, counted without asking the gateway or the
/// database: charges are the `Charged` events that moved money; a ledger row exists when a
/// `LedgerWritten` that changed the ledger was committed — at once without a transaction, or by its
/// consumer's next `Committed` for that payment with one (a rollback or crash first discards it);
/// conditional and commutative writes leave at most one row. `in_broker` and `in_consumer` are left
/// false: they describe the present, not the history.
///
/// Panics if early events have left the event window (the history would be incomplete).
pub fn facts_from_events(sim: &Sim) -> Vec<PaymentFacts> {
    let log = sim.events();
    assert_eq!(
        log.dropped(),
        0,
        "the event window must hold the whole run to re-derive it"
    );
    let strategy = sim.config().strategy;
    let mut facts = vec![PaymentFacts::default(); sim.config().payments as usize];
    // The payment whose ledger write waits in each consumer's open transaction.
    let mut uncommitted: Vec<Option<u32>> = vec![None; sim.config().consumers as usize];
    let add_row = |facts: &mut Vec<PaymentFacts>, p: u32| {
        let rows = &mut facts[p as usize].ledger_rows;
        *rows = match strategy.ledger_write {
            LedgerWrite::Append => *rows + 1,
            LedgerWrite::Conditional | LedgerWrite::Commutative => 1,
        };
    };
    for e in log.window() {
        match e.event {
            Event::Published { payment } => facts[payment as usize].published = true,
            Event::Charged {
                payment,
                replayed: false,
                ..
            } => facts[payment as usize].charges += 1,
            Event::LedgerWritten {
                payment,
                consumer,
                changed: true,
            } => {
                if strategy.transactional {
                    uncommitted[consumer as usize] = Some(payment);
                } else {
                    add_row(&mut facts, payment);
                }
            }
            Event::Committed { payment, consumer } => {
                // The transaction ends here either way; its ledger write lands only if it had one.
                let waiting = uncommitted[consumer as usize].take();
                if waiting == Some(payment) {
                    add_row(&mut facts, payment);
                }
            }
            Event::RolledBack { consumer, .. } | Event::Crashed { consumer, .. } => {
                uncommitted[consumer as usize] = None;
            }
            Event::DeadLettered { payment } => facts[payment as usize].dead_lettered = true,
            _ => {}
        }
    }
    facts
}
