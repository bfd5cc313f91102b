//! Real crash: the durable parts of a run — broker, database, card gateway — saved as data, so that
//! closing or reloading the page mid-payment is a genuine crash of the consumer.
//!
//! What survives is exactly what survives in production: queued and unacknowledged messages, committed
//! rows, money taken. What is lost is the consumer's memory and its open transaction. On recovery the
//! broker sees the disconnect and redelivers, and the ledger shows what that did.
//!
//! Beside the system, the save keeps the run's script — its starting settings and action log, as a
//! share link holds them — so that after the reload the lab goes on as written (its armed crashes are
//! the experimenter's, not the consumer's memory) and a later change of strategy replays the same
//! run, with the reload as a crash of every consumer at that moment.

use super::broker::{BrokerMessage, MessageState};
use super::codec::MAX_TIME_MS;
use super::config::{Config, Millis};
use super::metrics::Counters;
use super::producer::MAX_PUBLISHES;
use super::rng::Rng;
use super::sentence::sentence_error;
use super::share::Scenario;
use crate::i18n::{tr, trf};
use serde::{Deserialize, Serialize};

mod text;

/// The version of the saved format.
pub const FORMAT: u32 = 1;
/// Largest counter a saved run may hold (2^53: exact in a JavaScript number, and leaves every
/// counter room to grow without overflow).
pub const MAX_COUNT: u64 = 1 << 53;

/// Everything that outlives a consumer crash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DurableState {
    /// Saved-format version.
    pub format: u32,
    /// The run's configuration (strategy included).
    pub config: Config,
    /// The run's seed.
    pub seed: u64,
    /// Simulated time when saved.
    pub now: Millis,
    /// Payments published so far.
    pub published: u32,
    /// The PRNG, so the world after the crash is still one seeded world.
    pub rng: Rng,
    /// The catalogue key payments are derived from.
    pub catalog: u64,
    /// The broker's record of each message: one per payment, then the republished messages.
    pub messages: Vec<BrokerMessage>,
    /// The payment each republished message carries (message `payments + i` carries `copies[i]`).
    #[serde(default)]
    pub copies: Vec<u32>,
    /// The dead-letter queue.
    pub dead_letter: Vec<u32>,
    /// Committed ledger entries per payment.
    pub ledger_rows: Vec<u8>,
    /// Committed processed records per payment.
    pub processed: Vec<bool>,
    /// Charges per payment at the card gateway.
    pub charges: Vec<u8>,
    /// Idempotency keys the gateway has seen.
    pub keyed: Vec<bool>,
    /// Charge attempts per payment at the gateway (scripted failures count them).
    #[serde(default)]
    pub attempts: Vec<u8>,
    /// The counters, so the dashboards continue rather than restart.
    pub counters: Counters,
    /// Republishes the producer or the outbox relay has scheduled and not yet made (since `d4.`):
    /// a real crash of the page is a crash of the consumers, and the order service keeps its own.
    #[serde(default)]
    pub pending: Vec<PendingPublish>,
    /// Payments the order service crashed on before publishing them, in order (since `d4.`).
    #[serde(default)]
    pub never_published: Vec<u32>,
    /// An SQS FIFO queue's deduplication table: when each id's interval started, `u64::MAX` for
    /// none (since `d4.`).
    #[serde(default)]
    pub dedup: Vec<Millis>,
    /// The run's script, when a timeline saved it (since `d3.`): its starting settings (commands
    /// such as an outage change the live ones) and every recorded action, the lab's scripted faults
    /// and the learner's own, later ones included — a share link's contents, saved in its format.
    /// Without it the recovered run has no history to replay.
    #[serde(skip)]
    pub script: Option<Scenario>,
}

/// A republish the producer or the outbox relay has scheduled and not yet made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPublish {
    /// The business payment.
    pub payment: u32,
    /// Which publish of it this will be, from 2.
    pub attempt: u8,
    /// When (simulated ms).
    pub at: Millis,
}

sentence_error!(
    /// Saved state that cannot be recovered, with a sentence for the user.
    DurableError
);

