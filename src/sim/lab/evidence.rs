//! Evidence that a fixed run met the lab's own fault, not a harmless one the learner put in its place.
//!
//! A fix goal that asked only for "a crash and a redelivery" could be won with the consumer unfixed:
//! disarm the lab's crash (after the commit, say) and arm one after receive instead, where a crash
//! never does harm. The goals below ask for the lab's fault itself: a crash at one of the lab's
//! boundaries whose payment came back, or, for the visibility-timeout lab, two consumers holding
//! the same payment at once (`tests/lab_adversary.rs` plays these cheats).

use super::common::survives_redelivery;
use crate::i18n::{tr, trf};
use crate::sim::command::CrashPoint;
use crate::sim::event::Event;
use crate::sim::goal::{GoalStatus, Judged};
use crate::sim::message::payment_label;
use crate::sim::simulation::Sim;

/// What became of the payments that crashes at one of `points` held: the first one delivered again,
/// and the first one never delivered again (the broker had forgotten it: it was acked first).
fn crashes_at(sim: &Sim, points: &[CrashPoint]) -> (Option<u32>, Option<u32>) {
    let mut waiting: Vec<u32> = Vec::new();
    let mut back = None;
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
            } if waiting.contains(&payment) => {
                back.get_or_insert(payment);
                waiting.retain(|p| *p != payment);
            }
            _ => {}
        }
    }
    (back, waiting.first().copied())
}

/// The usual fix goal ([`survives_redelivery`]), with the lab's own crash as the test: at least one
/// crash at one of `points` held a payment that was delivered again; with `each`, every such crash
/// did. A payment the broker forgot and something else put right (a producer that publishes
/// everything again, a duplicate from the queue) is luck, not a consumer that survives the crash.
pub fn survives_crash_at(sim: &Sim, points: &[CrashPoint], each: bool) -> Judged {
    let judged = survives_redelivery(sim);
    if judged.status != GoalStatus::Pass {
        return judged;
    }
    let label = points[0].label();
    match crashes_at(sim, points) {
        (None, _) => Judged::fail(trf(
            "No crash {0} brought its payment back: this run does not test the lab's crash.",
            &[label],
        )),
        (Some(_), Some(p)) if each => Judged::fail(trf(
            "The crash {1} lost {0}: the broker had already forgotten it.",
            &[&payment_label(p), label],
        )),
        _ => judged,
    }
}

/// The first payment delivered to one consumer while another consumer still held it (delivered to
/// it, and not yet skipped, committed, rolled back, acked or crashed), where the later consumer then
/// went past its check (charged, wrote the ledger, or lost to the unique constraint): the race of two
/// live consumers on one payment. A copy waiting in the buffer of the consumer already working on it
/// is no race.
pub fn concurrent_delivery(sim: &Sim) -> Option<u32> {
    // Per payment, the consumer (numbered from 1; 0 = none) working on it first, and one that got it
    // while the first was still working on it: the racer, racing until it is done itself.
    let n = sim.config().payments as usize;
    let (mut first, mut racer) = (vec![0u8; n], vec![0u8; n]);
    let done = |first: &mut [u8], racer: &mut [u8], p: usize, c: u8| {
        if first[p] == c {
            first[p] = racer[p];
        }
        if racer[p] == c {
            racer[p] = 0;
            if first[p] == c {
                first[p] = 0;
            }
        }
    };
    for e in sim.events().window() {
        match e.event {
            Event::Crashed { consumer, .. } => {
                for p in 0..n {
                    done(&mut first, &mut racer, p, consumer + 1);
                }
            }
            Event::Delivered {
                payment, consumer, ..
            } if (payment as usize) < n => {
                let (p, c) = (payment as usize, consumer + 1);
                if first[p] == 0 {
                    first[p] = c;
                } else if first[p] != c {
                    racer[p] = c;
                }
            }
            Event::Charged {
                payment, consumer, ..
            }
            | Event::LedgerWritten {
                payment, consumer, ..
            }
            | Event::ConstraintViolated { payment, consumer }
                if racer.get(payment as usize) == Some(&(consumer + 1)) =>
            {
                return Some(payment);
            }
            Event::DuplicateSkipped { payment, consumer }
            | Event::Committed { payment, consumer }
            | Event::RolledBack { payment, consumer }
            | Event::Acked { payment, consumer }
                if (payment as usize) < n =>
            {
                done(&mut first, &mut racer, payment as usize, consumer + 1)
            }
            _ => {}
        }
    }
    None
}

/// Evidence for the visibility-timeout lab: a payment processed by two live consumers at once. Judged
/// once the run is settled (the fix goal judges the harm first), so there is no pending state.
pub fn raced(sim: &Sim) -> Judged {
    match concurrent_delivery(sim) {
        Some(p) => Judged::pass(trf(
            "{0} was processed by two consumers at once.",
            &[&payment_label(p)],
        )),
        None => Judged::fail(tr(
            "No payment was processed by two consumers at once: this run does not test the race.",
        )),
    }
}
