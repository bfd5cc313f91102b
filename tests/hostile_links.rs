//! Hostile input: what an attacker can send, fuzzed natively (proptest) and in the browser build
//! (wasm-bindgen-test, with a small deterministic generator: proptest needs the OS's randomness,
//! which wasm32 lacks).
//!
//! The share link's checksum is public, so anyone can forge a well-formed link: these tests do, with
//! adversarial values in every field — extremes, zeros, values that wrap at 2^32 and 2^64, worlds
//! that never settle — and also forge saved real-crash runs. Each goes through decode and then a
//! bounded catch-up; the properties are: no panic, and either a refusal with a sentence, or a run
//! that makes progress in every slice (or says it cannot settle) with each slice's work bounded.
//!
//! Native: `cargo test --test hostile_links`. Browser:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test hostile_links`.

use redelivery_lab::sim::durable::DurableState;
use redelivery_lab::sim::share::{self, MAX_TIME_MS, Scenario};
use redelivery_lab::sim::simulation::max_events_at_one_instant;
use redelivery_lab::sim::timeline::{CatchUp, Timeline};
use redelivery_lab::sim::{Action, ArmMode, Command, Config, CrashPoint, Sim};

/// Events one catch-up slice may process in these tests.
const SLICE: u64 = 1_000;
/// Slices tried per case: enough to see progress, few enough to keep thousands of cases fast.
const SLICES: u32 = 6;
/// What one slice may go past its budget: the moment the budget runs out is finished, and the
/// events at one instant are capped by the core.
const SLICE_SLACK: u64 = 64;

/// SplitMix64: the generator both builds share, so a failing case is named by one number. `wild` is
/// the chance in a thousand that a field takes a hostile value instead of a valid one: drawn per case,
/// so some cases are valid worlds with extreme settings (they reach the run) and others are forgeries
/// with one or many impossible fields (they test the refusals).
struct Gen(u64, u64);

