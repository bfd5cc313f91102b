//! What a learner can change: the strategy toggles and the world's settings.
//!
//! Every field here changes an outcome, and every one is taught. Numbers are integers (milliseconds,
//! per-mille) so a configuration round-trips exactly through share links and behaves identically on
//! every platform.

use super::vocabulary::Named;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Simulated milliseconds.
pub type Millis = u64;

/// When the broker learns that a delivery is done with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckTiming {
    /// Automatic acknowledgement (AMQP `no_ack`, Kafka's auto-commit at its extreme): the broker counts
    /// a message as done the moment it sends it, and ignores the prefetch limit. A crash anywhere after
    /// delivery — even of a message still waiting in the consumer's buffer — loses the payment.
    Auto,
    /// Manual acknowledgement sent as the consumer's first step, before any work. A crash before that
    /// ack still redelivers; a crash after it loses the payment.
    #[serde(alias = "before_process")]
    ManualFirst,
    /// Manual acknowledgement after the database commit: a crash before the ack means a redelivery,
    /// never a loss.
    AfterCommit,
}

/// How the processed-record table rejects a second record for the same message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordCheck {
    /// Read, then insert if absent: two concurrent deliveries can both read "absent".
    CheckThenInsert,
    /// A unique key on the message id: the second insert fails and its transaction aborts.
    UniqueConstraint,
}

/// How the consumer writes the payment into the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerWrite {
    /// Insert a new row each time: not idempotent on its own.
    Append,
    /// Mark the payment paid only if it is still pending (compare-and-set).
    Conditional,
    /// Add the payment to a set keyed by payment id: repeating it changes nothing.
    Commutative,
}

/// The strategy toggles of the lessons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Strategy {
    /// Check a durable processed-message record before the effect and write it with the effect.
    pub idempotency: bool,
    /// Ledger row and processed record in one transaction, committed before the ack. Off: every
    /// write commits on its own as it happens.
    pub transactional: bool,
    /// When the message is acknowledged.
    pub ack_timing: AckTiming,
    /// Send the payment id as the card gateway's idempotency key, so a repeated charge returns the first.
    pub gateway_key: bool,
    /// How the processed-record table guards against a second record.
    pub record_check: RecordCheck,
    /// How the ledger is written.
    #[serde(default = "default_ledger_write")]
    pub ledger_write: LedgerWrite,
}

fn default_ledger_write() -> LedgerWrite {
    LedgerWrite::Append
}

impl Strategy {
    /// The naive consumer of the incident: no idempotency, no transaction, no key.
    pub const NAIVE: Strategy = Strategy {
        idempotency: false,
        transactional: false,
        ack_timing: AckTiming::AfterCommit,
        gateway_key: false,
        record_check: RecordCheck::CheckThenInsert,
        ledger_write: LedgerWrite::Append,
    };

    /// Every safeguard of the lessons switched on.
    pub const SAFE: Strategy = Strategy {
        idempotency: true,
        transactional: true,
        ack_timing: AckTiming::AfterCommit,
        gateway_key: true,
        record_check: RecordCheck::UniqueConstraint,
        ledger_write: LedgerWrite::Append,
    };

    /// All 48 combinations of the sweep's toggles (idempotency, transaction, the three ack timings,
    /// gateway key, record check; ledger writes stay `Append`), in a fixed order.
    pub fn all_combinations() -> Vec<Strategy> {
        (0..256)
            .filter_map(Strategy::from_bits)
            .filter(|s| s.ledger_write == LedgerWrite::Append)
            .collect()
    }

    /// The strategy as a small number: one bit per toggle (idempotency, transactional, manual ack
    /// first, gateway key, unique constraint), the ledger write style in bits 5–6, and auto-ack in bit
    /// 7. Share links and the sweep's order use it; links made before auto-ack existed never set bit 7,
    /// and their "ack early" bit 2 still means a manual ack sent first.
    pub fn bits(&self) -> u64 {
        self.idempotency as u64
            | (self.transactional as u64) << 1
            | ((self.ack_timing == AckTiming::ManualFirst) as u64) << 2
            | (self.gateway_key as u64) << 3
            | ((self.record_check == RecordCheck::UniqueConstraint) as u64) << 4
            | (match self.ledger_write {
                LedgerWrite::Append => 0,
                LedgerWrite::Conditional => 1,
                LedgerWrite::Commutative => 2,
            }) << 5
            | ((self.ack_timing == AckTiming::Auto) as u64) << 7
    }

