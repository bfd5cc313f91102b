//! Running the built `lab` as a user does, for the command-line tests (`tests/cli*.rs`): its stdout,
//! stderr and exit code, JSON output, temporary config files and the refusal every mistake gets.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs the built `lab` with `args`.
pub fn lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lab"))
        .args(args)
        .output()
        .expect("the lab binary runs")
}

/// What it printed on stdout.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What it printed on stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Its stdout as JSON, once it exited 0.
pub fn json(o: &Output) -> Value {
    assert!(o.status.success(), "exit {:?}: {}", o.status, stderr(o));
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

/// A file in the temp directory that is removed when the test ends.
pub struct TempFile(PathBuf);

impl TempFile {
    pub fn new(name: &str, content: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("lab-cli-{}-{name}", std::process::id()));
        std::fs::write(&path, content).expect("temp file written");
        TempFile(path)
    }

    pub fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A refusal: exit code 2 and one sentence on stderr, never a panic.
pub fn assert_refused(o: &Output, mentions: &str) {
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

/// The outcome fields of the totals.
pub const OUTCOMES: [&str; 6] = [
    "charged_once",
    "duplicate",
    "lost",
    "orphan",
    "dead_lettered",
    "pending",
];

/// Payments over every outcome.
pub fn outcome_sum(totals: &Value) -> u64 {
    OUTCOMES
        .iter()
        .map(|k| totals[k].as_u64().unwrap_or_else(|| panic!("totals.{k}")))
        .sum()
}

/// Lab 2's incident run with its event log, as JSON.
pub fn incident_with_events() -> Value {
    json(&lab(&[
        "run",
        "--lab",
        "double-payment",
        "--events",
        "--json",
    ]))
}
