//! The producer: the order service that publishes each payment, and how it makes sure a payment
//! reaches the broker — at the price of publishing some twice.
//!
//! Publishing is at-least-once too. With RabbitMQ publisher confirms (the RabbitMQ guide "Consumer
//! Acknowledgements and Publisher Confirms" and its tutorial "Reliable Publishing with Publisher
//! Confirms"), the broker confirms each message it has taken responsibility for; a publisher that
//! hears no confirm cannot tell a lost message from a lost confirm, and must publish it again to be
//! sure — which can make a duplicate. The repeat is a new message (a new
//! message id) carrying the same business payment, so only an idempotency key tied to the payment
//! recognises it downstream.
//!
//! The transactional outbox (the "Transactional outbox" pattern of microservices.io) closes the other
//! hole: without it, the order service commits the payment and then publishes, and a crash between
//! the two loses the payment for good. With it, the payment row and an outbox row commit in one
//! database transaction, and a relay publishes outbox rows and marks them sent. A relay that crashes
//! after publishing and before marking publishes the row again when it comes back: publishing
//! becomes reliable, and duplicates downstream become certain.

use crate::i18n::{trf, trs};
use serde::{Deserialize, Serialize};

/// What this model leaves out of a real producer, one line each (the UI can show them).
pub const SIMPLIFICATIONS: [&str; 4] = [
    "The order service publishes one payment at most 3 times, then gives up, as a retry limit would.",
    "Without confirms nothing ever tells the producer a publish arrived, so every payment is published 3 times.",
    "The outbox relay publishes each row the moment it commits (no polling delay) and is back after the restart delay.",
    "A publisher crash is drawn per publish for the relay, and once per payment for the order service.",
];

/// Most times the producer publishes one payment (the first publish included): a retry limit, as
/// real publishers have, so a producer that never hears a confirm still stops.
pub const MAX_PUBLISHES: u8 = 3;

/// How the order service publishes. Defaults: confirms on, none lost, no outbox, no crashes — every
/// payment published exactly once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProducerSettings {
    /// Wait for the broker's publisher confirm. Off: the producer never learns that a publish
    /// arrived, so it publishes again after every timeout (up to [`MAX_PUBLISHES`]). Default on.
    pub confirms: bool,
    /// Chance that a confirm is lost on its way back (the broker has the message; the producer does
    /// not know), in per-mille. Default 0.
    pub lost_confirm_permille: u16,
    /// How long the producer waits for a confirm before publishing again, in ms. Default 1,000.
    pub confirm_timeout_ms: u32,
    /// Publish through a transactional outbox and its relay. Default off.
    pub outbox: bool,
    /// Chance per payment that the publisher crashes in its window, in per-mille: with the outbox,
    /// the relay between publishing a row and marking it sent (it publishes the row again when it is
    /// back, after the restart delay); without it, the order service between committing the payment
    /// and publishing it (nothing ever publishes that payment). Default 0.
    pub crash_permille: u16,
}

impl Default for ProducerSettings {
    fn default() -> Self {
        ProducerSettings::DEFAULT
    }
}

impl ProducerSettings {
    /// The default producer, as a constant (the labs' configurations are constants).
    pub const DEFAULT: ProducerSettings = ProducerSettings {
        confirms: true,
        lost_confirm_permille: 0,
        confirm_timeout_ms: 1_000,
        outbox: false,
        crash_permille: 0,
    };

    /// Is this the default producer (each payment published once)?
    pub fn is_default(&self) -> bool {
        *self == ProducerSettings::default()
    }

    /// Can this producer publish a payment more than once, or lose one? False for the default
    /// producer, which the simulation then runs exactly as before producers had settings.
    pub fn can_misbehave(&self) -> bool {
        !self.confirms || self.lost_confirm_permille > 0 || self.crash_permille > 0
    }

    /// Checks the settings; a sentence names the first one out of range.
    pub fn validate(&self) -> Result<(), String> {
        if self.lost_confirm_permille > 1000 || self.crash_permille > 1000 {
            return Err(trs("The producer's chances are per-mille: at most 1000."));
        }
        if !(1..=super::config::limits::MAX_DURATION_MS).contains(&self.confirm_timeout_ms) {
            return Err(trf(
                "The confirm timeout must be between 1 and {0} ms; got {1}.",
                &[
                    &super::config::limits::MAX_DURATION_MS.to_string(),
                    &self.confirm_timeout_ms.to_string(),
                ],
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_producer_publishes_once_and_is_valid() {
        let d = ProducerSettings::default();
        assert!(!d.can_misbehave());
        assert_eq!(d.validate(), Ok(()));
    }

    #[test]
    fn out_of_range_settings_are_named_in_a_sentence() {
        let e = ProducerSettings {
            confirm_timeout_ms: 0,
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            e,
            "The confirm timeout must be between 1 and 3600000 ms; got 0."
        );
        assert!(
            ProducerSettings {
                lost_confirm_permille: 1001,
                ..Default::default()
            }
            .validate()
            .is_err()
        );
    }
}
