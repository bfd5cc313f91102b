//! Lab 9: the key the gateway forgot — a redelivery that arrives after the card gateway pruned its
//! idempotency key is charged again, and only the consumer's own record can stop it.

use super::common::{arm, evidence};
use super::{Lab, Narrative, Prediction};
use crate::i18n::{n_, tr, tr_n, trf};
use crate::sim::command::{ArmMode, CrashPoint};
use crate::sim::config::{Config, LedgerWrite, Retention, Strategy};
use crate::sim::event::Event;
use crate::sim::goal::{Goal, GoalKind, Judged};
use crate::sim::message::payment_label;
use crate::sim::simulation::Sim;

/// How long this lab's gateway keeps a key: 2 s standing in for Stripe's 24 hours.
pub const KEY_WINDOW_MS: u64 = 2_000;

/// What the run shows about repeats that came after the gateway forgot a payment's key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LateRepeats {
    /// Redeliveries that arrived at least a key window after the payment's first charge.
    pub redeliveries: u32,
    /// A payment charged again at least a key window after its first charge, if any.
    pub charged_again: Option<u32>,
}

/// Walks the events in the window once: the first charge of each payment, then every redelivery
/// and every new charge that came a whole key window (or more) after it. Without a key window the
/// gateway never forgets, so nothing is late.
pub fn late_repeats(sim: &Sim) -> LateRepeats {
    let mut out = LateRepeats::default();
    let Some(window) = sim.config().retention.gateway_keys_ms else {
        return out;
    };
    let mut first = vec![None; sim.config().payments as usize];
    for e in sim.events().window() {
        match e.event {
            Event::Charged {
                payment,
                replayed: false,
                ..
            } => match first.get(payment as usize).copied().flatten() {
                None => first[payment as usize] = Some(e.time),
                Some(t0) if e.time >= t0 + window => {
                    out.charged_again.get_or_insert(payment);
                }
                Some(_) => {}
            },
            Event::Delivered {
                payment,
                redelivered: true,
                ..
            } => {
                if let Some(Some(t0)) = first.get(payment as usize)
                    && e.time >= t0 + window
                {
                    out.redeliveries += 1;
                }
            }
            _ => {}
        }
    }
    out
}

fn see_late_charge(sim: &Sim) -> Judged {
    match late_repeats(sim).charged_again {
        Some(p) => Judged::pass(trf(
            "{0} came back after the gateway had forgotten its key, and was charged again.",
            &[&payment_label(p)],
        )),
        None if sim.is_settled() => Judged::fail(tr(
            "No payment was charged again after the gateway forgot its key in this run.",
        )),
        None => Judged::pending(tr("No late repeat has been charged yet; keep playing.")),
    }
}

fn survives_late_repeat(sim: &Sim) -> Judged {
    evidence(
        sim,
        |s| u64::from(late_repeats(s).redeliveries),
        tr(
            "No redelivery arrived after the gateway had forgotten the payment's key, so this run cannot show the consumer survives one.",
        ),
        |n| {
            tr_n(
                "{0} redelivery arrived after the key was forgotten, and {1}",
                "{0} redeliveries arrived after the key was forgotten, and {1}",
                n,
            )
        },
    )
}

