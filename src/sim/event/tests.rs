//! Every event kind, one sample each: its kind word, its payment, its sentence, its digest words and
//! its JSON. `index_of` matches without a wildcard, so a new kind does not compile until it has a
//! sample here.

use super::*;
use crate::sim::message::payment_label;

const P: u32 = 7;
const C: u8 = 2;

/// One event of every kind, in declaration order, about payment [`P`] and consumer [`C`] where the
/// kind names them.
fn one_of_each() -> Vec<Event> {
    one_of_each_about(P, C)
}

/// One event of every kind about payment `p` and consumer `c`.
fn one_of_each_about(p: u32, c: u8) -> Vec<Event> {
    use Event::*;
    vec![
        Published { payment: p },
        Delivered {
            payment: p,
            consumer: c,
            delivery: 2,
            redelivered: true,
        },
        DuplicateSkipped {
            payment: p,
            consumer: c,
        },
        Charged {
            payment: p,
            consumer: c,
            replayed: false,
            late: true,
        },
        ChargeFailed {
            payment: p,
            consumer: c,
        },
        LedgerWritten {
            payment: p,
            consumer: c,
            changed: true,
        },
        RecordWritten {
            payment: p,
            consumer: c,
        },
        Committed {
            payment: p,
            consumer: c,
        },
        RolledBack {
            payment: p,
            consumer: c,
        },
        ConstraintViolated {
            payment: p,
            consumer: c,
        },
        Acked {
            payment: p,
            consumer: c,
        },
        AckLost {
            payment: p,
            consumer: c,
        },
        Nacked {
            payment: p,
            consumer: c,
            delay_ms: 250,
        },
        Requeued {
            payment: p,
            reason: RequeueReason::VisibilityTimeout,
        },
        DeadLettered { payment: p },
        Crashed {
            consumer: c,
            point: CrashPoint::AfterCharge,
            payment: Some(p),
        },
        Restarted { consumer: c },
        Reconnected { consumer: c },
        ChargeTimedOut {
            payment: p,
            consumer: c,
        },
        RetryWaiting {
            payment: p,
            consumer: c,
            delay_ms: 250,
        },
        Republished {
            payment: p,
            msg: 31,
            relay: true,
        },
        PublisherCrashed {
            payment: p,
            relay: false,
        },
        SqsDuplicate { payment: p, msg: p },
        FifoDropped {
            payment: p,
            msg: 31,
        },
    ]
}

/// The kind's place in the declaration (and in [`Event::KINDS`]).
fn index_of(e: &Event) -> usize {
    use Event::*;
    match e {
        Published { .. } => 0,
        Delivered { .. } => 1,
        DuplicateSkipped { .. } => 2,
        Charged { .. } => 3,
        ChargeFailed { .. } => 4,
        LedgerWritten { .. } => 5,
        RecordWritten { .. } => 6,
        Committed { .. } => 7,
        RolledBack { .. } => 8,
        ConstraintViolated { .. } => 9,
        Acked { .. } => 10,
        AckLost { .. } => 11,
        Nacked { .. } => 12,
        Requeued { .. } => 13,
        DeadLettered { .. } => 14,
        Crashed { .. } => 15,
        Restarted { .. } => 16,
        Reconnected { .. } => 17,
        ChargeTimedOut { .. } => 18,
        RetryWaiting { .. } => 19,
        Republished { .. } => 20,
        PublisherCrashed { .. } => 21,
        SqsDuplicate { .. } => 22,
        FifoDropped { .. } => 23,
    }
}

/// Does the kind name a consumer?
fn has_consumer(e: &Event) -> bool {
    !matches!(
        e,
        Event::Published { .. }
            | Event::Requeued { .. }
            | Event::DeadLettered { .. }
            | Event::Republished { .. }
            | Event::PublisherCrashed { .. }
            | Event::SqsDuplicate { .. }
            | Event::FifoDropped { .. }
    )
}

#[test]
fn every_kind_has_one_sample_and_its_own_kind_word() {
    let all = one_of_each();
    assert_eq!(all.len(), Event::KINDS.len());
    for (i, e) in all.iter().enumerate() {
        assert_eq!(index_of(e), i, "{e:?} out of order");
        assert_eq!(e.kind(), Event::KINDS[i], "{e:?}");
    }
    let words: std::collections::BTreeSet<_> = Event::KINDS.iter().collect();
    assert_eq!(words.len(), Event::KINDS.len(), "no kind word twice");
}

#[test]
fn every_kind_tells_its_payment_and_names_it_and_its_consumer_in_its_sentence() {
    for e in one_of_each() {
        let text = e.to_string();
        let about_a_payment = !matches!(e, Event::Restarted { .. } | Event::Reconnected { .. });
        assert_eq!(e.payment(), about_a_payment.then_some(P), "{e:?}");
        if about_a_payment {
            assert!(text.contains(&payment_label(P)), "{text}");
        }
        // Consumers are numbered from 1 on screen.
        assert_eq!(
            text.contains(&format!("consumer {}", C + 1)),
            has_consumer(&e),
            "{text}"
        );
        assert!(!text.contains("consumer 2"), "numbered from 0: {text}");
    }
    let crash_between_jobs = Event::Crashed {
        consumer: C,
        point: CrashPoint::AfterAck,
        payment: None,
    };
    assert_eq!(crash_between_jobs.payment(), None);
    assert!(!crash_between_jobs.to_string().contains("pay-"));
}