    /// The inverse of [`Strategy::bits`]; `None` for a number no strategy has.
    pub fn from_bits(bits: u64) -> Option<Strategy> {
        if bits >= 256 || (bits & 4 != 0 && bits & 128 != 0) {
            return None;
        }
        let ledger_write = match (bits >> 5) & 3 {
            0 => LedgerWrite::Append,
            1 => LedgerWrite::Conditional,
            2 => LedgerWrite::Commutative,
            _ => return None,
        };
        Some(Strategy {
            idempotency: bits & 1 != 0,
            transactional: bits & 2 != 0,
            ack_timing: if bits & 128 != 0 {
                AckTiming::Auto
            } else if bits & 4 != 0 {
                AckTiming::ManualFirst
            } else {
                AckTiming::AfterCommit
            },
            gateway_key: bits & 8 != 0,
            record_check: if bits & 16 != 0 {
                RecordCheck::UniqueConstraint
            } else {
                RecordCheck::CheckThenInsert
            },
            ledger_write,
        })
    }

    /// The strategy in the truth table's five short columns (`I T commit K unique`), `-` for a
    /// safeguard that is off; the ack column reads `commit`, `first` or `auto`.
    pub fn columns(&self) -> String {
        let yes = |b: bool, w: &'static str| if b { w } else { "-" };
        format!(
            "{:<4} {:<3} {:<6} {:<3} {:<6}",
            yes(self.idempotency, "I"),
            yes(self.transactional, "T"),
            self.ack_timing.code(),
            yes(self.gateway_key, "K"),
            self.record_check.code()
        )
    }

    /// [`Strategy::columns`] with single spaces: `- T first K check`.
    pub fn code(&self) -> String {
        self.columns()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for Strategy {
    /// The strategy in words, e.g. `idempotency on, transaction on, ack after commit, gateway key
    /// off, check-then-insert, append rows`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on = |b: bool| if b { "on" } else { "off" };
        write!(
            f,
            "idempotency {}, transaction {}, {}, gateway key {}, {}, {}",
            on(self.idempotency),
            on(self.transactional),
            self.ack_timing.label(),
            on(self.gateway_key),
            self.record_check.label(),
            self.ledger_write.label()
        )
    }
}

impl Default for Strategy {
    fn default() -> Self {
        Strategy::NAIVE
    }
}

/// What makes the broker hand an unacknowledged message out again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum RedeliveryMode {
    /// AMQP-like: a disconnected consumer's unacked messages return to the queue at once.
    OnDisconnect,
    /// SQS-like: an unacked delivery becomes visible again after `timeout_ms`, even while the first
    /// consumer is still working on it.
    VisibilityTimeout {
        /// How long a delivery stays invisible to other consumers.
        timeout_ms: u32,
    },
}

/// How a nacked (failed) message is retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "policy")]
pub enum RetryPolicy {
    /// Back in the queue at once: the fastest way into a retry storm.
    Immediate,
    /// Back in the queue after a fixed delay.
    Fixed {
        /// The delay before each retry.
        delay_ms: u32,
    },
    /// `base · 2^(attempt-1)`, capped, optionally with jitter (a uniform draw in the upper half).
    Exponential {
        /// The first retry's delay.
        base_ms: u32,
        /// No retry waits longer than this.
        cap_ms: u32,
        /// Spread retries so failed messages do not return in lockstep.
        jitter: bool,
    },
}

/// A token bucket on retries: at most `per_second` retries a second, with bursts of `burst`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Sustained retries per simulated second.
    pub per_second: u32,
    /// Retries allowed back to back before the rate applies.
    pub burst: u32,
}

/// The consumer's steps, in their order when acking after commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Take the next delivered message.
    Receive,
    /// Open a database transaction.
    BeginTx,
    /// Look the message up in the processed-record table.
    CheckRecord,
    /// Call the card gateway: the side effect outside the database.
    Charge,
    /// Write the payment into the ledger.
    WriteLedger,
    /// Write the processed record.
    WriteRecord,
    /// Commit the transaction.
    Commit,
    /// Acknowledge the message to the broker.
    Ack,
}

impl Step {
    /// All steps in their canonical order.
    pub const ALL: [Step; 8] = [
        Step::Receive,
        Step::BeginTx,
        Step::CheckRecord,
        Step::Charge,
        Step::WriteLedger,
        Step::WriteRecord,
        Step::Commit,
        Step::Ack,
    ];

