//! Runs one payment through a handler under each fault and judges what it left behind.

use super::explain::explain;
use super::handler::{Handler, HandlerStep, KeySource};
use crate::sim::checker::Outcome;
use crate::sim::config::{LedgerWrite, RecordCheck};
use crate::sim::db::{Database, WriteResult};
use crate::sim::gateway::Gateway;
use crate::sim::sweep::Verdict;
use serde::{Deserialize, Serialize};

/// The business payment every case carries.
const PAYMENT: u32 = 0;
/// Its first message id (the first publish; the core numbers a payment's first message like it).
const FIRST_MESSAGE: u32 = 0;
/// The message id a producer's republish of the same payment gets.
const REPUBLISHED: u32 = 1;

/// A fault the handler is put through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    /// The consumer crashes after its first `after` steps (0: right after receiving the message); a
    /// message not yet acked is redelivered to the restarted consumer with the same message id.
    Crash {
        /// Steps done before the crash.
        after: usize,
    },
    /// Every step runs, but the ack never reaches the broker (the connection drops): the message is
    /// redelivered after the work is done.
    LostAck,
    /// The producer republishes the payment under a new message id (a lost publisher confirm), after
    /// the first message was handled.
    Republish,
    /// A second consumer receives the same message while the first has done `after` steps and not
    /// acked yet (a visibility timeout shorter than the work, or a standard SQS queue's duplicate).
    Concurrent {
        /// Steps the first consumer had done when the second received the message.
        after: usize,
    },
}

/// One case's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The fault.
    pub case: Case,
    /// Times money moved for the payment.
    pub charges: u8,
    /// Committed ledger rows for the payment.
    pub ledger_rows: u8,
    /// The sweep's one-word verdict of those facts.
    pub verdict: Verdict,
    /// Under automatic acknowledgement a crash also loses the payments the broker had already pushed
    /// into the consumer's buffer (it counts each done when it sends it, and ignores the prefetch
    /// limit). The audit assumes a busy queue, with payments behind this one.
    pub buffer_lost: bool,
    /// Why it failed, for a failing row: the fault, the cause, the fix.
    pub why: Option<String>,
}

/// A handler's audit: the crash at every boundary, then the lost ack, the republish and the worst
/// concurrent delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Audit {
    /// The handler audited.
    pub handler: Handler,
    /// The rows, in that order.
    pub rows: Vec<Row>,
}

impl Audit {
    /// Does every row pass?
    pub fn passes(&self) -> bool {
        self.rows.iter().all(|r| r.verdict == Verdict::Safe)
    }

    /// The failing rows.
    pub fn failures(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.verdict != Verdict::Safe)
    }

    /// The crash row at the boundary after `after` steps.
    pub fn crash(&self, after: usize) -> Option<&Row> {
        self.rows.iter().find(|r| r.case == Case::Crash { after })
    }
}

/// Audits a valid handler (see [`Handler::validate`]).
pub fn audit(h: &Handler) -> Audit {
    let n = h.steps.len();
    let mut rows: Vec<Row> = (0..=n).map(|after| row(h, Case::Crash { after })).collect();
    if !h.auto_ack {
        rows.push(row(h, Case::LostAck));
    }
    rows.push(row(h, Case::Republish));
    // The concurrent delivery: the first boundary where it does harm, else the last one it can happen
    // at (a message already acked is not delivered again).
    let concurrent: Vec<Row> = (0..=n)
        .filter(|&after| !h.auto_ack && !acked_within(h, after))
        .map(|after| row(h, Case::Concurrent { after }))
        .collect();
    if let Some(worst) = concurrent
        .iter()
        .find(|r| r.verdict != Verdict::Safe)
        .or(concurrent.last())
    {
        rows.push(worst.clone());
    }
    Audit {
        handler: h.clone(),
        rows,
    }
}

/// Does the handler ack within its first `after` steps?
fn acked_within(h: &Handler, after: usize) -> bool {
    h.steps[..after].contains(&HandlerStep::Ack)
}

/// Runs one case and judges it.
pub(super) fn row(h: &Handler, case: Case) -> Row {
    let (world, trace) = play(h, case);
    let charges = world.gateway.charges(PAYMENT);
    let ledger_rows = world.db.ledger_rows(PAYMENT);
    let own = verdict(charges, ledger_rows);
    let buffer_lost = h.auto_ack && matches!(case, Case::Crash { .. });
    let verdict = match own {
        Verdict::Safe if buffer_lost => Verdict::Lost,
        v => v,
    };
    let why = (verdict != Verdict::Safe).then(|| {
        let mut why = explain(h, case, &trace, charges, ledger_rows, own == Verdict::Safe);
        if buffer_lost {
            why.push(' ');
            why.push_str(super::explain::buffer_lost());
        }
        why
    });
    Row {
        case,
        charges,
        ledger_rows,
        verdict,
        buffer_lost,
        why,
    }
}

/// The checker's classification of a settled payment, as the sweep words it.
fn verdict(charges: u8, ledger_rows: u8) -> Verdict {
    let outcome = crate::sim::checker::classify(crate::sim::checker::PaymentFacts {
        charges,
        ledger_rows,
        published: true,
        ..Default::default()
    });
    match outcome {
        Outcome::ChargedOnce => Verdict::Safe,
        Outcome::Duplicate => Verdict::Duplicate,
        Outcome::Orphan => Verdict::Orphan,
        _ => Verdict::Lost,
    }
}

