//! Lab 2: the double-payment incident — reproduce it, point at the evidence, fix it.

use super::common::arm;
use super::evidence::survives_crash_at;
use super::{Lab, Narrative, Prediction};
use crate::i18n::{n_, tr, trf};
use crate::sim::checker::Outcome;
use crate::sim::command::{ArmMode, CrashPoint};
use crate::sim::config::Config;
use crate::sim::event::Event;
use crate::sim::goal::{Goal, GoalKind, Judged, Learner, outcome_at_least};
use crate::sim::message::payment_label;
use crate::sim::simulation::Sim;

/// The question the diagnose goal asks once the learner has selected a double charge. Catalogue keys
/// (`n_`), translated where they are shown.
pub const DIAGNOSIS: Prediction = Prediction {
    question: n_("Which signal rose, and when?"),
    options: &[
        n_("Dead letters, from the first payment on"),
        n_("Redeliveries, each one right after a consumer restart"),
        n_("Charge failures, just before each crash"),
    ],
    answer: 1,
    why: "Each crash left a committed but unacknowledged message; when the consumer came back the broker delivered it again, and the consumer charged it again.",
};

/// Was `payment` delivered again, according to the events still in the window?
pub fn was_redelivered(sim: &Sim, payment: u32) -> bool {
    sim.events().window().iter().any(|e| {
        matches!(e.event, Event::Delivered { payment: p, redelivered: true, .. } if p == payment)
    })
}

fn diagnose(sim: &Sim, learner: &Learner) -> Judged {
    let Some(p) = learner.focus.filter(|p| *p < sim.config().payments) else {
        return Judged::pending(tr(
            "Select a payment charged twice in the anomaly list to see its events.",
        ));
    };
    if sim.outcome(p) != Outcome::Duplicate {
        return Judged::pending(trf(
            "{0} was not charged twice in this run; select one marked duplicate.",
            &[&payment_label(p)],
        ));
    }
    if !was_redelivered(sim, p) {
        return Judged::pending(trf(
            "The redelivery of {0} has left the event window; select another duplicate.",
            &[&payment_label(p)],
        ));
    }
    match learner.diagnosis {
        None => Judged::pending(trf(
            "You found {0} and its redelivery. Now answer: {1}",
            &[&payment_label(p), tr(DIAGNOSIS.question)],
        )),
        Some(a) if a == DIAGNOSIS.answer => Judged::pass(trf(
            "{0} was charged, its consumer crashed before the ack, and the redelivery after the restart charged it again.",
            &[&payment_label(p)],
        )),
        Some(_) => Judged::pending(tr(
            "That answer does not match the evidence: look at what happens just before the second charge.",
        )),
    }
}

pub const LAB: Lab = Lab {
    id: "double-payment",
    number: 2,
    title: n_("The double-payment incident"),
    summary: n_("Customers were charged twice after a restart. Reproduce it, diagnose it, fix it."),
    narrative: Narrative {
        predict: lesson!(
            "The consumer will crash after charging the card and committing the ledger, but before its ack. What does the broker do when the consumer comes back?"
        ),
        run: lesson!(
            "Press play. The crash is already armed (every sixth pass of that point, redeliveries included). Select a double charge in the anomaly list and answer the diagnosis question. Then change the consumer so a redelivery does no harm and rerun the same seed."
        ),
        observe: lesson!(
            "Select a duplicate: its events show the charge, the crash before the ack, the return to the queue, and the same payment delivered again and charged again. On the dashboard, each redelivery lines up with a consumer restart."
        ),
        explain: lesson!(
            "The broker never heard the ack, so it delivered the message again — exactly what at-least-once promises. The consumer had no durable memory of having charged, so it charged again. Any change that makes the second delivery harmless fixes it: a processed record checked before charging and committed with the ledger row, or the gateway's idempotency key for the card plus a ledger write that cannot count a payment twice."
        ),
    },
    prediction: Some(Prediction {
        question: lesson!(
            "The consumer crashes after its commit but before its ack. After the restart…"
        ),
        options: &[
            lesson!("the payment is lost"),
            lesson!("the broker redelivers and the customer is charged again"),
            lesson!("the broker knows it was processed and drops it"),
        ],
        answer: 1,
        why: lesson!(
            "The broker only knows about acks. No ack means redelivery, and a consumer with no idempotency repeats the charge."
        ),
    }),
    diagnosis: Some(DIAGNOSIS),
    seed: 42,
    config: Config::DEFAULT,
    actions: statics![arm(0, CrashPoint::AfterCommit, ArmMode::EveryKth(6))],
    goals: statics![
        Goal {
            id: "reproduce",
            text: lesson!("Reproduce the incident: a customer charged twice"),
            kind: GoalKind::See,
            check: |s, _| outcome_at_least(s, Outcome::Duplicate, 1),
        },
        Goal {
            id: "diagnose",
            text: lesson!(
                "Diagnose it: select a double charge, find its redelivery, name the signal"
            ),
            kind: GoalKind::Diagnose,
            check: diagnose,
        },
        Goal {
            id: "fix",
            text: lesson!(
                "Fix it: same seed, same crashes, redeliveries absorbed, nobody charged twice"
            ),
            kind: GoalKind::Fix,
            check: |s, _| survives_crash_at(s, &[CrashPoint::AfterCommit], false),
        },
    ],
    hints: &[
        lesson!(
            "In the anomaly list, show a duplicate's cause events: a crash, the return to the queue, then the same payment delivered again."
        ),
        lesson!(
            "The consumer forgets everything when it crashes. What could remember, durably, that a payment was already processed?"
        ),
        lesson!(
            "Turn on the processed-payment check (idempotency) with a transactional ack; or the gateway key with a commutative ledger write. Then rerun."
        ),
    ],
    solution: lesson!(
        "Enable idempotency (a processed-message table checked before charging) and the transactional ack (ledger row and processed record committed together, ack after commit). Rerun the same seed: the redeliveries are still there, the duplicates are not."
    ),
    fix: |c| {
        c.strategy.idempotency = true;
        c.strategy.transactional = true;
    },
};
