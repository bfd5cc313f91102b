//! Totals and signals as text: the lines the command line prints and the UI can show, written once
//! so every front end says the same thing in the same words.
//!
//! Each line names the JSON field it shows, so a test can prove that no field of [`Totals`] or
//! [`Signals`] is left out of the text when the model grows a new one. Decimals go through
//! [`crate::num::fixed`], so the page can print these lines without the float formatting machinery.

use super::checker::{Outcome, Totals};
use super::event::RequeueReason;
use super::message::money;
use super::metrics::Signals;
use super::vocabulary::Named;
use crate::num::fixed;
use std::fmt;

/// One line of a report.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The JSON field the line shows (`charged_once`, `latency_p95_ms`, …).
    pub key: &'static str,
    /// Human words for it.
    pub label: &'static str,
    /// Its value as text, with its unit.
    pub value: String,
}

fn line(key: &'static str, label: &'static str, value: impl ToString) -> Line {
    Line {
        key,
        label,
        value: value.to_string(),
    }
}

impl Totals {
    /// One line per outcome, in [`Outcome::ALL`] order.
    pub fn outcome_lines(&self) -> Vec<Line> {
        Outcome::ALL
            .iter()
            .map(|o| line(o.name(), o.label(), self.get(*o)))
            .collect()
    }

    /// The money the anomalies moved.
    pub fn money_lines(&self) -> Vec<Line> {
        vec![
            line(
                "money_overcharged_cents",
                "overcharged",
                money(self.money_overcharged_cents),
            ),
            line(
                "money_missing_cents",
                "missing",
                money(self.money_missing_cents),
            ),
        ]
    }
}

/// Two blocks, `Outcomes` (one count per outcome) and `Money`.
impl fmt::Display for Totals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Outcomes")?;
        for l in self.outcome_lines() {
            writeln!(f, "  {:<15}{:>8}", l.label, l.value)?;
        }
        writeln!(f, "\nMoney")?;
        for l in self.money_lines() {
            writeln!(f, "  {:<15}{:>11}", l.label, l.value)?;
        }
        Ok(())
    }
}

impl Signals {
    /// One line per signal, in the dashboard's words and units (deliveries, payments and effects
    /// are counted apart, never added up).
    pub fn lines(&self) -> Vec<Line> {
        let ms = |v: u64| format!("{v} ms");
        vec![
            line(
                "redeliveries",
                "redeliveries",
                format!("{} deliveries", self.redeliveries.values().sum::<u64>()),
            ),
            line(
                "redeliveries_by_cause",
                "…by cause",
                by_cause(&self.redeliveries_by_cause),
            ),
            line(
                "consumer_restarts",
                "consumer restarts",
                self.consumer_restarts,
            ),
            line(
                "dead_letter_rate",
                "dead-letter rate",
                format!("{}% of published", fixed(self.dead_letter_rate * 100.0, 1)),
            ),
            line(
                "dead_letters_per_sec",
                "dead letters per second",
                format!("{}/s (simulated)", fixed(self.dead_letters_per_sec, 1)),
            ),
            line(
                "duplicates_detected",
                "repeat deliveries caught",
                format!("{} deliveries", self.duplicates_detected),
            ),
            line(
                "duplicate_payments",
                "charged or recorded twice",
                format!("{} payments", self.duplicate_payments),
            ),
            line(
                "duplicates_slipped",
                "extra effects got through",
                format!("{} charges + ledger rows", self.duplicates_slipped),
            ),
            line(
                "latency_p50_ms",
                "processing latency p50",
                ms(self.latency_p50_ms),
            ),
            line(
                "latency_p95_ms",
                "processing latency p95",
                ms(self.latency_p95_ms),
            ),
            line(
                "latency_p99_ms",
                "processing latency p99",
                ms(self.latency_p99_ms),
            ),
            line(
                "end_to_end_p50_ms",
                "end-to-end latency p50",
                ms(self.end_to_end_p50_ms),
            ),
            line(
                "end_to_end_p95_ms",
                "end-to-end latency p95",
                ms(self.end_to_end_p95_ms),
            ),
            line(
                "end_to_end_p99_ms",
                "end-to-end latency p99",
                ms(self.end_to_end_p99_ms),
            ),
            line("queue_depth", "queue depth (ready)", self.queue_depth),
            line(
                "oldest_ready_age_ms",
                "lag (oldest, last sample)",
                ms(self.oldest_ready_age_ms),
            ),
            line("in_flight", "in flight", self.in_flight),
            line("gateway_load", "gateway calls inside", self.gateway_load),
            line(
                "charge_timeouts",
                "gateway calls timed out",
                self.charge_timeouts,
            ),
            line(
                "late_charges",
                "charged after caller left",
                self.late_charges,
            ),
            line(
                "throughput_per_sec",
                "throughput",
                format!(
                    "{} payments/s (simulated)",
                    fixed(self.throughput_per_sec, 1)
                ),
            ),
            line(
                "retry_amplification",
                "retry amplification",
                format!(
                    "{}× deliveries per payment",
                    fixed(self.retry_amplification, 2)
                ),
            ),
        ]
    }
}

