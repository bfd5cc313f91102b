//! What the labs' goals have in common: the harm a run leaves behind, judged the same way in every
//! lab, and the evidence that the run really put the consumer to the test.
//!
//! Harm is money moved wrongly or not at all: a customer charged twice, a payment lost, charged
//! without a ledger row (or the reverse), or parked in the dead-letter queue — a dead-lettered
//! payment is money not collected until a person redrives it, so no goal about loss may count it as
//! fine.

use super::super::checker::Totals;
use super::super::command::{Action, ArmMode, Command, CrashPoint};
use super::super::goal::{GoalStatus, Judged};
use super::super::message::money;
use super::super::simulation::Sim;
use crate::i18n::{fill, tr, tr_n, trf, trf_n};

/// A crash armed at `at` on every consumer.
pub const fn arm(at: u64, point: CrashPoint, mode: ArmMode) -> Action {
    Action {
        at,
        command: Command::ArmCrash {
            consumer: None,
            point,
            mode,
        },
    }
}

/// `template` (a plural form picked by [`tr_n`] for `n`) with `{0}` = `n` and `{1}` = `rest`.
fn count(template: &str, n: u64, rest: &[&str]) -> String {
    let n = n.to_string();
    let mut args = vec![n.as_str()];
    args.extend_from_slice(rest);
    fill(template, &args)
}

/// The harm of the run in one clause ("2 payments charged or recorded twice (31.50 overcharged),
/// 3 payments in the dead-letter queue, so not collected"), or `None` when there is none. Pending
/// payments are not harm yet. A payment charged by a late gateway call and then dead-lettered counts
/// once as charged without a ledger row, and is named again as sitting in the dead-letter queue.
pub fn harm_words(sim: &Sim) -> Option<String> {
    let t = sim.totals();
    let mut parts = Vec::new();
    if t.duplicate > 0 {
        parts.push(count(
            tr_n(
                "{0} payment charged or recorded twice ({1} overcharged)",
                "{0} payments charged or recorded twice ({1} overcharged)",
                t.duplicate,
            ),
            t.duplicate,
            &[&money(t.money_overcharged_cents)],
        ));
    }
    if t.lost > 0 {
        parts.push(count(
            tr_n("{0} payment lost", "{0} payments lost", t.lost),
            t.lost,
            &[],
        ));
    }
    if t.orphan > 0 {
        parts.push(count(
            tr_n(
                "{0} payment charged without a ledger row or recorded without a charge",
                "{0} payments charged without a ledger row or recorded without a charge",
                t.orphan,
            ),
            t.orphan,
            &[],
        ));
    }
    let parked = (0..sim.config().payments)
        .filter(|p| sim.facts(*p).dead_lettered)
        .count() as u64;
    if parked > 0 {
        parts.push(count(
            tr_n(
                "{0} payment in the dead-letter queue, so not collected",
                "{0} payments in the dead-letter queue, so not collected",
                parked,
            ),
            parked,
            &[],
        ));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// True when the run left any harm (pending payments aside).
pub fn has_harm(t: &Totals) -> bool {
    t.anomalies() + t.dead_lettered > 0
}

/// Every payment charged exactly once and recorded once: fails at the first double charge (it never
/// goes away), and once the run has settled with a payment lost, orphaned or dead-lettered.
pub fn every_payment_once(sim: &Sim) -> Judged {
    let t = sim.totals();
    let n = sim.config().payments as u64;
    // "Every payment" of none is true of nothing: a run of zero payments (`--payments 0`) shows nothing.
    if n == 0 {
        return Judged::fail(tr("Nothing was published."));
    }
    if t.duplicate > 0 {
        // The harm alone: the verdict puts it after "Not complete yet:", and a goal row after its mark.
        return Judged::fail(format!("{}.", harm_words(sim).unwrap_or_default()));
    }
    if !sim.is_settled() {
        return Judged::pending(trf_n(
            "{0} of {1} payments are settled so far; keep playing.",
            &[n - t.pending, n],
        ));
    }
    match harm_words(sim) {
        Some(h) => Judged::fail(format!("{h}.")),
        None if t.charged_once == n => {
            Judged::pass(trf_n("All {0} payments were charged exactly once.", &[n]))
        }
        None => Judged::fail(trf_n(
            "Only {0} of {1} payments were charged exactly once.",
            &[t.charged_once, n],
        )),
    }
}

/// The run really tested the consumer: at least one crash fired and at least one message was
/// delivered again. Without that, a clean run proves nothing about surviving a redelivery.
pub fn tested_by_redelivery(sim: &Sim) -> Judged {
    let c = &sim.metrics().counters;
    if c.crashes == 0 {
        return if sim.is_settled() {
            Judged::fail(tr(
                "No crash fired in this run, so it cannot show the consumer survives one.",
            ))
        } else {
            Judged::pending(tr("No crash has fired yet; keep playing."))
        };
    }
    if c.redeliveries == 0 {
        return if sim.is_settled() {
            Judged::fail(tr(
                "Nothing was delivered twice in this run, so it cannot show the consumer absorbs a redelivery.",
            ))
        } else {
            Judged::pending(tr("No redelivery yet; keep playing."))
        };
    }
    Judged::pass(trf(
        "{0} and {1} put the consumer to the test.",
        &[
            &count(tr_n("{0} crash", "{0} crashes", c.crashes), c.crashes, &[]),
            &count(
                tr_n("{0} redelivery", "{0} redeliveries", c.redeliveries),
                c.redeliveries,
                &[],
            ),
        ],
    ))
}

/// The usual fix goal: tested by a crash and a redelivery, and no harm. Harm is judged first, so a
/// run that double-charged says so rather than talking about missing crashes.
pub fn survives_redelivery(sim: &Sim) -> Judged {
    let harm = every_payment_once(sim);
    if harm.status != GoalStatus::Pass {
        return harm;
    }
    let tested = tested_by_redelivery(sim);
    if tested.status != GoalStatus::Pass {
        return tested;
    }
    Judged::pass(format!("{} {}", tested.why, harm.why))
}

/// A fix goal that needs the run to have produced the thing the fix must survive (a republished
/// payment, a late repeat, a duplicate): harm is judged first, so a run that double-charged says so;
/// then `how_many` of that thing the run produced. At 0 the run proves nothing and fails with
/// `none`; otherwise it passes with `found(n)` (a template with `{0}` = n and `{1}` = the harm goal's
/// sentence). `how_many` runs only when there is no harm: some counts scan the event log, and goals
/// are judged on every tick.
pub fn evidence(
    sim: &Sim,
    how_many: fn(&Sim) -> u64,
    none: &'static str,
    found: fn(u64) -> &'static str,
) -> Judged {
    let harm = every_payment_once(sim);
    if harm.status != GoalStatus::Pass {
        return harm;
    }
    match how_many(sim) {
        0 => Judged::fail(none),
        // The harm's sentence continues the found one ("…, and all 20 payments …"), so its
        // capital goes (both catalogues' sentences start with an ASCII capital).
        n => {
            let mut why = harm.why;
            if let Some(first) = why.get_mut(..1) {
                first.make_ascii_lowercase();
            }
            Judged::pass(count(found(n), n, &[&why]))
        }
    }
}
