//! The checker: what happened to each payment, in Jepsen/Maelstrom words.
//!
//! Labs are judged by these invariants, never by exact state: "no payment charged twice" holds for
//! many correct runs, while "the ledger equals this table" would reject answers that are right.

use crate::i18n::{n_, tr};
use serde::{Deserialize, Serialize};

/// The fate of one payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Charged once and recorded once: correct.
    ChargedOnce,
    /// Charged or recorded more than once.
    Duplicate,
    /// Gone from the queue (or never published: the order service crashed before publishing it),
    /// but neither charged nor recorded.
    Lost,
    /// Charged but not recorded, or recorded but not charged.
    Orphan,
    /// In the dead-letter queue, with no effect applied.
    DeadLettered,
    /// Still in the broker or in a consumer's hands.
    Pending,
}

impl Outcome {
    /// Every outcome, in the order totals are printed.
    pub const ALL: [Outcome; 6] = [
        Outcome::ChargedOnce,
        Outcome::Duplicate,
        Outcome::Lost,
        Outcome::Orphan,
        Outcome::DeadLettered,
        Outcome::Pending,
    ];

    /// The snake_case name used in JSON and `data-testid`s.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::ChargedOnce => "charged_once",
            Outcome::Duplicate => "duplicate",
            Outcome::Lost => "lost",
            Outcome::Orphan => "orphan",
            Outcome::DeadLettered => "dead_lettered",
            Outcome::Pending => "pending",
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        tr(match self {
            Outcome::ChargedOnce => n_("charged once"),
            Outcome::Duplicate => n_("duplicate"),
            Outcome::Lost => n_("lost"),
            Outcome::Orphan => n_("orphan"),
            Outcome::DeadLettered => n_("dead-lettered"),
            Outcome::Pending => n_("pending"),
        })
    }

    /// Is this outcome a correctness failure?
    pub fn is_anomaly(self) -> bool {
        matches!(self, Outcome::Duplicate | Outcome::Lost | Outcome::Orphan)
    }
}

/// The facts about one payment that decide its outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaymentFacts {
    /// Has the producer published it?
    pub published: bool,
    /// Charges that moved money.
    pub charges: u8,
    /// Committed ledger entries.
    pub ledger_rows: u8,
    /// Does the broker still hold it (ready, in flight, waiting)?
    pub in_broker: bool,
    /// Is a consumer still working on it?
    pub in_consumer: bool,
    /// Is it in the dead-letter queue?
    pub dead_lettered: bool,
    /// Did the order service crash before publishing it, so that no message will ever carry it?
    pub never_published: bool,
}

/// Decides a payment's outcome. Duplicates win over everything: extra money moved can never be undone
/// by what happens later.
pub fn classify(f: PaymentFacts) -> Outcome {
    if f.charges > 1 || f.ledger_rows > 1 {
        return Outcome::Duplicate;
    }
    if f.charges == 1 && f.ledger_rows == 1 {
        return Outcome::ChargedOnce;
    }
    if (!f.published && !f.never_published) || f.in_broker || f.in_consumer {
        return Outcome::Pending;
    }
    if f.charges != f.ledger_rows {
        return Outcome::Orphan;
    }
    if f.dead_lettered {
        return Outcome::DeadLettered;
    }
    Outcome::Lost
}

/// Outcome counts and the money they move.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Correct payments.
    pub charged_once: u64,
    /// Payments charged or recorded more than once.
    pub duplicate: u64,
    /// Payments that vanished.
    pub lost: u64,
    /// Payments charged but not recorded, or the reverse.
    pub orphan: u64,
    /// Payments in the dead-letter queue.
    pub dead_lettered: u64,
    /// Payments still under way.
    pub pending: u64,
    /// Money charged beyond one charge per payment, in cents.
    pub money_overcharged_cents: u64,
    /// Money of payments never charged although they left the queue (lost, or recorded without a
    /// charge), in cents.
    pub money_missing_cents: u64,
}

impl Totals {
    /// Adds one payment.
    pub fn add(&mut self, outcome: Outcome, facts: PaymentFacts, amount_cents: u32) {
        *self.get_mut(outcome) += 1;
        let amount = amount_cents as u64;
        self.money_overcharged_cents += facts.charges.saturating_sub(1) as u64 * amount;
        if outcome == Outcome::Lost || (outcome == Outcome::Orphan && facts.charges == 0) {
            self.money_missing_cents += amount;
        }
    }

