//! Lab 7: a hanging gateway, a short call timeout and immediate retries from four consumers — a retry
//! storm that outlasts the outage.
//!
//! The harm is delay and load as well as money: payments still waiting long after the gateway is back,
//! dozens of deliveries per payment, and calls the consumers gave up on that the gateway charges later
//! with nobody recording them. A payment parked in the dead-letter queue is money not collected, so
//! "dead-letter everything" calms the load and still fails the lab.

use super::common::every_payment_once;
use super::{Lab, Narrative, Prediction};
use crate::i18n::{n_, tr, trf};
use crate::sim::config::{
    Config, GatewayFaults, Millis, Outage, OutageKind, RetryPolicy, RetryWait, Strategy,
};
use crate::sim::goal::{Goal, GoalKind, Judged};
use crate::sim::simulation::Sim;

/// When the gateway starts answering again.
pub const OUTAGE_END_MS: Millis = 3_000;
/// How long a consumer waits for the gateway: short, so hung calls are abandoned and retried.
pub const CALL_TIMEOUT_MS: u32 = 200;
/// Deliveries per payment above which the run counts as a storm.
pub const STORM_AMPLIFICATION: u64 = 10;
/// Deliveries per payment a calm run stays under.
pub const CALM_AMPLIFICATION: u64 = 8;
/// A calm run finishes every payment within this long after the gateway recovered (end-to-end p99,
/// publish to done, minus the outage).
pub const RECOVERY_MS: u64 = 3_000;
/// How long after the outage the storm must still be going to count as outlasting it.
const OUTLAST_MS: Millis = 2_000;

fn per_payment(s: &Sim) -> f64 {
    let c = &s.metrics().counters;
    c.deliveries as f64 / c.published.max(1) as f64
}

/// The backlog at the first sample at least `OUTLAST_MS` after the outage: (ready messages, age of
/// the oldest in ms), if the run got that far.
fn backlog_after_outage(s: &Sim) -> Option<(u32, u32)> {
    s.metrics()
        .samples()
        .iter()
        .find(|x| x.t >= OUTAGE_END_MS + OUTLAST_MS)
        .map(|x| (x.queue_depth + x.in_flight, x.oldest_ready_age_ms))
}

fn storm(s: &Sim) -> Judged {
    let per = per_payment(s);
    let c = &s.metrics().counters;
    match backlog_after_outage(s) {
        Some((waiting, age)) if waiting > 0 && per > STORM_AMPLIFICATION as f64 => {
            Judged::pass(trf(
                "{0} s after the gateway recovered, {1} payments were still waiting (the oldest for {2} s); {3} deliveries per payment and {4} abandoned calls so far.",
                &[
                    &(OUTLAST_MS / 1000).to_string(),
                    &waiting.to_string(),
                    &crate::num::decimal(age as f64 / 1000.0, 1),
                    &crate::num::decimal(per, 0),
                    &c.charge_timeouts.to_string(),
                ],
            ))
        }
        Some(_) | None if s.is_settled() => Judged::fail(trf(
            "This run recovered: {0} deliveries per payment, nothing left waiting {1} s after the outage.",
            &[
                &crate::num::decimal(per, 1),
                &(OUTLAST_MS / 1000).to_string(),
            ],
        )),
        _ => Judged::pending(trf(
            "{0} deliveries per payment so far; keep playing past {1} s.",
            &[
                &crate::num::decimal(per, 1),
                &crate::num::decimal((OUTAGE_END_MS + OUTLAST_MS) as f64 / 1000.0, 0),
            ],
        )),
    }
}

fn calm(s: &Sim) -> Judged {
    let per = per_payment(s);
    let c = &s.metrics().counters;
    if per >= CALM_AMPLIFICATION as f64 {
        return Judged::fail(trf(
            "{0} deliveries per payment and {1} abandoned gateway calls: still a storm.",
            &[&crate::num::decimal(per, 1), &c.charge_timeouts.to_string()],
        ));
    }
    if !s.is_settled() {
        return Judged::pending(trf(
            "{0} deliveries per payment so far; keep playing until every payment is done.",
            &[&crate::num::decimal(per, 1)],
        ));
    }
    // The storm's trigger must have happened: with no call abandoned (no outage, or a timeout that
    // outwaits the hang) the retries were never put to the test.
    if c.charge_timeouts == 0 {
        return Judged::fail(tr(
            "No gateway call timed out: this run does not test the retries.",
        ));
    }
    let p99 = s.metrics().end_to_end.percentile(99);
    let bound = OUTAGE_END_MS + RECOVERY_MS;
    if s.metrics().end_to_end.count() == 0 {
        return Judged::fail(tr(
            "No payment was completed, so there is no latency to judge.",
        ));
    }
    if p99 > bound {
        return Judged::fail(trf(
            "Payments took up to {0} s from publish to done (p99): the backlog lasted long after the gateway recovered at {1} s.",
            &[
                &crate::num::decimal(p99 as f64 / 1000.0, 1),
                &crate::num::decimal(OUTAGE_END_MS as f64 / 1000.0, 0),
            ],
        ));
    }
    Judged::pass(trf(
        "{0} deliveries per payment, and 99% of payments done within {1} s of being published.",
        &[
            &crate::num::decimal(per, 1),
            &crate::num::decimal(p99 as f64 / 1000.0, 1),
        ],
    ))
}

