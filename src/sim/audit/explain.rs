//! Why a failing case failed, in the audit's words: what the fault was, what the second handling of
//! the payment did with what the first left durable, and the change that closes the hole.

use super::handler::{Handler, HandlerStep, KeySource};
use super::run::{Case, Trace};
use crate::i18n::{n_, tr, trf, trs};
use crate::sim::config::RecordCheck;
use crate::sim::sweep::Verdict;

/// Where the first handling was: right after receiving the message, or after a step.
pub fn place(h: &Handler, after: usize) -> String {
    match after.checked_sub(1).and_then(|i| h.steps.get(i)) {
        None => trs("right after receiving the message"),
        Some(step) => trf("after “{0}”", &[step.label()]),
    }
}

/// A case in the audit's words: `crash after “charge the card”`, `the ack is lost`, …
pub fn case_label(h: &Handler, case: Case) -> String {
    match case {
        Case::Crash { after } => trf("crash {0}", &[&place(h, after)]),
        Case::LostAck => trs("the ack is lost"),
        Case::Republish => trs("the producer republishes (new message id)"),
        Case::Concurrent { after } => trf(
            "a second consumer gets it while the first is {0}",
            &[&place(h, after)],
        ),
    }
}

/// A verdict in one word, as the audit table writes it.
pub fn verdict_label(v: Verdict) -> &'static str {
    tr(match v {
        Verdict::Safe => n_("safe"),
        Verdict::Duplicate => n_("duplicate"),
        Verdict::Lost => n_("lost"),
        Verdict::Orphan => n_("orphan"),
        Verdict::Unsettled => n_("unsettled"),
    })
}

/// The handler in one line: its steps with arrows, then its keys and its ack.
pub fn summary(h: &Handler) -> String {
    let steps: Vec<&str> = h.steps.iter().map(|s| s.label()).collect();
    let check = tr(match h.record_check {
        RecordCheck::CheckThenInsert => n_("check-then-insert"),
        RecordCheck::UniqueConstraint => n_("unique constraint"),
    });
    let gateway = h.gateway_key.map_or(tr("no key"), KeySource::label);
    let ack = tr(if h.auto_ack {
        n_("automatic ack")
    } else {
        n_("manual ack")
    });
    trf(
        "{0}; record keyed on {1}, {2}; gateway key: {3}; {4}",
        &[
            &steps.join(" → "),
            h.record_key.label(),
            check,
            gateway,
            ack,
        ],
    )
}

/// What automatic acknowledgement loses in every crash, whatever the handler's order.
pub(super) fn buffer_lost() -> &'static str {
    tr(
        "With automatic acknowledgement the broker counts a message done when it sends it and pushes more without waiting, so the crash also lost the payments already in this consumer's buffer (the audit assumes a busy queue). Fix: acknowledge manually, after the commit.",
    )
}

/// The explanation of a failing case: the fault, then (unless this payment itself came out right,
/// `own_safe`) the cause and the fix.
pub(super) fn explain(
    h: &Handler,
    case: Case,
    t: &Trace,
    charges: u8,
    ledger: u8,
    own_safe: bool,
) -> String {
    let fault = match case {
        Case::Crash { after } => trf("The consumer crashed {0}.", &[&place(h, after)]),
        Case::LostAck => trs(
            "The ack was lost on the way, so the broker delivered the message again after all the work was done.",
        ),
        Case::Republish => trs(
            "The producer republished the same payment under a new message id, as it does after a lost publisher confirm.",
        ),
        Case::Concurrent { after } => trf(
            "A second consumer received the same message while the first was {0} and had not acked it.",
            &[&place(h, after)],
        ),
    };
    if own_safe {
        return fault;
    }
    let (cause, fix) = if charges > 1 || ledger > 1 {
        duplicate(h, case, charges > 1)
    } else {
        missing(t, charges, ledger)
    };
    format!("{fault} {cause} {fix}")
}

