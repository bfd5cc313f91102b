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

mod common;

use common::hostile::{Gen, forge, hostile_config, hostile_link, read_fields};
use redelivery_lab::sim::config::limits;
use redelivery_lab::sim::durable::DurableState;
use redelivery_lab::sim::share::{self, MAX_TIME_MS, Scenario};
use redelivery_lab::sim::simulation::max_events_at_one_instant;
use redelivery_lab::sim::timeline::{CatchUp, Timeline};
use redelivery_lab::sim::{Action, Command, Config, Sim};

/// Events one catch-up slice may process in these tests.
const SLICE: u64 = 1_000;
/// Slices tried per case: enough to see progress, few enough to keep thousands of cases fast.
const SLICES: u32 = 6;
/// What one slice may go past its budget: the moment the budget runs out is finished, and the
/// events at one instant are capped by the core.
const SLICE_SLACK: u64 = 64;

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
        4 => {
            state.config = hostile_config(g);
            // The forger writes with the app's encoder, which writes a table row per payment: a
            // wild count of billions would make a text of gigabytes here (about 1 case in 14,000,
            // seen as a 19 GB CI run). One payment past the cap still tests the refusal.
            state.config.payments = state.config.payments.min(limits::MAX_PAYMENTS + 1);
        }
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

    /// The case that once asked the forger for a text of gigabytes (a wild payment count in a
    /// forged configuration): refused now, in bounded memory.
    #[test]
    fn a_forged_saved_run_with_a_wild_payment_count_is_refused() {
        let seed = 14_342u64.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        assert_eq!(check_saved_run(&mut Gen::new(seed)), Verdict::Refused);
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