/// `consumer gone 3 · visibility timeout 0 · retry 1`, in the vocabulary's order and words; a cause
/// the vocabulary does not know yet is shown by its key.
fn by_cause(counts: &super::counts::Counts) -> String {
    let known = RequeueReason::ALL
        .iter()
        .map(|r| (r.name(), r.label()))
        .filter(|(name, _)| counts.contains_key(name));
    let others = counts
        .keys()
        .map(String::as_str)
        .filter(|k| RequeueReason::from_name(k).is_none())
        .map(|k| (k, k));
    known
        .chain(others)
        .map(|(key, words)| format!("{words} {}", counts.get(key).copied().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A `Signals` block, one signal a line.
impl fmt::Display for Signals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = self.lines();
        let width = lines
            .iter()
            .map(|l| l.label.chars().count())
            .max()
            .unwrap_or(0)
            + 2;
        writeln!(f, "Signals")?;
        for l in lines {
            writeln!(f, "  {:<width$}{}", l.label, l.value)?;
        }
        Ok(())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sim::{ArmMode, Command, Config, CrashPoint, Sim};
    use std::collections::BTreeSet;

    fn crashed_run() -> Sim {
        let mut sim = Sim::new(Config::default(), 7);
        sim.apply(Command::ArmCrash {
            consumer: None,
            point: CrashPoint::AfterCommit,
            mode: ArmMode::Once,
        })
        .expect("a valid crash");
        sim.run_to_completion(60_000);
        sim
    }

    fn json_keys<T: serde::Serialize>(v: &T) -> BTreeSet<String> {
        serde_json::to_value(v)
            .expect("serialisable")
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect()
    }

    #[test]
    fn every_field_of_the_totals_has_a_line() {
        let t = crashed_run().totals();
        let mut lines = t.outcome_lines();
        lines.extend(t.money_lines());
        let keys: BTreeSet<String> = lines.iter().map(|l| l.key.to_string()).collect();
        assert_eq!(keys, json_keys(&t));
    }

    #[test]
    fn every_field_of_the_signals_has_a_line() {
        let s = crashed_run().signals();
        let keys: BTreeSet<String> = s.lines().iter().map(|l| l.key.to_string()).collect();
        assert_eq!(keys, json_keys(&s));
    }

    #[test]
    fn the_text_shows_the_duplicate_and_its_money() {
        let sim = crashed_run();
        let t = sim.totals();
        assert_eq!(t.duplicate, 1);
        let text = t.to_string();
        let dup = text
            .lines()
            .find(|l| l.trim_start().starts_with("duplicate"))
            .expect("a duplicate line");
        assert!(dup.trim_end().ends_with(" 1"), "{dup}");
        assert!(text.contains(&money(t.money_overcharged_cents)), "{text}");
        assert!(t.money_overcharged_cents > 0);
        let signals = sim.signals().to_string();
        assert!(
            signals.contains("consumer restarts") && signals.contains("latency p95"),
            "{signals}"
        );
        assert!(
            signals.contains("consumer gone 1"),
            "the redelivery's cause: {signals}"
        );
    }
}
