//! Share links: seed + configuration + action log in a compact, versioned, checked text.
//!
//! A trainer hands out a link and every learner sees the exact same run — same seed, same crashes.
//! Links travel through chat apps and get truncated or edited, so decoding trusts nothing: every byte
//! is validated, a checksum catches damage, and any failure is a typed error with a sentence a user
//! can act on. Decoding never panics, whatever the input.

use super::broker::{BrokerMessage, MessageState};
use super::command::{Action, ArmMode, Command, CrashPoint};
use super::config::{
    Config, ConfigError, GatewayFaults, Latency, Millis, Outage, OutageKind, RateLimit,
    RedeliveryMode, RetryPolicy, RetryWait, Strategy,
};
use super::durable::DurableState;
use super::event::RequeueReason;
use super::metrics::Counters;
use super::rng::Rng;
use std::fmt;

/// The prefix of the current format. Links of the older `v1.` format still open (the settings added
/// since take their defaults); unknown prefixes are refused.
pub const PREFIX: &str = "v2.";
/// The first format: no outage kind, retry wait, gateway capacity or call timeout.
const PREFIX_V1: &str = "v1.";
/// Most actions a link may carry.
pub const MAX_ACTIONS: usize = 10_000;
/// Longest link accepted, in characters.
pub const MAX_LEN: usize = 200_000;
/// Latest simulated time a link or a saved run may name (10^12 ms, about 31 years): far beyond any run
/// a learner plays, yet so far below `u64::MAX` that adding any setting's duration to it cannot wrap.
/// The same bound holds natively and in the browser.
pub const MAX_TIME_MS: Millis = 1_000_000_000_000;
/// Longest lab id a link may name.
const MAX_LAB_ID: usize = 64;

/// Everything needed to reproduce a run exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The lab it belongs to, if any.
    pub lab: Option<String>,
    /// The seed.
    pub seed: u64,
    /// The configuration at the start of the run.
    pub config: Config,
    /// The action log.
    pub actions: Vec<Action>,
    /// The time the sharer was looking at.
    pub at: Millis,
}

/// Why a link could not be opened.
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
        match self {
            ShareError::Empty => "The share link is empty.".into(),
            ShareError::UnknownVersion => {
                "This share link is from a different version of Redelivery Lab (or is not a share link), so it cannot be replayed here.".into()
            }
            ShareError::NotALink => "This share link contains characters a share link never has; it may have been edited.".into(),
            ShareError::Truncated => "This share link is cut short; copy the whole link and try again.".into(),
            ShareError::Damaged => "This share link was altered or damaged in transit; ask for a fresh copy.".into(),
            ShareError::BadValue(what) => format!("This share link holds an impossible {what}; it may have been edited."),
            ShareError::InvalidConfig(e) => format!("This share link's settings are out of range: {e}"),
            ShareError::TooLong => "This share link is far longer than any real one.".into(),
        }
    }
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ShareError {}

/// Encodes a scenario as link text (without the leading `#`).
pub fn encode(s: &Scenario) -> String {
    let mut w = Writer::default();
    let lab = s.lab.as_deref().unwrap_or("");
    w.uint(lab.len() as u64);
    w.bytes.extend_from_slice(lab.as_bytes());
    w.uint(s.seed);
    w.uint(s.at);
    write_config(&mut w, &s.config);
    w.uint(s.actions.len() as u64);
    let mut prev = 0;
    for a in &s.actions {
        w.uint(a.at.saturating_sub(prev));
        prev = a.at;
        write_command(&mut w, &a.command);
    }
    w.seal(PREFIX)
}

