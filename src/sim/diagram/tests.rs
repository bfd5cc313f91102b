use super::*;
use crate::sim::command::CrashPoint;
use crate::sim::event::RequeueReason;
use crate::sim::lab::Lab;
use crate::sim::message::payment_label;

/// The double-payment incident in eleven events: a crash after the charge, the redelivery after the
/// restart, and the second charge.
fn incident() -> Vec<LoggedEvent> {
    use Event::*;
    let events = [
        Published { payment: 3 },
        Delivered {
            payment: 3,
            consumer: 0,
            delivery: 1,
            redelivered: false,
        },
        Charged {
            payment: 3,
            consumer: 0,
            replayed: false,
            late: false,
        },
        Crashed {
            consumer: 0,
            point: CrashPoint::AfterCharge,
            payment: Some(3),
        },
        Requeued {
            payment: 3,
            reason: RequeueReason::Disconnect,
        },
        Restarted { consumer: 0 },
        Delivered {
            payment: 3,
            consumer: 0,
            delivery: 2,
            redelivered: true,
        },
        Charged {
            payment: 3,
            consumer: 0,
            replayed: false,
            late: false,
        },
        LedgerWritten {
            payment: 3,
            consumer: 0,
            changed: true,
        },
        Committed {
            payment: 3,
            consumer: 0,
        },
        Acked {
            payment: 3,
            consumer: 0,
        },
    ];
    events
        .into_iter()
        .enumerate()
        .map(|(i, event)| LoggedEvent {
            seq: i as u64,
            time: 10 * i as u64,
            event,
        })
        .collect()
}

#[test]
fn the_incident_as_mermaid_marks_the_crash_the_redelivery_and_the_duplicate_charge() {
    let text = write(DiagramFormat::Mermaid, "Lab 2; seed 7", 1, &incident(), "");
    assert_eq!(
        text,
        "sequenceDiagram
    title Lab 2  seed 7
    participant P as Producer
    participant B as Broker
    participant C1 as Consumer 1
    participant DB as Database
    participant G as Gateway
    P->>B: pay-0003 published
    B->>C1: pay-0003 delivered to consumer 1 (delivery 1)
    C1->>G: pay-0003 card charged for consumer 1
    rect rgb(255, 205, 210)
    Note over C1: CRASH: consumer 1 crashed after charge while holding pay-0003
    end
    Note over B: pay-0003 back in the queue (its consumer disconnected before acking)
    Note over C1: consumer 1 restarted
    rect rgb(255, 224, 178)
    B->>C1: REDELIVERY: pay-0003 delivered to consumer 1 (delivery 2, redelivered)
    end
    rect rgb(255, 205, 210)
    C1->>G: pay-0003 card charged for consumer 1
    Note right of G: DUPLICATE CHARGE, charge 2 of this payment
    end
    C1->>DB: pay-0003 ledger written by consumer 1
    C1->>DB: pay-0003 transaction committed by consumer 1
    C1->>B: pay-0003 acked by consumer 1: the broker counts it as done
"
    );
}