    /// The count for `outcome`.
    pub fn get(&self, outcome: Outcome) -> u64 {
        match outcome {
            Outcome::ChargedOnce => self.charged_once,
            Outcome::Duplicate => self.duplicate,
            Outcome::Lost => self.lost,
            Outcome::Orphan => self.orphan,
            Outcome::DeadLettered => self.dead_lettered,
            Outcome::Pending => self.pending,
        }
    }

    fn get_mut(&mut self, outcome: Outcome) -> &mut u64 {
        match outcome {
            Outcome::ChargedOnce => &mut self.charged_once,
            Outcome::Duplicate => &mut self.duplicate,
            Outcome::Lost => &mut self.lost,
            Outcome::Orphan => &mut self.orphan,
            Outcome::DeadLettered => &mut self.dead_lettered,
            Outcome::Pending => &mut self.pending,
        }
    }

    /// Duplicates + lost + orphans.
    pub fn anomalies(&self) -> u64 {
        self.duplicate + self.lost + self.orphan
    }
}

/// Duplicates counted two ways: the harm — money moved more than once for one business payment —
/// apart from the repeats the broker handed out, which do no harm to an idempotent consumer. A
/// republished payment arrives as a new message, so its repeat is counted per payment, not per message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicates {
    /// Business payments charged more than once: the harm.
    pub payments_charged_twice: u64,
    /// Charges beyond the first of each business payment.
    pub extra_charges: u64,
    /// Deliveries beyond the first of each business payment: redeliveries, republished messages and
    /// SQS copies alike.
    pub extra_deliveries: u64,
}

impl Duplicates {
    /// Adds one payment: its charges and its deliveries over all its messages.
    pub fn add(&mut self, charges: u8, deliveries: u64) {
        self.payments_charged_twice += (charges > 1) as u64;
        self.extra_charges += charges.saturating_sub(1) as u64;
        self.extra_deliveries += deliveries.saturating_sub(1);
    }
}

/// One payment gone wrong, with the events (by sequence number) that explain it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    /// The payment.
    pub payment: u32,
    /// What went wrong.
    pub outcome: Outcome,
    /// Charges that moved money.
    pub charges: u8,
    /// Committed ledger entries.
    pub ledger_rows: u8,
    /// The events that caused it (deliveries, crashes, charges, writes, acks), oldest first; empty if
    /// they have left the event window.
    pub causes: Vec<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(charges: u8, ledger_rows: u8) -> PaymentFacts {
        PaymentFacts {
            published: true,
            charges,
            ledger_rows,
            ..Default::default()
        }
    }

    #[test]
    fn outcomes_follow_the_definitions() {
        assert_eq!(classify(done(1, 1)), Outcome::ChargedOnce);
        assert_eq!(classify(done(2, 1)), Outcome::Duplicate);
        assert_eq!(classify(done(1, 2)), Outcome::Duplicate);
        assert_eq!(classify(done(0, 0)), Outcome::Lost);
        assert_eq!(classify(done(1, 0)), Outcome::Orphan);
        assert_eq!(classify(done(0, 1)), Outcome::Orphan);
        assert_eq!(
            classify(PaymentFacts {
                dead_lettered: true,
                ..done(0, 0)
            }),
            Outcome::DeadLettered
        );
        assert_eq!(
            classify(PaymentFacts {
                in_broker: true,
                ..done(1, 0)
            }),
            Outcome::Pending
        );
        assert_eq!(
            classify(PaymentFacts {
                in_broker: true,
                ..done(2, 0)
            }),
            Outcome::Duplicate
        );
    }

    #[test]
    fn duplicates_count_the_harm_apart_from_the_deliveries() {
        let mut d = Duplicates::default();
        d.add(1, 3); // delivered three times, charged once: no harm
        d.add(2, 2);
        d.add(0, 0);
        assert_eq!(
            d,
            Duplicates {
                payments_charged_twice: 1,
                extra_charges: 1,
                extra_deliveries: 3
            }
        );
    }

    #[test]
    fn money_follows_the_outcome() {
        let mut t = Totals::default();
        t.add(Outcome::Duplicate, done(3, 1), 1000);
        t.add(Outcome::Lost, done(0, 0), 500);
        assert_eq!(t.money_overcharged_cents, 2000);
        assert_eq!(t.money_missing_cents, 500);
        assert_eq!(t.anomalies(), 2);
    }
}
