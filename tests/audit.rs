//! "Audit my consumer" held to the simulation: for every handler a sweep strategy describes, the audit's
//! verdict at each crash boundary is the sweep's; and the safety claims the audit teaches hold for every
//! order of steps (property tests).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::strategy::Strategy as _;
use redelivery_lab::sim::audit::{Case, Handler, HandlerStep, HandlerStep::*, KeySource, audit};
use redelivery_lab::sim::config::{AckTiming, RecordCheck};
use redelivery_lab::sim::sweep::{Sweep, Verdict};
use redelivery_lab::sim::{Config, Step, Strategy};

/// The handler a sweep strategy runs, and for each step of the strategy's sequence how many handler
/// steps are done once it has ended (so a crash point maps to a handler boundary).
fn handler_of(s: &Strategy) -> (Handler, Vec<(Step, usize)>) {
    let mut steps = Vec::new();
    let mut done = Vec::new();
    for step in Step::sequence(s.ack_timing) {
        let mapped = match step {
            Step::Receive => None,
            Step::BeginTx => s.transactional.then_some(Begin),
            Step::CheckRecord => s.idempotency.then_some(Check),
            Step::Charge => Some(Charge),
            Step::WriteLedger => Some(Ledger),
            Step::WriteRecord => s.idempotency.then_some(Record),
            Step::Commit => s.transactional.then_some(Commit),
            Step::Ack => (s.ack_timing != AckTiming::Auto).then_some(Ack),
        };
        steps.extend(mapped);
        done.push((step, steps.len()));
    }
    let handler = Handler {
        steps,
        record_key: KeySource::BusinessId,
        record_check: s.record_check,
        gateway_key: s.gateway_key.then_some(KeySource::BusinessId),
        auto_ack: s.ack_timing == AckTiming::Auto,
    };
    (handler, done)
}

#[test]
fn the_audit_agrees_with_the_sweep_at_every_crash_point_of_every_strategy() {
    let sweep = Sweep::new(&Config::default(), 11, 40);
    let mut compared = 0;
    let mut failing = 0;
    for i in 0..sweep.len() {
        let (point, strategy) = sweep.cells()[i];
        let (handler, done) = handler_of(&strategy);
        handler
            .validate()
            .expect("every sweep strategy is a valid handler");
        let step = point.after_step().expect("a boundary");
        let after = done
            .iter()
            .find(|(s, _)| *s == step)
            .expect("in the sequence")
            .1;
        let row = sweep.run(i);
        let audited = audit(&handler);
        let ours = audited.crash(after).expect("a crash row per boundary");
        // One payment against many: the audit's harm must be one the sweep counted (a duplicate
        // whenever the sweep saw one, since duplicates win in both), and safe exactly when it is.
        let t = &row.totals;
        let counted = match ours.verdict {
            Verdict::Safe => row.verdict == Verdict::Safe,
            Verdict::Duplicate => t.duplicate > 0,
            Verdict::Lost => t.duplicate == 0 && t.lost > 0,
            Verdict::Orphan => t.duplicate == 0 && t.orphan > 0,
            Verdict::Unsettled => false,
        };
        assert!(
            counted,
            "{strategy} crashed {}: the sweep says {:?} ({:?}), the audit of {:?} after {after} steps says {:?}",
            point.label(),
            row.verdict,
            row.totals,
            handler.steps,
            ours
        );
        compared += 1;
        failing += usize::from(ours.verdict != Verdict::Safe);
    }
    assert_eq!(compared, 6 * 48);
    assert!(
        failing > 50 && failing < 250,
        "both kinds of verdict are compared: {failing} failing"
    );
}

/// The handler of the issue: charges the card, then opens the transaction.
fn charge_before_begin() -> Handler {
    Handler {
        steps: vec![Charge, Begin, Check, Record, Ledger, Commit, Ack],
        record_check: RecordCheck::UniqueConstraint,
        ..Handler::default()
    }
}

