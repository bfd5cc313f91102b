//! The command line, declared once with clap's derive API, and clap's errors turned into the one
//! sentence every `lab` mistake gets.

use crate::exit::Fail;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, Parser, Subcommand};
use redelivery_lab::sim::config::limits::MAX_PAYMENTS;
use redelivery_lab::sim::config::{BrokerKind, LogSettings, SqsSettings};
use redelivery_lab::sim::diagram::DiagramFormat;
use std::ffi::OsString;

/// The commands, for sentences about them.
const COMMANDS: &str = "run, sweep, bench, labs, audit and real";
const ANY_COMMAND: &str = "run, sweep, bench, labs, audit or real";

const OVERVIEW: &str = "\
lab run (--lab <id> | --config <file.json>) [--broker queue|sqs|log] [--set key=value]… [--seed N] [--payments N] [--events] [--json]
       lab run … --diagram mermaid|plantuml [--payment N] [--diagram-events N]
       lab sweep [--broker queue|sqs|log] [--seed N] [--payments N] [--json]
       lab bench [--broker queue|sqs|log] [--payments N] [--runs N] [--seed N]
       lab labs [--json]
       lab audit --handler <handler.json> [--site <url>] [--json]
       lab real --amqp <url> --postgres <url> [--seed N] [--payments N] [--rows key|all] [--json] [--keep] [--timeout-ms N]
       lab --help | lab <command> --help";

const EXIT_CODES: &str = "\
Exit codes: 0 done, 1 a check failed (a benchmark run did not settle, a reality-check row disagreed),
2 a mistake in the arguments or the input (one sentence on stderr), 3 a server cannot be reached.";

const OTHER_COMMANDS: &str = "\
The commands: lab run, lab sweep, lab bench, lab labs, lab audit and lab real (see lab --help).";

/// `lab` — the Redelivery Lab simulation, headless.
#[derive(Parser, Debug)]
#[command(
    name = "lab",
    about = "lab — the Redelivery Lab simulation, headless",
    override_usage = OVERVIEW,
    after_help = EXIT_CODES,
    disable_version_flag = true,
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

/// One `lab` command and its flags.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a lab or a configuration file until every payment settles, and report it.
    ///
    /// Prints the checker's totals, the money, the signals, every anomaly with the events that caused
    /// it, and the lab's goals.
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
    /// Every crash point × every strategy on one seed, as a truth table.
    ///
    /// 48 strategies × 6 crash points = 288 runs.
    #[command(after_help = OTHER_COMMANDS)]
    Sweep(SweepArgs),
    /// Throughput of the core on the shared benchmark workload.
    ///
    /// The browser benchmark runs the same workload: one consumer, the naive strategy, a crash after
    /// every 100th charge. The last line is `payments_per_sec: <median>`.
    #[command(after_help = OTHER_COMMANDS)]
    Bench(BenchArgs),
    /// List the guided labs.
    #[command(after_help = OTHER_COMMANDS)]
    Labs(LabsArgs),
    /// Audit your own consumer: its steps in their real order, crashed at every boundary.
    ///
    /// Also a lost ack, a producer republish and a concurrent delivery; prints a verdict per case,
    /// why each failing one failed, and the permalink of the audit page.
    #[command(after_help = AUDIT_HELP)]
    Audit(AuditArgs),
    /// The sweep's rows on a real RabbitMQ and PostgreSQL, compared with the model.
    ///
    /// Needs a build with `--features real`; use a throwaway virtual host and database.
    #[command(after_help = REAL_HELP)]
    Real(RealArgs),
}

