//! The saved real-crash state as text: what the browser keeps in storage between a crash and the
//! recovery, in the share links' codec (compact, checksummed, and readable without a JSON parser in the
//! browser bundle).
//!
//! Storage is as untrusted as a link (anyone can edit it), so reading checks the encoding here and
//! [`DurableState::validate`] then checks that the parts fit together. Saves of the earlier formats
//! (`d1.`, `d2.`) still open: the fields added since read as their defaults (`d2.` has no script).

use super::{DurableError, DurableState, PendingPublish};
use crate::i18n::trs;
use crate::sim::broker::{BrokerMessage, MessageState};
use crate::sim::codec::fields::{config_version, read_config, write_config};
use crate::sim::codec::{Reader, ShareError, Writer, open};
use crate::sim::event::RequeueReason;
use crate::sim::metrics::Counters;
use crate::sim::rng::Rng;
use crate::sim::share;

/// The prefix of saved durable state (real crash mode) in the compact format.
pub const DURABLE_PREFIX: &str = "d3.";
/// The first durable format: a `v1.` configuration and exactly 15 counters.
const DURABLE_PREFIX_V1: &str = "d1.";
/// The second: as `d3.` without the run's script after the counters.
const DURABLE_PREFIX_V2: &str = "d2.";
/// A save whose broker is not the queue: as `d3.`, its configuration in link format 3 (with the
/// broker's settings). A queue's save is still written as `d3.`, byte for byte as before.
const DURABLE_PREFIX_V4: &str = "d4.";

impl DurableState {
    /// Serialises compactly (the share-link encoding, checksummed): what the browser stores, so its
    /// bundle needs no JSON parser for this.
    pub fn to_text(&self) -> String {
        encode(self)
    }

    /// Parses [`DurableState::to_text`]'s output and validates it; never panics.
    pub fn from_text(text: &str) -> Result<DurableState, DurableError> {
        let s = decode(text).map_err(|_| {
            DurableError(trs(
                "The saved run in this browser is damaged, so it was not restored.",
            ))
        })?;
        s.validate()?;
        Ok(s)
    }
}

/// Encodes the durable parts of a run in the link format: compact, checksummed, and decodable
/// without a JSON parser in the browser bundle.
fn encode(d: &DurableState) -> String {
    let mut w = Writer::default();
    w.uint(d.format as u64);
    write_config(&mut w, &d.config);
    for v in [d.seed, d.now, d.published as u64, d.rng.state(), d.catalog] {
        w.uint(v);
    }
    // The first message of each payment here; republished ones in the `d4.` tail.
    let n = d.config.payments as usize;
    for m in d.messages.iter().take(n) {
        write_message(&mut w, m);
    }
    w.uint(d.dead_letter.len() as u64);
    for p in &d.dead_letter {
        w.uint(*p as u64);
    }
    // The tables are as long as the messages in any state `Sim::durable_state` makes; should one be
    // short, its missing entries encode as empty rather than panicking (validation refuses such a state).
    for i in 0..n {
        w.uint(d.ledger_rows.get(i).copied().unwrap_or(0) as u64);
        w.uint(d.processed.get(i).copied().unwrap_or(false) as u64);
        w.uint(d.charges.get(i).copied().unwrap_or(0) as u64);
        w.uint(d.keyed.get(i).copied().unwrap_or(false) as u64);
        w.uint(d.attempts.get(i).copied().unwrap_or(0) as u64);
    }
    let counters = d.counters.to_array();
    w.uint(counters.len() as u64);
    for v in counters {
        w.uint(v);
    }
    // Format 3: the run's script, a share link's contents, as the link's text (empty: none).
    let script = d.script.as_ref().map(share::encode).unwrap_or_default();
    w.uint(script.len() as u64);
    w.bytes.extend_from_slice(script.as_bytes());
    if config_version(&d.config) < 3 {
        return w.seal(DURABLE_PREFIX);
    }
    // Format 4's tail: the producer's records — republished messages (with their keys), payments
    // never published, pending republishes — and a FIFO queue's deduplication table.
    w.uint(d.copies.len() as u64);
    for (i, p) in d.copies.iter().enumerate() {
        w.uint(*p as u64);
        if let Some(m) = d.messages.get(n + i) {
            write_message(&mut w, m);
        }
        w.uint(d.processed.get(n + i).copied().unwrap_or(false) as u64);
        w.uint(d.keyed.get(n + i).copied().unwrap_or(false) as u64);
    }
    w.uint(d.never_published.len() as u64);
    for p in &d.never_published {
        w.uint(*p as u64);
    }
    w.uint(d.pending.len() as u64);
    for q in &d.pending {
        w.uint(q.payment as u64);
        w.uint(q.attempt as u64);
        w.uint(q.at);
    }
    w.uint(d.dedup.len() as u64);
    for t in &d.dedup {
        w.uint(t.wrapping_add(1)); // 0: no interval
    }
    w.seal(DURABLE_PREFIX_V4)
}

