//! Numbers as text without the standard library's float formatting and parsing.
//!
//! `format!("{:.1}", x)` and `"2.5".parse::<f64>()` pull in float-to-decimal and decimal-to-float
//! machinery (about 10 KB of the gzipped download, a budget this app must keep). Everything the page
//! shows needs at most three decimals, which integer arithmetic does exactly.

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