impl Gen {
    fn new(seed: u64) -> Gen {
        let mut g = Gen(seed, 0);
        g.1 = match g.below(10) {
            0..=4 => 0,
            5..=7 => 20,
            _ => 300,
        };
        g
    }
}

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, in_ten: u64) -> bool {
        self.below(10) < in_ten
    }

    /// A value an attacker would try: a boundary, a wrap-around point, or anything at all.
    fn hostile(&mut self) -> u64 {
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
    fn field<T: TryFrom<u64> + Default>(&mut self, lo: u64, hi: u64) -> T {
        let v = if self.below(1000) < self.1 {
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
fn hostile_config(g: &mut Gen) -> Config {
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
    }
}

fn hostile_command(g: &mut Gen) -> Command {
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
fn hostile_link(g: &mut Gen) -> String {
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
    if scenario.lab.is_none() && g.chance(3) {
        let mut fields = read_fields(&text);
        let i = g.below(fields.len() as u64) as usize;
        fields[i] = g.hostile();
        return forge(&fields);
    }
    text
}

/// An attacker's encoder: LEB128 fields, FNV-1a checksum, base64url, as the format documents.
fn forge(fields: &[u64]) -> String {
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
fn read_fields(text: &str) -> Vec<u64> {
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

/// What happened to one hostile input.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Refused with a sentence.
    Refused,
    /// Reached its time.
    Reached,
    /// Still going after the slices tried, each one with progress.
    Progressing,
}

/// Catches `tl` up towards `t` in slices; every slice must move time or events forward, stay near
/// its budget, and the run must never pass `t`.
fn bounded_catch_up(tl: &mut Timeline, t: u64) -> Verdict {
    for _ in 0..SLICES {
        let before = (tl.now(), tl.sim().events().total());
        let got = tl.catch_up(t, SLICE);
        let after = (tl.now(), tl.sim().events().total());
        let cap = max_events_at_one_instant(tl.config().payments);
        assert!(
            after.1 - before.1 <= SLICE + cap + SLICE_SLACK,
            "a slice ran away: {before:?} -> {after:?}, cap {cap}"
        );
        assert!(tl.now() <= t.max(before.0), "overshot the target");
        match got {
            CatchUp::Done => return Verdict::Reached,
            CatchUp::Partway => assert!(after > before, "a slice without progress"),
        }
    }
    Verdict::Progressing
}

/// The whole property for one link.
fn check_link(text: &str) -> Verdict {
    let s = match share::decode(text) {
        Err(e) => {
            let m = e.message();
            assert!(m.ends_with('.'), "a sentence: {m}");
            return Verdict::Refused;
        }
        Ok(s) => s,
    };
    assert_eq!(s.config.validate(), Ok(()));
    assert!(s.at <= MAX_TIME_MS);
    assert!(s.actions.iter().all(|a| a.at <= MAX_TIME_MS));
    assert!(s.actions.len() <= share::MAX_ACTIONS);
    let mut tl = Timeline::with_actions(s.config, s.seed, s.actions);
    bounded_catch_up(&mut tl, s.at)
}

/// A saved real-crash run with hostile values: refused with a sentence, or recovered and resumed.
fn check_saved_run(g: &mut Gen) -> Verdict {
    let mut sim = Sim::new(
        Config {
            payments: 1 + g.below(12) as u32,
            ..Config::default()
        },
        g.next(),
    );
    sim.run_until(g.below(600));
    let mut state = sim.durable_state();
    match g.below(7) {
        0 => state.now = g.hostile(),
        1 => state.counters.crashes = g.hostile(),
        2 => state.published = g.hostile() as u32,
        3 => {
            if let Some(m) = state.messages.first_mut() {
                m.published_at = g.hostile() as u32;
                m.deliveries = g.hostile() as u16;
            }
        }
        4 => state.config = hostile_config(g),
        5 => state.dead_letter.push(g.hostile() as u32),
        _ => state.seed = g.hostile(),
    }
    let text = state.to_text();
    match DurableState::from_text(&text) {
        Err(e) => {
            assert!(e.0.ends_with('.'), "a sentence: {e}");
            Verdict::Refused
        }
        Ok(state) => {
            assert!(state.now <= MAX_TIME_MS);
            let sim = Sim::recover(state).expect("validated state recovers");
            let now = sim.now();
            let mut tl = Timeline::resume(sim);
            bounded_catch_up(&mut tl, now + 10_000)
        }
    }
}

/// Checks that forging works at all: an honest link read back through the forger is the same link.
fn forger_matches_the_format() {
    let s = Scenario {
        lab: None,
        seed: 5,
        config: Config::default(),
        actions: vec![Action {
            at: 3,
            command: Command::CrashNow { consumer: 0 },
        }],
        at: 77,
    };
    let text = share::encode(&s);
    assert_eq!(forge(&read_fields(&text)), text);
}

/// The two freezing links and the stack-overflow shape from the issue, and a count of 2^32 + 1.
fn known_attacks() -> Vec<(String, &'static str)> {
    let mut count_wrap = read_fields(&share::encode(&Scenario {
        lab: None,
        seed: 1,
        config: Config::default(),
        actions: Vec::new(),
        at: 0,
    }));
    let last = count_wrap.len() - 1;
    count_wrap[last] = (1 << 32) + 1;
    count_wrap.extend([0, 4, 0]);
    vec![
        (
            "v1.AAH___________8BFBkBAQAAAWQAAMgBAgECKAMCBAEyAAAAAAWgjQZkAOQaflk".into(),
            "at = 2^64 - 1",
        ),
        (
            "v1.AAFkFBkBAQAAAWQAAAAAAAAAAAAAAAAAAAAABaCNBmQBAAEAAAFjQdVb".into(),
            "a world where time never advances",
        ),
        (forge(&count_wrap), "an action count of 2^32 + 1"),
    ]
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_forger_writes_the_documented_format() {
        forger_matches_the_format();
    }

    #[test]
    fn the_links_from_the_issue_are_refused_or_bounded() {
        for (link, what) in known_attacks() {
            let v = check_link(&link);
            if what.contains("2^") {
                assert_eq!(v, Verdict::Refused, "{what}");
            }
        }
        assert_eq!(
            share::decode(&known_attacks()[2].0).unwrap_err(),
            share::ShareError::BadValue("number of actions")
        );
    }

    /// The generator is worth its cases: it reaches refusals, finished catch-ups and runs still
    /// going, and no case is slow. Prints the counts and the slowest case.
    #[test]
    fn forged_links_reach_every_verdict() {
        let mut verdicts = [0u32; 3];
        let mut slowest = (std::time::Duration::ZERO, 0);
        for seed in 0..500 {
            let start = std::time::Instant::now();
            let v = check_link(&hostile_link(&mut Gen::new(seed)));
            slowest = slowest.max((start.elapsed(), seed));
            verdicts[v as usize] += 1;
        }
        eprintln!(
            "refused / reached / still going: {verdicts:?}; slowest: seed {} in {:?}",
            slowest.1, slowest.0
        );
        let [refused, reached, going] = verdicts;
        assert!(
            refused >= 100 && reached >= 100 && going >= 5,
            "{verdicts:?}"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn a_forged_link_is_refused_or_catches_up_in_bounded_slices(seed in any::<u64>()) {
            let mut g = Gen::new(seed);
            check_link(&hostile_link(&mut g));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn a_forged_saved_run_is_refused_or_recovers_in_bounded_slices(seed in any::<u64>()) {
            check_saved_run(&mut Gen::new(seed));
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::*;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    /// Cases per property in the browser (the same generator as natively, fixed seeds).
    const CASES: u64 = 1_000;

    #[wasm_bindgen_test]
    fn the_forger_writes_the_documented_format_here_too() {
        forger_matches_the_format();
    }

    #[wasm_bindgen_test]
    fn a_count_past_32_bits_is_refused_here_not_wrapped() {
        // The 32-bit build is the one where `as usize` would have read 2^32 + 1 as 1.
        assert_eq!(usize::BITS, 32);
        for (link, what) in known_attacks() {
            let v = check_link(&link);
            if what.contains("2^") {
                assert_eq!(v, Verdict::Refused, "{what}");
            }
        }
    }

    #[wasm_bindgen_test]
    fn forged_links_are_refused_or_catch_up_in_bounded_slices() {
        let mut verdicts = [0u32; 3];
        for seed in 0..CASES {
            let v = check_link(&hostile_link(&mut Gen::new(seed)));
            verdicts[v as usize] += 1;
        }
        assert!(verdicts.iter().all(|n| *n > 0), "{verdicts:?}");
    }

    #[wasm_bindgen_test]
    fn forged_saved_runs_are_refused_or_recover_in_bounded_slices() {
        for seed in 0..CASES / 2 {
            check_saved_run(&mut Gen::new(seed));
        }
    }
}
