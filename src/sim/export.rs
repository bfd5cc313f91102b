//! Exports: the event log as JSON and CSV, and the failure-injection test as a Rust skeleton.
//!
//! What a learner saw in the sandbox should leave with them: as data for their own analysis, and as a
//! test they can adapt to their own consumer on Monday morning.

use super::event::{Event, LoggedEvent, RequeueReason};
use super::simulation::Sim;

/// The events in the window as a JSON array of `{seq, time_ms, kind, payment, consumer, detail}`
/// (the CSV's columns; `payment` and `consumer` are `null` when the event has none). Written by hand:
/// the browser build carries no JSON library.
pub fn events_json(sim: &Sim) -> String {
    let mut out = String::from("[");
    for (i, e) in sim.events().window().iter().enumerate() {
        let (consumer, detail) = consumer_and_detail(e);
        let payment = e
            .event
            .payment()
            .map_or("null".to_string(), |p| p.to_string());
        let consumer = if consumer.is_empty() {
            "null".to_string()
        } else {
            consumer
        };
        out.push_str(if i == 0 { "\n  " } else { ",\n  " });
        // Kinds and details are fixed ASCII words from this module: nothing needs escaping.
        out.push_str(&format!(
            "{{\"seq\": {}, \"time_ms\": {}, \"kind\": \"{}\", \"payment\": {payment}, \"consumer\": {consumer}, \"detail\": \"{detail}\"}}",
            e.seq,
            e.time,
            e.event.kind()
        ));
    }
    out.push_str("\n]\n");
    out
}

/// The events in the window as CSV: `seq,time_ms,kind,payment,consumer,detail`.
pub fn events_csv(sim: &Sim) -> String {
    let mut out = String::from("seq,time_ms,kind,payment,consumer,detail\n");
    for e in sim.events().window() {
        let (consumer, detail) = consumer_and_detail(e);
        let payment = e.event.payment().map(|p| p.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            e.seq,
            e.time,
            e.event.kind(),
            payment,
            consumer,
            detail
        ));
    }
    out
}

fn consumer_and_detail(e: &LoggedEvent) -> (String, String) {
    use Event::*;
    let c = |c: u8| c.to_string();
    match e.event {
        Delivered {
            consumer,
            delivery,
            redelivered,
            ..
        } => (
            c(consumer),
            format!(
                "delivery {delivery}{}",
                if redelivered { " (redelivered)" } else { "" }
            ),
        ),
        Charged {
            consumer,
            replayed,
            late,
            ..
        } => (
            c(consumer),
            match (replayed, late) {
                (true, _) => "replayed by key".into(),
                (false, true) => "late: the caller had given up".into(),
                (false, false) => String::new(),
            },
        ),
        RetryWaiting {
            consumer, delay_ms, ..
        } => (c(consumer), format!("waits {delay_ms} ms, then retries")),
        LedgerWritten {
            consumer, changed, ..
        } => (
            c(consumer),
            if changed {
                String::new()
            } else {
                "unchanged".into()
            },
        ),
        Nacked {
            consumer, delay_ms, ..
        } => (c(consumer), format!("retry in {delay_ms} ms")),
        Requeued { reason, .. } => (
            String::new(),
            match reason {
                RequeueReason::Disconnect => "disconnect",
                RequeueReason::VisibilityTimeout => "visibility_timeout",
                RequeueReason::Retry => "retry",
                RequeueReason::Replay => "replay",
            }
            .into(),
        ),
        Crashed {
            consumer, point, ..
        } => (c(consumer), point.name().into()),
        DuplicateSkipped { consumer, .. }
        | ChargeTimedOut { consumer, .. }
        | ChargeFailed { consumer, .. }
        | RecordWritten { consumer, .. }
        | Committed { consumer, .. }
        | RolledBack { consumer, .. }
        | ConstraintViolated { consumer, .. }
        | Acked { consumer, .. }
        | AckLost { consumer, .. }
        | Restarted { consumer }
        | Reconnected { consumer } => (c(consumer), String::new()),
        Republished { msg, relay, .. } => (
            String::new(),
            format!(
                "message {msg} by the {}",
                if relay { "relay" } else { "producer" }
            ),
        ),
        PublisherCrashed { relay, .. } => (
            String::new(),
            if relay { "relay" } else { "producer" }.into(),
        ),
        SqsDuplicate { msg, .. } | FifoDropped { msg, .. } => {
            (String::new(), format!("message {msg}"))
        }
        Published { .. } | DeadLettered { .. } => (String::new(), String::new()),
    }
}

/// The failure-injection lab's five steps as a Rust integration-test skeleton for the learner's own
/// consumer, run once per crash boundary (as the lab's grid does). The `todo!()`s mark what only they
/// can write.
///
/// Natively the text itself; an empty string in the browser build, which fetches it from
/// `lessons.json` (key [`SKELETON_KEY`], written by `lab labs --lessons` from this literal) when the
/// button is pressed: about 1.3 KB of the gzipped download that is read only on export.
pub fn failure_injection_skeleton() -> &'static str {
    #[cfg(target_arch = "wasm32")]
    return "";
    #[cfg(not(target_arch = "wasm32"))]
    SKELETON
}

