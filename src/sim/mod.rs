//! The deterministic core: broker, consumers, database and card gateway in simulated time.
//!
//! Pure Rust — no web crates, no wall clock, no global RNG — so the same seed, configuration and
//! action log give the same event log natively and in the browser. The UI only renders what this
//! module decides.
//!
//! ```
//! use redelivery_lab::sim::{Command, Config, CrashPoint, ArmMode, Sim};
//! let mut sim = Sim::new(Config::default(), 7);
//! sim.apply(Command::ArmCrash { consumer: None, point: CrashPoint::AfterCommit, mode: ArmMode::Once }).unwrap();
//! sim.run_to_completion(60_000);
//! assert_eq!(sim.totals().duplicate, 1); // the naive consumer charged someone twice
//! ```

pub mod audit;
pub mod broker;
pub mod checker;
pub mod checklist;
pub(crate) mod codec;
pub mod command;
pub mod compare;
pub mod config;
pub mod consumer;
pub mod counts;
pub mod db;
pub mod diagram;
pub mod durable;
pub mod event;
pub mod export;
pub mod gateway;
pub mod goal;
pub mod golden;
pub mod heap_sort;
pub mod lab;
pub mod message;
pub mod metrics;
pub mod producer;
pub mod report;
pub mod retry;
pub mod rng;
mod sentence;
pub mod share;
pub mod simulation;
pub mod sqs;
pub mod sweep;
pub mod timeline;
pub mod vocabulary;
pub mod workload;
#[cfg(not(target_arch = "wasm32"))]
pub mod workshop_pack;

pub use checker::{Anomaly, Outcome, Totals};
pub use command::{Action, ArmMode, Command, CrashPoint};
pub use config::{
    AckTiming, Config, LedgerWrite, OutageKind, RecordCheck, RedeliveryMode, RetryPolicy,
    RetryWait, Step, Strategy,
};
pub use event::{Event, LoggedEvent};
pub use simulation::{ArmedCrash, CommandError, Refused, Sim};
pub use vocabulary::Named;
