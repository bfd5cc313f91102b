//! The `lab` command line, run as a user runs it: the built binary, its stdout, stderr and exit code.
#![cfg(not(target_arch = "wasm32"))]

use redelivery_lab::sim::Event;
use redelivery_lab::sim::lab::Lab;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lab"))
        .args(args)
        .output()
        .expect("the lab binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "exit {:?}: {}", o.status, stderr(o));
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

/// A file in the temp directory that is removed when the test ends.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, content: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("lab-cli-{}-{name}", std::process::id()));
        std::fs::write(&path, content).expect("temp file written");
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A refusal: exit code 2 and one sentence on stderr, never a panic.
fn assert_refused(o: &Output, mentions: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains(mentions),
        "{err:?} should mention {mentions:?}"
    );
    assert!(o.stdout.is_empty(), "nothing on stdout");
}

const OUTCOMES: [&str; 6] = [
    "charged_once",
    "duplicate",
    "lost",
    "orphan",
    "dead_lettered",
    "pending",
];

fn outcome_sum(totals: &Value) -> u64 {
    OUTCOMES
        .iter()
        .map(|k| totals[k].as_u64().unwrap_or_else(|| panic!("totals.{k}")))
        .sum()
}

#[test]
fn no_arguments_and_help_print_the_usage() {
    for args in [&[][..], &["--help"], &["run", "--help"]] {
        let o = lab(args);
        assert!(o.status.success());
        let out = stdout(&o);
        for shape in ["lab run", "lab sweep", "lab bench", "lab labs", "--json"] {
            assert!(out.contains(shape), "{args:?}: usage lists {shape}");
        }
    }
}

