//! The payment message: `{ msg_id, payment_id, customer, amount }`.
//!
//! Payment facts are derived from a seed-drawn catalogue key instead of stored, so a million-payment
//! run does not carry a million messages around, and every view computes the same customer and amount.

use super::rng::mix;
use serde::{Deserialize, Serialize};

/// Customer names, one per letter, so the ledger reads like people rather than numbers.
pub const CUSTOMER_NAMES: [&str; 26] = [
    "Ada", "Bruno", "Chen", "Dara", "Emeka", "Fatima", "Goran", "Hana", "Ines", "Jonas", "Kiri",
    "Lena", "Malik", "Noor", "Oren", "Priya", "Quinn", "Rosa", "Sami", "Tomas", "Uma", "Vera",
    "Wei", "Ximena", "Yusuf", "Zara",
];

/// One payment request travelling through the broker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The broker's message id (one message per payment here).
    pub msg_id: u32,
    /// The business operation: what an idempotency key should be tied to.
    pub payment_id: u32,
    /// Index into [`CUSTOMER_NAMES`].
    pub customer: u8,
    /// Amount in cents.
    pub amount_cents: u32,
}

impl Message {
    /// The message for payment `payment`, derived from the run's catalogue key.
    pub fn for_payment(catalog: u64, payment: u32, customers: u8) -> Message {
        let h = mix(catalog ^ (payment as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let customers = customers.max(1) as u64;
        Message {
            msg_id: payment,
            payment_id: payment,
            customer: (h % customers) as u8,
            // Whole amounts from 5.00 to 200.00 in steps of 0.50, easy to add up in a workshop.
            amount_cents: 500 + ((h >> 16) % 391) as u32 * 50,
        }
    }

    /// The customer's display name.
    pub fn customer_name(&self) -> &'static str {
        CUSTOMER_NAMES[self.customer as usize % CUSTOMER_NAMES.len()]
    }
}

/// A payment id as the lessons print it: `pay-0007`.
pub fn payment_label(payment: u32) -> String {
    format!("pay-{payment:04}")
}

/// Cents as money: `12.50` (`12,50` when the page is in Spanish: [`crate::num::cents`]).
pub fn money(cents: u64) -> String {
    crate::num::cents(cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_facts_are_stable_and_in_range() {
        for p in 0..1000 {
            let m = Message::for_payment(99, p, 5);
            assert_eq!(m, Message::for_payment(99, p, 5));
            assert!(m.customer < 5);
            assert!((500..=20_000).contains(&m.amount_cents));
        }
    }

    #[test]
    fn labels_read_like_the_lessons() {
        assert_eq!(payment_label(7), "pay-0007");
        assert_eq!(money(1250), "12.50");
    }
}