/// The skeleton's key in `lessons.json`.
pub const SKELETON_KEY: &str = "export/failure-injection.rs";

#[cfg(not(target_arch = "wasm32"))]
const SKELETON: &str = r#"//! At-least-once failure-injection test, exported from Redelivery Lab.
//!
//! The five steps run once for each boundary where your consumer can die: a crash after the commit
//! only exercises your processed record, while a crash right after the card charge (before anything
//! is written) exercises the charge itself. Adapt the marked helpers to your broker, consumer,
//! database and gateway sandbox; drop a boundary only if your consumer has no such step.

/// Where the consumer is made to crash, in step order.
const BOUNDARIES: [&str; 6] = [
    "after_receive",      // nothing done yet
    "after_check",        // processed record looked up, card not charged
    "after_charge",       // card charged, nothing written to the database
    "after_ledger_write", // ledger written, not committed
    "after_commit",       // committed, not acknowledged
    "after_ack",          // acknowledged: the broker has forgotten the message
];

#[test]
fn a_crash_at_every_boundary_causes_no_second_side_effect() {
    for boundary in BOUNDARIES {
        // 1. Produce a message with a unique id, tied to the business operation (the payment id).
        //    Fresh per run: a gateway sandbox remembers keys from earlier runs.
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
        let payment_id = format!("pay-{}-{boundary}", t.as_nanos());
        let message_id = publish_payment(&payment_id); // todo: your producer
        assert!(is_unique_message_id(&message_id), "{boundary}: the message id must be unique");

        // 2. Process it, and crash the consumer at this boundary (an env var or test hook that makes
        //    the consumer call std::process::abort() there).
        let mut consumer = start_consumer_crashing_at(boundary); // todo
        assert!(consumer.wait_for_crash(), "{boundary}: the crash must really happen");

        // 3. Restart the consumer: a fresh process, its memory gone, as in production.
        let consumer = start_consumer(); // todo

        // 4. Confirm that the crashed message itself is delivered again — unless the crash came after
        //    an ack sent once the work was committed, when there is nothing left to redeliver.
        if boundary != "after_ack" {
            assert!(wait_for_redelivery(&message_id), "{boundary}: the same message must come back");
        }

        // 5. Verify no side effect happened twice, the card included: one charge, one ledger row.
        consumer.drain();
        assert_eq!(count_card_charges(&payment_id), 1, "{boundary}: charged exactly once");
        assert_eq!(count_ledger_rows(&payment_id), 1, "{boundary}: recorded exactly once");
    }
}

fn publish_payment(_payment_id: &str) -> String { todo!("publish to your queue; return the message id") }
fn is_unique_message_id(_message_id: &str) -> bool { todo!("no other message carries this id") }
fn start_consumer_crashing_at(_boundary: &str) -> Consumer { todo!("start your consumer with the crash armed") }
fn start_consumer() -> Consumer { todo!("start your consumer normally") }
fn wait_for_redelivery(_message_id: &str) -> bool { todo!("read your broker's redelivered flag or delivery count") }
fn count_card_charges(_payment_id: &str) -> usize { todo!("ask your gateway's sandbox") }
fn count_ledger_rows(_payment_id: &str) -> usize { todo!("query your ledger") }

struct Consumer;
impl Consumer {
    fn wait_for_crash(&mut self) -> bool { todo!() }
    fn drain(&self) { todo!() }
}
"#;

// Native only: serde_json checks the output, and the browser build fetches the skeleton's words.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn json_and_csv_hold_every_event_in_the_window() {
        use crate::sim::config::Config;
        let mut sim = Sim::new(
            Config {
                payments: 3,
                ..Config::default()
            },
            1,
        );
        sim.run_to_completion(60_000);
        let n = sim.events().window().len();
        let json: serde_json::Value = serde_json::from_str(&events_json(&sim)).unwrap();
        assert_eq!(json.as_array().unwrap().len(), n);
        assert_eq!(json[0]["kind"], "published");
        assert_eq!(json[0]["payment"], 0);
        assert!(json[0]["consumer"].is_null());
        let delivered = json
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == "delivered")
            .unwrap();
        assert_eq!(delivered["consumer"], 0);
        assert_eq!(delivered["detail"], "delivery 1");
        let csv = events_csv(&sim);
        assert_eq!(csv.lines().count(), n + 1);
        assert!(csv.lines().nth(1).unwrap().starts_with("0,0,published,0,"));
    }

    #[test]
    fn the_skeleton_names_all_five_steps_and_loops_over_every_boundary() {
        use crate::sim::CrashPoint;
        let s = failure_injection_skeleton();
        for step in ["// 1.", "// 2.", "// 3.", "// 4.", "// 5."] {
            assert!(s.contains(step), "{step}");
        }
        assert!(s.contains("for boundary in BOUNDARIES"));
        for b in CrashPoint::BOUNDARIES {
            assert!(s.contains(&format!("\"{}\"", b.name())), "{}", b.name());
        }
        // The note's claim that the crash after the charge is exercised is backed by the code.
        assert!(s.contains("start_consumer_crashing_at(boundary)"));
    }
}
