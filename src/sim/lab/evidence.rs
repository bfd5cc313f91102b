//! Evidence that a fixed run met the lab's own fault, not a harmless one the learner put in its place.
//!
//! A fix goal that asked only for "a crash and a redelivery" could be won with the consumer unfixed:
//! disarm the lab's crash (after the commit, say) and arm one after receive instead, where a crash
//! never does harm. The goals below ask for the lab's fault itself: a crash at one of the lab's
//! boundaries whose payment came back, or, for the visibility-timeout lab, two consumers holding
//! the same payment at once (`tests/cheats.rs` plays these cheats).

use super::common::survives_redelivery;
use crate::i18n::{tr, trf};
use crate::sim::command::CrashPoint;
use crate::sim::event::Event;
use crate::sim::goal::{GoalStatus, Judged};
use crate::sim::message::payment_label;
use crate::sim::simulation::Sim;

/// The first payment a crash at one of `points` held that was then delivered again, if any.
pub fn crashed_and_redelivered(sim: &Sim, points: &[CrashPoint]) -> Option<u32> {
    let mut crashed: Vec<u32> = Vec::new();
    for e in sim.events().window() {
        match e.event {
            Event::Crashed {
                point,
                payment: Some(p),
                ..
            } if points.contains(&point) => crashed.push(p),
            Event::Delivered {
                payment,
                redelivered: true,
                ..
            } if crashed.contains(&payment) => return Some(payment),
            _ => {}
        }
    }
    None
}

/// The usual fix goal ([`survives_redelivery`]), with the lab's own crash as the test: at least one
/// crash at one of `points` held a payment that was delivered again.
pub fn survives_crash_at(sim: &Sim, points: &[CrashPoint]) -> Judged {
    let judged = survives_redelivery(sim);
    if judged.status != GoalStatus::Pass || crashed_and_redelivered(sim, points).is_some() {
        return judged;
    }
    Judged::fail(trf(
        "No crash {0} was followed by a redelivery of its payment, so this run does not test the consumer against the lab's crash.",
        &[&points
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join(" / ")],
    ))
}

/// The first payment a crash at one of `points` held that never came back as a redelivery (the
/// broker had forgotten it: it was acked first), if any.
pub fn crashed_and_forgotten(sim: &Sim, points: &[CrashPoint]) -> Option<u32> {
    let mut waiting: Vec<u32> = Vec::new();
    for e in sim.events().window() {
        match e.event {
            Event::Crashed {
                point,
                payment: Some(p),
                ..
            } if points.contains(&point) => waiting.push(p),
            Event::Delivered {
                payment,
                redelivered: true,
                ..
            } => waiting.retain(|p| *p != payment),
            _ => {}
        }
    }
    waiting.first().copied()
}

/// [`survives_crash_at`], and every crash at one of `points` brought its own payment back: a payment
/// the broker forgot and something else put right (a producer that publishes everything again, a
/// duplicate from the queue) is luck, not a consumer that survives the crash.
pub fn survives_every_crash_at(sim: &Sim, points: &[CrashPoint]) -> Judged {
    let judged = survives_crash_at(sim, points);
    if judged.status != GoalStatus::Pass {
        return judged;
    }
    match crashed_and_forgotten(sim, points) {
        None => judged,
        Some(p) => Judged::fail(trf(
            "The crash {1} held {0}, which was never delivered again: the broker had already forgotten it.",
            &[&payment_label(p), points[0].label()],
        )),
    }
}

/// The first payment delivered to one consumer while another consumer still held it (delivered to
/// it, and not yet skipped, committed, rolled back, refused by the constraint, acked or crashed),
/// where the later consumer did not find it already processed: the race of two live consumers on
/// one payment. A copy that waits in the buffer of the consumer already working on it is no race.
pub fn concurrent_delivery(sim: &Sim) -> Option<u32> {
    // (payment, consumer) pairs working on a payment, and whether the later one raced.
    let mut holding: Vec<(u32, u8)> = Vec::new();
    let mut racing: Vec<(u32, u8)> = Vec::new();
    let end = |holding: &mut Vec<(u32, u8)>, racing: &mut Vec<(u32, u8)>, p: u32, c: u8| {
        holding.retain(|h| *h != (p, c));
        racing.retain(|h| *h != (p, c));
    };
    for e in sim.events().window() {
        match e.event {
            Event::Delivered {
                payment, consumer, ..
            } => {
                if holding.iter().any(|&(p, c)| p == payment && c != consumer) {
                    racing.push((payment, consumer));
                }
                holding.push((payment, consumer));
            }
            Event::DuplicateSkipped { payment, consumer } => {
                end(&mut holding, &mut racing, payment, consumer)
            }
            // The later consumer went past its check while the other still held the payment.
            Event::Charged {
                payment, consumer, ..
            }
            | Event::LedgerWritten {
                payment, consumer, ..
            }
            | Event::ConstraintViolated { payment, consumer }
                if racing.contains(&(payment, consumer)) =>
            {
                return Some(payment);
            }
            Event::Committed { payment, consumer }
            | Event::RolledBack { payment, consumer }
            | Event::Acked { payment, consumer } => {
                end(&mut holding, &mut racing, payment, consumer)
            }
            Event::Crashed { consumer, .. } => {
                holding.retain(|h| h.1 != consumer);
                racing.retain(|h| h.1 != consumer);
            }
            _ => {}
        }
    }
    None
}

/// Evidence for the visibility-timeout lab: a payment processed by two live consumers at once.
pub fn raced(sim: &Sim) -> Judged {
    match concurrent_delivery(sim) {
        Some(p) => Judged::pass(trf(
            "{0} was processed by two consumers at once.",
            &[&payment_label(p)],
        )),
        None if sim.is_settled() => Judged::fail(tr(
            "No payment was processed by two consumers at once in this run, so it cannot show the consumer survives a concurrent delivery.",
        )),
        None => Judged::pending(tr("No concurrent delivery yet; keep playing.")),
    }
}
