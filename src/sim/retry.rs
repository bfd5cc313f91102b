//! Retry policies and the retry rate limit.
//!
//! Retries amplify load: every failed message comes back, and immediate retries against a failing
//! dependency turn a blip into a storm. Bounded backoff spreads them out; a token bucket caps them.

use super::config::{Millis, RateLimit, RetryPolicy};
use super::rng::Rng;
use serde::{Deserialize, Serialize};

/// The delay before retrying a message that has been delivered `deliveries` times.
pub fn delay_ms(policy: RetryPolicy, deliveries: u16, rng: &mut Rng) -> u32 {
    match policy {
        RetryPolicy::Immediate => 0,
        RetryPolicy::Fixed { delay_ms } => delay_ms,
        RetryPolicy::Exponential {
            base_ms,
            cap_ms,
            jitter,
        } => {
            let shift = deliveries.saturating_sub(1).min(31) as u32;
            let raw = (base_ms as u64)
                .saturating_mul(1u64 << shift)
                .min(cap_ms as u64) as u32;
            if jitter && raw > 1 {
                // "Equal jitter": half fixed, half random, so retries spread but never collapse to zero.
                raw / 2 + rng.below(raw as u64 / 2 + 1) as u32
            } else {
                raw
            }
        }
    }
}

/// A token bucket, written as the generic cell rate algorithm so it needs no refill timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenBucket {
    /// Microseconds between tokens.
    interval_us: u64,
    /// How far ahead of real time the bucket may run (the burst).
    tolerance_us: u64,
    /// Theoretical arrival time of the next conforming retry, in microseconds.
    tat_us: u64,
}

impl TokenBucket {
    /// A bucket for `limit`.
    pub fn new(limit: RateLimit) -> Self {
        let interval_us = 1_000_000 / limit.per_second.max(1) as u64;
        TokenBucket {
            interval_us,
            tolerance_us: interval_us * (limit.burst.max(1) as u64 - 1),
            tat_us: 0,
        }
    }

    /// Takes a token for a retry wanted at `at`; returns when the retry may actually go.
    pub fn reserve(&mut self, at: Millis) -> Millis {
        let t = at * 1000;
        let allowed = t.max(self.tat_us.saturating_sub(self.tolerance_us));
        self.tat_us = self.tat_us.max(allowed) + self.interval_us;
        allowed.div_ceil(1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_backoff_doubles_then_caps() {
        let mut rng = Rng::new(1);
        let p = RetryPolicy::Exponential {
            base_ms: 100,
            cap_ms: 1000,
            jitter: false,
        };
        let d: Vec<u32> = (1..=6).map(|n| delay_ms(p, n, &mut rng)).collect();
        assert_eq!(d, vec![100, 200, 400, 800, 1000, 1000]);
    }

    #[test]
    fn jitter_stays_in_the_upper_half() {
        let mut rng = Rng::new(3);
        let p = RetryPolicy::Exponential {
            base_ms: 100,
            cap_ms: 10_000,
            jitter: true,
        };
        for n in 1..8 {
            let raw = (100u32 << (n - 1)).min(10_000);
            let d = delay_ms(p, n, &mut rng);
            assert!(d >= raw / 2 && d <= raw, "{d} outside [{}, {raw}]", raw / 2);
        }
    }

    #[test]
    fn bucket_allows_a_burst_then_paces() {
        let mut b = TokenBucket::new(RateLimit {
            per_second: 10,
            burst: 3,
        });
        let times: Vec<Millis> = (0..5).map(|_| b.reserve(0)).collect();
        assert_eq!(times, vec![0, 0, 0, 100, 200]);
    }
}