impl DurableState {
    /// Checks that the parts fit together.
    pub fn validate(&self) -> Result<(), DurableError> {
        let bad = |what: &str| {
            Err(DurableError(trf(
                "The saved run in this browser is inconsistent ({0}), so it was not restored.",
                &[what],
            )))
        };
        if self.format != FORMAT {
            return bad(tr("it was saved by another version"));
        }
        self.config.validate().map_err(|e| {
            DurableError(trf(
                "The saved run's settings are out of range: {0}",
                &[&e.0],
            ))
        })?;
        let n = self.config.payments as usize;
        // One message per payment, then the republished ones; the keys run over every message.
        let all = n + self.copies.len();
        if [self.ledger_rows.len(), self.charges.len()]
            .iter()
            .any(|len| *len != n)
            || [self.messages.len(), self.processed.len(), self.keyed.len()]
                .iter()
                .any(|len| *len != all)
            || self.dedup.len() > all
        {
            return bad(tr("table sizes differ"));
        }
        if self.copies.len() > n * (MAX_PUBLISHES as usize - 1)
            || self.copies.iter().any(|p| *p as usize >= n)
            || self.never_published.windows(2).any(|w| w[0] >= w[1])
            || self.never_published.iter().any(|p| *p >= self.published)
            || self.pending.len() > n
            || self
                .dedup
                .iter()
                .any(|t| *t != Millis::MAX && *t > self.now)
            || self.pending.iter().any(|q| {
                q.payment >= self.published
                    || !(2..=MAX_PUBLISHES).contains(&q.attempt)
                    || q.at > MAX_TIME_MS
            })
        {
            return bad(tr("the producer's records do not match the payments"));
        }
        if self.published as usize > n {
            return bad(tr("more payments published than configured"));
        }
        // A saved run is as untrusted as a share link (anyone can edit storage): the same time bound,
        // and no number so large that the recovered run's next step would overflow it.
        if self.now > MAX_TIME_MS {
            return bad(tr("its time is beyond any real run"));
        }
        if self
            .messages
            .iter()
            .any(|m| m.published_at as Millis > self.now)
        {
            return bad(tr("a payment published after the run was saved"));
        }
        if self.counters.to_array().iter().any(|c| *c > MAX_COUNT) {
            return bad(tr("a counter beyond any real run"));
        }
        if self.dead_letter.iter().any(|p| *p as usize >= all) {
            return bad(tr("unknown dead-lettered payment"));
        }
        let consumers = self.config.consumers;
        // A payment's first message is published when the producer took it (unless the order
        // service crashed first); a republished one was published, or dropped by a FIFO queue.
        let unpublished_seen = self.messages.iter().enumerate().any(|(p, m)| {
            (p < n
                && (p as u32 >= self.published
                    || self.never_published.binary_search(&(p as u32)).is_ok())
                    != (m.state == MessageState::Unpublished))
                || matches!(m.state, MessageState::InFlight { consumer } if consumer >= consumers)
        });
        if unpublished_seen {
            return bad(tr("message states do not match what was published"));
        }
        // The script was decoded like a share link (settings, times and consumers checked); it must
        // also be this run's.
        if self.script.as_ref().is_some_and(|s| {
            s.seed != self.seed
                || s.config.payments != self.config.payments
                || s.config.consumers != consumers
        }) {
            return bad(tr("its script is for another run"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::checker::Outcome;
    use crate::sim::command::{ArmMode, Command, CrashPoint};
    use crate::sim::config::{RedeliveryMode, Strategy};
    use crate::sim::event::{Event, RequeueReason};
    use crate::sim::simulation::Sim;

    fn mid_payment(strategy: Strategy) -> Sim {
        let mut sim = Sim::new(
            Config {
                payments: 10,
                strategy,
                ..Config::default()
            },
            4,
        );
        // Stop right after a charge: the consumer holds a half-done payment.
        sim.apply(Command::ArmCrash {
            consumer: None,
            point: CrashPoint::AfterCharge,
            mode: ArmMode::Once,
        })
        .unwrap();
        while sim.metrics().counters.crashes == 0 {
            sim.step();
        }
        sim
    }

    #[test]
    fn the_compact_text_round_trips_and_refuses_damage() {
        let mut sim = mid_payment(Strategy::NAIVE);
        sim.run_until(sim.now() + 300);
        let state = sim.durable_state();
        let text = state.to_text();
        assert_eq!(DurableState::from_text(&text), Ok(state.clone()));
        assert_eq!(
            Sim::recover(DurableState::from_text(&text).unwrap())
                .unwrap()
                .digest(),
            Sim::recover(state).unwrap().digest()
        );
        for bad in [
            "",
            "d1.",
            "{\"format\":1}",
            &text[..text.len() - 3],
            &text.replace('A', "B"),
        ] {
            let e = DurableState::from_text(bad).unwrap_err();
            assert!(e.0.ends_with('.'), "a sentence: {e}");
        }
    }

    #[test]
    fn a_page_reload_mid_payment_redelivers_and_the_naive_consumer_charges_twice() {
        let mut sim = Sim::new(
            Config {
                payments: 10,
                ..Config::default()
            },
            4,
        );
        while sim.metrics().counters.charges < 3 || sim.consumers()[0].job.is_none_or(|j| j.pos < 4)
        {
            sim.step();
        }
        let saved = sim.durable_state().to_text();
        let mut back = Sim::recover(DurableState::from_text(&saved).unwrap()).unwrap();
        assert!(back.events().window().iter().any(|e| matches!(
            e.event,
            Event::Requeued {
                reason: RequeueReason::Disconnect,
                ..
            }
        )));
        back.run_to_completion(600_000);
        assert_eq!(
            back.metrics().counters.redeliveries,
            1,
            "the broker redelivered the half-done payment"
        );
        assert_eq!(back.totals().duplicate, 1, "{:?}", back.totals());
        assert_eq!(
            back.metrics().counters.crashes,
            sim.metrics().counters.crashes + 1
        );
    }

    #[test]
    fn with_every_safeguard_the_reload_is_harmless() {
        let sim = mid_payment(Strategy::SAFE);
        let mut back = Sim::recover(sim.durable_state()).unwrap();
        back.run_to_completion(600_000);
        assert_eq!(back.totals().anomalies(), 0);
        assert_eq!(back.totals().get(Outcome::ChargedOnce), 10);
    }

    #[test]
    fn visibility_timeout_brings_the_message_back_after_the_timeout() {
        let mut sim = Sim::new(
            Config {
                payments: 3,
                redelivery: RedeliveryMode::VisibilityTimeout { timeout_ms: 500 },
                ..Config::default()
            },
            1,
        );
        while sim.broker().in_flight_count() == 0 {
            sim.step();
        }
        let mut back = Sim::recover(sim.durable_state()).unwrap();
        let held = (0..3)
            .find(|p| {
                matches!(
                    back.broker().message(*p).state,
                    MessageState::InFlight { .. }
                )
            })
            .unwrap();
        back.run_until(back.now() + 100);
        assert_eq!(
            back.broker().message(held).deliveries,
            1,
            "still invisible, not yet redelivered"
        );
        back.run_until(back.now() + 500);
        assert!(
            back.broker().message(held).deliveries >= 2,
            "visible again after the timeout"
        );
        back.run_to_completion(600_000);
        assert_eq!(
            back.totals().get(Outcome::ChargedOnce) + back.totals().duplicate,
            3
        );
    }

    #[test]
    fn damaged_or_inconsistent_storage_is_refused_with_a_sentence() {
        let sim = mid_payment(Strategy::SAFE);
        let good = sim.durable_state();
        assert!(
            DurableState::from_text("{not a saved run")
                .unwrap_err()
                .0
                .contains("damaged")
        );
        let mut short = good.clone();
        short.charges.pop();
        assert!(short.validate().unwrap_err().0.contains("inconsistent"));
        assert!(!short.to_text().is_empty(), "encoding never panics");
        let mut old = good.clone();
        old.format = 0;
        assert!(DurableState::from_text(&old.to_text()).is_err());
        let mut liar = good;
        liar.published = 0;
        assert!(DurableState::from_text(&liar.to_text()).is_err());
    }

    /// Lab 2 played until its scripted crash has fired once and a payment is in the consumer's hands.
    fn lab_two_mid_run() -> crate::sim::timeline::Timeline {
        let lab = crate::sim::lab::Lab::by_id("double-payment").unwrap();
        let mut t = crate::sim::timeline::Timeline::with_actions(
            lab.config,
            lab.seed,
            lab.actions.to_vec(),
        );
        while t.sim().metrics().counters.crashes == 0 || t.sim().consumers()[0].job.is_none() {
            assert!(t.step_event());
        }
        t
    }

    #[test]
    fn the_labs_armed_crashes_survive_a_reload_with_their_counts() {
        use crate::sim::timeline::Timeline;
        let t = lab_two_mid_run();
        let armed = t.sim().armed().to_vec();
        assert!(!armed.is_empty() && armed[0].passes > 0, "{armed:?}");
        let text = t.durable_state().to_text();
        assert!(text.starts_with("d3."));
        let mut back = Timeline::recover(DurableState::from_text(&text).unwrap()).unwrap();
        assert_eq!(
            back.sim().armed(),
            &armed[..],
            "armed as before, counts and all"
        );
        let at_reload = back.sim().metrics().counters.crashes;
        back.seek(600_000);
        assert!(
            back.sim().metrics().counters.crashes > at_reload,
            "the lab's script goes on crashing after the reload"
        );
    }

    #[test]
    fn a_strategy_change_after_a_reload_replays_the_reload_as_a_crash() {
        use crate::sim::timeline::Timeline;
        let lab = crate::sim::lab::Lab::by_id("first-delivery").unwrap();
        let mut t = Timeline::with_actions(lab.config, lab.seed, lab.actions.to_vec());
        while t.sim().consumers()[0].job.is_none_or(|j| j.pos < 4) {
            assert!(t.step_event());
        }
        let now = t.now();
        let back = Timeline::recover(t.durable_state()).unwrap();
        assert_eq!(back.start(), now);
        assert_eq!(
            back.actions(),
            &[crate::sim::Action {
                at: now,
                command: Command::CrashNow { consumer: 0 }
            }]
        );
        // What a strategy change does (the UI's rerun): the same seed and actions under the new
        // settings, from t = 0, brought to the same time.
        let mut config = back.config().clone();
        config.strategy = Strategy::SAFE;
        let mut rerun = Timeline::with_actions(config, back.seed(), back.actions().to_vec());
        rerun.seek(now);
        assert_eq!(
            rerun.sim().metrics().counters.crashes,
            1,
            "the reload's crash is kept"
        );
        rerun.seek(600_000);
        assert!(rerun.sim().metrics().counters.redeliveries >= 1);
        assert_eq!(
            rerun.sim().totals().anomalies(),
            0,
            "and the safe strategy absorbs it"
        );
    }

    #[test]
    fn a_forged_script_is_refused() {
        let good = lab_two_mid_run().durable_state();
        assert!(DurableState::from_text(&good.to_text()).is_ok());
        let mut other = good.clone();
        other.script.as_mut().unwrap().config.payments += 1;
        assert!(other.validate().unwrap_err().0.contains("another run"));
        let mut stranger = good;
        stranger
            .script
            .as_mut()
            .unwrap()
            .actions
            .push(crate::sim::Action {
                at: 1,
                command: Command::LoseNextAck { consumer: 3 },
            });
        assert!(
            DurableState::from_text(&stranger.to_text()).is_err(),
            "an action on a consumer the run does not have"
        );
    }

    #[test]
    fn a_forged_run_near_the_end_of_time_is_refused_like_a_link() {
        let good = mid_payment(Strategy::NAIVE).durable_state();
        let mut late = good.clone();
        late.now = u64::MAX - 1;
        let e = DurableState::from_text(&late.to_text()).unwrap_err();
        assert!(e.0.contains("beyond any real run"), "{e}");
        let mut counted = good.clone();
        counted.counters.crashes = u64::MAX;
        assert!(DurableState::from_text(&counted.to_text()).is_err());
        let mut early = good.clone();
        early.messages[0].published_at = (early.now + 1) as u32;
        assert!(DurableState::from_text(&early.to_text()).is_err());
        let mut at_bound = good;
        at_bound.now = MAX_TIME_MS;
        assert!(
            DurableState::from_text(&at_bound.to_text()).is_ok(),
            "the bound itself is allowed"
        );
    }
}