    /// The step's name as the lessons write it.
    pub fn label(self) -> &'static str {
        match self {
            Step::Receive => "receive",
            Step::BeginTx => "begin tx",
            Step::CheckRecord => "check record",
            Step::Charge => "charge card",
            Step::WriteLedger => "write ledger",
            Step::WriteRecord => "write record",
            Step::Commit => "commit",
            Step::Ack => "ack",
        }
    }

    /// The order in which a consumer walks the steps under `timing`. A manual ack sent first moves the
    /// ack right after receive. Under auto-ack the broker already forgot the message when it sent it;
    /// the ack step stays right after receive as a marker of that fact (it takes no time and sends
    /// nothing), so "after receive" and "after ack" are both points past the ack.
    pub fn sequence(timing: AckTiming) -> [Step; 8] {
        match timing {
            AckTiming::AfterCommit => Step::ALL,
            AckTiming::ManualFirst | AckTiming::Auto => [
                Step::Receive,
                Step::Ack,
                Step::BeginTx,
                Step::CheckRecord,
                Step::Charge,
                Step::WriteLedger,
                Step::WriteRecord,
                Step::Commit,
            ],
        }
    }

    /// Index into per-step tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// How long each step takes: `base_ms[step]` plus a uniform draw up to `jitter_percent` of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latency {
    /// Base duration per step, indexed by [`Step::index`].
    pub base_ms: [u32; 8],
    /// Extra random duration, as a percentage of the base (0 = fixed durations).
    pub jitter_percent: u8,
}

impl Default for Latency {
    fn default() -> Self {
        // The card gateway dominates, as it does in production.
        Latency {
            base_ms: [2, 1, 2, 40, 3, 2, 4, 1],
            jitter_percent: 50,
        }
    }
}

/// Faults of the card gateway.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayFaults {
    /// Chance per charge attempt that the gateway answers with an error, in per-mille.
    pub failure_permille: u16,
    /// Extra milliseconds every charge takes (a slow gateway).
    pub slow_ms: u32,
    /// A window of simulated time in which the gateway is down.
    pub outage: Option<Outage>,
    /// Scripted failures: the first this-many charge attempts of every payment fail (a deterministic
    /// fault, so the reality check can reproduce retries and dead-lettering exactly). Default 0.
    #[serde(default)]
    pub fail_first_attempts: u8,
}

/// How a gateway outage shows itself to callers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutageKind {
    /// The gateway refuses connections: every call fails at once, and nothing is charged.
    #[default]
    Refuse,
    /// The gateway accepts calls but stops answering: calls pile up until it recovers, then it works
    /// through them (charging each one), while callers time out and retry.
    Hang,
}

/// A gateway outage from `from_ms` (inclusive) to `until_ms` (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outage {
    /// Start of the outage.
    pub from_ms: u64,
    /// End of the outage.
    pub until_ms: u64,
    /// Refused or hanging calls. Default: refused.
    #[serde(default)]
    pub kind: OutageKind,
}

impl Outage {
    /// True while the gateway is down.
    pub fn covers(&self, t: Millis) -> bool {
        (self.from_ms..self.until_ms).contains(&t)
    }
}

/// Where a failed message waits out its retry delay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryWait {
    /// In the broker. RabbitMQ has no delayed requeue: a delay is a retry queue whose message TTL
    /// dead-letters the message back to the tail of `payments` (an immediate retry is a requeue to its
    /// original position). SQS: the consumer changes the message's visibility timeout. The consumer
    /// meanwhile takes other messages.
    #[default]
    Broker,
    /// In the consumer: it keeps the message and waits before nacking it, taking nothing else
    /// meanwhile — the delay slows the consumer itself, and so the load it sends to the gateway.
    Consumer,
}

