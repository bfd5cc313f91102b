//! Browser tests of the app state: the reducer moves the same core the native tests check, and these
//! pin down what the UI promises on top — reruns compare like with like, labs start armed, share
//! links reproduce runs, bad settings are refused with a sentence.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test ui_state`
#![cfg(target_arch = "wasm32")]

use redelivery_lab::sim::share;
use redelivery_lab::sim::{ArmMode, Command, Config, CrashPoint};
use redelivery_lab::ui::saved::{IdMap, IdSet, Saved};
use redelivery_lab::ui::state::{Action, AppState};
use std::rc::Rc;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

fn reduce(state: Rc<AppState>, actions: impl IntoIterator<Item = Action>) -> Rc<AppState> {
    actions.into_iter().fold(state, |s, a| s.reduce(a))
}

fn fresh() -> Rc<AppState> {
    Rc::new(AppState::new(Saved::default()))
}

fn run_to_end(state: Rc<AppState>) -> Rc<AppState> {
    let mut s = state;
    for _ in 0..100_000 {
        if s.world.sim().is_settled() {
            return s;
        }
        s = s.reduce(Action::Step);
    }
    panic!("the run did not settle");
}

fn arm_after_commit() -> Action {
    Action::Apply(Command::ArmCrash {
        consumer: Some(0),
        point: CrashPoint::AfterCommit,
        mode: ArmMode::Once,
    })
}

#[wasm_bindgen_test]
fn a_strategy_change_reruns_the_same_seed_and_crashes_to_the_end() {
    let s = run_to_end(reduce(fresh(), [arm_after_commit()]));
    assert_eq!(s.world.sim().totals().duplicate, 1);
    let mut config = s.world.timeline().config().clone();
    config.strategy.idempotency = true;
    config.strategy.transactional = true;
    let s = s.reduce(Action::SetConfig(config));
    let sim = s.world.sim();
    assert!(sim.is_settled(), "a finished run stays finished");
    assert_eq!(
        sim.metrics().counters.crashes,
        1,
        "the same crash happened again"
    );
    assert_eq!(sim.totals().duplicate, 0);
    assert!(
        sim.metrics().counters.duplicates_detected >= 1,
        "the redelivery was caught"
    );
}

#[wasm_bindgen_test]
fn an_out_of_range_setting_is_refused_with_a_sentence() {
    let s = fresh();
    let before = s.world.version();
    let s = s.reduce(Action::SetConfig(Config {
        consumers: 9,
        ..Config::default()
    }));
    assert!(s.error.as_deref().unwrap_or("").contains("Consumers"));
    assert_eq!(s.world.version(), before, "the run is untouched");
}

#[wasm_bindgen_test]
fn a_lab_opens_with_its_scripted_crash_already_armed() {
    let s = fresh().reduce(Action::LoadLab("double-payment".into()));
    assert_eq!(s.lab.id, "double-payment");
    assert_eq!(s.world.timeline().seed(), 42);
    assert_eq!(s.world.sim().armed().len(), 1);
    let s = fresh().reduce(Action::LoadLab("no-such-lab".into()));
    assert!(s.error.is_some());
}

#[wasm_bindgen_test]
fn a_share_link_reproduces_the_run_exactly() {
    let s = reduce(fresh(), [Action::Step, Action::Step, arm_after_commit()]);
    let s = run_to_end(s);
    let link = share::encode(&s.scenario());
    let opened = AppState::from_scenario(Saved::default(), share::decode(&link).unwrap());
    assert_eq!(opened.world.sim().now(), s.world.sim().now());
    assert_eq!(opened.world.sim().digest(), s.world.sim().digest());
    assert_eq!(opened.world.sim().totals(), s.world.sim().totals());
}

#[wasm_bindgen_test]
fn playing_stops_where_the_run_settles_instead_of_overshooting() {
    let mut s = reduce(fresh(), [Action::SetSpeed(1000.0), Action::TogglePlay]);
    for _ in 0..1_000 {
        if !s.playing {
            break;
        }
        s = s.reduce(Action::Tick { elapsed_ms: 50.0 });
    }
    assert!(!s.playing);
    let sim = s.world.sim();
    assert!(sim.is_settled());
    let last_event = sim.events().window().back().unwrap().time;
    assert_eq!(sim.now(), last_event, "the clock stops at the last event");
}

