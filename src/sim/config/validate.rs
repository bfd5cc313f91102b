//! Validation: every setting checked against the bounds in [`limits`], the first one out of range
//! named in a sentence the user can act on.
//!
//! Links, saved runs, configuration files and `--set` all arrive from outside, so nothing runs on a
//! configuration that has not passed here; the bounds keep a browser tab responsive.

use super::{BrokerKind, Config, MAX_PARTITIONS, RedeliveryMode, RetryPolicy, limits};
use crate::i18n::{n_, tr, trf_n, trs};
use crate::sim::sentence::sentence_error;

sentence_error!(
    /// A setting out of range, with a sentence a user can act on.
    ConfigError
);

impl Config {
    /// Checks every setting and names the first one out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        use limits::*;
        let err = |s: String| Err(ConfigError(s));
        if self.payments > MAX_PAYMENTS {
            return err(trf_n(
                "Payments must be at most {0}; {1} was asked for.",
                &[MAX_PAYMENTS as u64, self.payments as u64],
            ));
        }
        between(
            n_("Consumers must be between 1 and {0}; got {1}."),
            self.consumers.into(),
            MAX_CONSUMERS.into(),
        )?;
        between(
            n_("Prefetch must be between 1 and {0}; got {1}."),
            self.prefetch.into(),
            MAX_PREFETCH.into(),
        )?;
        between(
            n_("Customers must be between 1 and {0}; got {1}."),
            self.customers.into(),
            26,
        )?;
        if self.gateway.fail_first_attempts > 100 {
            return err(trf_n(
                "At most the first 100 charge attempts of a payment can be scripted to fail; got {0}.",
                &[self.gateway.fail_first_attempts as u64],
            ));
        }
        if self.lost_ack_permille > 1000 || self.gateway.failure_permille > 1000 {
            return err(trs("Chances are per-mille: at most 1000."));
        }
        let durations = [
            (
                n_("The publish interval must be at most {0} ms; got {1}."),
                self.publish_interval_ms,
            ),
            (
                n_("The restart delay must be at most {0} ms; got {1}."),
                self.restart_delay_ms,
            ),
            (
                n_("The gateway slowness must be at most {0} ms; got {1}."),
                self.gateway.slow_ms,
            ),
        ];
        for (template, v) in durations {
            if v > MAX_DURATION_MS {
                return err(trf_n(template, &[u64::from(MAX_DURATION_MS), u64::from(v)]));
            }
        }
        if self.latency.base_ms.iter().any(|v| *v > MAX_DURATION_MS) {
            return err(trf_n(
                "A step may take at most {0} ms.",
                &[MAX_DURATION_MS as u64],
            ));
        }
        if let RedeliveryMode::VisibilityTimeout { timeout_ms } = self.redelivery {
            between(
                n_("The visibility timeout must be between 1 and {0} ms; got {1}."),
                timeout_ms.into(),
                MAX_DURATION_MS.into(),
            )?;
        }
        match self.retry {
            RetryPolicy::Immediate => {}
            RetryPolicy::Fixed { delay_ms } if delay_ms > MAX_DURATION_MS => {
                return err(trf_n(
                    "The retry delay must be at most {0} ms.",
                    &[MAX_DURATION_MS as u64],
                ));
            }
            RetryPolicy::Exponential {
                base_ms, cap_ms, ..
            } if base_ms == 0
                || base_ms > MAX_DURATION_MS
                || cap_ms > MAX_DURATION_MS
                || cap_ms < base_ms =>
            {
                return err(trf_n(
                    "Exponential backoff needs 1 ≤ base ≤ cap ≤ {0} ms; got base {1}, cap {2}.",
                    &[MAX_DURATION_MS as u64, base_ms as u64, cap_ms as u64],
                ));
            }
            _ => {}
        }
        if let Some(r) = self.rate_limit
            && (r.per_second == 0
                || r.per_second > 1_000_000
                || r.burst == 0
                || r.burst > 1_000_000)
        {
            return err(trs(
                "The retry rate limit needs between 1 and 1,000,000 retries a second and a burst of at least 1.",
            ));
        }
        if let Some(o) = self.gateway.outage
            && o.until_ms < o.from_ms
        {
            return err(trs("A gateway outage must end after it starts."));
        }
        between(
            n_("The gateway capacity must be between 1 and {0} calls; got {1}."),
            self.gateway_capacity.into(),
            MAX_GATEWAY_CAPACITY.into(),
        )?;
        between(
            n_("The gateway call timeout must be between 1 and {0} ms; got {1}."),
            self.call_timeout_ms.into(),
            MAX_DURATION_MS.into(),
        )?;
        if !(1..=MAX_EVENT_WINDOW).contains(&self.event_window) {
            return err(trf_n(
                "The event window must hold between 1 and {0} events.",
                &[MAX_EVENT_WINDOW as u64],
            ));
        }
        if !(1..=MAX_DURATION_MS).contains(&self.sample_interval_ms) {
            return err(trf_n(
                "The sample interval must be between 1 and {0} ms.",
                &[MAX_DURATION_MS as u64],
            ));
        }
        for (what, w) in [
            (
                n_("The retention of processed records must be between 1 and {0} ms; got {1}."),
                self.retention.records_ms,
            ),
            (
                n_("The retention of gateway keys must be between 1 and {0} ms; got {1}."),
                self.retention.gateway_keys_ms,
            ),
        ] {
            if let Some(w) = w {
                between(what, w, super::MAX_RETENTION_MS)?;
            }
        }
        match self.broker {
            BrokerKind::Queue => {}
            BrokerKind::Sqs(s) if s.duplicate_permille > 1000 => {
                return err(trs("Chances are per-mille: at most 1000."));
            }
            BrokerKind::Sqs(_) => {}
            BrokerKind::Log(l) => {
                between(
                    n_("Partitions must be between 1 and {0}; got {1}."),
                    l.partitions.into(),
                    MAX_PARTITIONS.into(),
                )?;
                between(
                    n_("The auto-commit interval must be between 1 and {0} ms; got {1}."),
                    l.auto_commit_interval_ms.into(),
                    MAX_DURATION_MS.into(),
                )?;
            }
        }
        if self.broker.log().is_some() && self.producer.can_misbehave() {
            return err(tr(
                "Producer republishes and crashes are modelled on the queue and SQS brokers, not on the log.",
            )
            .to_string());
        }
        self.producer.validate().map_err(ConfigError)
    }
}

