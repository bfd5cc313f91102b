//! Side by side: two strategies on the identical seed and fault schedule, in lockstep.
//!
//! Same seed, same crashes, same publish times — only the strategy differs — so every difference in
//! the ledger is caused by the strategy and nothing else. That is the argument a trainer wants to make.

use super::checker::{Outcome, Totals};
use super::command::Action;
use super::config::{Config, Millis, Strategy};
use super::timeline::Timeline;

/// One payment whose fate differs between the two sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaymentDiff {
    /// The payment.
    pub payment: u32,
    /// Left side's outcome, charges and ledger rows.
    pub left: (Outcome, u8, u8),
    /// Right side's.
    pub right: (Outcome, u8, u8),
}

/// Two runs of one scenario under two strategies.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The left run.
    pub left: Timeline,
    /// The right run.
    pub right: Timeline,
}

impl Comparison {
    /// Sets up both sides from one configuration, seed and action log, with the two strategies.
    pub fn new(
        config: &Config,
        seed: u64,
        actions: &[Action],
        left: Strategy,
        right: Strategy,
    ) -> Comparison {
        let side = |s: Strategy| {
            Timeline::with_actions(
                Config {
                    strategy: s,
                    ..config.clone()
                },
                seed,
                actions.to_vec(),
            )
        };
        Comparison {
            left: side(left),
            right: side(right),
        }
    }

    /// The classic pair: the naive consumer against every safeguard.
    pub fn classic(config: &Config, seed: u64, actions: &[Action]) -> Comparison {
        Comparison::new(config, seed, actions, Strategy::NAIVE, Strategy::SAFE)
    }

    /// Advances both sides by `dt`.
    pub fn advance(&mut self, dt: Millis) {
        self.left.advance(dt);
        self.right.advance(dt);
    }

    /// Moves both sides to the next moment either has something to do; false when both are done.
    pub fn step_event(&mut self) -> bool {
        let next = [
            self.left.sim().next_event_time(),
            self.right.sim().next_event_time(),
        ]
        .into_iter()
        .flatten()
        .min();
        match next {
            Some(t) => {
                let t = t.max(self.left.now());
                self.left.seek(t);
                self.right.seek(t);
                true
            }
            None => false,
        }
    }

    /// Jumps both sides to `t`.
    pub fn seek(&mut self, t: Millis) {
        self.left.seek(t);
        self.right.seek(t);
    }

    /// Both sides' totals.
    pub fn totals(&self) -> (Totals, Totals) {
        (self.left.sim().totals(), self.right.sim().totals())
    }

    /// Payments whose outcome, charges or ledger rows differ, in payment order.
    pub fn diff(&self) -> Vec<PaymentDiff> {
        let (l, r) = (self.left.sim(), self.right.sim());
        let view = |s: &super::simulation::Sim, p| {
            let f = s.facts(p);
            (s.outcome(p), f.charges, f.ledger_rows)
        };
        (0..l.config().payments.min(r.config().payments))
            .filter_map(|p| {
                let (a, b) = (view(l, p), view(r, p));
                (a != b).then_some(PaymentDiff {
                    payment: p,
                    left: a,
                    right: b,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::command::{ArmMode, Command, CrashPoint};

    #[test]
    fn the_classic_pair_differs_exactly_where_the_crash_hit() {
        let actions = [Action {
            at: 0,
            command: Command::ArmCrash {
                consumer: None,
                point: CrashPoint::AfterCommit,
                mode: ArmMode::EveryKth(5),
            },
        }];
        let mut cmp = Comparison::classic(&Config::default(), 42, &actions);
        cmp.advance(60_000);
        let (l, r) = cmp.totals();
        assert!(l.duplicate > 0);
        assert_eq!(r.anomalies(), 0);
        let diff = cmp.diff();
        assert_eq!(diff.len() as u64, l.duplicate);
        assert!(
            diff.iter()
                .all(|d| d.left.0 == Outcome::Duplicate && d.right.0 == Outcome::ChargedOnce)
        );
        assert_eq!(cmp.left.now(), cmp.right.now(), "lockstep");
    }

    #[test]
    fn identical_strategies_never_differ() {
        let mut cmp = Comparison::new(&Config::default(), 3, &[], Strategy::SAFE, Strategy::SAFE);
        while cmp.step_event() {}
        assert!(cmp.diff().is_empty());
        assert_eq!(cmp.left.sim().digest(), cmp.right.sim().digest());
    }
}