pub const LAB: Lab = Lab {
    id: "retry-storm",
    number: 7,
    title: n_("Retry storm"),
    summary: n_(
        "A hanging gateway, a short timeout and immediate retries: a storm that outlasts the outage.",
    ),
    narrative: Narrative {
        predict: lesson!(
            "The card gateway hangs for three seconds. Four consumers give up on a call after 200 ms and retry at once; the queue dead-letters a payment after 20 deliveries. What happens when the gateway comes back?"
        ),
        run: lesson!(
            "Press play and watch lag and latency after the 3 s mark. Then change how failed payments are retried — when, where the wait happens, how many times — and rerun."
        ),
        observe: lesson!(
            "Gateway load, abandoned calls and late charges, the age of the oldest waiting payment, and deliveries per payment on the dashboard."
        ),
        explain: lesson!(
            "A hung call is not a failed call: the consumer gives up, but the call stays in the gateway and uses its capacity. Immediate retries pile more calls on top, so when the gateway recovers it is busy serving calls nobody waits for, new calls time out too, and the storm sustains itself after the cause is gone. Backoff with jitter spreads the retries, waiting in the consumer (or a retry budget or rate limit) caps the load the consumers can send, and a delivery limit parks a hopeless message for a person. The dead-letter queue is not a fix: a payment parked there is money not collected until someone redrives it."
        ),
    },
    prediction: Some(Prediction {
        question: lesson!("The gateway recovers after 3 s. Two seconds later, the backlog is…"),
        options: &[
            lesson!("gone"),
            lesson!("shrinking fast"),
            lesson!("still there, with retries still piling up"),
        ],
        answer: 2,
        why: lesson!(
            "Abandoned calls still occupy the gateway, so retries keep timing out after the outage ends: the load feeds itself."
        ),
    }),
    diagnosis: None,
    seed: 9,
    config: const {
        Config {
            consumers: 4,
            strategy: Strategy::SAFE,
            retry: RetryPolicy::Immediate,
            retry_wait: RetryWait::Broker,
            call_timeout_ms: CALL_TIMEOUT_MS,
            // Counted like SQS's maxReceiveCount (deliveries); RabbitMQ 4's quorum queues act once a
            // message's failed returns exceed 20. Without a limit this storm would never end.
            max_deliveries: 20,
            gateway: GatewayFaults {
                outage: Some(Outage {
                    from_ms: 0,
                    until_ms: OUTAGE_END_MS,
                    kind: OutageKind::Hang,
                }),
                ..GatewayFaults::DEFAULT
            },
            ..Config::DEFAULT
        }
    },
    actions: statics![],
    goals: statics![
        Goal {
            id: "storm",
            text: lesson!(
                "See the storm outlast the outage: payments still waiting 2 s after the gateway recovered, over 10 deliveries per payment"
            ),
            kind: GoalKind::See,
            check: |s, _| storm(s),
        },
        Goal {
            id: "calm",
            text: lesson!(
                "Calm it: under 8 deliveries per payment, and 99% of payments done within 6 s of being published (3 s after the recovery for the first ones)"
            ),
            kind: GoalKind::Fix,
            check: |s, _| calm(s),
        },
        Goal {
            id: "collected",
            text: lesson!(
                "Collect every payment: none lost, none charged twice or without a record, none left in the dead-letter queue"
            ),
            kind: GoalKind::Fix,
            check: |s, _| {
                let j = every_payment_once(s);
                let late = s.metrics().counters.late_charges;
                if j.status == crate::sim::goal::GoalStatus::Fail && late > 0 {
                    Judged::fail(trf(
                        "{0} The gateway charged {1} calls after the consumer had given up on them, so no ledger row records those charges.",
                        &[&j.why, &late.to_string()],
                    ))
                } else {
                    j
                }
            },
        },
    ],
    hints: &[
        lesson!(
            "The retry policy, where the retry waits, and the delivery limit are in the strategy panel."
        ),
        lesson!(
            "Exponential backoff with jitter, waited in the consumer, keeps the gateway from drowning in abandoned calls; a delivery limit that is too tight parks payments in the dead-letter queue."
        ),
    ],
    solution: lesson!(
        "Exponential backoff with jitter (base 200 ms, cap 2 s), waited in the consumer so it sends no new calls meanwhile, and a limit of 10 deliveries before the dead-letter queue."
    ),
    fix: |c| {
        c.retry = RetryPolicy::Exponential {
            base_ms: 200,
            cap_ms: 2_000,
            jitter: true,
        };
        c.retry_wait = RetryWait::Consumer;
        c.max_deliveries = 10;
    },
};