/// What happened during a case, for the explanation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Trace {
    /// A second handling of the payment (redelivery, republish or concurrent copy) ran.
    pub second_ran: bool,
}

/// The durable world one payment passes through.
struct World {
    db: Database,
    gateway: Gateway,
    acked: bool,
}

/// One handling of one delivery by one consumer.
struct Worker {
    consumer: u8,
    msg: u32,
    /// Steps done.
    pos: usize,
    /// The work was found already done: the remaining charge and writes are skipped.
    skipping: bool,
    /// The ack this handling sends is lost on the way.
    lose_ack: bool,
}

enum Progress {
    Done,
    Blocked,
}

impl Worker {
    fn new(consumer: u8, msg: u32) -> Worker {
        Worker {
            consumer,
            msg,
            pos: 0,
            skipping: false,
            lose_ack: false,
        }
    }

    fn key(&self, source: KeySource) -> u32 {
        match source {
            KeySource::BusinessId => PAYMENT,
            KeySource::MessageId => self.msg,
        }
    }

    /// Runs steps until `stop` are done or the handler ends; `Blocked` if a unique insert must wait for
    /// another consumer's open transaction (PostgreSQL makes the second inserter of a key wait for the
    /// first transaction to end).
    fn run(&mut self, h: &Handler, w: &mut World, stop: usize) -> Progress {
        while self.pos < stop.min(h.steps.len()) {
            if !self.step(h, w, h.steps[self.pos]) {
                return Progress::Blocked;
            }
            self.pos += 1;
        }
        Progress::Done
    }

    /// Runs one step; false if it must wait.
    fn step(&mut self, h: &Handler, w: &mut World, step: HandlerStep) -> bool {
        let c = self.consumer;
        match step {
            HandlerStep::Begin => w.db.begin(c, PAYMENT),
            // Already handled: the handler returns early, which rolls back its open transaction
            // (writes before the check, outside it, stay), and acks.
            HandlerStep::Check
                if !self.skipping && w.db.is_processed(c, self.key(h.record_key), 0) =>
            {
                w.db.rollback(c);
                self.skipping = true;
            }
            HandlerStep::Record if !self.skipping => {
                let key = self.key(h.record_key);
                if h.record_check == RecordCheck::UniqueConstraint {
                    let other = 1 - c;
                    if w.db.tx(other).is_some_and(|t| t.record && t.key == key) {
                        return false;
                    }
                }
                if w.db.write_record(c, key, h.record_check, 0) == WriteResult::Conflict {
                    // The unique violation aborts the transaction; the handler rolls back and treats
                    // the message as done.
                    w.db.rollback(c);
                    self.skipping = true;
                }
            }
            HandlerStep::Ledger if !self.skipping => {
                w.db.write_ledger(c, PAYMENT, LedgerWrite::Append);
            }
            HandlerStep::Charge if !self.skipping => {
                let key = h.gateway_key.map(|k| self.key(k));
                w.gateway.charge(PAYMENT, key, false, 0);
            }
            HandlerStep::Commit => {
                let result = w.db.commit(c, h.record_check, LedgerWrite::Append, 0);
                self.skipping |= result == WriteResult::Conflict;
            }
            HandlerStep::Ack if !self.lose_ack => w.acked = true,
            _ => {}
        }
        true
    }
}

/// Plays `case` to the end: every message handled and acked.
fn play(h: &Handler, case: Case) -> (World, Trace) {
    let mut w = World {
        db: Database::new(1, None),
        gateway: Gateway::new(1, 4, None),
        acked: false,
    };
    let mut t = Trace::default();
    let n = h.steps.len();
    // The broker hands the message over; under automatic acknowledgement that is the ack.
    let deliver = |w: &mut World, msg| {
        if h.auto_ack {
            w.acked = true;
        }
        Worker::new(0, msg)
    };
    let mut first = deliver(&mut w, FIRST_MESSAGE);
    let second = match case {
        Case::Crash { after } => {
            first.run(h, &mut w, after);
            if after < n {
                // The crash: the open transaction rolls back; the broker takes back an unacked message.
                w.db.rollback(0);
            }
            (after < n && !w.acked).then(|| Worker::new(0, FIRST_MESSAGE))
        }
        Case::LostAck => {
            first.lose_ack = true;
            first.run(h, &mut w, n);
            Some(Worker::new(0, FIRST_MESSAGE))
        }
        Case::Republish => {
            first.run(h, &mut w, n);
            w.acked = false;
            Some(deliver(&mut w, REPUBLISHED))
        }
        Case::Concurrent { after } => {
            first.run(h, &mut w, after);
            let mut other = Worker::new(1, FIRST_MESSAGE);
            // The second consumer goes as far as it can; the first finishes; the second resumes.
            let blocked = matches!(other.run(h, &mut w, n), Progress::Blocked);
            first.run(h, &mut w, n);
            if blocked {
                other.run(h, &mut w, n);
            }
            t.second_ran = true;
            None
        }
    };
    if let Some(mut again) = second {
        again.run(h, &mut w, n);
        t.second_ran = true;
    }
    (w, t)
}