pub const LAB: Lab = Lab {
    id: "expired-key",
    number: 9,
    title: n_("The key the gateway forgot"),
    summary: n_("The gateway key was sent, and the customer was still charged twice."),
    narrative: Narrative {
        predict: lesson!(
            "This consumer sends the payment id as the gateway's idempotency key and writes the ledger so that a repeat changes nothing; it keeps no processed record. It crashes after its commit, before the ack, and is back 3 seconds later. This gateway forgets a key 2 seconds after the charge that stored it. What happens to the redelivered payment?"
        ),
        run: lesson!(
            "Press play. The crash is armed (every fourth pass of the after-commit point, redeliveries included). Find a payment charged twice and compare the times of its two charges. Then change the consumer so that a repeat arriving after the gateway has forgotten its key charges nobody twice, and rerun the same seed."
        ),
        observe: lesson!(
            "The payment was charged, its consumer crashed before the ack, and the redelivery reached the gateway more than 2 seconds after the first charge. The gateway answered with a new charge, not the first one. The ledger still has one row, because the commutative write absorbed the repeat: only the card was hit."
        ),
        explain: lesson!(
            "An idempotency key protects only while the gateway remembers it. Stripe documents that a key may be removed once it is at least 24 hours old, and a request with a removed key is processed as a new one; this lab shrinks that window to 2 seconds so the run stays short. A consumer that comes back a day later, or a dead-lettered payment redriven next week, reaches the gateway after its key is gone. A processed record in your own database lasts as long as you keep it: commit it with the ledger row, check it before charging, and keep it longer than any message can come back. Keep sending the key too: it covers a repeat that arrives before the record was committed, as long as it arrives within the key's window."
        ),
    },
    prediction: Some(Prediction {
        question: lesson!(
            "The redelivery reaches the gateway after it has forgotten the key. The gateway…"
        ),
        options: &[
            lesson!("returns the first charge, as it would have a second earlier"),
            lesson!("charges the card again: to it, this is a new request"),
            lesson!("refuses the call as a duplicate"),
        ],
        answer: 1,
        why: lesson!(
            "A forgotten key is an unknown key. Nothing else at the gateway ties the second call to the first."
        ),
    }),
    diagnosis: None,
    seed: 9,
    config: const {
        Config {
            payments: 10,
            restart_delay_ms: 3_000,
            strategy: Strategy {
                idempotency: false,
                transactional: false,
                gateway_key: true,
                ledger_write: LedgerWrite::Commutative,
                ..Strategy::NAIVE
            },
            retention: Retention {
                records_ms: None,
                gateway_keys_ms: Some(KEY_WINDOW_MS),
            },
            ..Config::DEFAULT
        }
    },
    actions: statics![arm(0, CrashPoint::AfterCommit, ArmMode::EveryKth(4))],
    goals: statics![
        Goal {
            id: "late-charge",
            text: lesson!(
                "See a payment charged again by a repeat that came after the gateway forgot its key"
            ),
            kind: GoalKind::See,
            check: |s, _| see_late_charge(s),
        },
        Goal {
            id: "fix",
            text: lesson!(
                "Fix it: same seed, same crashes, repeats still arrive after the key is forgotten, nobody charged twice"
            ),
            kind: GoalKind::Fix,
            check: |s, _| survives_late_repeat(s),
        },
    ],
    hints: &[
        lesson!(
            "Line up the times: the first charge, the crash, the restart 3 seconds later, and the gateway's 2-second memory."
        ),
        lesson!(
            "You cannot make the gateway remember longer. Which memory of the payment does the consumer control?"
        ),
        lesson!(
            "Turn on the processed-payment check (idempotency) with the transactional ack, so the redelivery is recognised before the gateway is called."
        ),
    ],
    solution: lesson!(
        "Enable idempotency and the transactional ack: the processed record is committed with the ledger row and checked before charging, so the late redelivery is skipped without calling the gateway. Keep the gateway key on as well, for a repeat that comes before the record is committed and while the gateway still remembers the key."
    ),
    fix: |c| {
        c.strategy.idempotency = true;
        c.strategy.transactional = true;
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::goal::GoalStatus;

    #[test]
    fn the_naive_run_charges_a_late_repeat_and_the_record_stops_it() {
        let lab = LAB;
        let naive = lab.run(&lab.config, lab.seed, 600_000);
        let late = late_repeats(&naive);
        assert!(late.charged_again.is_some(), "{late:?}");
        assert!(naive.totals().duplicate >= 1);
        let mut fixed = lab.config.clone();
        (lab.fix)(&mut fixed);
        let sim = lab.run(&fixed, lab.seed, 600_000);
        assert!(late_repeats(&sim).redeliveries >= 1);
        assert_eq!(survives_late_repeat(&sim).status, GoalStatus::Pass);
    }

    #[test]
    fn a_gateway_that_never_forgets_is_no_test_of_the_fix() {
        let lab = LAB;
        let mut c = lab.config.clone();
        c.retention.gateway_keys_ms = None;
        let sim = lab.run(&c, lab.seed, 600_000);
        assert_eq!(sim.totals().duplicate, 0, "the key absorbs every repeat");
        let j = survives_late_repeat(&sim);
        assert_eq!(j.status, GoalStatus::Fail, "{}", j.why);
    }
}