#[test]
fn every_kind_has_its_own_digest_tag_and_its_payment_and_consumer_reach_the_digest() {
    let all = one_of_each();
    let tags: std::collections::BTreeSet<u64> = all.iter().map(|e| e.words().0 & 0xff).collect();
    assert_eq!(tags.len(), all.len(), "one tag per kind");
    // Another payment or another consumer changes the words the digest folds in.
    let other_payment = one_of_each_about(P + 1, C);
    let other_consumer = one_of_each_about(P, C + 1);
    for (i, e) in all.iter().enumerate() {
        if e.payment().is_some() {
            assert_ne!(other_payment[i].words(), e.words(), "{e:?}");
        }
        if has_consumer(e) {
            assert_ne!(other_consumer[i].words(), e.words(), "{e:?}");
        }
    }
}

#[test]
#[cfg(not(target_arch = "wasm32"))] // serde_json is a native dependency
fn every_kind_round_trips_through_json_under_its_kind_word() {
    for e in one_of_each() {
        let v = serde_json::to_value(e).unwrap();
        assert_eq!(v["kind"], e.kind(), "{v}");
        assert_eq!(serde_json::from_value::<Event>(v).unwrap(), e);
    }
}

#[test]
fn a_sentence_follows_the_installed_language_with_its_numbers_where_the_translation_puts_them() {
    use crate::i18n::install;
    let e = Event::Nacked {
        payment: P,
        consumer: C,
        delay_ms: 250,
    };
    let english = e.to_string();
    assert_eq!(english, "pay-0007 failed on consumer 3: retry in 250 ms");
    install(
        "es",
        vec![
            (
                "{0} failed on {1}: retry in {2} ms".into(),
                "reintento en {2} ms: {0} falló en el {1}".into(),
            ),
            ("consumer {0}".into(), "consumidor {0}".into()),
        ],
    );
    let spanish = e.to_string();
    install("en", Vec::new());
    assert_eq!(
        spanish,
        "reintento en 250 ms: pay-0007 falló en el consumidor 3"
    );
    assert_eq!(e.to_string(), english, "English again once it is installed");
}

/// The shipped Spanish table leaves no event in English: every kind's sentence changes once
/// `locales/es/core.json` is installed (the catalogue test checks the keys; this checks the sentences
/// a learner reads really use them).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_spanish_table_translates_every_event_sentence() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/locales/es/core.json");
    let text = std::fs::read_to_string(path).expect("locales/es/core.json");
    let table: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&text).expect("a flat object of strings");
    let english: Vec<String> = one_of_each().iter().map(Event::to_string).collect();
    crate::i18n::install("es", table.into_iter().collect());
    let spanish: Vec<String> = one_of_each().iter().map(Event::to_string).collect();
    crate::i18n::install("en", Vec::new());
    for (en, es) in english.iter().zip(&spanish) {
        assert_ne!(en, es, "left in English");
        assert!(es.contains(&payment_label(P)) || es.contains('3'), "{es}");
    }
}

/// Lab 4's consumer acks on receive, so its crash after the database commit comes long after the
/// ack: the sentence the event log, the diagrams and the command line print for it says nothing of a
/// coming ack.
#[test]
fn a_crash_after_the_commit_in_the_ack_first_lab_is_not_before_an_ack() {
    use crate::sim::command::{ArmMode, Command, CrashPoint};
    use crate::sim::config::Step;
    use crate::sim::lab::Lab;
    let lab = Lab::by_id("ack-before-commit").expect("lab 4");
    let order = Step::sequence(lab.config.strategy.ack_timing);
    let at = |s: Step| order.iter().position(|x| *x == s).expect("a step");
    assert!(at(Step::Ack) < at(Step::Commit), "lab 4 acks first");
    let mut sim = crate::sim::Sim::new(lab.config.clone(), lab.seed);
    sim.apply(Command::ArmCrash {
        consumer: None,
        point: CrashPoint::AfterCommit,
        mode: ArmMode::EveryKth(3),
    })
    .expect("armed");
    sim.run_to_completion(3_600_000);
    let crashes: Vec<String> = sim
        .events()
        .window()
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                Event::Crashed {
                    point: CrashPoint::AfterCommit,
                    ..
                }
            )
        })
        .map(|e| e.event.to_string())
        .collect();
    assert!(!crashes.is_empty(), "no crash after the commit fired");
    for text in &crashes {
        assert!(text.contains("crashed after the database commit"), "{text}");
        assert!(!text.contains("before ack"), "{text}");
    }
}
