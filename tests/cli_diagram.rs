//! `lab run --diagram`: the double-payment incident as Mermaid and PlantUML, run as a user runs it,
//! and the sentence a misused flag gets.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cli::*;

#[test]
fn a_duplicate_payments_story_prints_as_mermaid_with_every_mark() {
    let o = lab(&[
        "run",
        "--lab",
        "double-payment",
        "--diagram",
        "mermaid",
        "--payment",
        "5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("sequenceDiagram\n    title Redelivery Lab, lab “double-payment”"),
        "{text}"
    );
    assert!(text.contains(", seed 42, pay-0005\n"), "{text}");
    for mark in [
        "Note over C1: CRASH",
        "REDELIVERY: pay-0005",
        "DUPLICATE CHARGE, charge 2",
    ] {
        assert!(text.contains(mark), "{mark} missing:\n{text}");
    }
}

#[test]
fn a_run_prints_as_plantuml_capped_at_its_first_events() {
    let o = lab(&[
        "run",
        "--lab",
        "double-payment",
        "--diagram",
        "plantuml",
        "--diagram-events",
        "3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("@startuml\n") && text.ends_with("@enduml\n"),
        "{text}"
    );
    assert!(text.contains("note over P,G : The first 3 of "), "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("P -> B : pay-"))
            .count(),
        2,
        "{text}"
    );
}

#[test]
fn a_misused_diagram_flag_gets_one_sentence() {
    for (args, says) in [
        (
            vec!["--diagram", "svg"],
            "The option --diagram needs mermaid or plantuml",
        ),
        (
            vec!["--payment", "3"],
            "--payment and --diagram-events go with --diagram",
        ),
        (
            vec!["--diagram", "mermaid", "--payment", "20"],
            "There is no payment 20: this run has 20 payments",
        ),
    ] {
        let mut all = vec!["run", "--lab", "double-payment"];
        all.extend(args);
        let o = lab(&all);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
}
