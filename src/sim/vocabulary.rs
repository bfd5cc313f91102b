//! One vocabulary for every setting: the words links, JSON, the command line and the UI all use.
//!
//! A lesson is only as clear as its words, and a word spelled in three places drifts. Each choice a
//! learner can make is named here once — a snake_case `name` (JSON, `--set`, `data-testid`s), a
//! human `label`, and a short `code` for dense tables — and every front end reads them from here.

use super::checker::Outcome;
use super::command::CrashPoint;
use super::config::{AckTiming, LedgerWrite, OutageKind, RecordCheck, RetryWait};
use super::event::RequeueReason;
use crate::i18n::{n_, tr};

/// A setting's choices, named once.
pub trait Named: Copy + PartialEq + Sized + 'static {
    /// Every value, in the order a picker lists them.
    const ALL: &'static [Self];
    /// The snake_case word of JSON, links, the CLI and `data-testid`s.
    fn name(self) -> &'static str;
    /// Human words for the UI and the CLI's prose.
    fn label(self) -> &'static str;
    /// Parses [`Named::name`].
    fn from_name(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == s)
    }
}

impl Named for AckTiming {
    const ALL: &'static [Self] = &[
        AckTiming::AfterCommit,
        AckTiming::ManualFirst,
        AckTiming::Auto,
    ];
    fn name(self) -> &'static str {
        match self {
            AckTiming::Auto => "auto",
            AckTiming::ManualFirst => "manual_first",
            AckTiming::AfterCommit => "after_commit",
        }
    }
    fn label(self) -> &'static str {
        tr(match self {
            AckTiming::Auto => n_("auto-ack (delivery is the ack)"),
            AckTiming::ManualFirst => n_("manual ack, first thing"),
            AckTiming::AfterCommit => n_("manual ack after commit"),
        })
    }
}

impl AckTiming {
    /// The truth table's one-word column: `commit`, `first` or `auto`.
    pub fn code(self) -> &'static str {
        match self {
            AckTiming::Auto => "auto",
            AckTiming::ManualFirst => "first",
            AckTiming::AfterCommit => "commit",
        }
    }
}

impl Named for RecordCheck {
    const ALL: &'static [Self] = &[RecordCheck::CheckThenInsert, RecordCheck::UniqueConstraint];
    fn name(self) -> &'static str {
        match self {
            RecordCheck::CheckThenInsert => "check_then_insert",
            RecordCheck::UniqueConstraint => "unique_constraint",
        }
    }
    fn label(self) -> &'static str {
        tr(match self {
            RecordCheck::CheckThenInsert => n_("check-then-insert"),
            RecordCheck::UniqueConstraint => n_("unique constraint"),
        })
    }
}

impl RecordCheck {
    /// The truth table's one-word column: `check` or `unique`.
    pub fn code(self) -> &'static str {
        match self {
            RecordCheck::CheckThenInsert => "check",
            RecordCheck::UniqueConstraint => "unique",
        }
    }
}

impl Named for LedgerWrite {
    const ALL: &'static [Self] = &[
        LedgerWrite::Append,
        LedgerWrite::Conditional,
        LedgerWrite::Commutative,
    ];
    fn name(self) -> &'static str {
        match self {
            LedgerWrite::Append => "append",
            LedgerWrite::Conditional => "conditional",
            LedgerWrite::Commutative => "commutative",
        }
    }
    fn label(self) -> &'static str {
        tr(match self {
            LedgerWrite::Append => n_("append a row"),
            LedgerWrite::Conditional => n_("conditional update (compare-and-set)"),
            LedgerWrite::Commutative => n_("commutative write (set keyed by payment)"),
        })
    }
}

impl Named for OutageKind {
    const ALL: &'static [Self] = &[OutageKind::Refuse, OutageKind::Hang];
    fn name(self) -> &'static str {
        match self {
            OutageKind::Refuse => "refuse",
            OutageKind::Hang => "hang",
        }
    }
    fn label(self) -> &'static str {
        tr(match self {
            OutageKind::Refuse => n_("refuses connections (fails at once)"),
            OutageKind::Hang => n_("hangs (calls pile up, then run late)"),
        })
    }
}

