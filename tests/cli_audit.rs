//! `lab audit --handler handler.json`, run as a user runs it: the table, the explanations, the
//! permalink the audit page reopens, and one sentence with exit code 2 for a file that is not a handler.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cli::*;
use redelivery_lab::sim::audit::{Handler, decode};

#[test]
fn a_handler_that_charges_before_its_transaction_shows_the_after_charge_duplicate() {
    let f = TempFile::new(
        "charge-first.json",
        r#"{"steps": ["charge", "begin", "check", "record", "ledger", "commit", "ack"],
            "record_check": "unique_constraint"}"#,
    );
    let o = lab(&["audit", "--handler", f.path()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let row = text
        .lines()
        .find(|l| l.starts_with("crash after “charge the card”"))
        .unwrap_or_else(|| panic!("no after-charge row:\n{text}"));
    assert!(row.ends_with("2            1  DUPLICATE"), "{row}");
    assert!(
        text.contains("- crash after “charge the card”: The consumer crashed after “charge the card”. The charge runs before the handler looks for its idempotency record"),
        "{text}"
    );
    let link = text
        .lines()
        .find_map(|l| l.strip_prefix("Permalink: audit.html#"))
        .expect("a permalink");
    let reopened = decode(link).expect("the permalink decodes");
    assert_eq!(
        reopened.steps[0],
        redelivery_lab::sim::audit::HandlerStep::Charge
    );
}

#[test]
fn the_correct_handler_passes_and_json_says_so() {
    let f = TempFile::new(
        "correct.json",
        r#"{"steps": ["begin", "check", "record", "charge", "ledger", "commit", "ack"],
            "record_key": "business_id", "record_check": "unique_constraint",
            "gateway_key": "business_id", "auto_ack": false}"#,
    );
    let o = lab(&["audit", "--handler", f.path()]);
    assert!(stdout(&o).contains("Every case passes"), "{}", stdout(&o));
    let v = json(&lab(&[
        "audit",
        "--handler",
        f.path(),
        "--json",
        "--site",
        "https://example.org/lab/",
    ]));
    assert_eq!(v["passes"], true);
    assert_eq!(
        v["permalink"],
        "https://example.org/lab/audit.html#1-bcrglta-bubm"
    );
    assert_eq!(decode("1-bcrglta-bubm"), Ok(Handler::correct()));
}

#[test]
fn a_file_that_is_not_a_handler_gets_one_sentence_and_exit_code_2() {
    let cases = [
        ("not-json.json", "{steps: [", "is not a valid handler"),
        (
            "typo.json",
            r#"{"steps": ["charge", "legder", "ack"]}"#,
            "unknown variant",
        ),
        (
            "no-begin.json",
            r#"{"steps": ["charge", "ledger", "commit", "ack"]}"#,
            "commits without beginning a transaction",
        ),
    ];
    for (name, content, words) in cases {
        let f = TempFile::new(name, content);
        assert_refused(&lab(&["audit", "--handler", f.path()]), words);
    }
    assert_refused(
        &lab(&["audit", "--handler", "/nonexistent/handler.json"]),
        "does not exist",
    );
}
