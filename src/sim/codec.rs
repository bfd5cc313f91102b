//! The byte codec under share links and saved runs: numbers as LEB128 bytes, a checksum, base64url.
//!
//! Links and saved runs travel through chat apps and browser storage, where they get cut short or
//! edited, so the codec trusts nothing it reads: every number is bounded before it becomes a size or
//! a time, the checksum catches damage, and every failure is a typed error with a sentence, never a
//! panic. What the bytes mean (a configuration, an action, a saved run) is written elsewhere: the
//! settings in [`fields`], the link in [`super::share`], the saved run in `super::durable`'s `text`.

pub(crate) mod fields;

use super::config::{ConfigError, Millis};
use crate::i18n::{n_, tr, trf};
use std::fmt;

/// Latest simulated time a link or a saved run may name (10^12 ms, about 31 years): far beyond any run
/// a learner plays, yet so far below `u64::MAX` that adding any setting's duration to it cannot wrap.
/// The same bound holds natively and in the browser.
pub const MAX_TIME_MS: Millis = 1_000_000_000_000;

/// Why a share link (or a saved run, which uses the same codec) could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// Empty input.
    Empty,
    /// The link does not start with a known version.
    UnknownVersion,
    /// Characters outside the link alphabet.
    NotALink,
    /// The link ends too early.
    Truncated,
    /// The checksum does not match: the link was altered or damaged.
    Damaged,
    /// A field holds a value the format does not allow.
    BadValue(&'static str),
    /// The configuration is out of range.
    InvalidConfig(ConfigError),
    /// Longer than any real link.
    TooLong,
}

impl ShareError {
    /// A sentence for the user.
    pub fn message(&self) -> String {
        // The sentence's key and its one placeholder's text, then one `trf` call for every kind.
        let (key, arg) = match self {
            ShareError::Empty => (n_("The share link is empty."), ""),
            ShareError::UnknownVersion => (
                n_(
                    "This share link is from a different version of Redelivery Lab (or is not a share link), so it cannot be replayed here.",
                ),
                "",
            ),
            ShareError::NotALink => (
                n_(
                    "This share link contains characters a share link never has; it may have been edited.",
                ),
                "",
            ),
            ShareError::Truncated => (
                n_("This share link is cut short; copy the whole link and try again."),
                "",
            ),
            ShareError::Damaged => (
                n_("This share link was altered or damaged in transit; ask for a fresh copy."),
                "",
            ),
            ShareError::BadValue(what) => (
                n_("This share link holds an impossible {0}; it may have been edited."),
                field_words(what),
            ),
            ShareError::InvalidConfig(e) => (
                n_("This share link's settings are out of range: {0}"),
                e.0.as_str(),
            ),
            ShareError::TooLong => (n_("This share link is far longer than any real one."), ""),
        };
        trf(key, &[arg])
    }
}

/// The share link's fields as the decoder names them (in English), marked as catalogue keys.
const FIELDS: [&str; 19] = [
    n_("action time"),
    n_("action"),
    n_("broker"),
    n_("consumer number"),
    n_("crash frequency"),
    n_("crash point"),
    n_("ending"),
    n_("gateway outage"),
    n_("lab name"),
    n_("number of actions"),
    n_("number"),
    n_("outage time"),
    n_("rate limit"),
    n_("redelivery mode"),
    n_("retry policy"),
    n_("retry wait"),
    n_("strategy"),
    n_("switch"),
    n_("time"),
];

/// A share link's field, named in the page's language (the decoder names it in English, `what`): one
/// lookup in a table rather than a comparison and a call per field.
fn field_words(what: &'static str) -> &'static str {
    if FIELDS.contains(&what) {
        tr(what)
    } else {
        what
    }
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ShareError {}

/// Fields being written: numbers as LEB128 bytes, sealed with a prefix and a checksum at the end.
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) bytes: Vec<u8>,
}