const RUN_HELP: &str = "\
A configuration file holds a Config object (missing fields take their defaults), or
{\"config\": {...}, \"actions\": [{\"at\": ms, \"command\": {...}}], \"seed\": N}.

--set overrides one setting of the lab or the file, and may be given many times. The key is a JSON
field name of the configuration (payments, consumers, max_deliveries, retry, …), of its strategy
(idempotency, transactional, ack_timing, gateway_key, record_check, ledger_write) or of its gateway
(failure_permille, outage, …); `strategy.idempotency` names a nested field in full. The value is
written as the JSON writes it; a bare word is taken as a string:
  --set max_deliveries=2 --set gateway_key=true --set ledger_write=commutative
  --set retry='{\"policy\":\"exponential\",\"base_ms\":100,\"cap_ms\":2000,\"jitter\":true}'

--events adds the event log to the output: the recent events the run keeps in memory (its event
window, the setting event_window, 100,000 by default; older events still count in the digest).

--diagram prints a sequence diagram instead of the report: Mermaid (paste it into a ```mermaid block)
or PlantUML, with the crash, the redelivery and the duplicate charge marked. It draws the run's first
60 events, or with --payment N that payment's story (its first 120 events); --diagram-events N
changes the cap, and a note in the diagram says when it is capped.

The commands: lab run, lab sweep, lab bench, lab labs, lab audit and lab real (see lab --help).";

const AUDIT_HELP: &str = "\
A handler file describes the consumer's steps in the order its code runs them (each at most once):
begin, check (look the idempotency record up), record (insert it), ledger, charge, commit, ack.
Writes between begin and commit are in the transaction; the others commit on their own.
  {\"steps\": [\"begin\", \"check\", \"record\", \"charge\", \"ledger\", \"commit\", \"ack\"],
   \"record_key\": \"business_id\", \"record_check\": \"unique_constraint\",
   \"gateway_key\": \"business_id\", \"auto_ack\": false}
record_key and gateway_key are business_id or message_id (gateway_key may be null: no key);
record_check is check_then_insert or unique_constraint; auto_ack true means no ack step.
Exit code 0 whether or not the handler passes; 2 for a file that is not a handler.

The commands: lab run, lab sweep, lab bench, lab labs, lab audit and lab real (see lab --help).";

/// The flags of `lab audit`.
#[derive(Args, Debug)]
pub struct AuditArgs {
    /// The handler to audit (JSON; see below).
    #[arg(long, value_name = "FILE")]
    pub handler: String,
    /// Where the audit page is published, for an absolute permalink (default: a relative `audit.html#…`).
    #[arg(long, value_name = "URL")]
    pub site: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The flags of `lab run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// A guided lab, by id (see `lab labs`).
    #[arg(long, value_name = "ID")]
    pub lab: Option<String>,
    /// A configuration file (JSON).
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
    /// Override one setting or strategy field: key=value, the value as JSON writes it (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// The broker kind: queue (RabbitMQ-like), sqs (SQS-like) or log (Kafka-like), each with its
    /// default settings (before any --set, so `--set broker=…` can refine them).
    #[arg(long, value_name = "queue|sqs|log", value_parser = broker)]
    pub broker: Option<BrokerKind>,
    /// The seed (default: the lab's, the file's, or 1).
    #[arg(long, value_name = "N", value_parser = seed)]
    pub seed: Option<u64>,
    /// How many payments to publish (default: the lab's or the file's).
    #[arg(long, value_name = "N", value_parser = payments)]
    pub payments: Option<u32>,
    /// Add the event log (the run's window of recent events) to the output.
    #[arg(long)]
    pub events: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Print a sequence diagram instead of the report: mermaid or plantuml.
    #[arg(long, value_name = "FORMAT", value_parser = diagram_format, conflicts_with_all = ["json", "events"])]
    pub diagram: Option<DiagramFormat>,
    /// With --diagram: draw this payment's story (payments count from 0) instead of the run.
    #[arg(long, value_name = "N", value_parser = payments)]
    pub payment: Option<u32>,
    /// With --diagram: the most events to draw (default 60 for a run, 120 for a payment).
    #[arg(long, value_name = "N", value_parser = diagram_events)]
    pub diagram_events: Option<usize>,
}

/// The flags of `lab sweep`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The broker kind: queue (RabbitMQ-like), sqs (SQS-like) or log (Kafka-like), each with its
    /// default settings; `--set broker=…` sets them in full.
    #[arg(long, value_name = "queue|sqs|log", value_parser = broker)]
    pub broker: Option<BrokerKind>,
    /// The seed of every run (default 1).
    #[arg(long, value_name = "N", value_parser = seed)]
    pub seed: Option<u64>,
    /// Payments per run (default 100).
    #[arg(long, value_name = "N", value_parser = payments)]
    pub payments: Option<u32>,
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// The flags of `lab bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// The broker kind: queue (RabbitMQ-like), sqs (SQS-like) or log (Kafka-like), each with its
    /// default settings; `--set broker=…` sets them in full.
    #[arg(long, value_name = "queue|sqs|log", value_parser = broker)]
    pub broker: Option<BrokerKind>,
    /// Payments per run (default 1,000,000).
    #[arg(long, value_name = "N", value_parser = payments)]
    pub payments: Option<u32>,
    /// How many runs; the report ends with their median (default 5).
    #[arg(long, value_name = "N", value_parser = runs)]
    pub runs: Option<u32>,
    /// The seed (default 2026, the browser benchmark's).
    #[arg(long, value_name = "N", value_parser = seed)]
    pub seed: Option<u64>,
}

/// The flags of `lab labs`.
#[derive(Args, Debug)]
pub struct LabsArgs {
    /// Print JSON instead of a list.
    #[arg(long)]
    pub json: bool,
    /// Print every lab's lesson texts (story, prediction, hints, solution) and the closing panel as
    /// JSON: the site's `lessons.json`, which the page fetches when a lab opens (scripts/build).
    #[arg(long, conflicts_with = "json")]
    pub lessons: bool,
}

/// The flags of `lab real`. They parse in every build, so a mistake gets its sentence even where the
/// reality check itself is not compiled in.
#[derive(Args, Debug)]
pub struct RealArgs {
    /// The RabbitMQ to use: amqp://user:password@host:port/vhost (default: $LAB_AMQP_URL).
    #[arg(long, value_name = "URL")]
    pub amqp: Option<String>,
    /// The PostgreSQL to use: postgres://user@host:port/database (default: $LAB_POSTGRES_URL).
    #[arg(long, value_name = "URL")]
    pub postgres: Option<String>,
    /// The model's seed; the real run uses the same payments and crash schedule (default 1).
    #[arg(long, value_name = "N", value_parser = seed)]
    pub seed: Option<u64>,
    /// Payments per row (default 10).
    #[arg(long, value_name = "N", value_parser = real_payments)]
    pub payments: Option<u32>,
    /// key: the rows the lessons hinge on (5 crash rows, 2 retry rows); all: every crash point ×
    /// strategy (288 rows) and every retry row (default all).
    #[arg(long, value_name = "key|all", value_parser = rows)]
    pub rows: Option<Rows>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Leave the last row's tables and queues in place to look at (default: drop them).
    #[arg(long)]
    pub keep: bool,
    /// How long to wait for a server to connect or answer one request (default: 5000 to connect,
    /// 10000 for a request).
    #[arg(long = "timeout-ms", value_name = "MS", value_parser = timeout_ms)]
    pub timeout_ms: Option<u64>,
    /// Run as one of the check's consumer processes (`lab real` starts them itself).
    #[arg(long, hide = true)]
    pub consumer: bool,
}

/// Which rows `lab real` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rows {
    /// The rows the lessons hinge on.
    Key,
    /// Every row.
    All,
}