/// Decodes link text (a leading `#` is ignored) and validates every field.
pub fn decode(text: &str) -> Result<Scenario, ShareError> {
    let text = text.trim().trim_start_matches('#');
    if text.is_empty() {
        return Err(ShareError::Empty);
    }
    if text.len() > MAX_LEN {
        return Err(ShareError::TooLong);
    }
    let (data, version) = match open(text, PREFIX) {
        Err(ShareError::UnknownVersion) => (open(text, PREFIX_V1)?, 1),
        other => (other?, 2),
    };
    let mut r = Reader {
        bytes: &data,
        pos: 0,
    };
    let lab_len = r.count(MAX_LAB_ID, "lab name")?;
    let lab_bytes = r.take(lab_len)?;
    let lab = std::str::from_utf8(lab_bytes).map_err(|_| ShareError::BadValue("lab name"))?;
    if !lab
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ShareError::BadValue("lab name"));
    }
    let seed = r.uint()?;
    let at = r.time("time")?;
    let config = read_config(&mut r, version)?;
    config.validate().map_err(ShareError::InvalidConfig)?;
    let n = r.count(MAX_ACTIONS, "number of actions")?;
    let mut actions = Vec::with_capacity(n);
    let mut t: Millis = 0;
    for _ in 0..n {
        t = t
            .checked_add(r.time("action time")?)
            .filter(|t| *t <= MAX_TIME_MS)
            .ok_or(ShareError::BadValue("action time"))?;
        let command = read_command(&mut r, config.consumers)?;
        actions.push(Action { at: t, command });
    }
    if r.pos != data.len() {
        return Err(ShareError::BadValue("ending"));
    }
    Ok(Scenario {
        lab: (!lab.is_empty()).then(|| lab.to_string()),
        seed,
        config,
        actions,
        at,
    })
}

fn write_config(w: &mut Writer, c: &Config) {
    w.uint(c.payments as u64);
    w.uint(c.publish_interval_ms as u64);
    w.uint(c.consumers as u64);
    w.uint(c.prefetch as u64);
    write_strategy(w, &c.strategy);
    match c.redelivery {
        RedeliveryMode::OnDisconnect => w.uint(0),
        RedeliveryMode::VisibilityTimeout { timeout_ms } => {
            w.uint(1);
            w.uint(timeout_ms as u64);
        }
    }
    match c.retry {
        RetryPolicy::Immediate => w.uint(0),
        RetryPolicy::Fixed { delay_ms } => {
            w.uint(1);
            w.uint(delay_ms as u64);
        }
        RetryPolicy::Exponential {
            base_ms,
            cap_ms,
            jitter,
        } => {
            w.uint(2);
            w.uint(base_ms as u64);
            w.uint(cap_ms as u64);
            w.uint(jitter as u64);
        }
    }
    match c.rate_limit {
        None => w.uint(0),
        Some(r) => {
            w.uint(1);
            w.uint(r.per_second as u64);
            w.uint(r.burst as u64);
        }
    }
    w.uint(c.max_deliveries as u64);
    w.uint(c.restart_delay_ms as u64);
    for b in c.latency.base_ms {
        w.uint(b as u64);
    }
    w.uint(c.latency.jitter_percent as u64);
    w.uint(c.gateway.failure_permille as u64);
    w.uint(c.gateway.slow_ms as u64);
    match c.gateway.outage {
        None => w.uint(0),
        Some(o) => {
            w.uint(match o.kind {
                OutageKind::Refuse => 1,
                OutageKind::Hang => 2,
            });
            w.uint(o.from_ms);
            w.uint(o.until_ms);
        }
    }
    w.uint(c.lost_ack_permille as u64);
    w.uint(c.customers as u64);
    w.uint(c.event_window as u64);
    w.uint(c.sample_interval_ms as u64);
    // Added in format 2.
    w.uint(match c.retry_wait {
        RetryWait::Broker => 0,
        RetryWait::Consumer => 1,
    });
    w.uint(c.gateway_capacity as u64);
    w.uint(c.call_timeout_ms as u64);
    w.uint(c.gateway.fail_first_attempts as u64);
}

