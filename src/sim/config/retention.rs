//! Retention: how long the consumer's and the gateway's memory of a payment lasts.
//!
//! Idempotency only protects against a repeat that arrives while the record of the first attempt
//! still exists. Processed-message tables are pruned by a clean-up job in most systems, and card
//! gateways forget idempotency keys: Stripe documents that a key may be removed once it is at least
//! 24 hours old, after which the same key is a new request. A redelivery or a dead-letter redrive
//! that arrives later than that is charged as if it were the first.

use super::Millis;
use serde::{Deserialize, Serialize};

/// Stripe's documented age after which an idempotency key may be pruned: 24 hours.
pub const STRIPE_KEY_RETENTION_MS: Millis = 24 * 60 * 60 * 1000;

/// Longest window a setting may name (a year), so `record time + window` never overflows.
pub const MAX_RETENTION_MS: Millis = 365 * STRIPE_KEY_RETENTION_MS;

/// How long idempotency records and gateway keys are kept. `None` keeps them forever (the model's
/// behaviour before retention existed, and the default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Retention {
    /// A committed processed record is deleted this long after its commit.
    pub records_ms: Option<Millis>,
    /// The card gateway forgets an idempotency key this long after the charge that stored it.
    pub gateway_keys_ms: Option<Millis>,
}

impl Retention {
    /// Both memories kept forever: the derived default, as a constant.
    pub const DEFAULT: Retention = Retention {
        records_ms: None,
        gateway_keys_ms: None,
    };

    /// Both memories kept forever: the default.
    pub fn is_forever(&self) -> bool {
        self.records_ms.is_none() && self.gateway_keys_ms.is_none()
    }
}

/// Is a record written at `at` still kept at `now` under `window`?
#[inline(always)]
pub fn kept(window: Option<Millis>, at: Millis, now: Millis) -> bool {
    window.is_none_or(|w| now < at.saturating_add(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_kept_for_exactly_its_window() {
        assert!(kept(None, 0, Millis::MAX));
        assert!(kept(Some(100), 50, 149));
        assert!(!kept(Some(100), 50, 150));
    }
}
