//! The strategy: the consumer's safeguards, each a toggle a learner can flip — when the ack is sent,
//! the processed-record guard, one transaction, the gateway's idempotency key, the ledger's write.
//!
//! Each toggle closes one window of the at-least-once story, and the sweep crosses all 48
//! combinations with every crash point, so a strategy is a small `Copy` value with a compact number
//! ([`Strategy::bits`]) that share links carry.

use super::super::vocabulary::Named;
use serde::{Deserialize, Serialize};
use std::fmt;

/// When the broker learns that a delivery is done with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckTiming {
    /// Automatic acknowledgement (AMQP `no_ack`, `basic.consume` with auto-ack): the broker counts
    /// a message as done the moment it sends it, and ignores the prefetch limit. A crash anywhere after
    /// delivery — even of a message still waiting in the consumer's buffer — loses the payment.
    Auto,
    /// Manual acknowledgement sent as the consumer's first step, before any work. A crash before that
    /// ack still redelivers; a crash after it loses the payment.
    #[serde(alias = "before_process")]
    ManualFirst,
    /// Manual acknowledgement after the database commit: a crash before the ack means a redelivery,
    /// never a loss.
    AfterCommit,
}

/// How the processed-record table rejects a second record for the same message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordCheck {
    /// Read, then insert if absent: two concurrent deliveries can both read "absent".
    CheckThenInsert,
    /// A unique key on the message id: the second insert fails and its transaction aborts.
    UniqueConstraint,
}

/// How the consumer writes the payment into the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerWrite {
    /// Insert a new row each time: not idempotent on its own.
    Append,
    /// Mark the payment paid only if it is still pending (compare-and-set).
    Conditional,
    /// Add the payment to a set keyed by payment id: repeating it changes nothing.
    Commutative,
}

/// What the consumer's idempotency is keyed on: the processed record, the card gateway's
/// idempotency key and (on an SQS FIFO queue) the producer's deduplication id.
///
/// A producer that republishes after a lost confirm sends the same business payment under a new
/// message id, so only a key tied to the business operation recognises the repeat.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyedOn {
    /// The business payment id: every message of one payment shares the key.
    #[default]
    Payment,
    /// The broker's message id: a republished payment looks new.
    Message,
}

impl KeyedOn {
    /// Keyed on the business payment id (the default)?
    pub fn is_payment(&self) -> bool {
        *self == KeyedOn::Payment
    }
}

/// The strategy toggles of the lessons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Strategy {
    /// Check a durable processed-message record before the effect and write it with the effect.
    pub idempotency: bool,
    /// Ledger row and processed record in one transaction, committed before the ack. Off: every
    /// write commits on its own as it happens.
    pub transactional: bool,
    /// When the message is acknowledged.
    pub ack_timing: AckTiming,
    /// Send the payment id as the card gateway's idempotency key, so a repeated charge returns the first.
    pub gateway_key: bool,
    /// How the processed-record table guards against a second record.
    pub record_check: RecordCheck,
    /// How the ledger is written.
    #[serde(default = "default_ledger_write")]
    pub ledger_write: LedgerWrite,
    /// What the processed record and the gateway key are keyed on. Default: the business payment id
    /// (left out of JSON, so such a strategy is written as before the choice existed).
    #[serde(default, skip_serializing_if = "KeyedOn::is_payment")]
    pub key: KeyedOn,
}

fn default_ledger_write() -> LedgerWrite {
    LedgerWrite::Append
}

impl Strategy {
    /// The naive consumer of the incident: no idempotency, no transaction, no key.
    pub const NAIVE: Strategy = Strategy {
        idempotency: false,
        transactional: false,
        ack_timing: AckTiming::AfterCommit,
        gateway_key: false,
        record_check: RecordCheck::CheckThenInsert,
        ledger_write: LedgerWrite::Append,
        key: KeyedOn::Payment,
    };

    /// Every safeguard of the lessons switched on.
    pub const SAFE: Strategy = Strategy {
        idempotency: true,
        transactional: true,
        ack_timing: AckTiming::AfterCommit,
        gateway_key: true,
        record_check: RecordCheck::UniqueConstraint,
        ledger_write: LedgerWrite::Append,
        key: KeyedOn::Payment,
    };

    /// All 48 combinations of the sweep's toggles (idempotency, transaction, the three ack timings,
    /// gateway key, record check; ledger writes stay `Append`), in a fixed order.
    pub fn all_combinations() -> Vec<Strategy> {
        (0..256)
            .filter_map(Strategy::from_bits)
            .filter(|s| s.ledger_write == LedgerWrite::Append)
            .collect()
    }

