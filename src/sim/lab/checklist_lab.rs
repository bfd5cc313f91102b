//! Lab 8: every safeguard at once, under crashes, lost acks and an outage.

use super::common::{arm, harm_words, has_harm};
use super::evidence::survives_crash_at;
use super::{Lab, Narrative};
use crate::i18n::{n_, tr, trf};
use crate::sim::command::{ArmMode, CrashPoint};
use crate::sim::config::{
    Config, GatewayFaults, Outage, OutageKind, RateLimit, RetryPolicy, Strategy,
};
use crate::sim::goal::{Goal, GoalKind, Judged};

pub const LAB: Lab = Lab {
    id: "checklist",
    number: 8,
    title: n_("The operational checklist"),
    summary: n_("Every safeguard at once, under crashes, lost acks and an outage."),
    narrative: Narrative {
        predict: lesson!(
            "Crashes at two boundaries, lost acks and a gateway outage, all at once. Which checklist items does this naive consumer need?"
        ),
        run: lesson!(
            "Work down the checklist: change the strategy and the retry settings, rerun, and read each item's signal from the run. Stop when the stress run is clean."
        ),
        observe: lesson!(
            "Each item shows the signal of this run that answers it; each open item links to the lab that breaks without it."
        ),
        explain: lesson!(
            "No single safeguard is enough. Processed records without a transaction leave a gap: the ledger row and the record commit separately, and a crash between the two commits makes the redelivery write the payment again. A transaction without the gateway key still charges the card twice after a crash right after the charge. Acking early loses payments; unbounded immediate retries storm. Effectively-once processing is at-least-once delivery plus all of them — and the signals that tell you they are working."
        ),
    },
    prediction: None,
    diagnosis: None,
    seed: 8,
    config: const {
        Config {
            consumers: 2,
            payments: 40,
            lost_ack_permille: 20,
            gateway: GatewayFaults {
                outage: Some(Outage {
                    from_ms: 500,
                    until_ms: 1_500,
                    kind: OutageKind::Refuse,
                }),
                ..GatewayFaults::DEFAULT
            },
            ..Config::DEFAULT
        }
    },
    actions: statics![
        arm(0, CrashPoint::AfterCharge, ArmMode::EveryKth(7)),
        arm(0, CrashPoint::AfterCommit, ArmMode::EveryKth(9)),
    ],
    goals: statics![
        Goal {
            id: "breaks",
            text: lesson!("See the stress break a consumer without safeguards"),
            kind: GoalKind::See,
            check: |s, _| {
                let t = s.totals();
                if has_harm(&t) {
                    Judged::pass(trf("This run: {0}.", &[&harm_words(s).unwrap_or_default()]))
                } else if s.is_settled() {
                    Judged::fail(tr("This run came through clean."))
                } else {
                    Judged::pending(tr("Keep playing."))
                }
            },
        },
        Goal {
            id: "clean-run",
            text: lesson!(
                "The stress run ends with every payment charged exactly once, crashes and redeliveries included"
            ),
            kind: GoalKind::Fix,
            check: |s, _| {
                survives_crash_at(
                    s,
                    &[CrashPoint::AfterCharge, CrashPoint::AfterCommit],
                    false,
                )
            },
        },
    ],
    hints: &[lesson!(
        "Start from the double-payment fix, then work down the list."
    )],
    solution: lesson!(
        "Idempotency, transactional ack with a unique constraint, ack after commit, the gateway key, exponential backoff with a rate limit and a delivery limit — and monitor redeliveries and duplicates."
    ),
    fix: |c| {
        c.strategy = Strategy::SAFE;
        c.retry = RetryPolicy::Exponential {
            base_ms: 100,
            cap_ms: 1_000,
            jitter: true,
        };
        c.rate_limit = Some(RateLimit {
            per_second: 50,
            burst: 10,
        });
        c.max_deliveries = 10;
    },
};
