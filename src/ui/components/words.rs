//! How numbers read on screen: simulated time in seconds with separators, and counted nouns.
//! (The UI is wasm-only; tests/e2e/experience.test.mjs checks these words on the page.)
//! Separators follow the page's language (`crate::num`): `1,234.5` in English, `1234,5` and
//! `12 345,5` in Spanish.

pub use crate::num::{decimal, grouped};

/// Simulated milliseconds as seconds a reader can take in at a glance: 2120215 → `2,120.215 s`
/// (`2120,215 s` in Spanish).
/// The milliseconds stay (the simulation's resolution), grouped so the seconds are obvious.
pub fn seconds(ms: u64) -> String {
    format!(
        "{}{}{:03} s",
        grouped(ms / 1000),
        crate::num::point(),
        ms % 1000
    )
}

/// `n` grouped, in `forms`: the catalogue's plural form for `n`, e.g.
/// `counted(n, tr_n("1 charge", "{0} charges", n))`.
pub fn counted(n: u64, forms: &str) -> String {
    crate::i18n::fill(forms, &[&grouped(n)])
}

/// `1 recorded action`, `3 recorded actions`: the count and the right form of the noun (English
/// only: [`counted`] is the translated form).
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}
