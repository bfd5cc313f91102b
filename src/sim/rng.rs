//! The simulation's one source of randomness.
//!
//! Determinism is the product: the same seed must give the same run on a laptop and in a browser tab.
//! So the generator is a tiny, fully specified algorithm (SplitMix64) using only 64-bit integer
//! arithmetic — no platform RNG, no floating point, no global state.

use serde::{Deserialize, Serialize};

/// A seedable SplitMix64 generator owned by a [`crate::sim::Sim`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// Creates a generator; every seed, including 0, gives a usable stream.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The internal state, for saving a run ([`Rng::new`] with it continues the same stream).
    pub fn state(&self) -> u64 {
        self.state
    }

    /// The next 64 random bits.
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// A uniform draw in `0..n` (returns 0 when `n` is 0). Uses Lemire's multiply-shift, whose tiny
    /// bias is irrelevant for teaching and keeps the draw branch-free.
    #[inline(always)]
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// True with probability `permille / 1000`.
    #[inline(always)]
    pub fn chance_permille(&mut self, permille: u16) -> bool {
        permille > 0 && self.below(1000) < permille as u64
    }
}

/// The SplitMix64 finaliser, also used to derive per-payment facts from a seed without storing them.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn known_first_value_pins_the_algorithm() {
        // SplitMix64 reference value for seed 0; a change here breaks every saved share link.
        assert_eq!(Rng::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = Rng::new(7);
        let mut seen = [false; 10];
        for _ in 0..1000 {
            let v = r.below(10);
            assert!(v < 10);
            seen[v as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(r.below(0), 0);
    }
}
