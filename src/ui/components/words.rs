//! How numbers read on screen: simulated time in seconds with separators, and counted nouns.
//! (The UI is wasm-only; tests/e2e/experience.test.mjs checks these words on the page.)
//! Separators follow the page's language: `1,234.5` in English, `1.234,5` in Spanish.

/// The thousands separator and the decimal point of the page's language.
pub fn separators() -> (char, char) {
    if crate::i18n::language() == "es" {
        ('.', ',')
    } else {
        (',', '.')
    }
}

/// `v` with `decimals` digits after the decimal point of the page's language: `0.25`, `0,25`.
pub fn decimal(v: f64, decimals: u32) -> String {
    let text = crate::num::fixed(v, decimals);
    match separators().1 {
        '.' => text,
        point => text.replace('.', &point.to_string()),
    }
}

/// 1234567 → `1,234,567` (`1.234.567` in Spanish).
pub fn grouped(n: u64) -> String {
    let group = separators().0;
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    out
}

/// Simulated milliseconds as seconds a reader can take in at a glance: 2120215 → `2,120.215 s`.
/// The milliseconds stay (the simulation's resolution), grouped so the seconds are obvious.
pub fn seconds(ms: u64) -> String {
    format!("{}{}{:03} s", grouped(ms / 1000), separators().1, ms % 1000)
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
