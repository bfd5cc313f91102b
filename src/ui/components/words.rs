//! How numbers read on screen: simulated time in seconds with separators, and counted nouns.
//! (The UI is wasm-only; tests/e2e/experience.test.mjs checks these words on the page.)

/// 1234567 → `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Simulated milliseconds as seconds a reader can take in at a glance: 2120215 → `2,120.215 s`.
/// The milliseconds stay (the simulation's resolution), grouped so the seconds are obvious.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03} s", grouped(ms / 1000), ms % 1000)
}

/// `1 recorded action`, `3 recorded actions`: the count and the right form of the noun.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}
