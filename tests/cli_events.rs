//! `lab run`'s reports of what happened, run as a user runs it: the event log (`--events`) with every
//! field of every event, its window, redeliveries after restarts, timeouts and late charges, and a
//! run that cannot settle saying why.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cli::*;
use redelivery_lab::sim::Event;
use serde_json::Value;

#[test]
fn events_adds_every_field_of_every_event_in_the_window() {
    let v = incident_with_events();
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
    let v = incident_with_events();
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
    let run = [
        "run",
        "--lab",
        "sandbox",
        "--payments",
        "5",
        "--set",
        "call_timeout_ms=30",
        "--set",
        "max_deliveries=3",
    ];
    let v = json(&lab(&[&run[..], &["--events", "--json"]].concat()));
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
    let o = lab(&run);
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
