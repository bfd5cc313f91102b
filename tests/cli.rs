//! The `lab` command line, run as a user runs it: the built binary, its stdout, stderr and exit code.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cli::*;
use redelivery_lab::sim::lab::Lab;
use serde_json::Value;

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
        for g in l.goals {
            assert!(
                !g.text.is_empty(),
                "{id}/{}: natively the words are there",
                g.id
            );
            assert_eq!(word(format!("{id}/goals/{}", g.id)), g.text);
        }
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
    // The exported test skeleton, which the browser build fetches on the export button.
    let skeleton = redelivery_lab::sim::export::failure_injection_skeleton();
    assert!(skeleton.contains("for boundary in BOUNDARIES"));
    assert_eq!(
        word(redelivery_lab::sim::export::SKELETON_KEY.into()),
        skeleton
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
    assert!(out.contains("crashed after the database commit"), "{out}");
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
    assert_refused(&lab(&["real", "--rows", "most"]), "key or all");
    assert_refused(&lab(&["real", "--timeout-ms", "5"]), "100 to 600000");
    // A malformed URL is a mistake in the arguments, refused before anything connects (a build
    // without the reality check refuses every `lab real` that parses).
    assert_refused(
        &lab(&[
            "real",
            "--amqp",
            "amqp://guest:guest@127.0.0.1:notaport/lab",
            "--postgres",
            "postgres://u@127.0.0.1/db",
        ]),
        if cfg!(feature = "real") {
            "is not an AMQP URL"
        } else {
            "no `real` feature"
        },
    );
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