const REAL_HELP: &str = "\
WARNING: the tool drops and recreates the schemas redelivery_lab and redelivery_lab_gateway, the
queues redelivery-lab.* and the exchange redelivery-lab.retry: use a throwaway virtual host and database.

Exit codes: 0 every row's counts agree, 1 a row's counts differ or a row did not settle, 2 a mistake
in the arguments (a malformed URL too), 3 a server cannot be reached or set up, or does not answer in
time.";

/// Parses a whole number in `min..=max`; `1_000` and `1,000` are read as 1000.
fn whole_number(value: &str, min: u64, max: u64) -> Result<u64, String> {
    let cleaned: String = value.chars().filter(|c| *c != '_' && *c != ',').collect();
    match cleaned.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("a whole number from {min} to {max}")),
    }
}

fn seed(value: &str) -> Result<u64, String> {
    whole_number(value, 0, u64::MAX)
}

fn payments(value: &str) -> Result<u32, String> {
    whole_number(value, 0, MAX_PAYMENTS as u64).map(|n| n as u32)
}

fn real_payments(value: &str) -> Result<u32, String> {
    whole_number(value, 1, 500).map(|n| n as u32)
}

fn timeout_ms(value: &str) -> Result<u64, String> {
    whole_number(value, 100, 600_000)
}