impl Writer {
    /// The written bytes as link text: `prefix` + base64url(bytes + checksum).
    pub(crate) fn seal(mut self, prefix: &str) -> String {
        let sum = checksum(&self.bytes);
        self.bytes.extend_from_slice(&sum.to_le_bytes());
        format!("{prefix}{}", base64url(&self.bytes))
    }

    /// LEB128: small numbers, the common case, take one byte.
    pub(crate) fn uint(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.bytes.push(b);
                return;
            }
            self.bytes.push(b | 0x80);
        }
    }
}

/// Fields being read from an opened payload, each one checked before it is trusted.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    /// Has every byte been read? A payload with bytes left over was not written by us.
    pub(crate) fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    pub(crate) fn uint(&mut self) -> Result<u64, ShareError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.pos).ok_or(ShareError::Truncated)?;
            self.pos += 1;
            let part = (b & 0x7f) as u64;
            if shift == 63 && part > 1 {
                return Err(ShareError::BadValue("number"));
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ShareError::BadValue("number"))
    }

    /// A count or an index of at most `max`, checked as a `u64` before it becomes a `usize`: on the
    /// 32-bit browser build `as usize` would keep only the low 32 bits and read a different link.
    pub(crate) fn count(&mut self, max: usize, what: &'static str) -> Result<usize, ShareError> {
        usize::try_from(self.uint()?)
            .ok()
            .filter(|n| *n <= max)
            .ok_or(ShareError::BadValue(what))
    }

    /// A simulated time of at most [`MAX_TIME_MS`].
    pub(crate) fn time(&mut self, what: &'static str) -> Result<Millis, ShareError> {
        Some(self.uint()?)
            .filter(|t| *t <= MAX_TIME_MS)
            .ok_or(ShareError::BadValue(what))
    }

    pub(crate) fn narrow<T: TryFrom<u64>>(&mut self) -> Result<T, ShareError> {
        T::try_from(self.uint()?).map_err(|_| ShareError::BadValue("number"))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, ShareError> {
        self.narrow()
    }

    pub(crate) fn u16(&mut self) -> Result<u16, ShareError> {
        self.narrow()
    }

    pub(crate) fn u8(&mut self) -> Result<u8, ShareError> {
        self.narrow()
    }

    pub(crate) fn flag(&mut self) -> Result<bool, ShareError> {
        match self.uint()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(ShareError::BadValue("switch")),
        }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], ShareError> {
        let end = self.pos.checked_add(n).ok_or(ShareError::Truncated)?;
        let s = self.bytes.get(self.pos..end).ok_or(ShareError::Truncated)?;
        self.pos = end;
        Ok(s)
    }
}

/// Unwraps `prefix` + base64url(data + checksum): the payload, once its checksum matches.
pub(crate) fn open(text: &str, prefix: &str) -> Result<Vec<u8>, ShareError> {
    let body = text
        .strip_prefix(prefix)
        .ok_or(ShareError::UnknownVersion)?;
    let mut bytes = unbase64url(body)?;
    if bytes.len() < 4 {
        return Err(ShareError::Truncated);
    }
    let sum = bytes.split_off(bytes.len() - 4);
    if checksum(&bytes).to_le_bytes()[..] != sum[..] {
        return Err(ShareError::Damaged);
    }
    Ok(bytes)
}

pub(crate) fn checksum(data: &[u8]) -> u32 {
    // FNV-1a, 32-bit: not security, just a reliable tripwire for truncation and typos.
    data.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ *b as u32).wrapping_mul(0x0100_0193)
    })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub(crate) fn base64url(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

pub(crate) fn unbase64url(text: &str) -> Result<Vec<u8>, ShareError> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = ALPHABET
            .iter()
            .position(|a| *a == c)
            .ok_or(ShareError::NotALink)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err(ShareError::Truncated);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_all_lengths() {
        for n in 0..20 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(unbase64url(&base64url(&data)).unwrap(), data);
        }
    }
}