    /// The strategy as a small number: one bit per toggle (idempotency, transactional, manual ack
    /// first, gateway key, unique constraint), the ledger write style in bits 5–6, and auto-ack in bit
    /// 7, keyed on the message id in bit 8. Share links and the sweep's order use it; links made before
    /// auto-ack existed never set bit 7, and their "ack early" bit 2 still means a manual ack sent
    /// first; links made before the key choice never set bit 8 (keyed on the payment, as they were).
    pub fn bits(&self) -> u64 {
        self.idempotency as u64
            | (self.transactional as u64) << 1
            | ((self.ack_timing == AckTiming::ManualFirst) as u64) << 2
            | (self.gateway_key as u64) << 3
            | ((self.record_check == RecordCheck::UniqueConstraint) as u64) << 4
            | (match self.ledger_write {
                LedgerWrite::Append => 0,
                LedgerWrite::Conditional => 1,
                LedgerWrite::Commutative => 2,
            }) << 5
            | ((self.ack_timing == AckTiming::Auto) as u64) << 7
            | ((self.key == KeyedOn::Message) as u64) << 8
    }

    /// The inverse of [`Strategy::bits`]; `None` for a number no strategy has.
    pub fn from_bits(bits: u64) -> Option<Strategy> {
        if bits >= 512 || (bits & 4 != 0 && bits & 128 != 0) {
            return None;
        }
        let ledger_write = match (bits >> 5) & 3 {
            0 => LedgerWrite::Append,
            1 => LedgerWrite::Conditional,
            2 => LedgerWrite::Commutative,
            _ => return None,
        };
        Some(Strategy {
            idempotency: bits & 1 != 0,
            transactional: bits & 2 != 0,
            ack_timing: if bits & 128 != 0 {
                AckTiming::Auto
            } else if bits & 4 != 0 {
                AckTiming::ManualFirst
            } else {
                AckTiming::AfterCommit
            },
            gateway_key: bits & 8 != 0,
            record_check: if bits & 16 != 0 {
                RecordCheck::UniqueConstraint
            } else {
                RecordCheck::CheckThenInsert
            },
            ledger_write,
            key: if bits & 256 != 0 {
                KeyedOn::Message
            } else {
                KeyedOn::Payment
            },
        })
    }

    /// The strategy in the truth table's five short columns (`I T commit K unique`), `-` for a
    /// safeguard that is off; the ack column reads `commit`, `first` or `auto`.
    pub fn columns(&self) -> String {
        let yes = |b: bool, w: &'static str| if b { w } else { "-" };
        format!(
            "{:<4} {:<3} {:<6} {:<3} {:<6}",
            yes(self.idempotency, "I"),
            yes(self.transactional, "T"),
            self.ack_timing.code(),
            yes(self.gateway_key, "K"),
            self.record_check.code()
        )
    }

    /// [`Strategy::columns`] with single spaces: `- T first K check`. Joined directly (no code has a
    /// space), without the padding and splitting machinery in the browser build.
    pub fn code(&self) -> String {
        let yes = |b: bool, w: &'static str| if b { w } else { "-" };
        [
            yes(self.idempotency, "I"),
            yes(self.transactional, "T"),
            self.ack_timing.code(),
            yes(self.gateway_key, "K"),
            self.record_check.code(),
        ]
        .join(" ")
    }
}

impl fmt::Display for Strategy {
    /// The strategy in words, e.g. `idempotency on, transaction on, ack after commit, gateway key
    /// off, check-then-insert, append rows`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on = |b: bool| if b { "on" } else { "off" };
        write!(
            f,
            "idempotency {}, transaction {}, {}, gateway key {}, {}, {}",
            on(self.idempotency),
            on(self.transactional),
            self.ack_timing.label(),
            on(self.gateway_key),
            self.record_check.label(),
            self.ledger_write.label()
        )?;
        if self.key == KeyedOn::Message {
            f.write_str(", keyed on the message id")?;
        }
        Ok(())
    }
}

impl Default for Strategy {
    fn default() -> Self {
        Strategy::NAIVE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_round_trip_for_every_strategy() {
        let mut valid = 0;
        for bits in 0..600 {
            if let Some(s) = Strategy::from_bits(bits) {
                assert_eq!(s.bits(), bits);
                valid += 1;
            }
        }
        assert_eq!(
            valid,
            2 * 2 * 3 * 2 * 2 * 3 * 2,
            "every strategy has exactly one number"
        );
        assert_eq!(
            Strategy::from_bits(4 | 128),
            None,
            "two ack timings at once"
        );
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn old_links_early_ack_bit_is_a_manual_ack_first() {
        assert_eq!(
            Strategy::from_bits(4).map(|s| s.ack_timing),
            Some(AckTiming::ManualFirst)
        );
        let old: Strategy = serde_json::from_str(
            r#"{"idempotency":false,"transactional":false,"ack_timing":"before_process","gateway_key":false,"record_check":"check_then_insert"}"#,
        )
        .unwrap();
        assert_eq!(old.ack_timing, AckTiming::ManualFirst);
    }

    #[test]
    fn all_combinations_are_distinct() {
        let all = Strategy::all_combinations();
        assert_eq!(all.len(), 48);
        let set: std::collections::HashSet<_> = all.iter().collect();
        assert_eq!(set.len(), 48);
    }

    #[test]
    fn code_is_the_columns_with_single_spaces() {
        for s in Strategy::all_combinations() {
            let spaced = s.columns().split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(s.code(), spaced);
        }
        assert_eq!(Strategy::NAIVE.code(), "- - commit - check");
    }
}
