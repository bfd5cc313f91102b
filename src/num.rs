//! Numbers as text without the standard library's float formatting and parsing.
//!
//! `format!("{:.1}", x)` and `"2.5".parse::<f64>()` pull in float-to-decimal and decimal-to-float
//! machinery (about 10 KB of the gzipped download, a budget this app must keep). Everything the page
//! shows needs at most three decimals, which integer arithmetic does exactly.
//!
//! [`fixed`] writes the machine form (`2.5`: attribute values, SVG coordinates, links). The shown
//! forms ([`decimal`], [`grouped`], [`cents`]) follow the installed language ([`crate::i18n::language`]):
//! English `1,234.5`; Spanish a decimal comma and, as the RAE and ISO 80000 advise, no thousands
//! separator in a four-digit number and a no-break space from five digits on (`1234,5`, `12 345,5`).
//! They read the language only to write text, so event logs, digests and the CLI (always English) do
//! not change with it.

/// `v` with `decimals` digits after the point (at most 3), rounded half away from zero; `0` for a
/// value that is not finite.
pub fn fixed(v: f64, decimals: u32) -> String {
    let decimals = decimals.min(3);
    if !v.is_finite() {
        return "0".into();
    }
    // 64-bit integers only: 128-bit ones would link their own division and formatting (about 1 KB of
    // the gzipped download).
    let scale = 10u64.pow(decimals);
    // `as` saturates: absurdly large values print as the largest integer rather than wrapping.
    let n = (v * scale as f64).round() as i64;
    let sign = if n < 0 { "-" } else { "" };
    let n = n.unsigned_abs();
    let (int, frac) = (n / scale, n % scale);
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = decimals as usize)
    }
}

/// Whether the installed language writes numbers the Spanish way.
fn spanish() -> bool {
    crate::i18n::language() == "es"
}

/// The installed language's decimal separator: `.` in English, `,` in Spanish.
pub fn point() -> char {
    if spanish() { ',' } else { '.' }
}

/// [`fixed`] as a reader sees it, with the installed language's decimal separator: `0.25`, `0,25`.
pub fn decimal(v: f64, decimals: u32) -> String {
    let text = fixed(v, decimals);
    if spanish() {
        text.replace('.', ",")
    } else {
        text
    }
}

/// A whole number grouped by thousands in the installed language: `1,234` and `12,345` in English;
/// `1234` and `12\u{a0}345` in Spanish (no separator in four digits, then a no-break space).
pub fn grouped(n: u64) -> String {
    let (group, from) = if spanish() { ('\u{a0}', 5) } else { (',', 4) };
    let digits = n.to_string();
    if digits.len() < from {
        return digits;
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    out
}

/// Cents as a sum of money: `1262.50` in English (ungrouped, as the CLI and its golden files print
/// it); `1262,50` and `12\u{a0}345,00` in Spanish.
pub fn cents(c: u64) -> String {
    let whole = c / 100;
    let int = if spanish() {
        grouped(whole)
    } else {
        whole.to_string()
    };
    format!("{int}{}{:02}", point(), c % 100)
}

/// `10^(tenths / 10)`: the speed slider's notches. Built from `powi` and a table of the ten tenth
/// powers instead of `f64::powf`, whose general `pow` would add about 1 KB to the gzipped download;
/// whole powers (`0.01`, `1`, `1000`) come out exact.
pub fn pow10_tenths(tenths: i32) -> f64 {
    const TENTHS: [f64; 10] = [
        1.0,
        1.258_925_411_794_167_2,
        1.584_893_192_461_113_5,
        1.995_262_314_968_879_5,
        2.511_886_431_509_58,
        3.162_277_660_168_379_5,
        3.981_071_705_534_972,
        5.011_872_336_272_722,
        6.309_573_444_801_933,
        7.943_282_347_242_816,
    ];
    10f64.powi(tenths.div_euclid(10)) * TENTHS[tenths.rem_euclid(10) as usize]
}

/// Parses a plain decimal number (`-1.25`, `3`, `.5`): digits with an optional sign and point, no
/// exponent. `None` for anything else.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let s = s.trim();
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || int.len() + frac.len() > 15
    {
        return None;
    }
    let whole = int.bytes().fold(0u64, |n, b| n * 10 + (b - b'0') as u64);
    let part = frac.bytes().fold(0u64, |n, b| n * 10 + (b - b'0') as u64);
    let v = whole as f64 + part as f64 / 10f64.powi(frac.len() as i32);
    Some(if negative { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_like_the_format_it_replaces() {
        assert_eq!(fixed(2.345, 2), "2.35");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-1.25, 1), "-1.3");
        assert_eq!(fixed(1000.0, 0), "1000");
        assert_eq!(fixed(0.5, 0), "1");
        assert_eq!(fixed(f64::NAN, 2), "0");
        assert_eq!(fixed(12.0, 3), "12.000");
        // Saturated at the 64-bit limits, the negative one included (its magnitude has no `i64`).
        assert_eq!(fixed(1e300, 0), "9223372036854775807");
        assert_eq!(fixed(-1e300, 0), "-9223372036854775808");
    }

    #[test]
    fn shown_numbers_follow_the_installed_language() {
        use crate::i18n::install;
        install("en", Vec::new());
        assert_eq!(decimal(2.5, 1), "2.5");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1234), "1,234");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(cents(26_250), "262.50");
        assert_eq!(
            cents(126_205),
            "1262.05",
            "English money stays as the CLI prints it"
        );
        install("es", Vec::new());
        assert_eq!(point(), ',');
        assert_eq!(decimal(2.5, 1), "2,5");
        assert_eq!(decimal(-1.25, 2), "-1,25");
        assert_eq!(fixed(2.5, 1), "2.5", "the machine form keeps its point");
        assert_eq!(grouped(1234), "1234", "no separator in four digits");
        assert_eq!(grouped(12_345), "12\u{a0}345");
        assert_eq!(grouped(1_234_567), "1\u{a0}234\u{a0}567");
        assert_eq!(cents(26_250), "262,50");
        assert_eq!(cents(5), "0,05");
        assert_eq!(cents(1_234_500), "12\u{a0}345,00");
        install("en", Vec::new());
    }

    #[test]
    fn pow10_tenths_matches_powf() {
        for t in -20..=30 {
            let want = 10f64.powf(t as f64 / 10.0);
            let got = pow10_tenths(t);
            assert!(
                (got - want).abs() <= want * 4.0 * f64::EPSILON,
                "{t}: {got} vs {want}"
            );
        }
        assert_eq!(pow10_tenths(-20), 0.01);
        assert_eq!(pow10_tenths(0), 1.0);
        assert_eq!(pow10_tenths(30), 1000.0);
    }

    #[test]
    fn parse_decimal_reads_plain_numbers_only() {
        assert_eq!(parse_decimal("2.5"), Some(2.5));
        assert_eq!(parse_decimal("-1.25"), Some(-1.25));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        assert_eq!(parse_decimal("3"), Some(3.0));
        assert_eq!(parse_decimal("1e3"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_decimal("."), None);
        assert_eq!(parse_decimal("NaN"), None);
    }
}
