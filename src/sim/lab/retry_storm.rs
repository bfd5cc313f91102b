//! Lab 7: a gateway outage and immediate retries from four consumers — a retry storm.
//!
//! The harm is load and delay (deliveries per payment, latency from publish to done) as well as
//! money: a payment parked in the dead-letter queue is not collected, so "dead-letter everything"
//! calms the load and still fails the lab.

use super::common::every_payment_once;
use super::{Lab, Narrative, Prediction};
use crate::sim::config::{
    Config, GatewayFaults, Outage, OutageKind, RateLimit, RetryPolicy, RetryWait, Strategy,
};
use crate::sim::goal::{Goal, GoalKind, Judged};
use crate::sim::simulation::Sim;

/// Deliveries per payment above which the run counts as a storm.
pub const STORM_AMPLIFICATION: u64 = 20;
/// Deliveries per payment a calm run stays under.
pub const CALM_AMPLIFICATION: u64 = 8;

fn amplification(s: &Sim) -> (u64, u64) {
    let c = &s.metrics().counters;
    (c.deliveries, c.published.max(1))
}

pub fn lab() -> Lab {
    Lab {
        id: "retry-storm",
        number: 7,
        title: "Retry storm",
        summary: "A three-second gateway outage and immediate retries: watch the load explode.",
        narrative: Narrative {
            predict: "The card gateway is down for three seconds. Four consumers retry failures immediately. How many deliveries per payment?",
            run: "Press play. Then change how failed payments are retried — and how often — so the outage passes without a storm, and rerun.",
            observe: "Retry amplification (deliveries per payment) on the dashboard, and the queue depth during the outage.",
            explain: "Every failure comes straight back and fails again, as fast as the consumers can spin, and the retries compete with new work. Backoff with jitter spreads retries out, a rate limit or retry budget caps them, and a delivery limit parks a hopeless message in the dead-letter queue for a person to look at. But the dead-letter queue is not a fix: a payment parked there is money not collected until someone redrives it.",
        },
        prediction: Some(Prediction {
            question: "Immediate retries during a 3 s outage: deliveries per payment will be about…",
            options: &["1", "2–3", "dozens"],
            answer: 2,
            why: "Failures are fast while the gateway refuses connections, so each message cycles many times.",
        }),
        diagnosis: None,
        seed: 9,
        config: Config {
            consumers: 4,
            strategy: Strategy::SAFE,
            retry: RetryPolicy::Immediate,
            retry_wait: RetryWait::Broker,
            gateway: GatewayFaults {
                outage: Some(Outage {
                    from_ms: 0,
                    until_ms: 3_000,
                    kind: OutageKind::Refuse,
                }),
                ..GatewayFaults::default()
            },
            ..Config::default()
        },
        actions: vec![],
        goals: vec![
            Goal {
                id: "storm",
                text: "See the storm: more than 20 deliveries per payment",
                kind: GoalKind::See,
                check: |s, _| {
                    let (d, p) = amplification(s);
                    if d > STORM_AMPLIFICATION * p {
                        Judged::pass(format!(
                            "{:.1} deliveries per payment.",
                            d as f64 / p as f64
                        ))
                    } else if s.is_settled() {
                        Judged::fail(format!(
                            "Only {:.1} deliveries per payment in this run.",
                            d as f64 / p as f64
                        ))
                    } else {
                        Judged::pending("Keep playing.")
                    }
                },
            },
            Goal {
                id: "calm",
                text: "Calm it: under 8 deliveries per payment through the same outage",
                kind: GoalKind::Fix,
                check: |s, _| {
                    let (d, p) = amplification(s);
                    let per = d as f64 / p as f64;
                    if d >= CALM_AMPLIFICATION * p {
                        Judged::fail(format!("{per:.1} deliveries per payment: still a storm."))
                    } else if !s.is_settled() {
                        Judged::pending(format!(
                            "{per:.1} deliveries per payment so far; keep playing."
                        ))
                    } else if s.metrics().counters.charge_failures == 0 {
                        Judged::fail(
                            "No charge failed in this run, so the outage never tested the retries.",
                        )
                    } else {
                        Judged::pass(format!("{per:.1} deliveries per payment."))
                    }
                },
            },
            Goal {
                id: "collected",
                text: "Collect every payment: none lost, none charged twice, none left in the dead-letter queue",
                kind: GoalKind::Fix,
                check: |s, _| every_payment_once(s),
            },
        ],
        hints: &[
            "The retry policy is in the strategy panel.",
            "Exponential backoff with a cap around the outage length keeps attempts low; a delivery limit that is too tight parks payments in the dead-letter queue.",
        ],
        solution: "Exponential backoff (base 200 ms, cap 2 s, jitter), a rate limit of 20 retries a second, and a limit of 8 deliveries before the dead-letter queue.",
        fix: |c| {
            c.retry = RetryPolicy::Exponential {
                base_ms: 200,
                cap_ms: 2_000,
                jitter: true,
            };
            c.rate_limit = Some(RateLimit {
                per_second: 20,
                burst: 10,
            });
            c.max_deliveries = 8;
        },
    }
}