/// A second charge or a second ledger row.
fn duplicate(h: &Handler, case: Case, charge: bool) -> (&'static str, &'static str) {
    let republish = case == Case::Republish;
    if charge {
        let at = |s| h.position(s);
        let looked_up_after = match (at(HandlerStep::Check), at(HandlerStep::Record)) {
            (Some(check), _) => at(HandlerStep::Charge) < Some(check),
            (None, Some(record)) => {
                h.record_check == RecordCheck::UniqueConstraint
                    && at(HandlerStep::Charge) < Some(record)
            }
            (None, None) => false,
        };
        let cause = if h.gateway_key == Some(KeySource::MessageId) && republish {
            tr(
                "The gateway's idempotency key is the message id, which is new on a republish, so the gateway charged the card again.",
            )
        } else if looked_up_after && !matches!(case, Case::Concurrent { .. }) {
            tr(
                "The charge runs before the handler looks for its idempotency record and sends no idempotency key, so the second handling charged the card again before it could find that the payment was done.",
            )
        } else {
            tr(
                "The charge sends no idempotency key, and nothing durable told the second handling that the card was already charged, so the gateway charged it again.",
            )
        };
        return (
            cause,
            tr(
                "Fix: send the business id as the gateway's idempotency key, so a repeat returns the first charge.",
            ),
        );
    }
    let has = |s| h.position(s).is_some();
    let guarded = has(HandlerStep::Record)
        && (has(HandlerStep::Check) || h.record_check == RecordCheck::UniqueConstraint);
    let cause = if !guarded {
        tr(
            "Nothing stops a second ledger row: the handler has no idempotency record that its check or a unique constraint would find.",
        )
    } else if h.record_key == KeySource::MessageId && republish {
        tr(
            "The idempotency record is keyed on the message id, which is new on a republish, so it did not recognise the payment and the ledger row was written again.",
        )
    } else if matches!(case, Case::Concurrent { .. })
        && h.record_check == RecordCheck::CheckThenInsert
    {
        tr(
            "Both handlings checked before either record was committed, and check-then-insert lets both insert, so the ledger row was written twice.",
        )
    } else {
        tr(
            "The ledger row was committed without the idempotency record (they are not in one transaction), so the second handling did not find the payment done and wrote the row again.",
        )
    };
    (
        cause,
        tr(
            "Fix: insert the idempotency record, keyed by the business id and under a unique constraint, in the same transaction as the ledger row.",
        ),
    )
}

/// Money taken with no record, a record with no money, or neither.
fn missing(t: &Trace, charges: u8, ledger: u8) -> (&'static str, &'static str) {
    if !t.second_ran {
        let cause = tr(match (charges > 0, ledger > 0) {
            (true, _) => n_(
                "The ack went out before the ledger row was committed, so the broker never delivered the message again: the card was charged and no ledger row records it.",
            ),
            (false, true) => n_(
                "The ack went out before the charge, so the broker never delivered the message again: the payment is recorded but the card was never charged.",
            ),
            (false, false) => n_(
                "The ack went out before the work was done, so the broker never delivered the message again: the payment was never charged or recorded.",
            ),
        });
        return (cause, tr("Fix: ack last, after the commit and the charge."));
    }
    let cause = tr(match (charges > 0, ledger > 0) {
        (true, _) => n_(
            "The idempotency record was committed before the ledger row, so the second handling found it and skipped the ledger write the crash had undone: the card was charged and no ledger row records it.",
        ),
        (false, true) => n_(
            "The idempotency record was committed before the charge, so the second handling found it and skipped the charge: the payment is recorded but the card was never charged.",
        ),
        (false, false) => n_(
            "The idempotency record was committed before the work it stands for, so the second handling found it and skipped the charge and the ledger row.",
        ),
    });
    (
        cause,
        tr(
            "Fix: charge (keyed by the business id) inside the transaction that inserts the record and the ledger row, so the record commits only with the work.",
        ),
    )
}