/// Checks that `value` lies in 1..=`max`, or names the setting with `template`, whose `{0}` is `max`
/// and `{1}` the value: "Consumers must be between 1 and 4; got 9." (one whole sentence per setting,
/// so a translation can agree with the setting's name).
fn between(template: &'static str, value: u64, max: u64) -> Result<(), ConfigError> {
    if (1..=max).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError(trf_n(template, &[max, value])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
    }

    #[test]
    fn zero_consumers_is_refused_with_a_sentence() {
        let c = Config {
            consumers: 0,
            ..Config::default()
        };
        let e = c.validate().unwrap_err();
        assert_eq!(e.0, "Consumers must be between 1 and 4; got 0.");
    }

    #[test]
    fn a_billion_payments_is_refused() {
        let c = Config {
            payments: 1_000_000_000,
            ..Config::default()
        };
        assert!(c.validate().is_err());
    }

    #[test]
    fn each_range_names_its_setting_and_unit() {
        let refused = |c: Config| c.validate().unwrap_err().0;
        let d = Config::default;
        assert_eq!(
            refused(Config {
                redelivery: RedeliveryMode::VisibilityTimeout { timeout_ms: 0 },
                ..d()
            }),
            "The visibility timeout must be between 1 and 3600000 ms; got 0."
        );
        assert_eq!(
            refused(Config {
                gateway_capacity: 33,
                ..d()
            }),
            "The gateway capacity must be between 1 and 32 calls; got 33."
        );
        assert_eq!(
            refused(Config {
                customers: 27,
                ..d()
            }),
            "Customers must be between 1 and 26; got 27."
        );
        let log = |partitions, auto_commit_interval_ms| Config {
            broker: BrokerKind::Log(super::super::LogSettings {
                partitions,
                auto_commit_interval_ms,
                offsets_in_transaction: false,
            }),
            ..d()
        };
        assert_eq!(
            refused(log(9, 100)),
            "Partitions must be between 1 and 8; got 9."
        );
        assert_eq!(
            refused(log(2, 0)),
            "The auto-commit interval must be between 1 and 3600000 ms; got 0."
        );
        assert_eq!(log(8, 3_600_000).validate(), Ok(()));
        let sqs = |duplicate_permille| Config {
            broker: BrokerKind::Sqs(super::super::SqsSettings {
                fifo: false,
                duplicate_permille,
            }),
            ..d()
        };
        assert_eq!(refused(sqs(1001)), "Chances are per-mille: at most 1000.");
        assert_eq!(sqs(1000).validate(), Ok(()));
    }
}