/// The whole configuration of a run. Defaults are a small, calm world: one consumer, ack after
/// commit, no safeguards, no faults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// How many payments the producer publishes. Default 20.
    pub payments: u32,
    /// Simulated milliseconds between two publishes. Default 25.
    pub publish_interval_ms: u32,
    /// Number of consumers, 1 to 4. Default 1.
    pub consumers: u8,
    /// Deliveries a consumer may hold unacknowledged, 1 to 32. Default 1.
    pub prefetch: u8,
    /// The strategy toggles. Default: [`Strategy::NAIVE`].
    pub strategy: Strategy,
    /// What triggers a redelivery. Default: on disconnect.
    pub redelivery: RedeliveryMode,
    /// How failed messages are retried. Default: fixed 100 ms.
    pub retry: RetryPolicy,
    /// Where the retry delay is waited out. Default: in the broker.
    pub retry_wait: RetryWait,
    /// Optional token bucket on retries. Default: none.
    pub rate_limit: Option<RateLimit>,
    /// Deliveries before a message goes to the dead-letter queue; 0 means unlimited. Default 0.
    pub max_deliveries: u8,
    /// How long a crashed consumer stays down. Default 200 ms.
    pub restart_delay_ms: u32,
    /// Step durations. Default: [`Latency::default`].
    pub latency: Latency,
    /// Card gateway faults. Default: none.
    pub gateway: GatewayFaults,
    /// Charges the card gateway works on at once, 1 to 32; more calls wait their turn, and while more
    /// calls are in the gateway than it has room for, each one takes longer (contention). Default 4.
    pub gateway_capacity: u8,
    /// How long a consumer waits for the gateway's answer before giving up, in ms. A call that timed
    /// out may still charge the card later: its outcome is unknown to the consumer. Default 1,000.
    pub call_timeout_ms: u32,
    /// Chance that an ack is lost on the way to the broker, in per-mille. Default 0.
    pub lost_ack_permille: u16,
    /// Customers payments are drawn from, 1 to 26. Default 5.
    pub customers: u8,
    /// Events kept in memory for the event log view; older ones still count in the digest. Default 100,000.
    pub event_window: u32,
    /// Simulated milliseconds between two samples of the time series. Default 100.
    pub sample_interval_ms: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            payments: 20,
            publish_interval_ms: 25,
            consumers: 1,
            prefetch: 1,
            strategy: Strategy::NAIVE,
            redelivery: RedeliveryMode::OnDisconnect,
            retry: RetryPolicy::Fixed { delay_ms: 100 },
            retry_wait: RetryWait::Broker,
            rate_limit: None,
            max_deliveries: 0,
            restart_delay_ms: 200,
            latency: Latency::default(),
            gateway: GatewayFaults::default(),
            gateway_capacity: DEFAULT_GATEWAY_CAPACITY,
            call_timeout_ms: DEFAULT_CALL_TIMEOUT_MS,
            lost_ack_permille: 0,
            customers: 5,
            event_window: 100_000,
            sample_interval_ms: 100,
        }
    }
}

/// The gateway's default capacity: as many calls as the most consumers, so it never queues unless
/// callers time out and leave calls behind.
pub const DEFAULT_GATEWAY_CAPACITY: u8 = 4;
/// The consumer's default gateway call timeout.
pub const DEFAULT_CALL_TIMEOUT_MS: u32 = 1_000;

/// Upper bounds that keep a browser tab responsive; the CLI uses the same ones.
pub mod limits {
    /// Most payments one run may publish.
    pub const MAX_PAYMENTS: u32 = 5_000_000;
    /// Most consumers.
    pub const MAX_CONSUMERS: u8 = 4;
    /// Largest prefetch.
    pub const MAX_PREFETCH: u8 = 32;
    /// Longest duration any single setting may name (one simulated hour).
    pub const MAX_DURATION_MS: u32 = 3_600_000;
    /// Largest event window.
    pub const MAX_EVENT_WINDOW: u32 = 2_000_000;
    /// Largest gateway capacity.
    pub const MAX_GATEWAY_CAPACITY: u8 = 32;
}

