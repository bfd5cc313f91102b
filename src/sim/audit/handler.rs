//! The handler as its author wrote it: an ordered list of steps and the keys it uses.

use crate::i18n::{n_, tr, trf, trs};
use crate::sim::config::RecordCheck;
use serde::{Deserialize, Serialize};

/// One step of a payment handler, in the words of its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlerStep {
    /// `BEGIN`: the writes up to `commit` are one transaction.
    Begin,
    /// Look the idempotency record up; if it is there, return early: the open transaction rolls
    /// back, the remaining charge and writes are skipped, and the handler still acks.
    Check,
    /// Insert the idempotency record. Under a unique constraint an existing record makes the insert
    /// fail: the transaction rolls back and the remaining charge and writes are skipped.
    Record,
    /// Insert the payment's ledger row (a plain insert: not idempotent on its own).
    Ledger,
    /// Call the card gateway (with the handler's gateway key, if any).
    Charge,
    /// `COMMIT`.
    Commit,
    /// Acknowledge the message to the broker.
    Ack,
}

impl HandlerStep {
    /// Every step, in the order the form offers them.
    pub const ALL: [HandlerStep; 7] = [
        HandlerStep::Begin,
        HandlerStep::Check,
        HandlerStep::Record,
        HandlerStep::Ledger,
        HandlerStep::Charge,
        HandlerStep::Commit,
        HandlerStep::Ack,
    ];

    /// The step's name as the audit writes it.
    pub fn label(self) -> &'static str {
        tr(match self {
            HandlerStep::Begin => n_("begin transaction"),
            HandlerStep::Check => n_("check the idempotency record"),
            HandlerStep::Record => n_("insert the idempotency record"),
            HandlerStep::Ledger => n_("write the ledger row"),
            HandlerStep::Charge => n_("charge the card"),
            HandlerStep::Commit => n_("commit"),
            HandlerStep::Ack => n_("ack"),
        })
    }

    /// The snake_case name used in handler.json.
    pub fn name(self) -> &'static str {
        match self {
            HandlerStep::Begin => "begin",
            HandlerStep::Check => "check",
            HandlerStep::Record => "record",
            HandlerStep::Ledger => "ledger",
            HandlerStep::Charge => "charge",
            HandlerStep::Commit => "commit",
            HandlerStep::Ack => "ack",
        }
    }

    /// The step's letter in a permalink.
    pub(super) fn letter(self) -> char {
        match self {
            HandlerStep::Begin => 'b',
            HandlerStep::Check => 'c',
            HandlerStep::Record => 'r',
            HandlerStep::Ledger => 'l',
            HandlerStep::Charge => 'g',
            HandlerStep::Commit => 't',
            HandlerStep::Ack => 'a',
        }
    }
}

/// Where a key comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    /// The business id (the payment id): every message of one payment shares it.
    BusinessId,
    /// The broker's message id: a producer's republish of the same payment gets a new one.
    MessageId,
}

impl KeySource {
    /// The key's name as the audit writes it.
    pub fn label(self) -> &'static str {
        tr(match self {
            KeySource::BusinessId => n_("the business id"),
            KeySource::MessageId => n_("the message id"),
        })
    }
}

/// A payment handler: its steps in order, and the keys it uses.
///
/// ```
/// use redelivery_lab::sim::audit::{Handler, HandlerStep::*};
/// let h = Handler { steps: vec![Charge, Begin, Ledger, Commit, Ack], ..Handler::default() };
/// assert!(h.validate().is_ok());
/// let bad = Handler { steps: vec![Charge, Ledger, Commit, Ack], ..Handler::default() };
/// assert!(bad.validate().is_err()); // commit without begin
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handler {
    /// The steps in the order the handler runs them; each at most once. Writes between `begin` and
    /// `commit` are in the transaction; writes outside it commit on their own as they happen.
    pub steps: Vec<HandlerStep>,
    /// What the idempotency record is keyed on. Default: the business id.
    #[serde(default = "business_id")]
    pub record_key: KeySource,
    /// How a second record is rejected: a read then an insert, or a unique constraint on the key.
    /// Default: check-then-insert.
    #[serde(default = "check_then_insert")]
    pub record_check: RecordCheck,
    /// The card gateway's idempotency key, if the charge sends one. Default: none.
    #[serde(default)]
    pub gateway_key: Option<KeySource>,
    /// Automatic acknowledgement: the delivery itself is the ack, and the handler has no ack step.
    #[serde(default)]
    pub auto_ack: bool,
}

