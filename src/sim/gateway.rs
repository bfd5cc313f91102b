//! The card gateway: the side effect that lives outside the database.
//!
//! A database transaction can roll back a ledger row; it cannot roll back money taken from a card.
//! Only the gateway's own idempotency key makes a repeated charge harmless — which is why a crash
//! between the charge and the commit double-charges even a consumer with a processed-record table.

use serde::{Deserialize, Serialize};

/// What the gateway answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChargeResult {
    /// New money moved.
    Charged,
    /// The idempotency key was seen before: the first charge is returned, no new money moves.
    Replayed,
    /// The gateway failed; no money moved.
    Failed,
}

/// Durable record of every charge, per payment.
#[derive(Clone, Debug, Default)]
pub struct Gateway {
    charges: Vec<u8>,
    keyed: Vec<bool>,
    total_charges: u64,
}

impl Gateway {
    /// The gateway's records, rebuilt after a crash of the page.
    pub fn restore(charges: Vec<u8>, keyed: Vec<bool>) -> Self {
        let total_charges = charges.iter().map(|c| *c as u64).sum();
        Gateway {
            charges,
            keyed,
            total_charges,
        }
    }

    /// Charges per payment and keys seen (for saving durable state).
    pub fn tables(&self) -> (&[u8], &[bool]) {
        (&self.charges, &self.keyed)
    }

    /// A gateway sized for `payments` payments.
    pub fn new(payments: u32) -> Self {
        Gateway {
            charges: vec![0; payments as usize],
            keyed: vec![false; payments as usize],
            total_charges: 0,
        }
    }

    /// Charges `payment`. With `keyed`, the payment id is sent as the idempotency key. `failed` is
    /// decided by the caller (faults are the simulation's, drawn from its PRNG).
    pub fn charge(&mut self, payment: u32, keyed: bool, failed: bool) -> ChargeResult {
        let i = payment as usize;
        if failed {
            return ChargeResult::Failed;
        }
        if keyed {
            if self.keyed[i] {
                return ChargeResult::Replayed;
            }
            self.keyed[i] = true;
        }
        self.charges[i] = self.charges[i].saturating_add(1);
        self.total_charges += 1;
        ChargeResult::Charged
    }

    /// How many times money moved for `payment`.
    pub fn charges(&self, payment: u32) -> u8 {
        self.charges.get(payment as usize).copied().unwrap_or(0)
    }

    /// Every charge made, duplicates included.
    pub fn total_charges(&self) -> u64 {
        self.total_charges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_key_returns_the_first_charge() {
        let mut g = Gateway::new(2);
        assert_eq!(g.charge(0, true, false), ChargeResult::Charged);
        assert_eq!(g.charge(0, true, false), ChargeResult::Replayed);
        assert_eq!(g.charges(0), 1);
    }

    #[test]
    fn without_a_key_every_call_charges() {
        let mut g = Gateway::new(1);
        g.charge(0, false, false);
        g.charge(0, false, false);
        assert_eq!(g.charges(0), 2);
        assert_eq!(g.charge(0, false, true), ChargeResult::Failed);
        assert_eq!(g.total_charges(), 2);
    }
}
