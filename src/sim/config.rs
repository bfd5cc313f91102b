//! What a learner can change: the strategy toggles and the world's settings.
//!
//! Every field here changes an outcome, and every one is taught. Numbers are integers (milliseconds,
//! per-mille) so a configuration round-trips exactly through share links and behaves identically on
//! every platform.

use crate::i18n::{n_, tr};
use serde::{Deserialize, Serialize};

mod broker_kind;
mod retention;
mod strategy;
mod validate;

pub use super::producer::ProducerSettings;
pub use broker_kind::{BrokerKind, CommitMode, LogSettings, MAX_PARTITIONS, SqsSettings};
pub use retention::{MAX_RETENTION_MS, Retention, STRIPE_KEY_RETENTION_MS, kept};
pub use strategy::{AckTiming, KeyedOn, LedgerWrite, RecordCheck, Strategy};
pub use validate::ConfigError;

/// Simulated milliseconds.
pub type Millis = u64;

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
        tr(match self {
            Step::Receive => n_("receive"),
            Step::BeginTx => n_("begin tx"),
            Step::CheckRecord => n_("check record"),
            Step::Charge => n_("charge card"),
            Step::WriteLedger => n_("write ledger"),
            Step::WriteRecord => n_("write record"),
            Step::Commit => n_("commit"),
            Step::Ack => n_("ack"),
        })
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

impl Latency {
    /// The default step durations (a constant, so the labs' configurations are data, not code).
    // The card gateway dominates, as it does in production.
    pub const DEFAULT: Latency = Latency {
        base_ms: [2, 1, 2, 40, 3, 2, 4, 1],
        jitter_percent: 50,
    };
}

impl Default for Latency {
    fn default() -> Self {
        Latency::DEFAULT
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

impl GatewayFaults {
    /// No faults: the derived default, as a constant for the labs' constant configurations.
    pub const DEFAULT: GatewayFaults = GatewayFaults {
        failure_permille: 0,
        slow_ms: 0,
        outage: None,
        fail_first_attempts: 0,
    };
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
    /// The kind of broker. Default: the queue (left out of JSON, so a queue's configuration is written
    /// as before the kinds existed).
    #[serde(default, skip_serializing_if = "BrokerKind::is_queue")]
    pub broker: BrokerKind,
    /// The order service publishing the payments. Default: every payment published once
    /// ([`ProducerSettings::default`]; left out of JSON, so such a configuration is written as before).
    #[serde(default, skip_serializing_if = "ProducerSettings::is_default")]
    pub producer: ProducerSettings,
    /// How long processed records and gateway keys are kept. Default: forever (and then left out of
    /// the JSON, so configurations written before retention existed read and write as before).
    #[serde(skip_serializing_if = "Retention::is_forever")]
    pub retention: Retention,
}

impl Config {
    /// The default configuration, as a constant: the labs build their configurations from it at
    /// compile time, so they ship as data rather than as code that stores every field.
    pub const DEFAULT: Config = Config {
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
        latency: Latency::DEFAULT,
        gateway: GatewayFaults::DEFAULT,
        gateway_capacity: DEFAULT_GATEWAY_CAPACITY,
        call_timeout_ms: DEFAULT_CALL_TIMEOUT_MS,
        lost_ack_permille: 0,
        customers: 5,
        event_window: 100_000,
        sample_interval_ms: 100,
        broker: BrokerKind::Queue,
        producer: ProducerSettings::DEFAULT,
        retention: Retention::DEFAULT,
    };
}

impl Default for Config {
    fn default() -> Self {
        Config::DEFAULT
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_early_ack_moves_the_ack_right_after_receive() {
        let seq = Step::sequence(AckTiming::ManualFirst);
        assert_eq!(&seq[..2], &[Step::Receive, Step::Ack]);
        assert_eq!(Step::sequence(AckTiming::AfterCommit)[7], Step::Ack);
    }
}