fn business_id() -> KeySource {
    KeySource::BusinessId
}

fn check_then_insert() -> RecordCheck {
    RecordCheck::CheckThenInsert
}

impl Default for Handler {
    /// The handler most tutorials start from: charge, write the ledger, ack — no transaction, no record,
    /// no key.
    fn default() -> Self {
        Handler {
            steps: vec![HandlerStep::Charge, HandlerStep::Ledger, HandlerStep::Ack],
            record_key: KeySource::BusinessId,
            record_check: RecordCheck::CheckThenInsert,
            gateway_key: None,
            auto_ack: false,
        }
    }
}

impl Handler {
    /// The correct handler of the lessons: check and record (unique constraint) and ledger in one
    /// transaction, the charge keyed by the business id inside it, the ack after the commit.
    pub fn correct() -> Handler {
        use HandlerStep::*;
        Handler {
            steps: vec![Begin, Check, Record, Charge, Ledger, Commit, Ack],
            record_key: KeySource::BusinessId,
            record_check: RecordCheck::UniqueConstraint,
            gateway_key: Some(KeySource::BusinessId),
            auto_ack: false,
        }
    }

    /// Where `step` sits in the handler, if it has it.
    pub fn position(&self, step: HandlerStep) -> Option<usize> {
        self.steps.iter().position(|s| *s == step)
    }

    /// Is the step at `index` inside the transaction (after `begin`, before `commit`)?
    pub fn in_transaction(&self, index: usize) -> bool {
        match (
            self.position(HandlerStep::Begin),
            self.position(HandlerStep::Commit),
        ) {
            (Some(b), Some(c)) => b < index && index < c,
            _ => false,
        }
    }

    /// Checks that the handler could be real code; the error is one sentence saying what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        use HandlerStep::*;
        for step in HandlerStep::ALL {
            if self.steps.iter().filter(|s| **s == step).count() > 1 {
                return Err(trf(
                    "The step “{0}” appears twice: each step runs once in a handler here.",
                    &[step.label()],
                ));
            }
        }
        let at = |s| self.position(s);
        if at(Charge).is_none() {
            return Err(trs(
                "The handler never charges the card: add the charge step.",
            ));
        }
        if at(Ledger).is_none() {
            return Err(trs(
                "The handler never writes the ledger row: add the ledger step.",
            ));
        }
        match (at(Begin), at(Commit)) {
            (None, Some(_)) => {
                return Err(tr(
                    "The handler commits without beginning a transaction: add begin before commit.",
                )
                .into());
            }
            (Some(_), None) => {
                return Err(trs(
                    "The transaction is never committed, so none of its writes would last: add commit after begin.",
                ));
            }
            (Some(b), Some(c)) if c < b => {
                return Err(trs(
                    "The handler commits before it begins the transaction: move commit after begin.",
                ));
            }
            _ => {}
        }
        match (self.auto_ack, at(Ack)) {
            (true, Some(_)) => {
                return Err(tr(
                    "With automatic acknowledgement the delivery is the ack: remove the ack step.",
                )
                .into());
            }
            (false, None) => {
                return Err(trs(
                    "The handler never acks, so the message is never done: a RabbitMQ classic queue redelivers it without end, a quorum queue until its delivery limit (20 by default), SQS until a redrive policy or the end of its retention period (4 days by default) takes it away; add the ack step or choose automatic acknowledgement.",
                ));
            }
            _ => {}
        }
        if let (Some(c), Some(r)) = (at(Check), at(Record))
            && r < c
        {
            return Err(trs(
                "The check comes after the record insert, so it would always find the handler's own record: move the check before the insert.",
            ));
        }
        Ok(())
    }
}
