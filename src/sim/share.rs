//! Share links: seed + configuration + action log in a compact, versioned, checked text.
//!
//! A trainer hands out a link and every learner sees the exact same run — same seed, same crashes.
//! Links travel through chat apps and get truncated or edited, so decoding trusts nothing: every byte
//! is validated, a checksum catches damage, and any failure is a typed error with a sentence a user
//! can act on. Decoding never panics, whatever the input.
//!
//! The bytes are the [`codec`](super::codec)'s; this file says which fields a link holds.

use super::codec::fields::{
    config_version, read_command, read_config, write_command, write_config,
};
use super::codec::{Reader, Writer, open};
use super::command::Action;
use super::config::{Config, Millis};

pub use super::codec::{MAX_TIME_MS, ShareError};

/// The prefix of the current format. Links of the older `v1.` format still open (the settings added
/// since take their defaults); unknown prefixes are refused.
pub const PREFIX: &str = "v2.";
/// The first format: no outage kind, retry wait, gateway capacity or call timeout.
const PREFIX_V1: &str = "v1.";
/// The format of a link whose broker is not the queue (or whose producer is not the default): as
/// `v2.`, with the broker's and the producer's settings after the
/// other settings. A queue's link is still written as `v2.`, byte for byte as before.
pub const PREFIX_V3: &str = "v3.";
/// Most actions a link may carry.
pub const MAX_ACTIONS: usize = 10_000;
/// Longest link accepted, in characters.
pub const MAX_LEN: usize = 200_000;
/// Longest lab id a link may name.
const MAX_LAB_ID: usize = 64;

/// Everything needed to reproduce a run exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The lab it belongs to, if any.
    pub lab: Option<String>,
    /// The seed.
    pub seed: u64,
    /// The configuration at the start of the run.
    pub config: Config,
    /// The action log.
    pub actions: Vec<Action>,
    /// The time the sharer was looking at.
    pub at: Millis,
}

/// Encodes a scenario as link text (without the leading `#`).
pub fn encode(s: &Scenario) -> String {
    let mut w = Writer::default();
    let lab = s.lab.as_deref().unwrap_or("");
    w.uint(lab.len() as u64);
    w.bytes.extend_from_slice(lab.as_bytes());
    w.uint(s.seed);
    w.uint(s.at);
    write_config(&mut w, &s.config);
    w.uint(s.actions.len() as u64);
    let mut prev = 0;
    for a in &s.actions {
        w.uint(a.at.saturating_sub(prev));
        prev = a.at;
        write_command(&mut w, &a.command);
    }
    w.seal(match config_version(&s.config) {
        3 => PREFIX_V3,
        _ => PREFIX,
    })
}

