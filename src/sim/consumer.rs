//! The payment consumer: a step machine whose memory dies with it.
//!
//! `receive → begin tx → check record → charge card → write ledger → write record → commit → ack`.
//! Each boundary is a place a crash can land, and where it lands decides the damage: the broker,
//! the database and the gateway survive a crash; the consumer's half-done work does not.

use super::config::{KeyedOn, Millis, Step, Strategy};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// What a consumer is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerState {
    /// Up, waiting for a delivery.
    Idle,
    /// Working through the steps of a job.
    Working,
    /// Crashed, restarting at the given time.
    Down {
        /// When it comes back.
        until: Millis,
    },
}

/// A delivery the consumer holds but has not started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The broker's message (a payment's first publish is message `payment`).
    pub msg: u32,
    /// The business payment it carries.
    pub payment: u32,
    /// Which delivery of it this is, from 1.
    pub delivery: u16,
    /// Sent in automatic-acknowledgement mode: the broker already forgot it.
    pub auto_acked: bool,
}

/// What a job is waiting for, when it is not running a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Wait {
    /// Running a step (its end is a scheduled timer).
    Step,
    /// The gateway refused the connection; the failure is reported when the step's timer ends.
    Refused,
    /// Waiting for the gateway's answer to call `call`, until `deadline` (the call timeout).
    Gateway {
        /// The call's id in the gateway.
        call: u32,
        /// When the consumer stops waiting.
        deadline: Millis,
    },
    /// Holding a failed message and waiting out its retry delay before nacking it.
    Backoff,
}

/// The message a consumer is processing, and how far it got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The broker's message being processed (what the ack names).
    pub msg: u32,
    /// The business payment it carries.
    pub payment: u32,
    /// Which delivery of it this is, from 1.
    pub delivery: u16,
    /// When the consumer received it.
    pub started: Millis,
    /// Index into the step sequence of `strategy.ack_timing`.
    pub pos: u8,
    /// The strategy in force when it was received (changes apply to later messages).
    pub strategy: Strategy,
    /// A safeguard found the message already handled: the effects are skipped.
    pub skip_effects: bool,
    /// Delivered in automatic-acknowledgement mode: there is no ack to send.
    pub auto_acked: bool,
    /// What the job waits for.
    pub wait: Wait,
}

impl Job {
    /// The idempotency key of this job under its strategy: the payment id or the message id.
    #[inline(always)]
    pub fn key(&self) -> u32 {
        match self.strategy.key {
            KeyedOn::Payment => self.payment,
            KeyedOn::Message => self.msg,
        }
    }

    /// The step the job is in.
    #[inline(always)]
    pub fn step(&self) -> Step {
        Step::sequence(self.strategy.ack_timing)[(self.pos as usize).min(Step::ALL.len() - 1)]
    }

    /// Does `step` do anything for this job, or is it skipped by the strategy?
    #[inline(always)]
    pub fn runs(&self, step: Step, tx_open: bool) -> bool {
        let s = &self.strategy;
        match step {
            Step::Receive => true,
            Step::Ack => !self.auto_acked,
            Step::BeginTx => s.transactional,
            Step::Commit => s.transactional && tx_open,
            Step::CheckRecord => s.idempotency && !self.skip_effects,
            Step::WriteRecord => s.idempotency && !self.skip_effects,
            Step::Charge | Step::WriteLedger => !self.skip_effects,
        }
    }
}

/// One consumer process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consumer {
    /// Its number, from 0.
    pub id: u8,
    /// What it is doing.
    pub state: ConsumerState,
    /// Deliveries it holds, not yet started (up to the prefetch limit).
    pub buffer: VecDeque<Delivery>,
    /// The message in hand.
    pub job: Option<Job>,
    /// Bumped at each crash, so timers of a dead incarnation are ignored.
    pub epoch: u32,
    /// Times it came back after a crash.
    pub restarts: u32,
    /// Messages it finished.
    pub finished: u64,
}

impl Consumer {
    /// A fresh, idle consumer.
    pub fn new(id: u8) -> Self {
        Consumer {
            id,
            state: ConsumerState::Idle,
            buffer: VecDeque::new(),
            job: None,
            epoch: 0,
            restarts: 0,
            finished: 0,
        }
    }

    /// Can the broker hand it another message under `prefetch`? `None` means no limit (auto-ack:
    /// the broker ignores the prefetch window and pushes whatever is ready).
    #[inline(always)]
    pub fn has_capacity(&self, prefetch: Option<u8>) -> bool {
        !matches!(self.state, ConsumerState::Down { .. })
            && prefetch
                .is_none_or(|p| self.buffer.len() + usize::from(self.job.is_some()) < p as usize)
    }

    /// Is it down?
    pub fn is_down(&self) -> bool {
        matches!(self.state, ConsumerState::Down { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A first delivery of payment 0 under the naive strategy, at its first step.
    fn naive_job() -> Job {
        Job {
            msg: 0,
            payment: 0,
            delivery: 1,
            started: 0,
            pos: 0,
            strategy: Strategy::NAIVE,
            skip_effects: false,
            auto_acked: false,
            wait: Wait::Step,
        }
    }

    #[test]
    fn prefetch_counts_the_job_in_hand() {
        let mut c = Consumer::new(0);
        assert!(c.has_capacity(Some(1)));
        c.job = Some(naive_job());
        assert!(!c.has_capacity(Some(1)));
        assert!(c.has_capacity(Some(2)));
        assert!(c.has_capacity(None), "auto-ack ignores prefetch");
        c.state = ConsumerState::Down { until: 5 };
        assert!(!c.has_capacity(Some(2)));
        assert!(!c.has_capacity(None), "but not a dead consumer");
    }

    #[test]
    fn naive_strategy_skips_the_transaction_and_the_record() {
        let j = naive_job();
        assert!(!j.runs(Step::BeginTx, false));
        assert!(!j.runs(Step::CheckRecord, false));
        assert!(j.runs(Step::Charge, false));
        let safe = Job {
            strategy: Strategy::SAFE,
            ..j
        };
        assert!(safe.runs(Step::Commit, true));
        assert!(!safe.runs(Step::Commit, false));
    }
}
