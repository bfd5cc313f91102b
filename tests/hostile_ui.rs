//! Hostile input through the app's own paths, in the browser build: saved settings with any value
//! an edited or stale `localStorage` can hold, and forged share links opened by the reducer, which
//! catches them up in slices.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test hostile_ui`
#![cfg(target_arch = "wasm32")]

mod common;

use common::hostile::SplitMix;
use redelivery_lab::sim::checklist;
use redelivery_lab::sim::lab::Lab;
use redelivery_lab::sim::share::{self, Scenario};
use redelivery_lab::sim::{Action as SimAction, ArmMode, Command, Config, CrashPoint};
use redelivery_lab::ui::saved::{self, Saved};
use redelivery_lab::ui::state::{Action, AppState, MAX_SPEED, MIN_SPEED};
use std::rc::Rc;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

/// One stored line with a value a hand, a bug or another version could have written.
fn hostile_line(g: &mut SplitMix) -> String {
    const NUMBERS: &[&str] = &[
        "0",
        "1",
        "2",
        "3",
        "9",
        "99",
        "-1",
        "1e-300",
        "1e300",
        "NaN",
        "inf",
        "0.000001",
        "4294967296",
        "18446744073709551615",
        "18446744073709551616",
        "",
        "x",
    ];
    const IDS: &[&str] = &[
        "sandbox",
        "double-payment",
        "retry-storm",
        "no-such-lab",
        "reproduce",
        "fix",
        "dedupe-table",
        "ack-after-commit",
        "<img>",
        "",
        "a,b",
    ];
    let n = |g: &mut SplitMix| g.pick(NUMBERS).to_string();
    let id = |g: &mut SplitMix| g.pick(IDS).to_string();
    match g.next() % 7 {
        0 => format!("speed={}", n(g)),
        1 => format!("projector={}", n(g)),
        2 => format!("real_crash={}", n(g)),
        3 => format!("lab={}", id(g)),
        4 => format!("checklist={},{}", id(g), id(g)),
        5 => format!(
            "progress={};{};{};{};{},{}",
            id(g),
            n(g),
            n(g),
            n(g),
            id(g),
            id(g)
        ),
        _ => format!("progress={};{}", id(g), n(g)),
    }
}

/// Everything in `saved` fits the labs of this version.
fn fits_the_labs(saved: &Saved) {
    let s = &saved.settings;
    assert!((MIN_SPEED..=MAX_SPEED).contains(&s.speed), "{}", s.speed);
    assert!(Lab::by_id(&s.lab).is_some(), "{}", s.lab);
    assert!(
        saved
            .checklist
            .iter()
            .all(|t| checklist::ITEMS.iter().any(|i| i.id == t))
    );
    for (id, p) in &saved.progress {
        let lab = Lab::by_id(id).expect("progress only for labs that exist");
        let options = lab.prediction.as_ref().map_or(0, |p| p.options.len());
        assert!(p.prediction.is_none_or(|c| c < options));
        let answers = lab.diagnosis.as_ref().map_or(0, |d| d.options.len());
        assert!(p.diagnosis.is_none_or(|c| c < answers));
        assert!(p.hints_shown <= lab.hints.len());
        assert!(
            p.achieved
                .iter()
                .all(|g| lab.goals.iter().any(|x| x.id == g))
        );
    }
}

#[wasm_bindgen_test]
fn any_saved_settings_load_checked_and_the_rewritten_text_loads_clean() {
    for seed in 0..2_000 {
        let mut g = SplitMix(seed);
        let mut text = String::from("redelivery-lab settings 2\n");
        for _ in 0..(1 + g.next() % 6) {
            text.push_str(&hostile_line(&mut g));
            text.push('\n');
        }
        let (saved, _) = saved::read(&text);
        fits_the_labs(&saved);
        // What `load` writes back loads again with nothing dropped, so one bad value never breaks
        // the next load.
        let (again, message) = saved::read(&saved::encode(&saved));
        assert_eq!(again, saved, "{text}");
        assert_eq!(message, None, "{text}");
        // And the app starts from it, reading every lab's progress.
        let state = AppState::new(saved);
        let _ = state.progress();
    }
}

#[wasm_bindgen_test]
fn a_prediction_option_this_version_lacks_is_dropped_not_indexed() {
    let text = "redelivery-lab settings 2\nlab=double-payment\nprojector=1\nprogress=double-payment;99;0;0;\n";
    let (saved, message) = saved::read(text);
    assert!(message.is_some(), "the learner is told something was reset");
    assert!(saved.settings.projector, "the rest is kept");
    assert_eq!(
        saved.progress.get("double-payment").unwrap().prediction,
        None
    );
    let speed = saved::read("redelivery-lab settings 2\nspeed=0.000000000001\n")
        .0
        .settings
        .speed;
    assert_eq!(
        speed, MIN_SPEED,
        "a speed too small to move the clock is clamped"
    );
}

