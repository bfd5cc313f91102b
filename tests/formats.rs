//! Texts written before the codec was split into `codec`, `share` and `durable/text` (main at
//! 0d99cfa, 2026-12-01): a share link and a saved real-crash run must still open to the same
//! scenario and give the same run. Should the format change, these texts are what old links and old
//! browsers still hold.

use redelivery_lab::sim::config::{OutageKind, RetryPolicy};
use redelivery_lab::sim::durable::DurableState;
use redelivery_lab::sim::share::{self, Scenario};
use redelivery_lab::sim::timeline::Timeline;
use redelivery_lab::sim::{Action, ArmMode, Command, Config, CrashPoint, Sim, Strategy};

/// Lab 2's id, seed 11, 40 payments on two safe consumers with jittered backoff, four actions, at 2.5 s.
const LINK: &str = "v2.DmRvdWJsZS1wYXltZW50C8QTKBkCARsAAjKgBgEAAMgBAgECKAMCBAEyAAAAAAWgjQZkAAToBwAEAAEAAgIErAIAAngDAbQBBvoBZ4IlAg";

/// That run without its last two actions, saved at 700 ms.
const SAVED: &str = "d2.ASgZAgEbAAIyoAYBAADIAQIBAigDAgQBMgAAAAAFoI0GZAAE6AcAC7wFHYCI5NmT6ceC8wGd4YCc0o_Z-lAEAAEAAAQAARkABAABMgAEAAJLAQQAAWQABAABfQAEAAKWAQEEAAGvAQAEAAHIAQAEAALhAQECAAH6AQABAACTAgABAACsAgABAADFAgABAADeAgABAAD3AgABAACQAwABAACpAwABAADCAwABAADbAwABAAD0AwABAACNBAABAACmBAABAAC_BAABAADYBAABAADxBAABAACKBQABAACjBQABAAC8BQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEBAQEBAQEBAQEBAQEBAQEBAQECAQEBAQEBAQEBAQEBAQECAQEBAQEBAQEBAQEBAQECAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAFB0OAwoAAAMCAAADAAoACgMAAAAAKG1oDQ";

fn config() -> Config {
    Config {
        payments: 40,
        consumers: 2,
        strategy: Strategy::SAFE,
        retry: RetryPolicy::Exponential {
            base_ms: 50,
            cap_ms: 800,
            jitter: true,
        },
        ..Config::default()
    }
}

#[test]
fn an_old_link_opens_to_the_same_scenario_and_the_same_run() {
    let at = |at, command| Action { at, command };
    let expected = Scenario {
        lab: Some("double-payment".into()),
        seed: 11,
        config: config(),
        actions: vec![
            at(
                0,
                Command::ArmCrash {
                    consumer: None,
                    point: CrashPoint::AfterCharge,
                    mode: ArmMode::EveryKth(4),
                },
            ),
            at(300, Command::CrashNow { consumer: 1 }),
            at(420, Command::LoseNextAck { consumer: 0 }),
            at(
                600,
                Command::GatewayOutage {
                    duration_ms: 250,
                    kind: OutageKind::Hang,
                },
            ),
        ],
        at: 2_500,
    };
    let s = share::decode(LINK).expect("the old link opens");
    assert_eq!(s, expected);
    assert_eq!(share::encode(&s), LINK, "and is written the same way");
    let mut tl = Timeline::with_actions(s.config, s.seed, s.actions);
    tl.seek(s.at);
    assert_eq!(tl.sim().digest(), "0d8bafd99e0d189c");
}

#[test]
fn an_old_saved_run_recovers_to_the_same_run() {
    let state = DurableState::from_text(SAVED).expect("the old save opens");
    assert_eq!((state.now, state.seed, &state.config), (700, 11, &config()));
    // It is written again in the current format (d3, which adds the run's script), and reads back
    // as the same state.
    let rewritten = state.to_text();
    assert!(rewritten.starts_with("d3."), "{rewritten}");
    assert_eq!(DurableState::from_text(&rewritten).as_ref(), Ok(&state));
    let mut sim = Sim::recover(state).expect("it recovers");
    assert!(sim.run_to_completion(600_000));
    assert_eq!(sim.digest(), "fc76ef68e7924ef2");
    assert_eq!(sim.totals().charged_once, 40);
}

/// A broker other than the queue is carried by links (`v3.`) and saves (`d4.`); the queue's are still
/// written as `v2.` and `d3.` (above), so links and saves made before the broker kinds open as the queue.
#[test]
fn a_log_or_sqs_broker_round_trips_through_links_and_saves() {
    use redelivery_lab::sim::config::{BrokerKind, LogSettings, SqsSettings};
    let kinds = [
        BrokerKind::Log(LogSettings {
            partitions: 3,
            auto_commit_interval_ms: 250,
            offsets_in_transaction: true,
        }),
        BrokerKind::Sqs(SqsSettings {
            fifo: true,
            duplicate_permille: 7,
        }),
    ];
    assert_eq!(
        share::decode(LINK).unwrap().config.broker,
        BrokerKind::Queue
    );
    for broker in kinds {
        let s = Scenario {
            lab: None,
            seed: 5,
            config: Config { broker, ..config() },
            actions: vec![],
            at: 300,
        };
        let link = share::encode(&s);
        assert!(link.starts_with("v3."), "{link}");
        assert_eq!(share::decode(&link), Ok(s.clone()));
        let mut tl = Timeline::with_actions(s.config.clone(), s.seed, vec![]);
        tl.seek(300);
        let saved = tl.sim().durable_state();
        let text = saved.to_text();
        assert!(text.starts_with("d4."), "{text}");
        assert_eq!(
            DurableState::from_text(&text).map(|d| d.config),
            Ok(s.config)
        );
    }
}