impl Named for RetryWait {
    const ALL: &'static [Self] = &[RetryWait::Broker, RetryWait::Consumer];
    fn name(self) -> &'static str {
        match self {
            RetryWait::Broker => "broker",
            RetryWait::Consumer => "consumer",
        }
    }
    fn label(self) -> &'static str {
        tr(match self {
            RetryWait::Broker => {
                n_("in the broker (retry queue with a TTL; SQS: visibility timeout)")
            }
            RetryWait::Consumer => n_("in the consumer (it holds the message and waits)"),
        })
    }
}

impl Named for CrashPoint {
    const ALL: &'static [Self] = &[
        CrashPoint::AfterReceive,
        CrashPoint::AfterCheck,
        CrashPoint::AfterCharge,
        CrashPoint::AfterLedgerWrite,
        CrashPoint::AfterCommit,
        CrashPoint::AfterAck,
        CrashPoint::Now,
    ];
    fn name(self) -> &'static str {
        CrashPoint::name(self)
    }
    fn label(self) -> &'static str {
        CrashPoint::label(self)
    }
}

impl Named for Outcome {
    const ALL: &'static [Self] = &Outcome::ALL;
    fn name(self) -> &'static str {
        Outcome::name(self)
    }
    fn label(self) -> &'static str {
        Outcome::label(self)
    }
}

impl Named for RequeueReason {
    const ALL: &'static [Self] = &[
        RequeueReason::Disconnect,
        RequeueReason::VisibilityTimeout,
        RequeueReason::Retry,
        RequeueReason::Replay,
    ];
    fn name(self) -> &'static str {
        match self {
            RequeueReason::Disconnect => "consumer_gone",
            RequeueReason::VisibilityTimeout => "visibility_timeout",
            RequeueReason::Retry => "retry",
            RequeueReason::Replay => "replay",
        }
    }
    fn label(self) -> &'static str {
        tr(match self {
            RequeueReason::Disconnect => n_("consumer gone"),
            RequeueReason::VisibilityTimeout => n_("visibility timeout"),
            RequeueReason::Retry => n_("retry after a failure"),
            RequeueReason::Replay => n_("replay from the committed offset"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Named + std::fmt::Debug>() {
        let mut seen = std::collections::HashSet::new();
        for v in T::ALL {
            assert_eq!(T::from_name(v.name()), Some(*v));
            assert!(seen.insert(v.name()), "{} named twice", v.name());
            assert!(!v.label().is_empty());
        }
        assert_eq!(T::from_name("no_such_word"), None);
    }

    #[test]
    fn every_name_parses_back() {
        round_trips::<AckTiming>();
        round_trips::<RecordCheck>();
        round_trips::<LedgerWrite>();
        round_trips::<OutageKind>();
        round_trips::<RetryWait>();
        round_trips::<CrashPoint>();
        round_trips::<Outcome>();
        round_trips::<RequeueReason>();
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn names_are_the_json_words() {
        for v in AckTiming::ALL {
            assert_eq!(
                serde_json::to_string(v).unwrap(),
                format!("\"{}\"", v.name())
            );
        }
        for v in LedgerWrite::ALL {
            assert_eq!(
                serde_json::to_string(v).unwrap(),
                format!("\"{}\"", v.name())
            );
        }
        for v in RecordCheck::ALL {
            assert_eq!(
                serde_json::to_string(v).unwrap(),
                format!("\"{}\"", v.name())
            );
        }
        for v in RetryWait::ALL {
            assert_eq!(
                serde_json::to_string(v).unwrap(),
                format!("\"{}\"", v.name())
            );
        }
        for v in OutageKind::ALL {
            assert_eq!(
                serde_json::to_string(v).unwrap(),
                format!("\"{}\"", v.name())
            );
        }
    }
}
