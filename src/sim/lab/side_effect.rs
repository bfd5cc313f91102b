//! Lab 5: the card charge lives outside the database transaction.

use super::common::arm;
use super::evidence::survives_crash_at;
use super::{Lab, Narrative, Prediction};
use crate::i18n::n_;
use crate::sim::checker::Outcome;
use crate::sim::command::{ArmMode, CrashPoint};
use crate::sim::config::{Config, Strategy};
use crate::sim::goal::{Goal, GoalKind, outcome_at_least};

pub const LAB: Lab = Lab {
    id: "side-effect",
    number: 5,
    title: n_("The side effect outside the transaction"),
    summary: n_("Processed records and a transaction, and still a double charge."),
    narrative: Narrative {
        predict: lesson!(
            "This consumer has a processed-record table and a transactional ack. It crashes right after charging the card. Safe?"
        ),
        run: lesson!(
            "Press play: a crash fires after every fourth charge. Then make the charge itself safe to repeat, and rerun."
        ),
        observe: lesson!(
            "The ledger is right — one row per payment — but the charges table shows customers charged twice."
        ),
        explain: lesson!(
            "The crash came after the charge and before anything was written: the open transaction had written nothing, so its rollback undid nothing and left no record that the payment had been handled. The redelivery found no processed record and charged again; the database cannot undo money taken from a card. Two ways out: send the payment id as the gateway's idempotency key, so the gateway answers a repeat with the first charge; or commit a “charge pending” record before calling the gateway and look it up on redelivery (or authorise first and capture once). Gateways keep keys for a limited time — Stripe may prune them after 24 hours — so a dead-lettered payment redriven days later can still be charged twice: check your own records before calling."
        ),
    },
    prediction: Some(Prediction {
        question: lesson!(
            "Crash after the charge, before anything is written, with processed records and a transaction:"
        ),
        options: &[
            lesson!("no harm: the transaction rolls back"),
            lesson!("the card is charged twice"),
            lesson!("the payment is lost"),
        ],
        answer: 1,
        why: lesson!(
            "Nothing was written yet, so the redelivery looks new; and no rollback reaches money taken from a card."
        ),
    }),
    diagnosis: None,
    seed: 5,
    config: const {
        Config {
            strategy: Strategy {
                gateway_key: false,
                ..Strategy::SAFE
            },
            ..Config::DEFAULT
        }
    },
    actions: statics![arm(0, CrashPoint::AfterCharge, ArmMode::EveryKth(4))],
    goals: statics![
        Goal {
            id: "double-charge",
            text: lesson!("See a customer charged twice despite the processed table"),
            kind: GoalKind::See,
            check: |s, _| outcome_at_least(s, Outcome::Duplicate, 1),
        },
        Goal {
            id: "fix",
            text: lesson!("Close the hole: same crashes, no card charged twice"),
            kind: GoalKind::Fix,
            check: |s, _| survives_crash_at(s, &[CrashPoint::AfterCharge], false),
        },
    ],
    hints: &[
        lesson!("Compare the ledger and the charges: which one has the extra entry?"),
        lesson!(
            "The gateway accepts an idempotency key. What business id would make a repeat recognisable?"
        ),
    ],
    solution: lesson!(
        "Turn on the gateway idempotency key: the consumer sends the payment id, and the gateway returns the first charge instead of taking money again."
    ),
    fix: |c| c.strategy.gateway_key = true,
};
