//! Events and runs in words: the event log's lines and the live region's announcements.
//!
//! The core decides what happened; this module only says it in the lessons' vocabulary.

use crate::i18n::{tr, trf, trf_n};
use crate::sim::command::CrashPoint;
use crate::sim::config::BrokerKind;
use crate::sim::message::payment_label;
use crate::sim::{Event, Sim};

/// Events looked at, at most, when searching for something worth announcing.
const LOOKBACK: usize = 2_000;

/// One event as a sentence fragment on a broker of kind `broker`: the core's wording, except a crash
/// after the database commit on a log, whose consumer then commits an offset, not an ack (and in
/// this model may already have committed it on a timer, or in the transaction), so the queue's
/// "before ack" would be false there. Not inlined: one copy serves the event log and the live region
/// (inlined into both it cost the download about 60 B gzipped more).
#[inline(never)]
pub fn event(e: &Event, broker: &BrokerKind) -> String {
    match (*e, broker) {
        (
            Event::Crashed {
                consumer,
                point: CrashPoint::AfterCommit,
                payment: Some(p),
            },
            BrokerKind::Log(_),
        ) => trf(
            "{0} crashed {1} while holding {2}",
            &[
                &trf_n("consumer {0}", &[u64::from(consumer) + 1]),
                tr("after the database commit"),
                &payment_label(p),
            ],
        ),
        _ => e.to_string(),
    }
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
                &event(&e.event, &sim.config().broker),
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
