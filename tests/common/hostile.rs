//! Hostile input for the tests that forge it (`hostile_links`, `hostile_ui`): a deterministic
//! generator both builds share (proptest needs the OS's randomness, which wasm32 lacks), hostile
//! configurations, commands and links, and an attacker's own encoder and decoder of the link format.

use redelivery_lab::sim::share::{self, MAX_TIME_MS, Scenario};
use redelivery_lab::sim::{Action, ArmMode, Command, Config, CrashPoint};

/// SplitMix64: small, fast and fully specified, so a failing case is named by one number.
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// One of `from`.
    pub fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// The hostile-value generator: [`SplitMix`] plus `wild`,
/// the chance in a thousand that a field takes a hostile value instead of a valid one: drawn per case,
/// so some cases are valid worlds with extreme settings (they reach the run) and others are forgeries
/// with one or many impossible fields (they test the refusals).
pub struct Gen {
    rng: SplitMix,
    wild: u64,
}

impl Gen {
    /// The generator of case `seed`.
    pub fn new(seed: u64) -> Gen {
        let mut g = Gen {
            rng: SplitMix(seed),
            wild: 0,
        };
        g.wild = match g.below(10) {
            0..=4 => 0,
            5..=7 => 20,
            _ => 300,
        };
        g
    }
}

