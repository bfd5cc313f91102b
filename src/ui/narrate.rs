//! Events and runs in words: the event log's lines and the live region's announcements.
//!
//! The core decides what happened; this module only says it in the lessons' vocabulary.

use crate::sim::event::RequeueReason;
use crate::sim::message::payment_label;
use crate::sim::{Event, Sim};

/// Events looked at, at most, when searching for something worth announcing.
const LOOKBACK: usize = 2_000;

/// One event as a sentence fragment: `pay-0003 delivered to consumer 1 (delivery 2, redelivered)`.
pub fn event(e: &Event) -> String {
    let p = |p: u32| payment_label(p);
    let c = |c: u8| format!("consumer {}", c + 1);
    match *e {
        Event::Published { payment } => format!("{} published", p(payment)),
        Event::Delivered {
            payment,
            consumer,
            delivery,
            redelivered,
        } => format!(
            "{} delivered to {} (delivery {delivery}{})",
            p(payment),
            c(consumer),
            if redelivered { ", redelivered" } else { "" }
        ),
        Event::DuplicateSkipped { payment, consumer } => format!(
            "{} already processed: {} skips it (duplicate caught)",
            p(payment),
            c(consumer)
        ),
        Event::Charged {
            payment,
            consumer,
            replayed,
        } => {
            if replayed {
                format!(
                    "{}: the gateway recognised the key and returned the first charge ({})",
                    p(payment),
                    c(consumer)
                )
            } else {
                format!("{} card charged by {}", p(payment), c(consumer))
            }
        }
        Event::ChargeFailed { payment, consumer } => {
            format!(
                "{} charge failed at the gateway ({})",
                p(payment),
                c(consumer)
            )
        }
        Event::LedgerWritten {
            payment,
            consumer,
            changed,
        } => {
            if changed {
                format!("{} ledger written by {}", p(payment), c(consumer))
            } else {
                format!(
                    "{} ledger already had it: nothing changed ({})",
                    p(payment),
                    c(consumer)
                )
            }
        }
        Event::RecordWritten { payment, consumer } => {
            format!("{} processed record written by {}", p(payment), c(consumer))
        }
        Event::Committed { payment, consumer } => {
            format!("{} transaction committed by {}", p(payment), c(consumer))
        }
        Event::RolledBack { payment, consumer } => {
            format!("{} transaction rolled back ({})", p(payment), c(consumer))
        }
        Event::ConstraintViolated { payment, consumer } => format!(
            "{}: the unique constraint rejected a second record; {} aborts",
            p(payment),
            c(consumer)
        ),
        Event::Acked { payment, consumer } => {
            format!(
                "{} acked by {}: the broker forgets it",
                p(payment),
                c(consumer)
            )
        }
        Event::AckLost { payment, consumer } => format!(
            "{} ack from {} lost on the way: the broker never heard it",
            p(payment),
            c(consumer)
        ),
        Event::Nacked {
            payment,
            consumer,
            delay_ms,
        } => format!(
            "{} nacked by {}: retry in {delay_ms} ms",
            p(payment),
            c(consumer)
        ),
        Event::Requeued { payment, reason } => format!(
            "{} back in the queue ({})",
            p(payment),
            match reason {
                RequeueReason::Disconnect => "its consumer disconnected before acking",
                RequeueReason::VisibilityTimeout => "its visibility timeout ran out",
                RequeueReason::Retry => "its retry delay is over",
            }
        ),
        Event::DeadLettered { payment } => {
            format!("{} moved to the dead-letter queue", p(payment))
        }
        Event::Crashed {
            consumer,
            point,
            payment,
        } => format!(
            "{} crashed {}{}",
            c(consumer),
            point.label(),
            payment.map_or(String::new(), |x| format!(" while holding {}", p(x)))
        ),
        Event::Restarted { consumer } => format!("{} restarted", c(consumer)),
        Event::Reconnected { consumer } => format!(
            "{} reconnected; its unacked messages went back to the queue",
            c(consumer)
        ),
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
        return Some(format!("Run finished. {}", summary(sim)));
    }
    found.map(|e| {
        let mut line = format!("At {} ms: {}.", e.time, event(&e.event));
        if let Event::Charged {
            payment,
            replayed: false,
            ..
        } = e.event
        {
            line.push_str(&format!(
                " That is charge number {} for this payment: a duplicate.",
                sim.gateway().charges(payment)
            ));
        }
        line
    })
}

/// The checker's totals in one sentence.
pub fn summary(sim: &Sim) -> String {
    let t = sim.totals();
    format!(
        "{} charged once, {} duplicate, {} lost, {} orphan, {} dead-lettered, {} pending.",
        t.charged_once, t.duplicate, t.lost, t.orphan, t.dead_lettered, t.pending
    )
}
