//! The operational checklist: the questions to ask before trusting an at-least-once consumer.
//!
//! Each item is either a setting the simulation can verify, or a practice (monitoring) the learner
//! ticks by hand. Every item names the lab that breaks without it, so an unchecked box is one click
//! away from seeing why it matters.

use super::config::{AckTiming, Config, RecordCheck, RetryPolicy};

/// One question of the checklist.
#[derive(Clone, Copy, Debug)]
pub struct ChecklistItem {
    /// Stable id (remembered in saved progress).
    pub id: &'static str,
    /// The question.
    pub question: &'static str,
    /// Why it matters, in one line.
    pub why: &'static str,
    /// The lab that shows what goes wrong without it.
    pub lab: &'static str,
    /// How the simulation verifies it; `None` for practices the learner ticks by hand.
    pub verify: Option<fn(&Config) -> bool>,
}

/// The checklist, in the order it is read out.
pub const ITEMS: [ChecklistItem; 6] = [
    ChecklistItem {
        id: "idempotent",
        question: "Are consumers idempotent by design, card charge included?",
        why: "A redelivered payment must not move money twice: processed records plus the gateway's idempotency key.",
        lab: "side-effect",
        verify: Some(|c| c.strategy.idempotency && c.strategy.gateway_key),
    },
    ChecklistItem {
        id: "durable-transactional",
        question: "Are idempotency records durable, transactional and unique?",
        why: "The record must commit with the ledger row, and a unique key must stop two racing deliveries.",
        lab: "visibility-timeout",
        verify: Some(|c| {
            c.strategy.transactional && c.strategy.record_check == RecordCheck::UniqueConstraint
        }),
    },
    ChecklistItem {
        id: "ack-after-commit",
        question: "Is a message acknowledged only after its work is committed?",
        why: "Acking first turns every crash into a silently lost payment.",
        lab: "ack-before-commit",
        verify: Some(|c| c.strategy.ack_timing == AckTiming::AfterCommit),
    },
    ChecklistItem {
        id: "redelivery-monitored",
        question: "Is the redelivery rate monitored, with an alert on spikes?",
        why: "A redelivery spike is the first visible sign of the double-payment incident.",
        lab: "double-payment",
        verify: None,
    },
    ChecklistItem {
        id: "duplicates-measurable",
        question: "Can you measure duplicates — those caught and those that slipped through?",
        why: "Without the count you cannot tell a safe consumer from a lucky one.",
        lab: "failure-injection",
        verify: None,
    },
    ChecklistItem {
        id: "retries-bounded",
        question: "Are retries bounded (backoff with a cap, a dead-letter queue) and rate-limited?",
        why: "Unbounded immediate retries turn a short outage into a retry storm.",
        lab: "retry-storm",
        verify: Some(|c| {
            matches!(c.retry, RetryPolicy::Exponential { .. })
                && c.max_deliveries > 0
                && c.rate_limit.is_some()
        }),
    },
];

/// Is `item` satisfied under `config`, given the ids the learner ticked by hand?
pub fn satisfied(item: &ChecklistItem, config: &Config, ticked: &[String]) -> bool {
    match item.verify {
        Some(f) => f(config),
        None => ticked.iter().any(|t| t == item.id),
    }
}

/// Readiness as (satisfied items, all items).
pub fn readiness(config: &Config, ticked: &[String]) -> (usize, usize) {
    (
        ITEMS
            .iter()
            .filter(|i| satisfied(i, config, ticked))
            .count(),
        ITEMS.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::{RateLimit, Strategy};

    #[test]
    fn a_naive_consumer_scores_one_and_the_full_set_scores_all() {
        // The default consumer already acks after commit: that item is the only one it satisfies.
        assert_eq!(readiness(&Config::default(), &[]), (1, 6));
        let full = Config {
            strategy: Strategy::SAFE,
            retry: RetryPolicy::Exponential {
                base_ms: 100,
                cap_ms: 2_000,
                jitter: true,
            },
            max_deliveries: 5,
            rate_limit: Some(RateLimit {
                per_second: 50,
                burst: 10,
            }),
            ..Config::default()
        };
        let ticks = vec![
            "redelivery-monitored".to_string(),
            "duplicates-measurable".to_string(),
        ];
        assert_eq!(readiness(&full, &ticks), (6, 6));
    }

    #[test]
    fn every_item_names_a_real_lab() {
        for item in ITEMS {
            assert!(
                crate::sim::lab::Lab::by_id(item.lab).is_some(),
                "{}",
                item.lab
            );
        }
    }
}