/// Reads a configuration written in link format `version` (1 or 2); settings a version lacks take
/// their defaults.
fn read_config(r: &mut Reader, version: u8) -> Result<Config, ShareError> {
    let payments = r.u32()?;
    let publish_interval_ms = r.u32()?;
    let consumers = r.u8()?;
    let prefetch = r.u8()?;
    let strategy = read_strategy(r)?;
    let redelivery = match r.uint()? {
        0 => RedeliveryMode::OnDisconnect,
        1 => RedeliveryMode::VisibilityTimeout {
            timeout_ms: r.u32()?,
        },
        _ => return Err(ShareError::BadValue("redelivery mode")),
    };
    let retry = match r.uint()? {
        0 => RetryPolicy::Immediate,
        1 => RetryPolicy::Fixed { delay_ms: r.u32()? },
        2 => RetryPolicy::Exponential {
            base_ms: r.u32()?,
            cap_ms: r.u32()?,
            jitter: r.flag()?,
        },
        _ => return Err(ShareError::BadValue("retry policy")),
    };
    let rate_limit = match r.uint()? {
        0 => None,
        1 => Some(RateLimit {
            per_second: r.u32()?,
            burst: r.u32()?,
        }),
        _ => return Err(ShareError::BadValue("rate limit")),
    };
    let max_deliveries = r.u8()?;
    let restart_delay_ms = r.u32()?;
    let mut base_ms = [0u32; 8];
    for b in base_ms.iter_mut() {
        *b = r.u32()?;
    }
    let jitter_percent = r.u8()?;
    let failure_permille = r.u16()?;
    let slow_ms = r.u32()?;
    let outage = match r.uint()? {
        0 => None,
        tag @ (1 | 2) => Some(Outage {
            from_ms: r.time("outage time")?,
            until_ms: r.time("outage time")?,
            kind: if tag == 2 && version >= 2 {
                OutageKind::Hang
            } else if tag == 1 {
                OutageKind::Refuse
            } else {
                return Err(ShareError::BadValue("gateway outage"));
            },
        }),
        _ => return Err(ShareError::BadValue("gateway outage")),
    };
    let defaults = Config::default();
    let mut config = Config {
        payments,
        publish_interval_ms,
        consumers,
        prefetch,
        strategy,
        redelivery,
        retry,
        rate_limit,
        max_deliveries,
        restart_delay_ms,
        latency: Latency {
            base_ms,
            jitter_percent,
        },
        gateway: GatewayFaults {
            failure_permille,
            slow_ms,
            outage,
            fail_first_attempts: 0,
        },
        lost_ack_permille: r.u16()?,
        customers: r.u8()?,
        event_window: r.u32()?,
        sample_interval_ms: r.u32()?,
        ..defaults
    };
    if version >= 2 {
        config.retry_wait = match r.uint()? {
            0 => RetryWait::Broker,
            1 => RetryWait::Consumer,
            _ => return Err(ShareError::BadValue("retry wait")),
        };
        config.gateway_capacity = r.u8()?;
        config.call_timeout_ms = r.u32()?;
        config.gateway.fail_first_attempts = r.u8()?;
    }
    Ok(config)
}

fn write_strategy(w: &mut Writer, s: &Strategy) {
    w.uint(s.bits());
}

fn read_strategy(r: &mut Reader) -> Result<Strategy, ShareError> {
    Strategy::from_bits(r.uint()?).ok_or(ShareError::BadValue("strategy"))
}

fn write_consumer(w: &mut Writer, c: Option<u8>) {
    w.uint(c.map_or(0, |c| c as u64 + 1));
}

fn read_consumer(r: &mut Reader, consumers: u8) -> Result<Option<u8>, ShareError> {
    match r.uint()? {
        0 => Ok(None),
        n if n <= consumers as u64 => Ok(Some(n as u8 - 1)),
        _ => Err(ShareError::BadValue("consumer number")),
    }
}

fn point_index(p: CrashPoint) -> u64 {
    CrashPoint::BOUNDARIES
        .iter()
        .position(|b| *b == p)
        .unwrap_or(0) as u64
}

fn read_point(r: &mut Reader) -> Result<CrashPoint, ShareError> {
    let i = r.count(CrashPoint::BOUNDARIES.len(), "crash point")?;
    CrashPoint::BOUNDARIES
        .get(i)
        .copied()
        .ok_or(ShareError::BadValue("crash point"))
}

fn write_command(w: &mut Writer, c: &Command) {
    match *c {
        Command::CrashNow { consumer } => {
            w.uint(0);
            write_consumer(w, Some(consumer));
        }
        Command::ArmCrash {
            consumer,
            point,
            mode,
        } => {
            w.uint(1);
            write_consumer(w, consumer);
            w.uint(point_index(point));
            match mode {
                ArmMode::Once => w.uint(0),
                ArmMode::Always => w.uint(1),
                ArmMode::EveryKth(k) => {
                    w.uint(2);
                    w.uint(k as u64);
                }
            }
        }
        Command::Disarm { consumer, point } => {
            w.uint(2);
            write_consumer(w, consumer);
            w.uint(point_index(point));
        }
        Command::LoseNextAck { consumer } => {
            w.uint(3);
            write_consumer(w, Some(consumer));
        }
        Command::GatewayOutage { duration_ms, kind } => {
            w.uint(match kind {
                OutageKind::Refuse => 4,
                OutageKind::Hang => 6,
            });
            w.uint(duration_ms as u64);
        }
        Command::SetStrategy(s) => {
            w.uint(5);
            write_strategy(w, &s);
        }
    }
}

