//! The operational checklist: the questions to ask before trusting an at-least-once consumer.
//!
//! Each item is either a setting the simulation can verify, or a monitoring practice answered by a
//! measurable signal of the run (the number an alert would watch), never by a tick of the learner's
//! own. Every item names the lab that breaks without it, so an open item is one click away from seeing
//! why it matters.

use super::config::{AckTiming, Config, RecordCheck, RetryPolicy};
use super::simulation::Sim;
use crate::i18n::{tr, trf_n, trs};

/// How an item is answered.
#[derive(Clone, Copy, Debug)]
pub enum Verify {
    /// By the configuration.
    Setting(fn(&Config) -> bool),
    /// By a signal the run measured: satisfied when the signal moved, with the reading in words.
    Signal(fn(&Sim) -> (bool, String)),
}

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
    /// How the simulation answers it.
    pub verify: Verify,
}

impl ChecklistItem {
    /// [`ChecklistItem::question`] in the page's language.
    pub fn question_words(&self) -> &'static str {
        match self.id {
            "idempotent" => tr("Are consumers idempotent by design, card charge included?"),
            "durable-transactional" => {
                tr("Are idempotency records durable, transactional and unique?")
            }
            "ack-after-commit" => tr("Is a message acknowledged only after its work is committed?"),
            "redelivery-monitored" => {
                tr("Is the redelivery rate monitored, with an alert on spikes?")
            }
            "duplicates-measurable" => {
                tr("Can you measure duplicates — those caught and those that slipped through?")
            }
            "retries-bounded" => tr(
                "Are retries bounded (backoff with a cap, a dead-letter queue) and rate-limited?",
            ),
            _ => self.question,
        }
    }

    /// [`ChecklistItem::why`] in the page's language.
    pub fn why_words(&self) -> &'static str {
        match self.id {
            "idempotent" => tr(
                "A redelivered payment must not move money twice: processed records plus the gateway's idempotency key.",
            ),
            "durable-transactional" => tr(
                "The record must commit with the ledger row, and a unique key must stop two racing deliveries.",
            ),
            "ack-after-commit" => tr(
                "Acking first turns a crash between the ack and the commit into a lost payment (or an unrecorded charge) that nobody is told about.",
            ),
            "redelivery-monitored" => tr(
                "A redelivery spike shows the double-payment incident on a dashboard before customers report it.",
            ),
            "duplicates-measurable" => {
                tr("Without the count you cannot tell a safe consumer from a lucky one.")
            }
            "retries-bounded" => {
                tr("Unbounded immediate retries can turn a short outage into a retry storm.")
            }
            _ => self.why,
        }
    }
}

/// The checklist, in the order it is read out.
pub const ITEMS: [ChecklistItem; 6] = [
    ChecklistItem {
        id: "idempotent",
        question: "Are consumers idempotent by design, card charge included?",
        why: "A redelivered payment must not move money twice: processed records plus the gateway's idempotency key.",
        lab: "side-effect",
        verify: Verify::Setting(|c| c.strategy.idempotency && c.strategy.gateway_key),
    },
    ChecklistItem {
        id: "durable-transactional",
        question: "Are idempotency records durable, transactional and unique?",
        why: "The record must commit with the ledger row, and a unique key must stop two racing deliveries.",
        lab: "visibility-timeout",
        verify: Verify::Setting(|c| {
            c.strategy.transactional && c.strategy.record_check == RecordCheck::UniqueConstraint
        }),
    },
    ChecklistItem {
        id: "ack-after-commit",
        question: "Is a message acknowledged only after its work is committed?",
        why: "Acking first turns a crash between the ack and the commit into a lost payment (or an unrecorded charge) that nobody is told about.",
        lab: "ack-before-commit",
        verify: Verify::Setting(|c| c.strategy.ack_timing == AckTiming::AfterCommit),
    },
    ChecklistItem {
        id: "redelivery-monitored",
        question: "Is the redelivery rate monitored, with an alert on spikes?",
        why: "A redelivery spike shows the double-payment incident on a dashboard before customers report it.",
        lab: "double-payment",
        verify: Verify::Signal(|s| {
            let c = &s.metrics().counters;
            let peak = s
                .metrics()
                .samples()
                .windows(2)
                .map(|w| w[1].counters.redeliveries - w[0].counters.redeliveries)
                .max()
                .unwrap_or(c.redeliveries);
            if c.redeliveries == 0 {
                (
                    false,
                    trs("No redelivery in this run yet: nothing for an alert to see."),
                )
            } else {
                (
                    true,
                    trf_n(
                        "Measured: {0} redeliveries, at most {1} in one sample, next to {2} consumer restarts.",
                        &[c.redeliveries, peak, c.restarts],
                    ),
                )
            }
        }),
    },
    ChecklistItem {
        id: "duplicates-measurable",
        question: "Can you measure duplicates — those caught and those that slipped through?",
        why: "Without the count you cannot tell a safe consumer from a lucky one.",
        lab: "failure-injection",
        verify: Verify::Signal(|s| {
            let c = &s.metrics().counters;
            let seen = c.duplicates_detected + c.duplicates_slipped;
            (
                seen > 0,
                if seen == 0 {
                    trs("No duplicate delivery in this run yet: nothing to count.")
                } else {
                    trf_n(
                        "Measured: {0} repeats caught by a safeguard, {1} extra effects slipped through.",
                        &[c.duplicates_detected, c.duplicates_slipped],
                    )
                },
            )
        }),
    },
    ChecklistItem {
        id: "retries-bounded",
        question: "Are retries bounded (backoff with a cap, a dead-letter queue) and rate-limited?",
        why: "Unbounded immediate retries can turn a short outage into a retry storm.",
        lab: "retry-storm",
        verify: Verify::Setting(|c| {
            matches!(c.retry, RetryPolicy::Exponential { .. })
                && c.max_deliveries > 0
                && c.rate_limit.is_some()
        }),
    },
];

/// Is `item` satisfied by the run `sim` (its configuration or its signals)? With the reading for a
/// signal item.
pub fn satisfied(item: &ChecklistItem, sim: &Sim) -> (bool, Option<String>) {
    match item.verify {
        Verify::Setting(f) => (f(sim.config()), None),
        Verify::Signal(f) => {
            let (ok, reading) = f(sim);
            (ok, Some(reading))
        }
    }
}

/// Readiness as (satisfied items, all items).
pub fn readiness(sim: &Sim) -> (usize, usize) {
    (
        ITEMS.iter().filter(|i| satisfied(i, sim).0).count(),
        ITEMS.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_naive_calm_run_scores_one_and_the_fixed_stress_run_scores_all() {
        // The default consumer already acks after commit; a calm run measures no redelivery.
        let mut calm = Sim::new(Config::default(), 1);
        calm.run_to_completion(60_000);
        assert_eq!(readiness(&calm), (1, 6));
        let lab = crate::sim::lab::Lab::by_id("checklist").unwrap();
        let mut c = lab.config.clone();
        (lab.fix)(&mut c);
        let sim = lab.run(&c, lab.seed, 600_000);
        assert_eq!(readiness(&sim), (6, 6));
        let (ok, reading) = satisfied(&ITEMS[3], &sim);
        assert!(ok);
        assert!(reading.unwrap().starts_with("Measured: "));
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