fn write_message(w: &mut Writer, m: &BrokerMessage) {
    let (tag, consumer) = match m.state {
        MessageState::Unpublished => (0, 0),
        MessageState::Ready => (1, 0),
        MessageState::InFlight { consumer } => (2, consumer),
        MessageState::Waiting => (3, 0),
        MessageState::Acked => (4, 0),
        MessageState::DeadLettered => (5, 0),
    };
    w.uint(tag);
    w.uint(consumer as u64);
    w.uint(m.deliveries as u64);
    w.uint(m.published_at as u64);
    w.uint(match m.returned_by {
        None => 0,
        Some(RequeueReason::Disconnect) => 1,
        Some(RequeueReason::VisibilityTimeout) => 2,
        Some(RequeueReason::Retry) => 3,
        Some(RequeueReason::Replay) => 4,
    });
}

/// Reads [`write_message`]'s fields (format 1 has no `returned_by`).
fn read_message(r: &mut Reader, version: u8) -> Result<BrokerMessage, ShareError> {
    let (tag, consumer) = (r.uint()?, r.u8()?);
    let state = match tag {
        0 => MessageState::Unpublished,
        1 => MessageState::Ready,
        2 => MessageState::InFlight { consumer },
        3 => MessageState::Waiting,
        4 => MessageState::Acked,
        5 => MessageState::DeadLettered,
        _ => return Err(ShareError::BadValue("message state")),
    };
    Ok(BrokerMessage {
        state,
        deliveries: r.u16()?,
        published_at: r.u32()?,
        returned_by: if version >= 2 {
            match r.uint()? {
                0 => None,
                1 => Some(RequeueReason::Disconnect),
                2 => Some(RequeueReason::VisibilityTimeout),
                3 => Some(RequeueReason::Retry),
                4 => Some(RequeueReason::Replay),
                _ => return Err(ShareError::BadValue("message state")),
            }
        } else {
            None
        },
    })
}