/// A setting out of range, with a sentence a user can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Checks every setting and names the first one out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        use limits::*;
        let err = |s: String| Err(ConfigError(s));
        if self.payments > MAX_PAYMENTS {
            return err(format!(
                "Payments must be at most {MAX_PAYMENTS}; {} was asked for.",
                self.payments
            ));
        }
        if !(1..=MAX_CONSUMERS).contains(&self.consumers) {
            return err(format!(
                "Consumers must be between 1 and {MAX_CONSUMERS}; got {}.",
                self.consumers
            ));
        }
        if !(1..=MAX_PREFETCH).contains(&self.prefetch) {
            return err(format!(
                "Prefetch must be between 1 and {MAX_PREFETCH}; got {}.",
                self.prefetch
            ));
        }
        if !(1..=26).contains(&self.customers) {
            return err(format!(
                "Customers must be between 1 and 26; got {}.",
                self.customers
            ));
        }
        if self.gateway.fail_first_attempts > 100 {
            return err(format!(
                "At most the first 100 charge attempts of a payment can be scripted to fail; got {}.",
                self.gateway.fail_first_attempts
            ));
        }
        if self.lost_ack_permille > 1000 || self.gateway.failure_permille > 1000 {
            return err("Chances are per-mille: at most 1000.".to_string());
        }
        let durations = [
            ("publish interval", self.publish_interval_ms),
            ("restart delay", self.restart_delay_ms),
            ("gateway slowness", self.gateway.slow_ms),
        ];
        for (name, v) in durations {
            if v > MAX_DURATION_MS {
                return err(format!(
                    "The {name} must be at most {MAX_DURATION_MS} ms; got {v}."
                ));
            }
        }
        if self.latency.base_ms.iter().any(|v| *v > MAX_DURATION_MS) {
            return err(format!("A step may take at most {MAX_DURATION_MS} ms."));
        }
        if let RedeliveryMode::VisibilityTimeout { timeout_ms } = self.redelivery
            && !(1..=MAX_DURATION_MS).contains(&timeout_ms)
        {
            return err(format!(
                "The visibility timeout must be between 1 and {MAX_DURATION_MS} ms; got {timeout_ms}."
            ));
        }
        match self.retry {
            RetryPolicy::Immediate => {}
            RetryPolicy::Fixed { delay_ms } if delay_ms > MAX_DURATION_MS => {
                return err(format!(
                    "The retry delay must be at most {MAX_DURATION_MS} ms."
                ));
            }
            RetryPolicy::Exponential {
                base_ms, cap_ms, ..
            } if base_ms == 0
                || base_ms > MAX_DURATION_MS
                || cap_ms > MAX_DURATION_MS
                || cap_ms < base_ms =>
            {
                return err(format!(
                    "Exponential backoff needs 1 ≤ base ≤ cap ≤ {MAX_DURATION_MS} ms; got base {base_ms}, cap {cap_ms}."
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
            return err("The retry rate limit needs between 1 and 1,000,000 retries a second and a burst of at least 1.".to_string());
        }
        if let Some(o) = self.gateway.outage
            && o.until_ms < o.from_ms
        {
            return err("A gateway outage must end after it starts.".to_string());
        }
        if !(1..=MAX_GATEWAY_CAPACITY).contains(&self.gateway_capacity) {
            return err(format!(
                "The gateway capacity must be between 1 and {MAX_GATEWAY_CAPACITY} calls; got {}.",
                self.gateway_capacity
            ));
        }
        if !(1..=MAX_DURATION_MS).contains(&self.call_timeout_ms) {
            return err(format!(
                "The gateway call timeout must be between 1 and {MAX_DURATION_MS} ms; got {}.",
                self.call_timeout_ms
            ));
        }
        if !(1..=MAX_EVENT_WINDOW).contains(&self.event_window) {
            return err(format!(
                "The event window must hold between 1 and {MAX_EVENT_WINDOW} events."
            ));
        }
        if !(1..=MAX_DURATION_MS).contains(&self.sample_interval_ms) {
            return err(format!(
                "The sample interval must be between 1 and {MAX_DURATION_MS} ms."
            ));
        }
        Ok(())
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
        assert!(e.0.contains("Consumers must be between 1 and 4"), "{e}");
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
    fn bits_round_trip_for_every_strategy() {
        let mut valid = 0;
        for bits in 0..300 {
            if let Some(s) = Strategy::from_bits(bits) {
                assert_eq!(s.bits(), bits);
                valid += 1;
            }
        }
        assert_eq!(
            valid,
            2 * 2 * 3 * 2 * 2 * 3,
            "every strategy has exactly one number"
        );
        assert_eq!(
            Strategy::from_bits(4 | 128),
            None,
            "two ack timings at once"
        );
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn old_links_early_ack_bit_is_a_manual_ack_first() {
        assert_eq!(
            Strategy::from_bits(4).map(|s| s.ack_timing),
            Some(AckTiming::ManualFirst)
        );
        let old: Strategy = serde_json::from_str(
            r#"{"idempotency":false,"transactional":false,"ack_timing":"before_process","gateway_key":false,"record_check":"check_then_insert"}"#,
        )
        .unwrap();
        assert_eq!(old.ack_timing, AckTiming::ManualFirst);
    }

    #[test]
    fn all_combinations_are_distinct() {
        let all = Strategy::all_combinations();
        assert_eq!(all.len(), 48);
        let set: std::collections::HashSet<_> = all.iter().collect();
        assert_eq!(set.len(), 48);
    }

    #[test]
    fn an_early_ack_moves_the_ack_right_after_receive() {
        let seq = Step::sequence(AckTiming::ManualFirst);
        assert_eq!(&seq[..2], &[Step::Receive, Step::Ack]);
        assert_eq!(Step::sequence(AckTiming::AfterCommit)[7], Step::Ack);
    }
}