#[test]
fn charging_before_the_transaction_begins_duplicates_after_the_charge() {
    let a = audit(&charge_before_begin());
    let row = a.crash(1).unwrap();
    assert_eq!(row.verdict, Verdict::Duplicate);
    assert_eq!(
        (row.charges, row.ledger_rows),
        (2, 1),
        "two charges, one ledger row"
    );
    let why = row.why.as_deref().unwrap();
    assert!(
        why.starts_with("The consumer crashed after “charge the card”."),
        "{why}"
    );
    assert!(why.contains("no idempotency key"), "{why}");
    assert_eq!(
        a.crash(0).unwrap().verdict,
        Verdict::Safe,
        "nothing was done yet"
    );
    // The same handler with the gateway key passes every crash.
    let keyed = Handler {
        gateway_key: Some(KeySource::BusinessId),
        ..charge_before_begin()
    };
    assert!(
        audit(&keyed).passes(),
        "{:?}",
        audit(&keyed).failures().collect::<Vec<_>>()
    );
}

#[test]
fn the_correct_handler_passes_every_row_and_each_fault_is_audited() {
    let a = audit(&Handler::correct());
    assert!(a.passes(), "{:?}", a.failures().collect::<Vec<_>>());
    let n = Handler::correct().steps.len();
    assert_eq!(
        a.rows.len(),
        n + 1 + 3,
        "every boundary, the lost ack, the republish, the race"
    );
    assert!(a.rows.iter().any(|r| r.case == Case::LostAck));
    assert!(a.rows.iter().any(|r| r.case == Case::Republish));
    assert!(
        a.rows
            .iter()
            .any(|r| matches!(r.case, Case::Concurrent { .. }))
    );
}

#[test]
fn an_ack_before_the_commit_loses_the_payment() {
    let h = Handler {
        steps: vec![Begin, Check, Record, Ack, Charge, Ledger, Commit],
        gateway_key: Some(KeySource::BusinessId),
        ..Handler::default()
    };
    let row = audit(&h).crash(4).unwrap().clone();
    assert_eq!(row.verdict, Verdict::Lost);
    assert!(row.why.unwrap().contains("The ack went out before"));
}

#[test]
fn message_id_keys_let_a_republish_through_and_business_ids_do_not() {
    let by_message = Handler {
        record_key: KeySource::MessageId,
        gateway_key: Some(KeySource::MessageId),
        ..Handler::correct()
    };
    let a = audit(&by_message);
    let republish = a.rows.iter().find(|r| r.case == Case::Republish).unwrap();
    assert_eq!((republish.charges, republish.ledger_rows), (2, 2));
    assert!(republish.why.as_deref().unwrap().contains("new message id"));
    // Every redelivery of the same message is still caught.
    assert!(
        a.rows
            .iter()
            .filter(|r| matches!(r.case, Case::Crash { .. }))
            .all(|r| r.verdict == Verdict::Safe)
    );
}

#[test]
fn check_then_insert_races_and_a_unique_constraint_does_not() {
    let steps = vec![Begin, Check, Record, Ledger, Commit, Charge, Ack];
    let racy = Handler {
        steps: steps.clone(),
        record_check: RecordCheck::CheckThenInsert,
        gateway_key: Some(KeySource::BusinessId),
        ..Handler::default()
    };
    let race = audit(&racy);
    let row = race
        .rows
        .iter()
        .find(|r| matches!(r.case, Case::Concurrent { .. }))
        .unwrap();
    assert_eq!(row.ledger_rows, 2, "both checks passed: {row:?}");
    assert!(row.why.as_deref().unwrap().contains("check-then-insert"));
    let unique = Handler {
        record_check: RecordCheck::UniqueConstraint,
        ..racy
    };
    let row = audit(&unique)
        .rows
        .into_iter()
        .find(|r| matches!(r.case, Case::Concurrent { .. }))
        .unwrap();
    assert_eq!(
        row.verdict,
        Verdict::Safe,
        "the second insert waits, then fails: {row:?}"
    );
}