impl Gen {
    /// Any number.
    pub fn next(&mut self) -> u64 {
        self.rng.next()
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn chance(&mut self, in_ten: u64) -> bool {
        self.below(10) < in_ten
    }

    /// A value an attacker would try: a boundary, a wrap-around point, or anything at all.
    pub fn hostile(&mut self) -> u64 {
        const EDGES: [u64; 24] = [
            0,
            1,
            2,
            3,
            7,
            127,
            128,
            255,
            256,
            1_000,
            1_001,
            65_535,
            65_536,
            3_600_000,
            3_600_001,
            1_000_000_000,
            (1 << 31) - 1,
            (1 << 32) - 1,
            1 << 32,
            (1 << 32) + 1,
            MAX_TIME_MS,
            MAX_TIME_MS + 1,
            1 << 63,
            u64::MAX,
        ];
        match self.below(4) {
            0 => self.next(),
            1 => self.below(100),
            _ => EDGES[self.below(EDGES.len() as u64) as usize],
        }
    }

    /// A valid value in `lo..=hi` (ends included, and often chosen: extremes are the point), or with
    /// the case's `wild` chance a hostile one cut to the field's width.
    pub fn field<T: TryFrom<u64> + Default>(&mut self, lo: u64, hi: u64) -> T {
        let v = if self.below(1000) < self.wild {
            self.hostile()
        } else {
            match self.below(4) {
                0 => lo,
                1 => hi,
                _ => lo + self.below(hi - lo + 1),
            }
        };
        T::try_from(v).unwrap_or_default()
    }
}

/// A configuration with hostile values: some fields wild, most plausible, and the never-settling
/// shapes from the issue (zero latencies, zero restart delay, certain failures, immediate retries)
/// often enough to matter.
pub fn hostile_config(g: &mut Gen) -> Config {
    use redelivery_lab::sim::config::{
        GatewayFaults, Latency, Outage, OutageKind, RateLimit, RetryWait,
    };
    use redelivery_lab::sim::{RedeliveryMode, RetryPolicy, Strategy};
    let zero_world = g.chance(3);
    let mut base_ms = [0u32; 8];
    for b in &mut base_ms {
        *b = if zero_world { 0 } else { g.field(0, 40) };
    }
    let strategies = Strategy::all_combinations();
    Config {
        // Big runs are rare: a few thousand cases must stay quick.
        payments: if g.chance(1) {
            g.field(1, 5_000)
        } else {
            1 + g.below(30) as u32
        },
        publish_interval_ms: g.field(0, 50),
        consumers: g.field(1, 4),
        prefetch: g.field(1, 32),
        strategy: strategies[g.below(strategies.len() as u64) as usize],
        redelivery: if g.chance(5) {
            RedeliveryMode::OnDisconnect
        } else {
            RedeliveryMode::VisibilityTimeout {
                timeout_ms: g.field(1, 100),
            }
        },
        retry: match g.below(3) {
            0 => RetryPolicy::Immediate,
            1 => RetryPolicy::Fixed {
                delay_ms: g.field(0, 100),
            },
            _ => RetryPolicy::Exponential {
                base_ms: g.field(1, 100),
                cap_ms: g.field(100, 1_000),
                jitter: g.chance(5),
            },
        },
        retry_wait: if g.chance(5) {
            RetryWait::Broker
        } else {
            RetryWait::Consumer
        },
        rate_limit: g.chance(2).then(|| RateLimit {
            per_second: g.field(1, 100),
            burst: g.field(1, 10),
        }),
        max_deliveries: g.field(0, 5),
        restart_delay_ms: if zero_world { 0 } else { g.field(0, 300) },
        latency: Latency {
            base_ms,
            jitter_percent: g.field(0, 100),
        },
        gateway: GatewayFaults {
            failure_permille: if zero_world && g.chance(5) {
                1000
            } else {
                g.field(0, 1000)
            },
            slow_ms: g.field(0, 20),
            outage: g.chance(2).then(|| Outage {
                from_ms: g.field(0, 1_000),
                until_ms: g.field(1_000, 5_000),
                kind: if g.chance(5) {
                    OutageKind::Refuse
                } else {
                    OutageKind::Hang
                },
            }),
            fail_first_attempts: g.field(0, 3),
        },
        gateway_capacity: g.field(1, 8),
        call_timeout_ms: if zero_world { 1 } else { g.field(1, 1_000) },
        lost_ack_permille: if zero_world && g.chance(3) {
            1000
        } else {
            g.field(0, 1000)
        },
        customers: g.field(1, 26),
        event_window: g.field(1, 1_000),
        sample_interval_ms: g.field(1, 200),
        // The queue: the broker kinds are drawn by their own property tests.
        broker: Default::default(),
        // Sometimes a producer that republishes, crashes or publishes through an outbox.
        producer: if g.chance(2) {
            redelivery_lab::sim::config::ProducerSettings {
                confirms: g.chance(5),
                lost_confirm_permille: g.field(0, 1000),
                confirm_timeout_ms: g.field(1, 2_000),
                outbox: g.chance(5),
                crash_permille: g.field(0, 1000),
            }
        } else {
            Default::default()
        },
        // Kept forever, tests/retention.rs round-trips windows.
        retention: Default::default(),
    }
}

pub fn hostile_command(g: &mut Gen) -> Command {
    let consumer = g.below(6) as u8;
    let point = CrashPoint::BOUNDARIES[g.below(6) as usize];
    match g.below(6) {
        0 => Command::CrashNow { consumer },
        1 => Command::ArmCrash {
            consumer: g.chance(5).then_some(consumer),
            point,
            mode: match g.below(3) {
                0 => ArmMode::Once,
                1 => ArmMode::Always,
                _ => ArmMode::EveryKth(g.field(1, 5)),
            },
        },
        2 => Command::Disarm {
            consumer: g.chance(5).then_some(consumer),
            point,
        },
        3 => Command::LoseNextAck { consumer },
        4 => Command::GatewayOutage {
            duration_ms: g.field(0, 2_000),
            kind: if g.chance(5) {
                redelivery_lab::sim::config::OutageKind::Refuse
            } else {
                redelivery_lab::sim::config::OutageKind::Hang
            },
        },
        _ => Command::SetStrategy(redelivery_lab::sim::Strategy::SAFE),
    }
}

/// A link as an attacker writes it: a scenario with hostile values, encoded with the public format
/// (encoding validates nothing), and now and then one raw field replaced by any `u64` at all —
/// counts past 2^32 included, which a 32-bit `as usize` would wrap.
pub fn hostile_link(g: &mut Gen) -> String {
    let mut at_step = 0u64;
    let actions = (0..g.below(5))
        .map(|_| {
            at_step = at_step.saturating_add(if g.chance(2) {
                g.hostile()
            } else {
                g.below(500)
            });
            Action {
                at: at_step,
                command: hostile_command(g),
            }
        })
        .collect();
    let scenario = Scenario {
        lab: match g.below(8) {
            0 => Some("double-payment".into()),
            1 => Some("no-such-lab".into()),
            _ => None,
        },
        seed: g.next(),
        config: hostile_config(g),
        actions,
        at: match g.below(4) {
            0 => g.hostile(),
            1 => 1_000_000_000,
            _ => g.below(5_000),
        },
    };
    let text = share::encode(&scenario);
    // The forger writes the `v2.` format; a `v3.` link (another producer) goes out as encoded.
    if scenario.lab.is_none() && text.starts_with(share::PREFIX) && g.chance(3) {
        let mut fields = read_fields(&text);
        let i = g.below(fields.len() as u64) as usize;
        fields[i] = g.hostile();
        return forge(&fields);
    }
    text
}

/// An attacker's encoder: LEB128 fields, FNV-1a checksum, base64url, as the format documents.
pub fn forge(fields: &[u64]) -> String {
    let mut bytes = Vec::new();
    for f in fields {
        let mut v = *f;
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                bytes.push(b);
                break;
            }
            bytes.push(b | 0x80);
        }
    }
    let sum = bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ *b as u32).wrapping_mul(0x0100_0193)
    });
    bytes.extend_from_slice(&sum.to_le_bytes());
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::from(share::PREFIX);
    for chunk in bytes.chunks(3) {
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

/// The fields of a link without a lab name (every field is then one LEB128 number).
pub fn read_fields(text: &str) -> Vec<u64> {
    let body = text.strip_prefix(share::PREFIX).unwrap().as_bytes();
    let mut bits = Vec::new();
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let (mut acc, mut n) = (0u32, 0u32);
    for c in body {
        acc = (acc << 6) | ALPHABET.iter().position(|a| a == c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            bits.push((acc >> n) as u8);
            acc &= (1 << n) - 1;
        }
    }
    bits.truncate(bits.len() - 4);
    let (mut fields, mut v, mut shift) = (Vec::new(), 0u64, 0);
    for b in bits {
        v |= ((b & 0x7f) as u64) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            fields.push(v);
            v = 0;
            shift = 0;
        }
    }
    fields
}