fn rows(value: &str) -> Result<Rows, String> {
    match value {
        "key" => Ok(Rows::Key),
        "all" => Ok(Rows::All),
        _ => Err("key or all".to_string()),
    }
}

fn diagram_format(value: &str) -> Result<DiagramFormat, String> {
    DiagramFormat::from_name(value).ok_or_else(|| "mermaid or plantuml".to_string())
}

fn diagram_events(value: &str) -> Result<usize, String> {
    whole_number(value, 1, 100_000).map(|n| n as usize)
}

/// `queue`, `sqs` or `log`, with that kind's default settings.
fn broker(value: &str) -> Result<BrokerKind, String> {
    match value {
        "queue" => Ok(BrokerKind::Queue),
        "sqs" => Ok(BrokerKind::Sqs(SqsSettings::default())),
        "log" => Ok(BrokerKind::Log(LogSettings::default())),
        _ => Err("queue, sqs or log".to_string()),
    }
}

fn runs(value: &str) -> Result<u32, String> {
    whole_number(value, 1, 100).map(|n| n as u32)
}

/// What the command line asked for.
#[derive(Debug)]
pub enum Parsed {
    /// Help text for stdout.
    Help(String),
    /// A command to run.
    Command(Command),
}

/// Parses the process arguments (the first is the program's name).
pub fn parse(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> Result<Parsed, Fail> {
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    match Cli::try_parse_from(&args) {
        Ok(Cli {
            command: Some(command),
        }) => Ok(Parsed::Command(command)),
        Ok(Cli { command: None }) => Ok(Parsed::Help(Cli::command().render_help().to_string())),
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            Ok(Parsed::Help(e.render().to_string()))
        }
        Err(e) => Err(Fail::usage(sentence(&e, &args))),
    }
}

/// An option as clap names it in its context (`--seed <N>`), without the value name.
fn option_name(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.split_whitespace().next().unwrap_or(s).to_string()),
        ContextValue::Strings(v) => v.first().cloned(),
        _ => None,
    }
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => v.first().cloned(),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The subcommand the arguments name, if any.
fn subcommand_of(args: &[OsString]) -> Option<String> {
    let cli = Cli::command();
    args.iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| !a.starts_with('-'))
        .filter(|a| cli.find_subcommand(a).is_some())
        .map(str::to_string)
}

/// The commands that take `--option`.
fn commands_taking(option: &str) -> Vec<String> {
    let long = option.trim_start_matches('-');
    Cli::command()
        .get_subcommands()
        .filter(|c| c.get_arguments().any(|a| a.get_long() == Some(long)))
        .map(|c| format!("lab {}", c.get_name()))
        .collect()
}