#[test]
fn impossible_orders_get_one_sentence() {
    let cases: [(&[HandlerStep], &str); 4] = [
        (&[Charge, Ledger, Commit, Ack], "commits without beginning"),
        (&[Begin, Charge, Ledger, Ack], "never committed"),
        (&[Charge, Ledger], "never acks"),
        (&[Charge, Ledger, Ack, Ack], "appears twice"),
    ];
    for (steps, words) in cases {
        let h = Handler {
            steps: steps.to_vec(),
            ..Handler::default()
        };
        let e = h.validate().unwrap_err();
        assert!(e.contains(words) && e.ends_with('.'), "{steps:?}: {e}");
    }
}

/// A handler without an ack hears what real brokers do with its message, not that it comes back
/// "forever": RabbitMQ's classic queues redeliver without a limit, quorum queues have a delivery
/// limit (20 by default since RabbitMQ 4.0), and SQS drops a message at the end of its retention
/// period (4 days by default, 14 at most) unless a redrive policy has moved it to a dead-letter queue.
#[test]
fn a_handler_without_an_ack_is_told_how_each_broker_ends_the_redeliveries() {
    let h = Handler {
        steps: vec![Charge, Ledger],
        ..Handler::default()
    };
    let e = h.validate().unwrap_err();
    for words in [
        "classic queue redelivers it without end",
        "delivery limit (20 by default)",
        "redrive policy",
        "retention period (4 days by default)",
    ] {
        assert!(e.contains(words), "{words:?} missing: {e}");
    }
    assert!(!e.contains("forever"), "{e}");
}

/// Any valid handler: the charge and the ledger row, optionally a transaction, a check and a record,
/// an ack unless acknowledgement is automatic, in any order that validation accepts (a commit after
/// its begin, a check before its record).
fn any_handler() -> impl proptest::strategy::Strategy<Value = Handler> {
    let optional = proptest::sample::subsequence(vec![Begin, Check, Record], 0..=3);
    let key = prop_oneof![Just(KeySource::BusinessId), Just(KeySource::MessageId)];
    let gateway = prop_oneof![
        Just(None),
        Just(Some(KeySource::BusinessId)),
        Just(Some(KeySource::MessageId))
    ];
    let check = prop_oneof![
        Just(RecordCheck::CheckThenInsert),
        Just(RecordCheck::UniqueConstraint)
    ];
    let steps = (optional, any::<bool>())
        .prop_map(|(mut steps, auto)| {
            steps.extend([Charge, Ledger]);
            if steps.contains(&Begin) {
                steps.push(Commit);
            }
            if !auto {
                steps.push(Ack);
            }
            (steps, auto)
        })
        .prop_flat_map(|(steps, auto)| (Just(steps).prop_shuffle(), Just(auto)))
        .prop_map(|(mut steps, auto)| {
            swap_into_order(&mut steps, Begin, Commit);
            swap_into_order(&mut steps, Check, Record);
            (steps, auto)
        });
    (steps, key, check, gateway).prop_map(
        |((steps, auto_ack), record_key, record_check, gateway_key)| Handler {
            steps,
            record_key,
            record_check,
            gateway_key,
            auto_ack,
        },
    )
}

/// Swaps `first` and `then` if `then` comes first.
fn swap_into_order(steps: &mut [HandlerStep], first: HandlerStep, then: HandlerStep) {
    let at = |s| steps.iter().position(|x| *x == s);
    if let (Some(a), Some(b)) = (at(first), at(then))
        && b < a
    {
        steps.swap(a, b);
    }
}

