//! `lab run --events`: the run's event log — the window of recent events the simulation keeps in
//! memory (`event_window`), one JSON object or one line per event.

use redelivery_lab::sim::{LoggedEvent, Sim};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// One event as a flat object: `seq`, `time_ms`, `kind`, `payment` and `consumer` (null when the
/// event has none), every other field of the event as the core serializes it, and `text`, the
/// sentence the event log prints.
pub fn event_json(e: &LoggedEvent) -> Value {
    let mut m = Map::new();
    m.insert("seq".into(), json!(e.seq));
    m.insert("time_ms".into(), json!(e.time));
    if let Ok(Value::Object(fields)) = serde_json::to_value(e.event) {
        m.extend(fields);
    }
    m.entry("payment").or_insert(Value::Null);
    m.entry("consumer").or_insert(Value::Null);
    m.insert("text".into(), json!(e.event.to_string()));
    Value::Object(m)
}

/// Every event in the window, oldest first.
pub fn log_json(sim: &Sim) -> Vec<Value> {
    sim.events().window().iter().map(event_json).collect()
}

/// The window as text, one event a line, with a note when earlier events have left it.
pub fn log_text(sim: &Sim) -> String {
    let log = sim.events();
    let mut o = String::new();
    let _ = writeln!(o, "\nEvent log ({} events)", log.window().len());
    if log.dropped() > 0 {
        let _ = writeln!(
            o,
            "  ({} earlier events have left the event window; raise event_window to keep them)",
            log.dropped()
        );
    }
    for e in log.window() {
        let text = e.event.to_string();
        let _ = writeln!(o, "  #{:<7} {:>8} ms  {text}", e.seq, e.time);
    }
    o
}
