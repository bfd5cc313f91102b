//! Events and runs in words: the event log's lines and the live region's announcements.
//!
//! The core decides what happened; this module only says it in the lessons' vocabulary.

use crate::i18n::{trf, trf_n};
use crate::sim::{Event, Sim};

/// Events looked at, at most, when searching for something worth announcing.
const LOOKBACK: usize = 2_000;

/// One event as a sentence fragment (its [`Display`](std::fmt::Display) text).
pub fn event(e: &Event) -> String {
    e.to_string()
}

/// Is this event worth interrupting a screen reader for?
fn notable(e: &Event, sim: &Sim) -> bool {
    match *e {
        Event::Charged {
            payment,
            replayed: false,
            ..
        } => sim.gateway().charges(payment) > 1,
        Event::Crashed { .. }
        | Event::Restarted { .. }
        | Event::DuplicateSkipped { .. }
        | Event::Charged { replayed: true, .. }
        | Event::AckLost { .. }
        | Event::ConstraintViolated { .. }
        | Event::DeadLettered { .. } => true,
        _ => false,
    }
}

/// The latest notable event since event number `since`, or the run's summary if it has just
/// settled; `None` when nothing worth saying happened.
pub fn latest(sim: &Sim, since: u64) -> Option<String> {
    let new = sim
        .events()
        .window()
        .iter()
        .rev()
        .take(LOOKBACK)
        .take_while(|e| e.seq >= since);
    let mut found = None;
    let mut any = false;
    for e in new {
        any = true;
        if found.is_none() && notable(&e.event, sim) {
            found = Some(e);
        }
    }
    if any && sim.is_settled() {
        return Some(trf("Run finished. {0}", &[&summary(sim)]));
    }
    found.map(|e| {
        let mut line = trf(
            "At {0}: {1}.",
            &[
                &crate::ui::components::words::seconds(e.time),
                &event(&e.event),
            ],
        );
        if let Event::Charged {
            payment,
            replayed: false,
            ..
        } = e.event
        {
            line.push(' ');
            line.push_str(&trf_n(
                "That is charge number {0} for this payment: a duplicate.",
                &[sim.gateway().charges(payment) as u64],
            ));
        }
        line
    })
}

/// The checker's totals in one sentence.
pub fn summary(sim: &Sim) -> String {
    let t = sim.totals();
    trf_n(
        "{0} charged once, {1} duplicate, {2} lost, {3} orphan, {4} dead-lettered, {5} pending.",
        &[
            t.charged_once,
            t.duplicate,
            t.lost,
            t.orphan,
            t.dead_lettered,
            t.pending,
        ],
    )
}