/// A forged link opened by the reducer: it lands where the link says, in bounded slices.
#[wasm_bindgen_test]
fn a_shared_run_far_in_catches_up_in_slices_and_can_be_cancelled() {
    let config = Config {
        payments: 2_000,
        ..Config::default()
    };
    let link = share::encode(&Scenario {
        lab: None,
        seed: 3,
        config,
        actions: vec![SimAction {
            at: 0,
            command: Command::ArmCrash {
                consumer: None,
                point: CrashPoint::AfterCharge,
                mode: ArmMode::EveryKth(9),
            },
        }],
        at: 1_000_000_000,
    });
    let fresh = || Rc::new(AppState::new(Saved::default()));
    let s = fresh().reduce(Action::LoadScenario(share::decode(&link).unwrap()));
    assert!(
        s.catching_up.is_some(),
        "far in: the first slice does not get there"
    );
    let mut s = s;
    let mut slices = 0;
    while s.catching_up.is_some() {
        let before = s.world.sim().events().total();
        s = s.reduce(Action::CatchUp { max_events: 2_000 });
        let after = s.world.sim().events().total();
        assert!(
            after - before <= 2_000 + 10_000,
            "a slice stays near its budget"
        );
        slices += 1;
        assert!(slices < 10_000, "the catch-up ends");
    }
    assert_eq!(s.world.sim().now(), 1_000_000_000);
    assert!(s.world.sim().is_settled());
    assert!(slices > 3, "{slices} slices");

    // Cancel stops where it got to, paused, and the app goes on from there.
    let s = fresh().reduce(Action::LoadScenario(share::decode(&link).unwrap()));
    let s = s.reduce(Action::CatchUp { max_events: 2_000 });
    let t = s.world.sim().now();
    let s = s.reduce(Action::CancelCatchUp);
    assert!(s.catching_up.is_none());
    assert_eq!(s.world.sim().now(), t);
    assert!(s.announcement.contains("stopped"), "{}", s.announcement);
    let s = s.reduce(Action::Step);
    assert!(s.world.sim().now() >= t);
}

#[wasm_bindgen_test]
fn a_link_to_a_lab_this_version_lacks_opens_in_free_play_and_says_so() {
    let link = share::encode(&Scenario {
        lab: Some("lab-from-the-future".into()),
        seed: 1,
        config: Config::default(),
        actions: Vec::new(),
        at: 0,
    });
    let s = Rc::new(AppState::new(Saved::default()))
        .reduce(Action::LoadScenario(share::decode(&link).unwrap()));
    assert_eq!(s.lab.id, "sandbox");
    assert!(s.error.as_deref().unwrap().contains("lab-from-the-future"));
}

#[wasm_bindgen_test]
fn a_shared_run_that_cannot_settle_ends_with_the_cores_sentence() {
    // The link: every step and restart takes no time and a crash is armed on every pass.
    let link = "v1.AAFkFBkBAQAAAWQAAAAAAAAAAAAAAAAAAAAABaCNBmQBAAEAAAFjQdVb";
    let mut s = Rc::new(AppState::new(Saved::default()))
        .reduce(Action::LoadScenario(share::decode(link).unwrap()));
    for _ in 0..1_000 {
        if s.catching_up.is_none() {
            break;
        }
        s = s.reduce(Action::CatchUp { max_events: 5_000 });
    }
    assert!(s.catching_up.is_none());
    assert!(s.world.sim().halt().is_some());
    let banner = s.error.as_deref().unwrap();
    assert!(banner.contains("cannot settle"), "{banner}");
    let s = s
        .reduce(Action::TogglePlay)
        .reduce(Action::Tick { elapsed_ms: 50.0 });
    assert!(!s.playing, "a halted run does not play on");
}

/// A setting changed far into a long run replays it in slices like a link (issue 12): the previous run
/// stays on screen meanwhile, Cancel keeps it exactly as it was, and driven to the end the rerun is the
/// run a rerun in one go gives.
#[wasm_bindgen_test]
fn a_settings_change_far_into_a_run_reruns_in_slices_and_cancel_keeps_the_run() {
    use redelivery_lab::sim::timeline::Timeline;
    let (seed, at) = (5, 100_000_000);
    let config = Config {
        payments: 5_000,
        ..Config::default()
    };
    let link = share::encode(&Scenario {
        lab: None,
        seed,
        config,
        actions: Vec::new(),
        at,
    });
    let mut s = Rc::new(AppState::new(Saved::default()))
        .reduce(Action::LoadScenario(share::decode(&link).unwrap()));
    while s.catching_up.is_some() {
        s = s.reduce(Action::CatchUp {
            max_events: 100_000,
        });
    }
    let shown = |s: &AppState| {
        let sim = s.world.sim();
        (s.world.version(), sim.digest(), sim.now())
    };
    let before = shown(&s);
    assert_eq!(before.2, at);
    let mut config = s.world.timeline().config().clone();
    config.strategy.idempotency = true;
    let r = s.reduce(Action::SetConfig(config.clone()));
    let c = r
        .catching_up
        .expect("a rerun of 5,000 payments does not fit in one slice");
    assert!(c.rerun && c.target == at);
    assert_eq!(shown(&r), before, "the previous run stays on screen");

    let cancelled = r.clone().reduce(Action::CancelCatchUp);
    assert!(cancelled.catching_up.is_none());
    assert_eq!(shown(&cancelled), before, "Cancel keeps the run as it was");
    assert!(!cancelled.world.timeline().config().strategy.idempotency);
    assert!(cancelled.announcement.contains("cancelled"));

    let mut r = r;
    let mut slices = 0;
    while r.catching_up.is_some() {
        let events = r.catching_world().sim().events().total();
        r = r.reduce(Action::CatchUp { max_events: 5_000 });
        if r.catching_up.is_some() {
            let now = r.catching_world().sim().events().total();
            assert!(
                now - events <= 5_000 + 10_000,
                "a slice stays near its budget"
            );
        }
        slices += 1;
        assert!(slices < 10_000, "the rerun ends");
    }
    assert!(slices > 1, "{slices} slices");
    let mut expected = Timeline::with_actions(config, seed, Vec::new());
    expected.seek(at);
    while !expected.is_settled() && expected.step_event() {}
    assert_eq!(r.world.sim().digest(), expected.sim().digest());
    assert_eq!(r.world.sim().now(), expected.now());
    assert!(r.world.timeline().config().strategy.idempotency);
    assert!(r.announcement.starts_with("Rerun with the new settings"));
}
