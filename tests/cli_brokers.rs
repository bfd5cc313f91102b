//! The broker kind on the command line: `lab sweep|run|bench --broker queue|sqs|log`, a kind the
//! tool does not know refused in one sentence, and retention windows reported by `lab run`.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cli::*;

#[test]
fn the_sweep_runs_on_the_broker_it_is_given_and_says_so() {
    for (flag, name) in [
        (None, "queue"),
        (Some("queue"), "queue"),
        (Some("log"), "log"),
        (Some("sqs"), "sqs"),
    ] {
        let mut args = vec!["sweep", "--payments", "4", "--json"];
        if let Some(f) = flag {
            args.extend(["--broker", f]);
        }
        let v = json(&lab(&args));
        let rows = v.as_array().expect("rows");
        assert_eq!(rows.len(), 288);
        assert!(rows.iter().all(|r| r["broker"] == name), "{name}");
        let text = stdout(&lab(&args[..args.len()]
            .iter()
            .filter(|a| **a != "--json")
            .copied()
            .collect::<Vec<_>>()));
        assert!(
            text.starts_with(&format!(
                "Sweep: every crash point × strategy on the {name} broker"
            )),
            "{text}"
        );
        // The rows ack first as well as after the commit, and a log acks nothing: no column head
        // places the crash "before ack".
        assert!(
            text.contains("commit = after the database commit;"),
            "{name}: {text}"
        );
        assert!(!text.contains("before ack"), "{name}: {text}");
    }
}

#[test]
fn run_and_bench_take_the_broker_and_an_unknown_kind_is_refused() {
    let v = json(&lab(&[
        "run",
        "--lab",
        "double-payment",
        "--broker",
        "log",
        "--json",
    ]));
    assert_eq!(v["config"]["broker"]["kind"], "log");
    let queue = json(&lab(&["run", "--lab", "double-payment", "--json"]));
    assert!(
        queue["config"].get("broker").is_none(),
        "a queue's config is written as before"
    );
    let text = stdout(&lab(&["run", "--lab", "double-payment", "--broker", "sqs"]));
    assert!(text.contains("Broker: sqs ("), "{text}");
    let bench = lab(&[
        "bench",
        "--broker",
        "log",
        "--payments",
        "2000",
        "--runs",
        "1",
    ]);
    assert!(bench.status.success(), "{}", stderr(&bench));
    assert!(
        stdout(&bench).contains(", log broker, 1 run"),
        "{}",
        stdout(&bench)
    );
    for cmd in ["sweep", "run", "bench"] {
        assert_refused(&lab(&[cmd, "--broker", "kafka"]), "queue, sqs or log");
    }
}

#[test]
fn run_reports_a_retention_window_and_set_changes_it() {
    let text = stdout(&lab(&["run", "--lab", "expired-key"]));
    assert!(
        text.contains("Retention: processed records forever, gateway keys 2000 ms"),
        "{text}"
    );
    let v = json(&lab(&[
        "run",
        "--lab",
        "expired-key",
        "--set",
        "retention={}",
        "--json",
    ]));
    assert_eq!(
        v["totals"]["duplicate"], 0,
        "keys kept forever absorb the repeat"
    );
    assert_refused(
        &lab(&[
            "run",
            "--lab",
            "expired-key",
            "--set",
            r#"retention={"records_ms":0}"#,
        ]),
        "retention of processed records",
    );
}

/// SQS has no nack: a received message becomes visible again when its visibility timeout ends (or at
/// once, when the consumer sets it to 0), and a log consumer seeks back to the record. The events of a
/// failed delivery say what happened on every broker kind, without the word.
#[test]
fn a_failed_delivery_is_not_called_a_nack_on_sqs_or_a_log() {
    for broker in ["sqs", "log", "queue"] {
        let v = json(&lab(&[
            "run",
            "--lab",
            "retry-storm",
            "--broker",
            broker,
            "--events",
            "--json",
        ]));
        let failed: Vec<&str> = v["event_log"]
            .as_array()
            .expect("event_log")
            .iter()
            .filter(|e| e["kind"] == "nacked")
            .filter_map(|e| e["text"].as_str())
            .collect();
        assert!(!failed.is_empty(), "{broker}: no failed delivery");
        for text in failed {
            assert!(
                text.contains(" failed on consumer ") && !text.contains("nack"),
                "{broker}: {text}"
            );
        }
    }
}

/// A crash after the database commit says nothing of an ack, in JSON and as text: a log's consumer
/// acks nothing, and a queue consumer that acks first (lab 4's strategy) acked long before the
/// commit. Lab 13 crashes after the commit; it runs on its log, on a queue, and on a queue acking first.
#[test]
fn a_crash_after_the_commit_is_not_before_an_ack() {
    let crashes = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["run", "--lab", "effectively-once", "--events", "--json"];
        args.extend_from_slice(extra);
        let v = json(&lab(&args));
        v["event_log"]
            .as_array()
            .expect("event_log")
            .iter()
            .filter(|e| e["kind"] == "crashed" && e["point"] == "after_commit")
            .filter_map(|e| e["text"].as_str().map(String::from))
            .collect()
    };
    for extra in [
        &["--broker", "log"][..],
        &["--broker", "queue"],
        &["--broker", "queue", "--set", "ack_timing=manual_first"],
    ] {
        let texts = crashes(extra);
        assert!(
            !texts.is_empty(),
            "{extra:?}: lab 13 crashes after the commit"
        );
        for text in &texts {
            assert!(
                text.contains(" crashed after the database commit while holding pay-"),
                "{extra:?}: {text}"
            );
        }
    }
    let o = lab(&[
        "run",
        "--lab",
        "effectively-once",
        "--broker",
        "queue",
        "--set",
        "ack_timing=manual_first",
        "--events",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("crashed after the database commit"), "{out}");
    assert!(!out.contains("before ack"), "{out}");
}