#[wasm_bindgen_test]
fn goals_passed_in_an_earlier_run_stay_achieved() {
    let s = run_to_end(fresh().reduce(Action::LoadLab("double-payment".into())));
    assert!(s.progress().achieved.contains("reproduce"));
    let s = run_to_end(s.reduce(Action::ApplyFix));
    let p = s.progress();
    assert!(p.achieved.contains("reproduce") && p.achieved.contains("fix"));
    assert!(p.solution_seen);
}

#[wasm_bindgen_test]
fn saved_settings_and_progress_round_trip_and_bad_text_is_refused() {
    use redelivery_lab::ui::saved::{LabProgress, Settings, decode, encode};
    let mut saved = Saved::default();
    saved.settings.speed = 12.5;
    saved.settings.projector = true;
    saved.settings.real_crash = true;
    saved.settings.lab = "double-payment".into();
    saved.checklist = vec!["dedupe-table".into(), "ack-after-commit".into()];
    saved.progress.insert(
        "double-payment".into(),
        LabProgress {
            achieved: ["reproduce".to_string(), "fix".to_string()].into(),
            prediction: Some(2),
            hints_shown: 1,
            solution_seen: true,
            revealed: true,
            diagnosis: Some(1),
        },
    );
    saved
        .progress
        .insert("sandbox".into(), LabProgress::default());
    assert_eq!(decode(&encode(&saved)), Some(saved));
    assert_eq!(decode(&encode(&Saved::default())), Some(Saved::default()));
    for bad in ["", "{\"settings\": nonsense"] {
        assert_eq!(decode(bad), None, "{bad}");
    }
    // A bad value is dropped on its own; the lines around it are kept.
    for bad in ["speed=-1", "lab=<img>", "progress=a;x;0;0;"] {
        let text = format!("redelivery-lab settings 2\nprojector=1\n{bad}");
        let got = decode(&text).unwrap();
        assert!(got.settings.projector, "{bad}");
        assert_eq!(got.settings.speed, Settings::default().speed, "{bad}");
        assert_eq!(got.settings.lab, "sandbox", "{bad}");
        assert!(got.progress.is_empty(), "{bad}");
    }
    // A newer version's extra lines are skipped, not fatal.
    assert!(decode("redelivery-lab settings 2\nfuture=1\nspeed=2").is_some());
    // A progress line written before `revealed` and `diagnosis` existed still reads.
    let old = decode("redelivery-lab settings 2\nprogress=double-payment;1;0;0;reproduce").unwrap();
    let p = &old.progress["double-payment"];
    assert_eq!(
        (p.prediction, p.revealed, p.diagnosis),
        (Some(1), false, None)
    );
}

#[wasm_bindgen_test]
fn a_replay_keeps_the_learners_actions_and_clear_drops_them() {
    let s = run_to_end(reduce(fresh(), [arm_after_commit()]));
    let digest = s.world.sim().digest();
    assert_eq!(s.world.sim().totals().duplicate, 1);
    // `r`, and Play at the end, replay the same run: the hand-armed crash included.
    let replayed = run_to_end(s.clone().reduce(Action::Reset));
    assert_eq!(replayed.world.sim().digest(), digest);
    let played = s.clone().reduce(Action::TogglePlay);
    assert!(played.playing);
    assert_eq!(played.world.sim().now(), 0);
    assert_eq!(run_to_end(played).world.sim().digest(), digest);
    // "Clear my actions" is the way back to the lab's own script.
    let cleared = run_to_end(s.reduce(Action::ClearActions));
    assert_eq!(cleared.world.sim().totals().duplicate, 0);
    assert!(cleared.world.timeline().actions().is_empty());
}

#[wasm_bindgen_test]
fn a_prediction_is_locked_once_its_answer_was_shown() {
    let s = reduce(
        fresh(),
        [Action::LoadLab("double-payment".into()), Action::Predict(0)],
    );
    let s = run_to_end(s.reduce(Action::Predict(2)));
    assert_eq!(
        s.progress().prediction,
        Some(2),
        "changeable before the answer"
    );
    assert!(s.progress().revealed);
    let s = reduce(s, [Action::Reset, Action::Predict(1)]);
    assert_eq!(
        s.progress().prediction,
        Some(2),
        "locked after the answer, even after a replay"
    );
}

#[wasm_bindgen_test]
fn the_diagnosis_is_recorded_from_the_selected_duplicate_and_the_answer() {
    use redelivery_lab::sim::Outcome;
    let s = run_to_end(fresh().reduce(Action::LoadLab("double-payment".into())));
    let dup = {
        let sim = s.world.sim();
        (0..sim.config().payments)
            .find(|p| sim.outcome(*p) == Outcome::Duplicate)
            .unwrap()
    };
    let s = s.reduce(Action::Diagnose(1));
    assert!(
        !s.progress().achieved.contains("diagnose"),
        "no evidence selected yet"
    );
    let s = s.reduce(Action::Focus(Some(dup)));
    assert!(s.progress().achieved.contains("diagnose"));
    assert_eq!(s.progress().diagnosis, Some(1));
}

