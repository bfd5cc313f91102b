//! Which kind of broker carries the payments: today's queue, an SQS-like queue, or a Kafka-like log.
//!
//! The consumer's steps, crash points and strategy toggles are the same for every kind; what a crash,
//! an ack or a failure does follows the kind. The default is the queue, so every configuration, share
//! link and saved run made before the kinds existed means what it meant.

use serde::{Deserialize, Serialize};

/// The broker kind of a run. Default: [`BrokerKind::Queue`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BrokerKind {
    /// A RabbitMQ-like queue with per-message acknowledgements: the broker forgets a message when it
    /// hears its ack, and redelivers an unacknowledged one on disconnect or visibility timeout.
    #[default]
    Queue,
    /// An SQS-like queue: a visibility timeout, a standard queue's occasional duplicate, a FIFO queue's
    /// deduplication window. Until those land (the producer work of issue 15), it runs as the queue
    /// with the configured redelivery mode.
    Sqs(SqsSettings),
    /// A Kafka-like log: partitions, a consumer group, committed offsets.
    Log(LogSettings),
}

/// The settings of an SQS-like queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct SqsSettings {
    /// A FIFO queue (deduplication within a 5-minute window) rather than a standard one.
    pub fifo: bool,
    /// For a standard queue: the chance, in per-mille, that a receive hands out a copy of a message
    /// with no failure at all (at-least-once delivery). Default 0.
    pub duplicate_permille: u16,
}

/// The settings of a Kafka-like log. When offsets are committed follows the strategy's ack timing,
/// in the same words ([`LogSettings::commit_mode`]); where they are stored is set here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct LogSettings {
    /// Partitions of the `payments` topic, 1 to [`MAX_PARTITIONS`]. A payment's messages go to the
    /// partition of its key, so they stay in one partition, in order. Default 2.
    pub partitions: u8,
    /// With automatic commits: how often the consumer commits the position of what it has fetched
    /// (Kafka's `auto.commit.interval.ms`, whose default is 5,000 ms; the sandbox's runs are short, so
    /// its default is 100 ms). Default 100.
    pub auto_commit_interval_ms: u32,
    /// Store each partition's offset in the database, in the same transaction as the ledger row, and
    /// resume from it after a crash or a rebalance (Kafka's "storing offsets outside Kafka"). Default off.
    pub offsets_in_transaction: bool,
}

/// Most partitions a topic may have.
pub const MAX_PARTITIONS: u8 = 8;

impl LogSettings {
    /// The default topic, as a constant (the labs' configurations are constants).
    pub const DEFAULT: LogSettings = LogSettings {
        partitions: 2,
        auto_commit_interval_ms: 100,
        offsets_in_transaction: false,
    };
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings::DEFAULT
    }
}

/// When a log consumer commits its offsets: the strategy's ack timing read for a log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommitMode {
    /// `enable.auto.commit`: every `auto_commit_interval_ms` the consumer commits the position after
    /// the last record it fetched, processed or not (the ack timing "auto").
    Auto,
    /// The consumer commits a record's offset as its first step, before processing it ("manual ack
    /// first").
    BeforeProcessing,
    /// The consumer commits a record's offset after the database commit ("ack after commit").
    AfterProcessing,
    /// The offset is written with the ledger row, in the database transaction; the consumer resumes
    /// from the database's offset and commits nothing to the broker.
    InTransaction,
}

impl LogSettings {
    /// What a failed record does on a log, in one sentence for the UI: the simplification the model
    /// makes where a queue would nack one message (see `simulation/log.rs`).
    pub const FAILURE_RULE: &'static str = "A log cannot nack one record: a failed record is retried \
        in place, holding up its partition, until the delivery limit, then goes to a dead-letter \
        topic and the consumer commits past it.";

    /// How offsets are committed under `timing`: in the transaction when
    /// [`LogSettings::offsets_in_transaction`] is set, otherwise as the ack timing reads.
    pub fn commit_mode(&self, timing: super::AckTiming) -> CommitMode {
        use super::AckTiming::*;
        match (self.offsets_in_transaction, timing) {
            (true, _) => CommitMode::InTransaction,
            (false, Auto) => CommitMode::Auto,
            (false, ManualFirst) => CommitMode::BeforeProcessing,
            (false, AfterCommit) => CommitMode::AfterProcessing,
        }
    }
}

impl BrokerKind {
    /// The kind's name as the CLI and the lessons write it: `queue`, `sqs` or `log`.
    pub fn name(&self) -> &'static str {
        match self {
            BrokerKind::Queue => "queue",
            BrokerKind::Sqs(_) => "sqs",
            BrokerKind::Log(_) => "log",
        }
    }

    /// The kind named `name` (`queue`, `sqs` or `log`) with its default settings.
    pub fn from_name(name: &str) -> Option<BrokerKind> {
        match name {
            "queue" => Some(BrokerKind::Queue),
            "sqs" => Some(BrokerKind::Sqs(SqsSettings::default())),
            "log" => Some(BrokerKind::Log(LogSettings::default())),
            _ => None,
        }
    }

    /// Is this the queue (the default kind)?
    pub fn is_queue(&self) -> bool {
        *self == BrokerKind::Queue
    }

    /// The log's settings, when the broker is a log.
    pub fn log(&self) -> Option<&LogSettings> {
        match self {
            BrokerKind::Log(l) => Some(l),
            _ => None,
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::{AckTiming, Config};
    use super::*;

    #[test]
    fn a_queue_config_is_written_as_before_and_a_log_config_names_its_kind() {
        let queue = serde_json::to_string(&Config::default()).unwrap();
        assert!(!queue.contains(r#""broker":"#), "{queue}");
        let log = Config {
            broker: BrokerKind::Log(LogSettings::default()),
            ..Config::default()
        };
        let text = serde_json::to_string(&log).unwrap();
        assert!(
            text.contains(r#""broker":{"kind":"log","partitions":2"#),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Config>(&text).unwrap(), log);
        let old: Config = serde_json::from_str(r#"{"payments":3}"#).unwrap();
        assert_eq!(old.broker, BrokerKind::Queue);
    }

    #[test]
    fn the_ack_timing_reads_as_a_commit_mode() {
        let l = LogSettings::default();
        assert_eq!(l.commit_mode(AckTiming::Auto), CommitMode::Auto);
        assert_eq!(
            l.commit_mode(AckTiming::ManualFirst),
            CommitMode::BeforeProcessing
        );
        assert_eq!(
            l.commit_mode(AckTiming::AfterCommit),
            CommitMode::AfterProcessing
        );
        let tx = LogSettings {
            offsets_in_transaction: true,
            ..l
        };
        assert_eq!(tx.commit_mode(AckTiming::Auto), CommitMode::InTransaction);
    }
}
