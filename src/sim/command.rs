//! What a learner (or a lab script) does to a running simulation.
//!
//! Commands are data, so every action can be recorded with its time, replayed, shared in a link and
//! diffed. Crash points sit on the boundaries between the consumer's steps: *where* a consumer dies
//! decides whether the broker's redelivery is harmless, a double charge, or a lost payment.

use super::config::{Millis, Step, Strategy};
use crate::i18n::{n_, tr};
use serde::{Deserialize, Serialize};

/// A boundary between two consumer steps where a crash can be armed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrashPoint {
    /// Message received, nothing done yet.
    AfterReceive,
    /// Processed record checked, card not charged yet.
    AfterCheck,
    /// Card charged, nothing written to the database yet.
    AfterCharge,
    /// Ledger written, processed record and commit still to come.
    AfterLedgerWrite,
    /// Committed, not yet acknowledged: the classic double-payment window.
    AfterCommit,
    /// Acknowledged: the broker has forgotten the message.
    AfterAck,
    /// Not a boundary: a crash fired by hand while a step is under way.
    Now,
}

impl CrashPoint {
    /// The six boundaries, in step order.
    pub const BOUNDARIES: [CrashPoint; 6] = [
        CrashPoint::AfterReceive,
        CrashPoint::AfterCheck,
        CrashPoint::AfterCharge,
        CrashPoint::AfterLedgerWrite,
        CrashPoint::AfterCommit,
        CrashPoint::AfterAck,
    ];

    /// The step whose end this boundary follows.
    pub fn after_step(self) -> Option<Step> {
        Some(match self {
            CrashPoint::AfterReceive => Step::Receive,
            CrashPoint::AfterCheck => Step::CheckRecord,
            CrashPoint::AfterCharge => Step::Charge,
            CrashPoint::AfterLedgerWrite => Step::WriteLedger,
            CrashPoint::AfterCommit => Step::Commit,
            CrashPoint::AfterAck => Step::Ack,
            CrashPoint::Now => return None,
        })
    }

    /// The boundary after `step`, if one is armable there.
    pub fn after(step: Step) -> Option<CrashPoint> {
        CrashPoint::BOUNDARIES
            .into_iter()
            .find(|p| p.after_step() == Some(step))
    }

    /// The snake_case name used in links, JSON and `data-testid`s.
    pub fn name(self) -> &'static str {
        match self {
            CrashPoint::AfterReceive => "after_receive",
            CrashPoint::AfterCheck => "after_check",
            CrashPoint::AfterCharge => "after_charge",
            CrashPoint::AfterLedgerWrite => "after_ledger_write",
            CrashPoint::AfterCommit => "after_commit",
            CrashPoint::AfterAck => "after_ack",
            CrashPoint::Now => "now",
        }
    }

    /// Parses [`CrashPoint::name`].
    pub fn from_name(s: &str) -> Option<CrashPoint> {
        CrashPoint::BOUNDARIES
            .into_iter()
            .chain([CrashPoint::Now])
            .find(|p| p.name() == s)
    }

    /// A short human label, true on every broker and ack timing: the boundary after the commit says
    /// nothing about the ack, which comes before it when the strategy acks first and never on a log.
    pub fn label(self) -> &'static str {
        tr(match self {
            CrashPoint::AfterReceive => n_("after receive"),
            CrashPoint::AfterCheck => n_("after check"),
            CrashPoint::AfterCharge => n_("after charge"),
            CrashPoint::AfterLedgerWrite => n_("after ledger write"),
            CrashPoint::AfterCommit => n_("after the database commit"),
            CrashPoint::AfterAck => n_("after ack"),
            CrashPoint::Now => n_("now"),
        })
    }
}

/// How often an armed crash fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode", content = "k")]
pub enum ArmMode {
    /// The next time a consumer reaches the boundary, then never again.
    Once,
    /// Every time.
    Always,
    /// Every k-th time the boundary is reached (k ≥ 1).
    EveryKth(u32),
}

/// An action on the simulation. Applied at the simulation's current time and recorded in its action log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "cmd")]
pub enum Command {
    /// Kill a consumer right now, wherever it is.
    CrashNow {
        /// Which consumer.
        consumer: u8,
    },
    /// Arm a crash at a boundary; `consumer: None` arms it for every consumer.
    ArmCrash {
        /// Which consumer, or all.
        consumer: Option<u8>,
        /// Where.
        point: CrashPoint,
        /// How often.
        mode: ArmMode,
    },
    /// Remove the armed crashes at `point` (for `consumer`, or all when `None`).
    Disarm {
        /// Which consumer, or all.
        consumer: Option<u8>,
        /// Where.
        point: CrashPoint,
    },
    /// The next ack this consumer sends never reaches the broker.
    LoseNextAck {
        /// Which consumer.
        consumer: u8,
    },
    /// The card gateway goes down for the next `duration_ms`: it refuses calls, or hangs them.
    GatewayOutage {
        /// How long.
        duration_ms: u32,
        /// Refused or hanging calls (default: refused, as links made before hangs existed mean).
        #[serde(default)]
        kind: super::config::OutageKind,
    },
    /// Switch strategy for every message received from now on.
    SetStrategy(Strategy),
}

/// A command with the simulated time at which it was applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// When.
    pub at: Millis,
    /// What.
    pub command: Command,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in CrashPoint::BOUNDARIES {
            assert_eq!(CrashPoint::from_name(p.name()), Some(p));
            assert_eq!(CrashPoint::after(p.after_step().unwrap()), Some(p));
        }
        assert_eq!(CrashPoint::from_name("after_lunch"), None);
    }

    /// A boundary's label is true on every broker and every ack timing: a strategy that acks first
    /// (manual ack first, or auto-ack) has acked long before the commit, and a log's consumer acks
    /// nothing, so no label may place a boundary "before ack".
    #[test]
    fn no_label_says_before_ack() {
        for p in CrashPoint::BOUNDARIES.into_iter().chain([CrashPoint::Now]) {
            assert!(!p.label().contains("before ack"), "{p:?}");
        }
        assert_eq!(CrashPoint::AfterCommit.label(), "after the database commit");
    }
}