/// Decodes [`encode`]'s text. Only the encoding is checked here; the caller validates how
/// the parts fit together.
fn decode(text: &str) -> Result<DurableState, ShareError> {
    let (data, version) = match open(text.trim(), DURABLE_PREFIX) {
        Err(ShareError::UnknownVersion) => match open(text.trim(), DURABLE_PREFIX_V4) {
            Err(ShareError::UnknownVersion) => match open(text.trim(), DURABLE_PREFIX_V2) {
                Err(ShareError::UnknownVersion) => (open(text.trim(), DURABLE_PREFIX_V1)?, 1),
                other => (other?, 2),
            },
            other => (other?, 4),
        },
        other => (other?, 3),
    };
    let mut r = Reader::new(&data);
    let format = r.u32()?;
    // d1 holds a format-1 configuration, d2 and d3 a format-2 one, d4 a format-3 one.
    let config = read_config(&mut r, [1, 1, 2, 2, 3][version as usize])?;
    config.validate().map_err(ShareError::InvalidConfig)?;
    // The time bound is checked by `DurableState::validate`, which names it.
    let (seed, now, published, rng, catalog) =
        (r.uint()?, r.uint()?, r.u32()?, r.uint()?, r.uint()?);
    // Every payment takes at least eight bytes below: a forged count cannot make us allocate much.
    let n = usize::try_from(config.payments)
        .ok()
        .filter(|n| *n <= data.len())
        .ok_or(ShareError::Truncated)?;
    let mut messages = Vec::with_capacity(n);
    for _ in 0..n {
        messages.push(read_message(&mut r, version)?);
    }
    // Republished messages can be dead-lettered too: bounded by the bytes, one at least each.
    let dead = r.count(data.len(), "dead-letter queue")?;
    let dead_letter = (0..dead).map(|_| r.u32()).collect::<Result<Vec<_>, _>>()?;
    let (mut ledger_rows, mut processed, mut charges, mut keyed, mut attempts) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for _ in 0..n {
        ledger_rows.push(r.u8()?);
        processed.push(r.flag()?);
        charges.push(r.u8()?);
        keyed.push(r.flag()?);
        attempts.push(if version >= 2 { r.u8()? } else { 0 });
    }
    // Format 1 stored exactly 15 counters; format 2 says how many, so counters added later read as 0
    // from older saves and a newer save's extra counters are skipped.
    let stored = if version == 1 { 15 } else { r.uint()? };
    if stored > 1_000 {
        return Err(ShareError::BadValue("counters"));
    }
    let mut c = [0u64; Counters::LEN];
    for i in 0..stored as usize {
        let v = r.uint()?;
        if let Some(slot) = c.get_mut(i) {
            *slot = v;
        }
    }
    // The script was encoded as a share link, and is decoded (and validated) as one.
    let script = match version {
        3 | 4 => match r.count(share::MAX_LEN, "script")? {
            0 => None,
            len => Some(share::decode(
                std::str::from_utf8(r.take(len)?).map_err(|_| ShareError::BadValue("script"))?,
            )?),
        },
        _ => None,
    };
    let (mut copies, mut never_published, mut pending, mut dedup) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    if version == 4 {
        // Every entry takes at least one byte: a forged count cannot make us allocate much.
        let limit = data.len();
        for _ in 0..r.count(limit, "republished messages")? {
            copies.push(r.u32()?);
            messages.push(read_message(&mut r, version)?);
            processed.push(r.flag()?);
            keyed.push(r.flag()?);
        }
        for _ in 0..r.count(limit, "producer records")? {
            never_published.push(r.u32()?);
        }
        for _ in 0..r.count(limit, "producer records")? {
            pending.push(PendingPublish {
                payment: r.u32()?,
                attempt: r.u8()?,
                at: r.time("republish time")?,
            });
        }
        for _ in 0..r.count(limit, "deduplication table")? {
            dedup.push(r.uint()?.wrapping_sub(1));
        }
    }
    if !r.at_end() {
        return Err(ShareError::BadValue("ending"));
    }
    Ok(DurableState {
        format,
        config,
        seed,
        now,
        published,
        rng: Rng::new(rng),
        catalog,
        messages,
        copies,
        pending,
        never_published,
        dedup,
        dead_letter,
        ledger_rows,
        processed,
        charges,
        keyed,
        attempts,
        counters: Counters::from_array(c),
        script,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::Config;
    use crate::sim::simulation::Sim;

    #[test]
    fn a_real_crash_save_of_format_d2_still_opens_without_a_script() {
        let mut sim = Sim::new(
            Config {
                payments: 8,
                ..Config::default()
            },
            5,
        );
        sim.run_until(300);
        let state = sim.durable_state();
        // Format 2 is format 3 without its tail, here an empty script (0).
        let d3 = encode(&state);
        let data = open(&d3, DURABLE_PREFIX).unwrap();
        assert_eq!(data[data.len() - 1..], [0]);
        let w = Writer {
            bytes: data[..data.len() - 1].to_vec(),
        };
        let d2 = w.seal(DURABLE_PREFIX_V2);
        assert!(d2.starts_with("d2."));
        assert_eq!(decode(&d2).unwrap(), state);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz {
    use super::*;
    use crate::sim::codec::{base64url, checksum};
    use crate::sim::config::Config;
    use crate::sim::simulation::Sim;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn saved_real_crash_state_survives_any_mutation_without_panicking(
            pos in 0usize..4000, byte in 0u8..128, cut in 0usize..4000
        ) {
            let mut sim = Sim::new(Config { payments: 30, ..Config::default() }, 3);
            sim.run_until(400);
            let text = sim.durable_state().to_text();
            let mut bytes = text.into_bytes();
            let i = pos % bytes.len();
            bytes[i] = byte;
            bytes.truncate(cut.max(1).min(bytes.len()));
            match DurableState::from_text(&String::from_utf8_lossy(&bytes)) {
                Ok(s) => {
                    // Whatever got through is consistent enough to recover from.
                    prop_assert!(Sim::recover(s).is_ok());
                }
                Err(e) => prop_assert!(e.0.ends_with('.')),
            }
        }

        #[test]
        fn forged_real_crash_state_with_a_valid_checksum_never_panics(
            data in proptest::collection::vec(any::<u8>(), 0..400)
        ) {
            let mut with_sum = data.clone();
            with_sum.extend_from_slice(&checksum(&data).to_le_bytes());
            let text = format!("{DURABLE_PREFIX}{}", base64url(&with_sum));
            if let Ok(s) = DurableState::from_text(&text) {
                prop_assert!(Sim::recover(s).is_ok());
            }
        }
    }
}