#[test]
fn labs_lists_every_lab_with_its_title() {
    let o = lab(&["labs"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for l in Lab::all() {
        let line = out
            .lines()
            .find(|line| line.split_whitespace().next() == Some(l.id))
            .unwrap_or_else(|| panic!("a line for {}", l.id));
        assert!(line.contains(l.title), "{line}");
    }
}

/// The site's lessons.json: every lab's words under their keys, as the Rust literals hold them, with
/// as many options and hints as the browser build counts (it asks for them by index).
#[test]
fn labs_lessons_writes_every_lab_text_for_the_site() {
    let v = json(&lab(&["labs", "--lessons"]));
    let word = |key: String| {
        v[&key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key}"))
            .to_string()
    };
    for l in Lab::all() {
        let id = l.id;
        assert!(
            !l.narrative.predict.is_empty() && !l.solution.is_empty(),
            "{id}: natively the words are there"
        );
        assert_eq!(word(format!("{id}/predict")), l.narrative.predict);
        assert_eq!(word(format!("{id}/run")), l.narrative.run);
        assert_eq!(word(format!("{id}/observe")), l.narrative.observe);
        assert_eq!(word(format!("{id}/explain")), l.narrative.explain);
        assert_eq!(word(format!("{id}/solution")), l.solution);
        for (i, h) in l.hints.iter().enumerate() {
            assert_eq!(word(format!("{id}/hints/{i}")), *h);
        }
        assert!(
            v.get(format!("{id}/hints/{}", l.hints.len())).is_none(),
            "{id}: no extra hint"
        );
        if let Some(p) = l.prediction {
            assert_eq!(word(format!("{id}/question")), p.question);
            assert_eq!(word(format!("{id}/why")), p.why);
            for (i, o) in p.options.iter().enumerate() {
                assert_eq!(word(format!("{id}/options/{i}")), *o);
            }
        }
    }
    assert_eq!(
        word("closing/takeaways/4".into()),
        redelivery_lab::sim::lab::TAKEAWAYS[4]
    );
    assert_eq!(
        word("closing/when_to_use/3".into()),
        redelivery_lab::sim::lab::WHEN_TO_USE[3]
    );
}

#[test]
fn run_config_json_reports_totals_signals_and_digest() {
    let config = TempFile::new(
        "calm.json",
        r#"{"payments": 30, "consumers": 2, "strategy": {"idempotency": true, "transactional": true,
            "ack_timing": "after_commit", "gateway_key": true, "record_check": "unique_constraint"}}"#,
    );
    let v = json(&lab(&["run", "--config", config.path(), "--json"]));
    let totals = &v["totals"];
    for k in OUTCOMES {
        assert!(totals[k].is_u64(), "totals.{k}");
    }
    assert_eq!(outcome_sum(totals), 30, "every payment has one outcome");
    assert_eq!(totals["charged_once"], 30);
    assert!(v["signals"]["consumer_restarts"].is_u64());
    assert!(v["signals"]["latency_p50_ms"].is_u64());
    let digest = v["digest"].as_str().expect("digest");
    assert_eq!(digest.len(), 16);
    assert!(digest.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(v["settled"], true);
}

#[test]
fn run_config_applies_scripted_actions_at_their_time() {
    let scenario = TempFile::new(
        "incident.json",
        r#"{"config": {"payments": 20},
            "actions": [{"at": 0, "command": {"cmd": "arm_crash", "consumer": null,
                         "point": "after_commit", "mode": {"mode": "once"}}}]}"#,
    );
    let v = json(&lab(&["run", "--config", scenario.path(), "--json"]));
    assert_eq!(v["totals"]["duplicate"], 1, "{}", v["totals"]);
    assert_eq!(outcome_sum(&v["totals"]), 20);
    assert_eq!(v["signals"]["consumer_restarts"], 1);
    let anomaly = &v["anomalies"][0];
    assert_eq!(anomaly["outcome"], "duplicate");
    assert!(
        anomaly["causes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|e| e["event"]["kind"] == "crashed")),
        "the crash is among the causes: {anomaly}"
    );

    // The readable report names the anomaly and the crash that caused it.
    let o = lab(&["run", "--config", scenario.path()]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("DUPLICATE"), "{out}");
    assert!(out.contains("crashed after commit"), "{out}");
}

#[test]
fn the_same_run_gives_the_same_digest_and_another_seed_another() {
    let config = TempFile::new("seeded.json", r#"{"payments": 25}"#);
    let digest = |seed: &str| {
        json(&lab(&[
            "run",
            "--config",
            config.path(),
            "--seed",
            seed,
            "--json",
        ]))["digest"]
            .as_str()
            .expect("digest")
            .to_string()
    };
    assert_eq!(digest("7"), digest("7"));
    assert_ne!(digest("7"), digest("8"));
}

#[test]
fn run_lab_reports_its_goals() {
    let id = Lab::all()
        .into_iter()
        .find(|l| !l.goals.is_empty())
        .expect("a lab with goals")
        .id;
    let v = json(&lab(&["run", "--lab", id, "--json", "--payments", "12"]));
    assert_eq!(v["lab"], id);
    assert_eq!(outcome_sum(&v["totals"]), 12);
    let goals = v["goals"].as_array().expect("goals");
    assert!(!goals.is_empty());
    for g in goals {
        assert!(["pass", "fail", "pending"].contains(&g["status"].as_str().unwrap_or("")));
    }
}

#[test]
fn sweep_json_has_every_cell_with_the_five_toggles() {
    let v = json(&lab(&[
        "sweep",
        "--seed",
        "1",
        "--payments",
        "40",
        "--json",
    ]));
    let rows = v.as_array().expect("an array of rows");
    assert_eq!(rows.len(), 288);
    let is = |r: &Value, i: bool, t: bool, ack: &str, k: bool, check: &str| {
        let s = &r["strategy"];
        s["idempotency"] == i
            && s["transactional"] == t
            && s["ack_timing"] == ack
            && s["gateway_key"] == k
            && s["record_check"] == check
    };
    for r in rows {
        let keys: Vec<&String> = r["strategy"]
            .as_object()
            .expect("strategy")
            .keys()
            .collect();
        assert_eq!(keys.len(), 5, "{keys:?}");
        assert_eq!(outcome_sum(&r["totals"]), 40);
    }
    let safe: Vec<&Value> = rows
        .iter()
        .filter(|r| is(r, true, true, "after_commit", true, "unique_constraint"))
        .collect();
    assert_eq!(safe.len(), 6, "one SAFE row per crash point");
    for r in safe {
        let t = &r["totals"];
        assert_eq!(
            (&t["duplicate"], &t["lost"], &t["orphan"]),
            (&Value::from(0), &Value::from(0), &Value::from(0)),
            "{r}"
        );
        assert_eq!(t["charged_once"], 40, "{r}");
    }
    let naive_after_commit = rows
        .iter()
        .find(|r| {
            r["crash_point"] == "after_commit"
                && is(r, false, false, "after_commit", false, "check_then_insert")
        })
        .expect("the naive row at after_commit");
    assert!(
        naive_after_commit["totals"]["duplicate"].as_u64() > Some(0),
        "{naive_after_commit}"
    );
}

#[test]
fn sweep_text_draws_a_truth_table_with_a_legend() {
    let o = lab(&["sweep", "--payments", "20"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("SAFE") && out.contains("DUP ") && out.contains("LOST "));
    assert!(out.contains("Legend"));
    let safe_row = out
        .lines()
        .find(|l| l.ends_with("← SAFE"))
        .expect("SAFE row");
    assert_eq!(
        safe_row.matches("SAFE").count(),
        7,
        "six safe cells: {safe_row}"
    );
}

#[test]
fn bench_ends_with_the_median_throughput() {
    let o = lab(&["bench", "--payments", "2000", "--runs", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let last = out.lines().last().expect("output");
    let n = last
        .strip_prefix("payments_per_sec: ")
        .and_then(|n| n.parse::<u64>().ok());
    assert!(n.is_some_and(|n| n > 0), "{last:?}");
    assert_eq!(out.matches("payments/s (").count(), 3, "one line per run");
}

#[test]
fn a_malformed_config_is_refused_with_one_sentence() {
    let bad = TempFile::new("bad.json", r#"{"payments": 20, "#);
    assert_refused(
        &lab(&["run", "--config", bad.path(), "--json"]),
        "not valid JSON",
    );
}

#[test]
fn an_out_of_range_or_misspelt_config_is_refused() {
    let zero = TempFile::new("zero.json", r#"{"consumers": 0}"#);
    assert_refused(&lab(&["run", "--config", zero.path()]), "Consumers");
    let typo = TempFile::new("typo.json", r#"{"paymnets": 20}"#);
    assert_refused(&lab(&["run", "--config", typo.path()]), "paymnets");
    let bad_action = TempFile::new(
        "action.json",
        r#"{"actions": [{"at": 5, "command": {"cmd": "crash_now", "consumer": 3}}]}"#,
    );
    assert_refused(
        &lab(&["run", "--config", bad_action.path()]),
        "no consumer 4",
    );
}

#[test]
fn mistakes_on_the_command_line_exit_2() {
    assert_refused(
        &lab(&["run", "--lab", "double-payment", "--fast"]),
        "--fast",
    );
    assert_refused(&lab(&["run", "--lab", "no-such-lab"]), "no-such-lab");
    assert_refused(
        &lab(&["run", "--config", "/nonexistent/lab.json"]),
        "does not exist",
    );
    assert_refused(&lab(&["sweep", "--seed", "seven"]), "seven");
    assert_refused(&lab(&["bench", "--payments"]), "needs a value");
    assert_refused(&lab(&["sweep", "--runs", "3"]), "does not apply");
    assert_refused(&lab(&["run"]), "--lab");
    assert_refused(&lab(&["fly"]), "fly");
    assert_refused(&lab(&["--seed", "3"]), "--seed");
}

#[test]
fn set_overrides_strategy_fields_and_settings_of_a_lab() {
    let plain = json(&lab(&["run", "--lab", "double-payment", "--json"]));
    assert!(
        plain["totals"]["duplicate"].as_u64() > Some(0),
        "the incident charges someone twice: {}",
        plain["totals"]
    );
    let fixed = json(&lab(&[
        "run",
        "--lab",
        "double-payment",
        "--json",
        "--set",
        "idempotency=true",
        "--set",
        "transactional=true",
        "--set=gateway_key=true",
        "--set",
        "record_check=unique_constraint",
        "--set",
        "ledger_write=commutative",
        "--set",
        "max_deliveries=5",
        "--set",
        r#"retry={"policy":"exponential","base_ms":100,"cap_ms":2000,"jitter":true}"#,
    ]));
    let c = &fixed["config"];
    assert_eq!(c["strategy"]["idempotency"], true);
    assert_eq!(c["strategy"]["gateway_key"], true);
    assert_eq!(c["strategy"]["ledger_write"], "commutative");
    assert_eq!(c["max_deliveries"], 5);
    assert_eq!(c["retry"]["policy"], "exponential");
    assert_eq!(c["retry"]["cap_ms"], 2000);
    assert_eq!(
        c["payments"], plain["config"]["payments"],
        "the rest of the lab stays"
    );
    let t = &fixed["totals"];
    assert_eq!(
        (&t["duplicate"], &t["lost"], &t["orphan"]),
        (&Value::from(0), &Value::from(0), &Value::from(0)),
        "every safeguard on: nobody charged twice, {t}"
    );
    assert_eq!(outcome_sum(t), plain["payments"].as_u64().unwrap_or(0));
}

#[test]
fn set_works_on_a_config_file_and_a_later_set_wins() {
    let config = TempFile::new("set.json", r#"{"payments": 30, "consumers": 2}"#);
    let v = json(&lab(&[
        "run",
        "--config",
        config.path(),
        "--json",
        "--set",
        "payments=12",
        "--set",
        "ack_timing=before_process",
        "--set",
        "consumers=1",
        "--set",
        "payments=9",
    ]));
    assert_eq!(v["payments"], 9);
    assert_eq!(outcome_sum(&v["totals"]), 9);
    assert_eq!(v["config"]["consumers"], 1);
    assert_eq!(
        v["config"]["strategy"]["ack_timing"], "manual_first",
        "the old word still parses"
    );
}

#[test]
fn set_refuses_unknown_keys_and_bad_values_with_one_sentence() {
    let run = |set: &str| lab(&["run", "--lab", "double-payment", "--set", set]);
    assert_refused(&run("max_deliverys=2"), "“max_deliverys”");
    assert_refused(&run("gateway_key=maybe"), "gateway_key=maybe");
    assert_refused(&run("max_deliveries=-1"), "max_deliveries=-1");
    assert_refused(&run("ack_timing=sometimes"), "after_commit");
    assert_refused(&run("retry={\"policy\":\"often\"}"), "retry=");
    assert_refused(&run("consumers=9"), "Consumers must be between 1 and 4");
    assert_refused(&run("payments"), "key=value");
    assert_refused(&run("latency.nothing=1"), "“latency.nothing”");
}

#[test]
fn events_adds_every_field_of_every_event_in_the_window() {
    let v = json(&lab(&[
        "run",
        "--lab",
        "double-payment",
        "--events",
        "--json",
    ]));
    let log = v["event_log"].as_array().expect("event_log");
    assert_eq!(log.len() as u64, v["events"].as_u64().expect("events"));
    assert_eq!(v["event_log_dropped"], 0);
    let mut kinds = std::collections::BTreeSet::new();
    for (i, e) in log.iter().enumerate() {
        assert_eq!(e["seq"], i as u64, "in order, none missing");
        assert!(e["time_ms"].is_u64(), "{e}");
        for k in ["kind", "payment", "consumer", "text"] {
            assert!(e.get(k).is_some(), "{k} in {e}");
        }
        // Every field of the event is there: the entry reads back as the core's event, and
        // writing that event again gives exactly the entry's fields.
        let event: Event = serde_json::from_value(e.clone()).expect("reads back as an event");
        let fields = serde_json::to_value(event).expect("serialisable");
        for (k, field) in fields.as_object().expect("an object") {
            assert_eq!(&e[k], field, "{k} in {e}");
        }
        assert_eq!(e["text"], event.to_string());
        kinds.insert(e["kind"].as_str().unwrap_or("").to_string());
    }
    for k in [
        "published",
        "delivered",
        "charged",
        "crashed",
        "restarted",
        "requeued",
    ] {
        assert!(kinds.contains(k), "the incident has a {k} event: {kinds:?}");
    }
    let crash = log
        .iter()
        .find(|e| e["kind"] == "crashed")
        .expect("a crash");
    assert_eq!(crash["point"], "after_commit");
    let redelivery = log
        .iter()
        .find(|e| e["kind"] == "delivered" && e["redelivered"] == true)
        .expect("a redelivery");
    assert!(redelivery["delivery"].as_u64() > Some(1), "{redelivery}");

    let without = json(&lab(&["run", "--lab", "double-payment", "--json"]));
    assert!(without.get("event_log").is_none());
}

#[test]
fn events_keeps_only_the_event_window() {
    let v = json(&lab(&[
        "run",
        "--lab",
        "double-payment",
        "--events",
        "--json",
        "--set",
        "event_window=10",
    ]));
    let log = v["event_log"].as_array().expect("event_log");
    let total = v["events"].as_u64().expect("events");
    assert_eq!(log.len(), 10);
    assert_eq!(v["event_log_dropped"], total - 10);
    assert_eq!(log[9]["seq"], total - 1, "the most recent events");

    let o = lab(&[
        "run",
        "--lab",
        "double-payment",
        "--events",
        "--set",
        "event_window=10",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Event log (10 events)"), "{out}");
    assert!(out.contains("have left the event window"), "{out}");
}

#[test]
fn events_show_each_redelivery_right_after_the_restart_before_it() {
    let v = json(&lab(&[
        "run",
        "--lab",
        "double-payment",
        "--events",
        "--json",
    ]));
    let log = v["event_log"].as_array().expect("event_log");
    let redeliveries: Vec<usize> = (0..log.len())
        .filter(|i| log[*i]["kind"] == "delivered" && log[*i]["redelivered"] == true)
        .collect();
    assert!(!redeliveries.is_empty(), "the incident redelivers");
    for i in redeliveries {
        let e = &log[i];
        let before = log[..i]
            .iter()
            .rev()
            .find(|b| b["consumer"] == e["consumer"])
            .expect("an earlier event of the consumer");
        assert_eq!(
            before["kind"], "restarted",
            "the redelivery {e} follows its consumer's restart, not {before}"
        );
    }
}

#[test]
fn a_call_timeout_set_below_the_charge_time_shows_timeouts_and_late_charges() {
    // The gateway takes about 40 ms a charge; a consumer that waits 30 ms gives up on every call,
    // and the gateway charges the card anyway.
    let v = json(&lab(&[
        "run",
        "--lab",
        "sandbox",
        "--payments",
        "5",
        "--set",
        "call_timeout_ms=30",
        "--set",
        "max_deliveries=3",
        "--events",
        "--json",
    ]));
    let log = v["event_log"].as_array().expect("event_log");
    let count = |f: &dyn Fn(&Value) -> bool| log.iter().filter(|e| f(e)).count() as u64;
    let timeouts = count(&|e| e["kind"] == "charge_timed_out");
    let late = count(&|e| e["kind"] == "charged" && e["late"] == true);
    assert!(timeouts > 0 && late > 0, "{timeouts} timeouts, {late} late");
    assert_eq!(v["signals"]["charge_timeouts"], timeouts);
    assert_eq!(v["signals"]["late_charges"], late);
    let t = log
        .iter()
        .find(|e| e["kind"] == "charge_timed_out")
        .expect("a timeout");
    assert!(t["payment"].is_u64() && t["consumer"].is_u64(), "{t}");
    assert!(
        v["totals"]["duplicate"].as_u64() > Some(0),
        "a retry after a timeout charges again: {}",
        v["totals"]
    );

    // The text report names the same counts.
    let o = lab(&[
        "run",
        "--lab",
        "sandbox",
        "--payments",
        "5",
        "--set",
        "call_timeout_ms=30",
        "--set",
        "max_deliveries=3",
    ]);
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("gateway calls timed out"))
        .expect("a timeout line");
    assert!(line.trim_end().ends_with(&format!(" {timeouts}")), "{line}");
}

#[test]
fn a_run_that_cannot_settle_says_why() {
    let stuck = TempFile::new(
        "stuck.json",
        r#"{"config": {"payments": 1, "restart_delay_ms": 0},
            "actions": [{"at": 0, "command": {"cmd": "arm_crash", "consumer": null,
                         "point": "after_charge", "mode": {"mode": "always"}}}]}"#,
    );
    let v = json(&lab(&["run", "--config", stuck.path(), "--json"]));
    assert_eq!(v["settled"], false);
    let halt = v["halt"].as_str().expect("a reason");
    assert!(halt.contains("cannot settle"), "{halt}");
    let anomaly = &v["anomalies"][0];
    assert!(anomaly["causes_total"].as_u64() > Some(1_000), "{anomaly}");
    assert_eq!(
        anomaly["causes"].as_array().map(Vec::len),
        Some(12),
        "a dozen causes shown, not thousands"
    );
    let out = stdout(&lab(&["run", "--config", stuck.path()]));
    assert!(out.lines().count() < 100, "a readable report");
    assert!(
        out.contains("Did NOT settle") && out.contains(halt),
        "{out}"
    );
    assert!(out.contains("more of its events"), "{out}");

    let calm = json(&lab(&["run", "--lab", "sandbox", "--json"]));
    assert_eq!(
        (&calm["settled"], &calm["halt"]),
        (&Value::Bool(true), &Value::Null)
    );
}