#[test]
fn the_incident_as_plantuml_marks_the_crash_the_redelivery_and_the_duplicate_charge() {
    let text = write(
        DiagramFormat::PlantUml,
        "Lab 2",
        2,
        &incident(),
        "The first 11 of 40 events",
    );
    assert_eq!(
        text,
        "@startuml
title Lab 2
participant \"Producer\" as P
participant \"Broker\" as B
participant \"Consumer 1\" as C1
participant \"Consumer 2\" as C2
participant \"Database\" as DB
participant \"Gateway\" as G
note over P,G : The first 11 of 40 events
P -> B : pay-0003 published
B -> C1 : pay-0003 delivered to consumer 1 (delivery 1)
C1 -> G : pay-0003 card charged for consumer 1
note over C1 #FFCDD2 : CRASH: consumer 1 crashed after charge while holding pay-0003
note over B : pay-0003 back in the queue (its consumer disconnected before acking)
note over C1 : consumer 1 restarted
B -[#E65100]> C1 : REDELIVERY: pay-0003 delivered to consumer 1 (delivery 2, redelivered)
C1 -[#C62828]> G : pay-0003 card charged for consumer 1
note right of G #FFCDD2 : DUPLICATE CHARGE, charge 2 of this payment
C1 -> DB : pay-0003 ledger written by consumer 1
C1 -> DB : pay-0003 transaction committed by consumer 1
C1 -> B : pay-0003 acked by consumer 1: the broker counts it as done
@enduml
"
    );
}

#[test]
fn a_key_replayed_charge_is_not_a_duplicate() {
    let mut events = incident();
    events[7].event = Event::Charged {
        payment: 3,
        consumer: 0,
        replayed: true,
        late: false,
    };
    let text = write(DiagramFormat::Mermaid, "t", 1, &events, "");
    assert!(!text.contains("DUPLICATE"), "{text}");
    assert!(
        text.contains("C1->>G: pay-0003: the gateway recognised the key and returned the first charge (consumer 1)"),
        "{text}"
    );
}

/// A crash after the database commit is drawn with the words the event log prints, which say nothing
/// of an ack (a log acks nothing; a strategy that acks first acked long before).
#[test]
fn a_crash_after_the_commit_is_not_before_an_ack() {
    let mut events = incident();
    events[3].event = Event::Crashed {
        consumer: 0,
        point: CrashPoint::AfterCommit,
        payment: Some(3),
    };
    let text = write(DiagramFormat::Mermaid, "t", 1, &events, "");
    let crash = text
        .lines()
        .find(|l| l.contains("CRASH"))
        .expect("a crash note");
    assert_eq!(
        crash.trim(),
        "Note over C1: CRASH: consumer 1 crashed after the database commit while holding pay-0003"
    );
}

#[test]
fn format_names_parse_and_others_do_not() {
    assert_eq!(
        DiagramFormat::from_name("mermaid"),
        Some(DiagramFormat::Mermaid)
    );
    assert_eq!(
        DiagramFormat::from_name("plantuml"),
        Some(DiagramFormat::PlantUml)
    );
    assert_eq!(DiagramFormat::from_name("svg"), None);
}

/// The real double-payment lab: the story of its first duplicate shows every mark, and nothing of
/// another payment.
#[test]
fn a_duplicate_payments_story_from_the_double_payment_lab_has_every_mark() {
    let lab = Lab::by_id("double-payment").expect("lab 2");
    let sim = lab.run(&lab.config, lab.seed, 3_600_000);
    let dup = sim.anomalies(1)[0].payment;
    let text = for_sim(
        DiagramFormat::Mermaid,
        &sim,
        Some(dup),
        PAYMENT_EVENTS,
        "story",
    );
    for mark in ["CRASH", "REDELIVERY:", "DUPLICATE CHARGE", "restarted"] {
        assert!(text.contains(mark), "{mark} missing from:\n{text}");
    }
    let label = payment_label(dup);
    for l in text.lines().filter(|l| l.contains("pay-")) {
        assert!(
            l.contains(&label),
            "another payment's line in {label}'s story: {l}"
        );
    }
}

#[test]
fn a_run_is_capped_at_its_first_events_and_says_so() {
    let lab = Lab::by_id("double-payment").expect("lab 2");
    let sim = lab.run(&lab.config, lab.seed, 3_600_000);
    let text = for_sim(DiagramFormat::PlantUml, &sim, None, 5, "run");
    let total = sim.events().window().len();
    assert!(
        text.contains(&format!("note over P,G : The first 5 of {total} events")),
        "{text}"
    );
    let drawn = text
        .lines()
        .filter(|l| l.contains(" : ") && !l.starts_with("note over P,G"))
        .count();
    assert_eq!(drawn, 5, "{text}");
}