fn read_command(r: &mut Reader, consumers: u8) -> Result<Command, ShareError> {
    let some_consumer = |r: &mut Reader| {
        read_consumer(r, consumers)?.ok_or(ShareError::BadValue("consumer number"))
    };
    Ok(match r.uint()? {
        0 => Command::CrashNow {
            consumer: some_consumer(r)?,
        },
        1 => {
            let consumer = read_consumer(r, consumers)?;
            let point = read_point(r)?;
            let mode = match r.uint()? {
                0 => ArmMode::Once,
                1 => ArmMode::Always,
                2 => match r.u32()? {
                    0 => return Err(ShareError::BadValue("crash frequency")),
                    k => ArmMode::EveryKth(k),
                },
                _ => return Err(ShareError::BadValue("crash frequency")),
            };
            Command::ArmCrash {
                consumer,
                point,
                mode,
            }
        }
        2 => Command::Disarm {
            consumer: read_consumer(r, consumers)?,
            point: read_point(r)?,
        },
        3 => Command::LoseNextAck {
            consumer: some_consumer(r)?,
        },
        4 => Command::GatewayOutage {
            duration_ms: r.u32()?,
            kind: OutageKind::Refuse,
        },
        6 => Command::GatewayOutage {
            duration_ms: r.u32()?,
            kind: OutageKind::Hang,
        },
        5 => Command::SetStrategy(read_strategy(r)?),
        _ => return Err(ShareError::BadValue("action")),
    })
}

/// The prefix of saved durable state (real crash mode) in the compact format.
pub const DURABLE_PREFIX: &str = "d3.";
/// The first durable format: a `v1.` configuration and exactly 15 counters.
const DURABLE_PREFIX_V1: &str = "d1.";
/// The second: as `d3.` without the run's script after the counters.
const DURABLE_PREFIX_V2: &str = "d2.";

/// Encodes the durable parts of a run in the link format: compact, checksummed, and decodable
/// without a JSON parser in the browser bundle.
pub fn encode_durable(d: &DurableState) -> String {
    let mut w = Writer::default();
    w.uint(d.format as u64);
    write_config(&mut w, &d.config);
    for v in [d.seed, d.now, d.published as u64, d.rng.state(), d.catalog] {
        w.uint(v);
    }
    for m in &d.messages {
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
        });
    }
    w.uint(d.dead_letter.len() as u64);
    for p in &d.dead_letter {
        w.uint(*p as u64);
    }
    // The tables are as long as the messages in any state `Sim::durable_state` makes; should one be
    // short, its missing entries encode as empty rather than panicking (validation refuses such a state).
    for i in 0..d.messages.len() {
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
    let script = d.script.as_ref().map(encode).unwrap_or_default();
    w.uint(script.len() as u64);
    w.bytes.extend_from_slice(script.as_bytes());
    w.seal(DURABLE_PREFIX)
}