proptest! {
    // Each audit takes microseconds; the orders a claim is about are a small share of all orders.
    #![proptest_config(ProptestConfig { cases: 1000, max_global_rejects: 1_000_000, ..ProptestConfig::default() })]

    /// The gateway key tied to the business id means money moves at most once, whatever the order.
    #[test]
    fn a_charge_keyed_by_the_business_id_never_charges_twice(mut h in any_handler()) {
        h.gateway_key = Some(KeySource::BusinessId);
        prop_assert_eq!(h.validate(), Ok(()));
        for row in audit(&h).rows {
            prop_assert!(row.charges <= 1, "{:?}: {:?}", h, row);
        }
    }

    /// A record keyed by the business id under a unique constraint, committed with the ledger row,
    /// means the ledger is written at most once, whatever else the handler does.
    #[test]
    fn a_record_committed_with_the_ledger_never_writes_it_twice(mut h in any_handler()) {
        h.record_key = KeySource::BusinessId;
        h.record_check = RecordCheck::UniqueConstraint;
        prop_assert_eq!(h.validate(), Ok(()));
        let (Some(r), Some(l)) = (h.position(Record), h.position(Ledger)) else { return Ok(()) };
        prop_assume!(h.in_transaction(r) && h.in_transaction(l));
        for row in audit(&h).rows {
            prop_assert!(row.ledger_rows <= 1, "{:?}: {:?}", h, row);
        }
    }

    /// The lessons' whole recipe passes every fault in any order that keeps it: record, ledger and
    /// the keyed charge inside one transaction, the ack after the commit.
    #[test]
    fn the_recipe_passes_every_fault_in_any_order(mut h in any_handler()) {
        h.record_key = KeySource::BusinessId;
        h.record_check = RecordCheck::UniqueConstraint;
        h.gateway_key = Some(KeySource::BusinessId);
        prop_assume!(!h.auto_ack);
        let at = |s| h.position(s);
        let (Some(r), Some(l), Some(g), Some(c), Some(a)) = (at(Record), at(Ledger), at(Charge), at(Commit), at(Ack)) else { return Ok(()) };
        prop_assume!(h.in_transaction(r) && h.in_transaction(l) && h.in_transaction(g) && a > c);
        let a = audit(&h);
        prop_assert!(a.passes(), "{:?}: {:?}", h, a.failures().collect::<Vec<_>>());
    }

    /// Every valid handler's audit ends settled and every failing row says why.
    #[test]
    fn every_failing_row_is_explained(h in any_handler()) {
        prop_assert_eq!(h.validate(), Ok(()));
        for row in audit(&h).rows {
            prop_assert_eq!(row.why.is_some(), row.verdict != Verdict::Safe);
        }
    }
}

/// The string literals passed to `tr`, `trs`, `trf`, `n_` (a key translated where it is shown) and
/// `tr_n` (both forms) in `source`.
fn catalogue_keys(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for call in ["tr(", "trs(", "trf(", "n_(", "tr_n("] {
        for (at, _) in source.match_indices(call) {
            let before = source[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let mut rest = &source[at + call.len()..];
            for _ in 0..if call == "tr_n(" { 2 } else { 1 } {
                rest = rest.trim_start().trim_start_matches(',').trim_start();
                let Some(body) = rest.strip_prefix('"') else {
                    break;
                };
                let mut key = String::new();
                let mut chars = body.char_indices();
                let end = loop {
                    match chars.next() {
                        Some((_, '\\')) => key.extend(chars.next().map(|(_, c)| c)),
                        Some((i, '"')) => break i,
                        Some((_, c)) => key.push(c),
                        None => panic!("an unterminated literal"),
                    }
                };
                keys.push(key);
                rest = &body[end + 1..];
            }
        }
    }
    keys
}

#[test]
fn every_audit_text_has_its_spanish() {
    let table: std::collections::HashMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string("locales/es/audit.json").expect("locales/es/audit.json"),
    )
    .expect("a flat JSON object");
    let mut sources = vec![
        "src/sim/audit/codec.rs",
        "src/sim/audit/explain.rs",
        "src/sim/audit/handler.rs",
        "src/sim/audit/run.rs",
        "src/ui/audit.rs",
        "src/ui/audit_form.rs",
        "src/ui/audit_report.rs",
    ];
    sources.sort();
    let mut seen = 0;
    for path in sources {
        let source = std::fs::read_to_string(path).expect(path);
        for key in catalogue_keys(&source) {
            seen += 1;
            let es = table
                .get(&key)
                .unwrap_or_else(|| panic!("{path}: no Spanish for {key:?}"));
            assert!(!es.is_empty(), "{key:?}");
            let holes = |s: &str| (0..5).filter(|i| s.contains(&format!("{{{i}}}"))).count();
            assert_eq!(
                holes(&key),
                holes(es),
                "placeholders kept: {key:?} → {es:?}"
            );
        }
    }
    assert!(seen >= 90, "the scan found the texts: {seen}");
}