/// One sentence for a clap error.
fn sentence(e: &clap::Error, args: &[OsString]) -> String {
    let arg = option_name(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let command = subcommand_of(args);
    match e.kind() {
        ErrorKind::InvalidSubcommand => {
            let name = context(e, ContextKind::InvalidSubcommand).unwrap_or(value);
            format!("Unknown command “{name}”: the commands are {COMMANDS} (see lab --help).")
        }
        ErrorKind::UnknownArgument if !arg.starts_with('-') => format!(
            "Unexpected argument “{arg}”: values follow their option, as in --seed 7 (see lab --help)."
        ),
        ErrorKind::UnknownArgument => {
            let option = arg.split('=').next().unwrap_or(&arg).to_string();
            let takers = commands_taking(&option);
            match command {
                None => format!(
                    "Unknown option “{option}”: start with a command ({ANY_COMMAND}), or see lab --help."
                ),
                Some(c) if !takers.is_empty() => format!(
                    "The option {option} does not apply to `lab {c}`, only to {} (see lab {c} --help).",
                    takers.join(" and ")
                ),
                Some(c) => format!("Unknown option “{option}” for `lab {c}` (see lab {c} --help)."),
            }
        }
        ErrorKind::InvalidValue | ErrorKind::NoEquals if value.is_empty() => {
            format!("The option {arg} needs a value.")
        }
        ErrorKind::ValueValidation => {
            let wanted = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_else(|| "another value".to_string());
            format!("The option {arg} needs {wanted}; “{value}” is not one.")
        }
        ErrorKind::ArgumentConflict
            if option_name(e, ContextKind::PriorArg).as_deref() == Some(arg.as_str()) =>
        {
            format!("The option {arg} was given twice.")
        }
        ErrorKind::ArgumentConflict => {
            let prior = option_name(e, ContextKind::PriorArg).unwrap_or_default();
            format!("Give either {prior} or {arg}, not both.")
        }
        ErrorKind::TooManyValues if !arg.is_empty() => {
            format!("The option {arg} takes no value.")
        }
        _ => {
            // Any other refusal: clap's own first line, as a sentence.
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("the arguments were not understood")
                .trim_start_matches("error: ")
                .trim_end_matches('.');
            let mut c = first.chars();
            let first = c
                .next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default();
            format!("{first} (see lab --help).")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(a: &[&str]) -> Result<Parsed, Fail> {
        parse(std::iter::once("lab").chain(a.iter().copied()))
    }

    fn refusal(a: &[&str]) -> String {
        match parse_args(a) {
            Err(f) => f.message,
            Ok(p) => panic!("{a:?} parsed: {p:?}"),
        }
    }

    #[test]
    fn flags_take_values_after_a_space_or_an_equals_sign() {
        let Ok(Parsed::Command(Command::Run(r))) = parse_args(&[
            "run",
            "--lab",
            "x",
            "--seed",
            "7",
            "--payments=1_000",
            "--json",
            "--set",
            "a=1",
            "--set=b=2",
        ]) else {
            panic!("valid flags");
        };
        assert_eq!((r.seed, r.payments, r.json), (Some(7), Some(1_000), true));
        assert_eq!(r.set, ["a=1", "b=2"]);
    }

    #[test]
    fn each_mistake_is_one_sentence_naming_it() {
        assert!(refusal(&["sweep", "--seed", "1", "--seed", "2"]).contains("twice"));
        assert!(refusal(&["bench", "--payments"]).contains("--payments needs a value"));
        assert!(refusal(&["sweep", "--runs", "3"]).contains("does not apply to `lab sweep`"));
        assert!(refusal(&["sweep", "--seed", "seven"]).contains("“seven” is not one"));
        assert!(refusal(&["bench", "--runs", "0"]).contains("from 1 to 100"));
        assert!(refusal(&["labs", "--json=yes"]).contains("--json"));
        assert!(refusal(&["fly"]).contains("“fly”"));
        assert!(refusal(&["--seed", "3"]).contains("start with a command"));
        assert!(refusal(&["run", "stray"]).contains("“stray”"));
        for a in [&["fly"][..], &["run", "--fast"], &["sweep", "--seed", "x"]] {
            let m = refusal(a);
            assert_eq!(m.lines().count(), 1, "{m}");
        }
    }

    #[test]
    fn real_flags_parse_like_the_others() {
        let Ok(Parsed::Command(Command::Real(r))) = parse_args(&[
            "real",
            "--amqp",
            "amqp://x",
            "--postgres=postgres://y",
            "--rows",
            "key",
            "--payments",
            "7",
            "--timeout-ms=300",
            "--json",
        ]) else {
            panic!("real parses");
        };
        assert_eq!(r.amqp.as_deref(), Some("amqp://x"));
        assert_eq!(r.postgres.as_deref(), Some("postgres://y"));
        assert_eq!(
            (r.rows, r.payments, r.json),
            (Some(Rows::Key), Some(7), true)
        );
        assert_eq!(
            (r.timeout_ms, r.keep, r.consumer),
            (Some(300), false, false)
        );
        assert!(refusal(&["real", "--rows", "most"]).contains("key or all"));
        assert!(refusal(&["real", "--payments", "0"]).contains("1 to 500"));
        assert!(refusal(&["real", "--timeout-ms", "5"]).contains("100 to 600000"));
        assert!(refusal(&["real", "--seed"]).contains("needs a value"));
        assert!(refusal(&["real", "--bogus"]).contains("“--bogus” for `lab real`"));
        assert!(matches!(
            parse_args(&["real", "--help"]),
            Ok(Parsed::Help(h)) if h.contains("throwaway") && h.contains("--timeout-ms")
        ));
    }
}