#[wasm_bindgen_test]
fn a_sweep_cell_opens_its_exact_run_in_the_sandbox() {
    use redelivery_lab::sim::Strategy;
    use redelivery_lab::sim::sweep::Sweep;
    use redelivery_lab::ui::state::View;
    let s = reduce(
        fresh(),
        [
            Action::LoadLab("double-payment".into()),
            Action::SetView(View::Sweep),
        ],
    );
    // The sandbox is not on screen: its keys do nothing.
    let s = reduce(s, [Action::Step, Action::TogglePlay]);
    assert_eq!(s.world.sim().now(), 0);
    assert!(!s.playing);
    let sweep = Sweep::new(&Config::default(), 7, 40);
    let i = sweep
        .cells()
        .iter()
        .position(|c| *c == (CrashPoint::AfterCharge, Strategy::SAFE))
        .unwrap();
    let (config, command) = sweep.setup(i);
    let s = s.reduce(Action::OpenRun(config.clone(), 7, command));
    assert_eq!(s.view, View::Sandbox);
    assert_eq!(s.lab.id, "sandbox");
    let t = s.world.timeline();
    assert_eq!((t.seed(), t.config()), (7, &config));
    assert_eq!(t.sim().armed().len(), 1);
    assert_eq!(t.sim().armed()[0].point, CrashPoint::AfterCharge);
}

#[wasm_bindgen_test]
fn a_tick_that_moves_nothing_returns_the_same_state() {
    // Paused: nothing to do.
    let s = fresh();
    assert!(Rc::ptr_eq(
        &s,
        &s.clone().reduce(Action::Tick { elapsed_ms: 50.0 })
    ));
    // At a hundredth of real time a 50 ms tick owes half a millisecond: kept, nothing moves, and the
    // same state comes back (no clone, no re-render); the next tick owes a whole one and moves.
    let s = reduce(fresh(), [Action::SetSpeed(0.01), Action::TogglePlay]);
    assert!(s.playing);
    let (version, now) = (s.world.version(), s.world.sim().now());
    let t = s.clone().reduce(Action::Tick { elapsed_ms: 50.0 });
    assert!(Rc::ptr_eq(&s, &t), "a tick under a millisecond is a no-op");
    let u = t.reduce(Action::Tick { elapsed_ms: 50.0 });
    assert_ne!(u.world.version(), version);
    assert_eq!(u.world.sim().now(), now + 1, "the owed halves add up");
}

/// The saved progress's sorted collections keep what `BTreeSet`/`BTreeMap` gave: ascending order,
/// one entry per id, replace on insert, a default on first use.
#[wasm_bindgen_test]
fn saved_ids_stay_sorted_and_unique_like_a_btree() {
    let mut set: IdSet = ["fix".to_string(), "b".to_string(), "fix".to_string()].into();
    assert!(set.insert("a".into()));
    assert!(!set.insert("b".into()));
    let order: Vec<&str> = set.iter().map(String::as_str).collect();
    assert_eq!(order, ["a", "b", "fix"]);
    assert!(set.contains("fix") && !set.contains("c"));
    set.retain(|x| x != "b");
    assert_eq!(set.len(), 2);
    assert_eq!(format!("{set:?}"), r#"{"a", "fix"}"#);

    let mut map = IdMap::default();
    assert_eq!(map.insert("z".to_string(), 1), None);
    assert_eq!(map.insert("m".to_string(), 2), None);
    assert_eq!(map.insert("z".to_string(), 3), Some(1));
    *map.get_or_default("a") += 5;
    *map.get_or_default("m") += 5;
    let all: Vec<(&String, &i32)> = map.iter().collect();
    assert_eq!(
        all,
        [
            (&"a".to_string(), &5),
            (&"m".to_string(), &7),
            (&"z".to_string(), &3)
        ]
    );
    assert_eq!(map["m"], 7);
    map.retain(|k, v| {
        *v += 1;
        k != "a"
    });
    assert_eq!((map.len(), map.get("a"), map.get("z")), (2, None, Some(&4)));
    assert_eq!(format!("{map:?}"), r#"{"m": 8, "z": 4}"#);
}