/// Decodes [`encode_durable`]'s text. Only the encoding is checked here; the caller validates how
/// the parts fit together.
pub fn decode_durable(text: &str) -> Result<DurableState, ShareError> {
    let (data, version) = match open(text.trim(), DURABLE_PREFIX) {
        Err(ShareError::UnknownVersion) => match open(text.trim(), DURABLE_PREFIX_V2) {
            Err(ShareError::UnknownVersion) => (open(text.trim(), DURABLE_PREFIX_V1)?, 1),
            other => (other?, 2),
        },
        other => (other?, 3),
    };
    let mut r = Reader {
        bytes: &data,
        pos: 0,
    };
    let format = r.u32()?;
    let config = read_config(&mut r, version.min(2))?;
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
        messages.push(BrokerMessage {
            state,
            deliveries: r.u16()?,
            published_at: r.u32()?,
            returned_by: if version >= 2 {
                match r.uint()? {
                    0 => None,
                    1 => Some(RequeueReason::Disconnect),
                    2 => Some(RequeueReason::VisibilityTimeout),
                    3 => Some(RequeueReason::Retry),
                    _ => return Err(ShareError::BadValue("message state")),
                }
            } else {
                None
            },
        });
    }
    let dead = r.count(n, "dead-letter queue")?;
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
        3 => match r.count(MAX_LEN, "script")? {
            0 => None,
            len => Some(decode(
                std::str::from_utf8(r.take(len)?).map_err(|_| ShareError::BadValue("script"))?,
            )?),
        },
        _ => None,
    };
    if r.pos != data.len() {
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

#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    /// The written bytes as link text: `prefix` + base64url(bytes + checksum).
    fn seal(mut self, prefix: &str) -> String {
        let sum = checksum(&self.bytes);
        self.bytes.extend_from_slice(&sum.to_le_bytes());
        format!("{prefix}{}", base64url(&self.bytes))
    }

    /// LEB128: small numbers, the common case, take one byte.
    fn uint(&mut self, mut v: u64) {
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

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn uint(&mut self) -> Result<u64, ShareError> {
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
    fn count(&mut self, max: usize, what: &'static str) -> Result<usize, ShareError> {
        usize::try_from(self.uint()?)
            .ok()
            .filter(|n| *n <= max)
            .ok_or(ShareError::BadValue(what))
    }

    /// A simulated time of at most [`MAX_TIME_MS`].
    fn time(&mut self, what: &'static str) -> Result<Millis, ShareError> {
        Some(self.uint()?)
            .filter(|t| *t <= MAX_TIME_MS)
            .ok_or(ShareError::BadValue(what))
    }

    fn narrow<T: TryFrom<u64>>(&mut self) -> Result<T, ShareError> {
        T::try_from(self.uint()?).map_err(|_| ShareError::BadValue("number"))
    }

    fn u32(&mut self) -> Result<u32, ShareError> {
        self.narrow()
    }

    fn u16(&mut self) -> Result<u16, ShareError> {
        self.narrow()
    }

    fn u8(&mut self) -> Result<u8, ShareError> {
        self.narrow()
    }

    fn flag(&mut self) -> Result<bool, ShareError> {
        match self.uint()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(ShareError::BadValue("switch")),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ShareError> {
        let end = self.pos.checked_add(n).ok_or(ShareError::Truncated)?;
        let s = self.bytes.get(self.pos..end).ok_or(ShareError::Truncated)?;
        self.pos = end;
        Ok(s)
    }
}

/// Unwraps `prefix` + base64url(data + checksum): the payload, once its checksum matches.
fn open(text: &str, prefix: &str) -> Result<Vec<u8>, ShareError> {
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

fn checksum(data: &[u8]) -> u32 {
    // FNV-1a, 32-bit: not security, just a reliable tripwire for truncation and typos.
    data.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ *b as u32).wrapping_mul(0x0100_0193)
    })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(data: &[u8]) -> String {
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

fn unbase64url(text: &str) -> Result<Vec<u8>, ShareError> {
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

    fn sample() -> Scenario {
        let config = Config {
            consumers: 2,
            strategy: Strategy::SAFE,
            redelivery: RedeliveryMode::VisibilityTimeout { timeout_ms: 45 },
            retry: RetryPolicy::Exponential {
                base_ms: 100,
                cap_ms: 5_000,
                jitter: true,
            },
            rate_limit: Some(RateLimit {
                per_second: 20,
                burst: 5,
            }),
            gateway: GatewayFaults {
                failure_permille: 10,
                slow_ms: 5,
                outage: Some(Outage {
                    from_ms: 10,
                    until_ms: 900,
                    kind: OutageKind::Refuse,
                }),
                fail_first_attempts: 2,
            },
            ..Config::default()
        };
        let actions = vec![
            Action {
                at: 10,
                command: Command::ArmCrash {
                    consumer: None,
                    point: CrashPoint::AfterCharge,
                    mode: ArmMode::EveryKth(3),
                },
            },
            Action {
                at: 250,
                command: Command::CrashNow { consumer: 1 },
            },
            Action {
                at: 250,
                command: Command::Disarm {
                    consumer: Some(0),
                    point: CrashPoint::AfterAck,
                },
            },
            Action {
                at: 300,
                command: Command::LoseNextAck { consumer: 0 },
            },
            Action {
                at: 400,
                command: Command::GatewayOutage {
                    duration_ms: 1_000,
                    kind: OutageKind::Hang,
                },
            },
            Action {
                at: 500,
                command: Command::SetStrategy(Strategy::NAIVE),
            },
        ];
        Scenario {
            lab: Some("double-payment".into()),
            seed: u64::MAX - 3,
            config,
            actions,
            at: 1234,
        }
    }

    #[test]
    fn round_trips_every_field() {
        let s = sample();
        let text = encode(&s);
        assert!(text.starts_with(PREFIX));
        assert!(text.len() < 200, "compact: {} chars", text.len());
        assert_eq!(decode(&text), Ok(s.clone()));
        assert_eq!(decode(&format!("#{text}")), Ok(s));
    }

    #[test]
    fn truncation_and_edits_are_caught() {
        let text = encode(&sample());
        // Four link characters are three whole bytes: the cut is only visible to the checksum.
        assert_eq!(
            decode(&text[..text.len() - 4]).unwrap_err(),
            ShareError::Damaged
        );
        assert!(matches!(
            decode(&text[..text.len() - 5]).unwrap_err(),
            ShareError::Damaged | ShareError::Truncated
        ));
        let mut edited = text.clone().into_bytes();
        let i = edited.len() / 2;
        edited[i] = if edited[i] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            decode(std::str::from_utf8(&edited).unwrap()).unwrap_err(),
            ShareError::Damaged
        );
        assert_eq!(decode("v1.<script>").unwrap_err(), ShareError::NotALink);
        assert_eq!(decode("v9.AAAA").unwrap_err(), ShareError::UnknownVersion);
        assert_eq!(decode("").unwrap_err(), ShareError::Empty);
        assert_eq!(decode("v1.").unwrap_err(), ShareError::Truncated);
    }

    #[test]
    fn a_forged_link_with_a_valid_checksum_is_still_validated() {
        let mut s = sample();
        s.config.consumers = 9;
        let err = decode(&encode(&s)).unwrap_err();
        assert!(matches!(err, ShareError::InvalidConfig(_)), "{err:?}");
        assert!(err.message().contains("Consumers"));
    }

    /// An attacker's encoder: any `u64` in any field, sealed with the public checksum.
    fn forge(fields: &[u64]) -> String {
        let mut w = Writer::default();
        for f in fields {
            w.uint(*f);
        }
        w.seal(PREFIX)
    }

    /// The fields of a valid link to the default sandbox, with `at` and the action count in front.
    fn default_fields(at: u64) -> Vec<u64> {
        let text = encode(&Scenario {
            lab: None,
            seed: 1,
            config: Config::default(),
            actions: Vec::new(),
            at,
        });
        let data = open(&text, PREFIX).unwrap();
        let mut r = Reader {
            bytes: &data,
            pos: 0,
        };
        let mut fields = Vec::new();
        while r.pos < data.len() {
            fields.push(r.uint().unwrap());
        }
        fields
    }

    #[test]
    fn times_beyond_the_bound_are_refused_and_the_bound_is_not() {
        assert_eq!(
            decode(&forge(&default_fields(MAX_TIME_MS))).unwrap().at,
            MAX_TIME_MS
        );
        for at in [MAX_TIME_MS + 1, u64::MAX, 1 << 32] {
            let mut f = default_fields(0);
            f[2] = at;
            let got = decode(&forge(&f));
            if at <= MAX_TIME_MS {
                assert!(got.is_ok());
            } else {
                assert_eq!(got.unwrap_err(), ShareError::BadValue("time"));
            }
        }
        // Two actions whose times add up past the bound.
        let mut f = default_fields(0);
        let n = f.len() - 1;
        f.truncate(n);
        f.extend([2, MAX_TIME_MS, 4, 0, MAX_TIME_MS, 4, 0]);
        assert_eq!(
            decode(&forge(&f)).unwrap_err(),
            ShareError::BadValue("action time")
        );
    }

    #[test]
    fn counts_past_32_bits_are_refused_not_wrapped() {
        // 2^32 + 1 would read as 1 through a 32-bit `as usize`.
        let mut f = default_fields(0);
        let n = f.len() - 1;
        f[n] = (1 << 32) + 1;
        f.extend([3, 0]);
        assert_eq!(
            decode(&forge(&f)).unwrap_err(),
            ShareError::BadValue("number of actions")
        );
        let mut f = default_fields(0);
        f[0] = 1 << 32;
        assert_eq!(
            decode(&forge(&f)).unwrap_err(),
            ShareError::BadValue("lab name")
        );
    }

    #[test]
    fn a_real_crash_save_of_format_d2_still_opens_without_faults_or_script() {
        let mut sim = crate::sim::simulation::Sim::new(
            Config {
                payments: 8,
                ..Config::default()
            },
            5,
        );
        sim.run_until(300);
        let state = sim.durable_state();
        // Format 2 is format 3 without its tail, here an empty script (0).
        let d3 = encode_durable(&state);
        let data = open(&d3, DURABLE_PREFIX).unwrap();
        assert_eq!(data[data.len() - 1..], [0]);
        let w = Writer {
            bytes: data[..data.len() - 1].to_vec(),
        };
        let d2 = w.seal(DURABLE_PREFIX_V2);
        assert!(d2.starts_with("d2."));
        assert_eq!(decode_durable(&d2).unwrap(), state);
    }

    #[test]
    fn base64_round_trips_all_lengths() {
        for n in 0..20 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(unbase64url(&base64url(&data)).unwrap(), data);
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn saved_real_crash_state_survives_any_mutation_without_panicking(
                pos in 0usize..4000, byte in 0u8..128, cut in 0usize..4000
            ) {
                use crate::sim::durable::DurableState;
                let mut sim = crate::sim::simulation::Sim::new(Config { payments: 30, ..Config::default() }, 3);
                sim.run_until(400);
                let text = sim.durable_state().to_text();
                let mut bytes = text.into_bytes();
                let i = pos % bytes.len();
                bytes[i] = byte;
                bytes.truncate(cut.max(1).min(bytes.len()));
                match DurableState::from_text(&String::from_utf8_lossy(&bytes)) {
                    Ok(s) => {
                        // Whatever got through is consistent enough to recover from.
                        prop_assert!(crate::sim::simulation::Sim::recover(s).is_ok());
                    }
                    Err(e) => prop_assert!(e.0.ends_with('.')),
                }
            }

            #[test]
            fn forged_real_crash_state_with_a_valid_checksum_never_panics(
                data in proptest::collection::vec(any::<u8>(), 0..400)
            ) {
                use crate::sim::durable::DurableState;
                let mut with_sum = data.clone();
                with_sum.extend_from_slice(&checksum(&data).to_le_bytes());
                let text = format!("{DURABLE_PREFIX}{}", base64url(&with_sum));
                if let Ok(s) = DurableState::from_text(&text) {
                    prop_assert!(crate::sim::simulation::Sim::recover(s).is_ok());
                }
            }

            #[test]
            fn any_text_decodes_or_fails_with_a_sentence(text in ".{0,300}") {
                if let Err(e) = decode(&text) {
                    prop_assert!(e.message().ends_with('.') || e.message().contains(':'));
                }
            }

            #[test]
            fn any_mutation_of_a_real_link_is_handled(pos in 0usize..400, byte in 0u8..128, cut in 0usize..400) {
                let text = encode(&sample());
                let mut bytes = text.into_bytes();
                let i = pos % bytes.len();
                bytes[i] = byte;
                bytes.truncate(cut.max(1).min(bytes.len()));
                let mutated = String::from_utf8_lossy(&bytes).to_string();
                match decode(&mutated) {
                    Ok(s) => prop_assert_eq!(s.config.validate(), Ok(())),
                    Err(e) => prop_assert!(!e.message().is_empty()),
                }
            }

            #[test]
            fn random_bytes_behind_a_valid_prefix_and_checksum_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200)) {
                let mut with_sum = data.clone();
                with_sum.extend_from_slice(&checksum(&data).to_le_bytes());
                let text = format!("{PREFIX}{}", base64url(&with_sum));
                if let Ok(s) = decode(&text) {
                    prop_assert_eq!(s.config.validate(), Ok(()));
                }
            }
        }
    }
}
