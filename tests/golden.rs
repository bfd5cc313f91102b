//! The native half of the determinism contract: every lab's event-log digest (and the readable summary
//! beside it) equals the checked-in golden file, which the browser test (tests/wasm_determinism.rs)
//! compares against too.
//!
//! When a change to the model is meant to change decisions, regenerate the file with
//! `UPDATE_GOLDEN=1 cargo test --test golden`: it prints which labs moved, old line above new, so the
//! commit can say what changed (e.g. `duplicate=3` → `duplicate=2`).
#![cfg(not(target_arch = "wasm32"))]

use redelivery_lab::sim::golden::{digest_of, lab_lines};
use std::io::Write;

const GOLDEN: &str = include_str!("golden/lab_digests.txt");

/// The labs whose line differs, as `- old` / `+ new` pairs in course order (a lab only in one file
/// shows one line).
fn changed_lines(old: &str, new: &str) -> Vec<String> {
    let id = |l: &str| l.split_whitespace().next().unwrap_or("").to_string();
    let find = |text: &str, lab: &str| text.lines().find(|l| id(l) == lab).map(str::to_string);
    let mut ids: Vec<String> = new.lines().map(id).collect();
    ids.extend(
        old.lines()
            .map(id)
            .filter(|i| !new.lines().any(|l| id(l) == *i)),
    );
    let mut out = Vec::new();
    for lab in ids {
        let (o, n) = (find(old, &lab), find(new, &lab));
        if o != n {
            out.extend(o.map(|l| format!("- {l}")));
            out.extend(n.map(|l| format!("+ {l}")));
        }
    }
    out
}

#[test]
fn lab_digests_match_the_golden_file() {
    let now = lab_lines();
    let changed = changed_lines(GOLDEN, &now);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/lab_digests.txt"),
            &now,
        )
        .unwrap();
        // Straight to stderr, past the test harness's output capture: the person updating should see
        // what moved without --nocapture.
        let mut err = std::io::stderr();
        if changed.is_empty() {
            let _ = writeln!(err, "golden: no lab changed");
        } else {
            let _ = writeln!(
                err,
                "golden: tests/golden/lab_digests.txt rewritten; the labs that moved (old above new):"
            );
        }
        for l in &changed {
            let _ = writeln!(err, "{l}");
        }
        return;
    }
    // The digests are the contract; the summaries only explain them, so a summary that changed with
    // the same digest would mean the summary is computed from something outside the event log.
    let digests = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| digest_of(l).unwrap_or("").to_string())
            .collect()
    };
    assert!(
        digests(&now) == digests(GOLDEN) && changed.is_empty(),
        "the simulation's decisions changed; if that is intended, rerun with UPDATE_GOLDEN=1 and \
         commit the file. Changed labs (old above new):\n{}",
        changed.join("\n")
    );
}

#[test]
fn the_same_run_twice_gives_the_same_lines() {
    assert_eq!(lab_lines(), lab_lines());
}

#[test]
fn a_change_shows_the_old_and_the_new_line_of_the_labs_that_moved() {
    let old = "a 0000000000000001  duplicate=1\nb 0000000000000002  duplicate=0\ngone 3  x=1\n";
    let new = "a 0000000000000001  duplicate=1\nb 00000000000000ff  duplicate=2\nnew 4  x=2\n";
    assert_eq!(
        changed_lines(old, new),
        [
            "- b 0000000000000002  duplicate=0",
            "+ b 00000000000000ff  duplicate=2",
            "+ new 4  x=2",
            "- gone 3  x=1",
        ]
    );
    assert!(changed_lines(new, new).is_empty());
}