/// Decodes link text (a leading `#` is ignored) and validates every field.
pub fn decode(text: &str) -> Result<Scenario, ShareError> {
    let text = text.trim().trim_start_matches('#');
    if text.is_empty() {
        return Err(ShareError::Empty);
    }
    if text.len() > MAX_LEN {
        return Err(ShareError::TooLong);
    }
    let (data, version) = match open(text, PREFIX) {
        Err(ShareError::UnknownVersion) => match open(text, PREFIX_V3) {
            Err(ShareError::UnknownVersion) => (open(text, PREFIX_V1)?, 1),
            other => (other?, 3),
        },
        other => (other?, 2),
    };
    let mut r = Reader::new(&data);
    let lab_len = r.count(MAX_LAB_ID, "lab name")?;
    let lab_bytes = r.take(lab_len)?;
    let lab = std::str::from_utf8(lab_bytes).map_err(|_| ShareError::BadValue("lab name"))?;
    if !lab
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ShareError::BadValue("lab name"));
    }
    let seed = r.uint()?;
    let at = r.time("time")?;
    let config = read_config(&mut r, version)?;
    config.validate().map_err(ShareError::InvalidConfig)?;
    let n = r.count(MAX_ACTIONS, "number of actions")?;
    let mut actions = Vec::with_capacity(n);
    let mut t: Millis = 0;
    for _ in 0..n {
        t = t
            .checked_add(r.time("action time")?)
            .filter(|t| *t <= MAX_TIME_MS)
            .ok_or(ShareError::BadValue("action time"))?;
        let command = read_command(&mut r, config.consumers)?;
        actions.push(Action { at: t, command });
    }
    if !r.at_end() {
        return Err(ShareError::BadValue("ending"));
    }
    Ok(Scenario {
        lab: (!lab.is_empty()).then(|| lab.to_string()),
        seed,
        config,
        actions,
        at,
    })
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::command::{ArmMode, Command, CrashPoint};
    use crate::sim::config::{
        GatewayFaults, Outage, OutageKind, RateLimit, RedeliveryMode, RetryPolicy, Strategy,
    };

    fn sample() -> Scenario {
        let config = Config {
            consumers: 2,
            strategy: Strategy::SAFE,
            redelivery: RedeliveryMode::VisibilityTimeout { timeout_ms: 45 },
            retry: RetryPolicy::Exponential {
                base_ms: 100,
                cap_ms: 5_000,
                jitter: true,
            },
            rate_limit: Some(RateLimit {
                per_second: 20,
                burst: 5,
            }),
            gateway: GatewayFaults {
                failure_permille: 10,
                slow_ms: 5,
                outage: Some(Outage {
                    from_ms: 10,
                    until_ms: 900,
                    kind: OutageKind::Refuse,
                }),
                fail_first_attempts: 2,
            },
            ..Config::default()
        };
        let actions = vec![
            Action {
                at: 10,
                command: Command::ArmCrash {
                    consumer: None,
                    point: CrashPoint::AfterCharge,
                    mode: ArmMode::EveryKth(3),
                },
            },
            Action {
                at: 250,
                command: Command::CrashNow { consumer: 1 },
            },
            Action {
                at: 250,
                command: Command::Disarm {
                    consumer: Some(0),
                    point: CrashPoint::AfterAck,
                },
            },
            Action {
                at: 300,
                command: Command::LoseNextAck { consumer: 0 },
            },
            Action {
                at: 400,
                command: Command::GatewayOutage {
                    duration_ms: 1_000,
                    kind: OutageKind::Hang,
                },
            },
            Action {
                at: 500,
                command: Command::SetStrategy(Strategy::NAIVE),
            },
        ];
        Scenario {
            lab: Some("double-payment".into()),
            seed: u64::MAX - 3,
            config,
            actions,
            at: 1234,
        }
    }

    #[test]
    fn round_trips_every_field() {
        let s = sample();
        let text = encode(&s);
        assert!(text.starts_with(PREFIX));
        assert!(text.len() < 200, "compact: {} chars", text.len());
        assert_eq!(decode(&text), Ok(s.clone()));
        assert_eq!(decode(&format!("#{text}")), Ok(s));
    }

    #[test]
    fn truncation_and_edits_are_caught() {
        let text = encode(&sample());
        // Four link characters are three whole bytes: the cut is only visible to the checksum.
        assert_eq!(
            decode(&text[..text.len() - 4]).unwrap_err(),
            ShareError::Damaged
        );
        assert!(matches!(
            decode(&text[..text.len() - 5]).unwrap_err(),
            ShareError::Damaged | ShareError::Truncated
        ));
        let mut edited = text.clone().into_bytes();
        let i = edited.len() / 2;
        edited[i] = if edited[i] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            decode(std::str::from_utf8(&edited).unwrap()).unwrap_err(),
            ShareError::Damaged
        );
        assert_eq!(decode("v1.<script>").unwrap_err(), ShareError::NotALink);
        assert_eq!(decode("v9.AAAA").unwrap_err(), ShareError::UnknownVersion);
        assert_eq!(decode("").unwrap_err(), ShareError::Empty);
        assert_eq!(decode("v1.").unwrap_err(), ShareError::Truncated);
    }

    #[test]
    fn a_forged_link_with_a_valid_checksum_is_still_validated() {
        let mut s = sample();
        s.config.consumers = 9;
        let err = decode(&encode(&s)).unwrap_err();
        assert!(matches!(err, ShareError::InvalidConfig(_)), "{err:?}");
        assert!(err.message().contains("Consumers"));
    }

    /// An attacker's encoder: any `u64` in any field, sealed with the public checksum.
    fn forge(fields: &[u64]) -> String {
        let mut w = Writer::default();
        for f in fields {
            w.uint(*f);
        }
        w.seal(PREFIX)
    }

    /// The fields of a valid link to the default sandbox, with `at` and the action count in front.
    fn default_fields(at: u64) -> Vec<u64> {
        let text = encode(&Scenario {
            lab: None,
            seed: 1,
            config: Config::default(),
            actions: Vec::new(),
            at,
        });
        let data = open(&text, PREFIX).unwrap();
        let mut r = Reader::new(&data);
        let mut fields = Vec::new();
        while !r.at_end() {
            fields.push(r.uint().unwrap());
        }
        fields
    }

    #[test]
    fn times_beyond_the_bound_are_refused_and_the_bound_is_not() {
        assert_eq!(
            decode(&forge(&default_fields(MAX_TIME_MS))).unwrap().at,
            MAX_TIME_MS
        );
        for at in [MAX_TIME_MS + 1, u64::MAX, 1 << 32] {
            let mut f = default_fields(0);
            f[2] = at;
            let got = decode(&forge(&f));
            if at <= MAX_TIME_MS {
                assert!(got.is_ok());
            } else {
                assert_eq!(got.unwrap_err(), ShareError::BadValue("time"));
            }
        }
        // Two actions whose times add up past the bound.
        let mut f = default_fields(0);
        let n = f.len() - 1;
        f.truncate(n);
        f.extend([2, MAX_TIME_MS, 4, 0, MAX_TIME_MS, 4, 0]);
        assert_eq!(
            decode(&forge(&f)).unwrap_err(),
            ShareError::BadValue("action time")
        );
    }

    #[test]
    fn counts_past_32_bits_are_refused_not_wrapped() {
        // 2^32 + 1 would read as 1 through a 32-bit `as usize`.
        let mut f = default_fields(0);
        let n = f.len() - 1;
        f[n] = (1 << 32) + 1;
        f.extend([3, 0]);
        assert_eq!(
            decode(&forge(&f)).unwrap_err(),
            ShareError::BadValue("number of actions")
        );
        let mut f = default_fields(0);
        f[0] = 1 << 32;
        assert_eq!(
            decode(&forge(&f)).unwrap_err(),
            ShareError::BadValue("lab name")
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod fuzz {
        use super::*;
        use crate::sim::codec::{base64url, checksum};
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]


            #[test]
            fn any_text_decodes_or_fails_with_a_sentence(text in ".{0,300}") {
                if let Err(e) = decode(&text) {
                    prop_assert!(e.message().ends_with('.') || e.message().contains(':'));
                }
            }

            #[test]
            fn any_mutation_of_a_real_link_is_handled(pos in 0usize..400, byte in 0u8..128, cut in 0usize..400) {
                let text = encode(&sample());
                let mut bytes = text.into_bytes();
                let i = pos % bytes.len();
                bytes[i] = byte;
                bytes.truncate(cut.max(1).min(bytes.len()));
                let mutated = String::from_utf8_lossy(&bytes).to_string();
                match decode(&mutated) {
                    Ok(s) => prop_assert_eq!(s.config.validate(), Ok(())),
                    Err(e) => prop_assert!(!e.message().is_empty()),
                }
            }

            #[test]
            fn random_bytes_behind_a_valid_prefix_and_checksum_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200)) {
                let mut with_sum = data.clone();
                with_sum.extend_from_slice(&checksum(&data).to_le_bytes());
                let text = format!("{PREFIX}{}", base64url(&with_sum));
                if let Ok(s) = decode(&text) {
                    prop_assert_eq!(s.config.validate(), Ok(()));
                }
            }
        }
    }
}
