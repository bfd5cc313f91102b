//! `lab`: the simulation core, headless.
//!
//! Runs a lab or a configuration file to completion and prints what the checker found, draws the
//! sweep's truth table, and measures the core's throughput. Arguments are parsed by hand (a handful
//! of flags does not need a parser crate); every mistake in them gets one sentence on stderr and exit
//! code 2, never a panic.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main(std::env::args().skip(1).collect()));
}

/// The browser has no command line; this only keeps `cargo build --target wasm32-unknown-unknown` happy.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use redelivery_lab::sim::config::limits::MAX_PAYMENTS;
    use redelivery_lab::sim::goal::GoalStatus;
    use redelivery_lab::sim::lab::Lab;
    use redelivery_lab::sim::message::{money, payment_label};
    use redelivery_lab::sim::sweep::{
        Sweep, SweepRow, Verdict, cell, crash_schedule, strategy_columns,
    };
    use redelivery_lab::sim::{
        Action, ArmMode, Command, Config, CrashPoint, Named, RecordCheck, Sim, Strategy,
    };
    use serde_json::{Value, json};
    use std::fmt::Write as _;
    use std::io::Write as _;
    use std::time::Instant;

    const USAGE: &str = "\
lab — the Redelivery Lab simulation, headless

Usage:
  lab run (--lab <id> | --config <file.json>) [--seed N] [--payments N] [--json]
      Run a lab, or a configuration file, until every payment settles; print the checker's totals,
      the money, the signals and every anomaly with the events that caused it.
      A configuration file holds a Config object (missing fields take their defaults), or
      {\"config\": {...}, \"actions\": [{\"at\": ms, \"command\": {...}}], \"seed\": N}.
  lab sweep [--seed N] [--payments N] [--json]
      Every crash point × every strategy on one seed (288 runs), as a truth table.
      Defaults: seed 1, 100 payments per run.
  lab bench [--payments N] [--runs N] [--seed N]
      Throughput of the core: one consumer, 1% of charges crash (every 100th pass after the charge).
      Defaults: 1,000,000 payments, 5 runs, seed 2026 (the browser benchmark's too). The last line is `payments_per_sec: <median>`.
  lab labs
      List the guided labs.
  lab real --amqp <url> --postgres <url> [--seed N] [--payments N] [--rows key|all] [--json]
      The sweep's rows on a real RabbitMQ and PostgreSQL, compared with the model (needs a build
      with `--features real`; use a throwaway virtual host and database).
  lab --help
      This text.

Exit codes: 0 done, 1 a benchmark run did not settle, 2 a mistake in the arguments or the input.
";

    /// Default seed of `run` (without a lab or a seed in the file), `sweep` and `bench`.
    const DEFAULT_SEED: u64 = 1;

    /// A mistake in the arguments or the input, as one sentence for stderr.
    struct Fail(String);

    fn fail<T>(msg: impl Into<String>) -> Result<T, Fail> {
        Err(Fail(msg.into()))
    }

    pub fn main(args: Vec<String>) -> i32 {
        let result = match args.first().map(String::as_str) {
            None | Some("-h" | "--help" | "help") => Ok(USAGE.to_string()),
            Some("run") => Flags::parse(&args[1..]).and_then(run),
            Some("sweep") => Flags::parse(&args[1..]).and_then(sweep),
            Some("bench") => Flags::parse(&args[1..]).and_then(bench),
            Some("labs") => Flags::parse(&args[1..]).and_then(labs),
            // `lab real` lives in src/real/ behind the cargo feature `real` (see `real_command`).
            Some("real") => return real_command(&args[1..]),
            Some(other) if other.starts_with('-') => fail(format!(
                "Unknown option “{other}”: start with a command (run, sweep, bench or labs), or see lab --help."
            )),
            Some(other) => fail(format!(
                "Unknown command “{other}”: the commands are run, sweep, bench and labs (see lab --help)."
            )),
        };
        match result {
            Ok(text) => {
                let mut stdout = std::io::stdout().lock();
                // A closed pipe (`lab sweep | head`) is not an error worth a message.
                let _ = stdout
                    .write_all(text.as_bytes())
                    .and_then(|_| stdout.flush());
                0
            }
            Err(Fail(msg)) if msg.is_empty() => 1,
            Err(Fail(msg)) => {
                eprintln!("lab: {msg}");
                2
            }
        }
    }

    // ---- arguments ----

    /// The flags of every command; each command refuses the ones it does not take.
    #[derive(Default)]
    struct Flags {
        command: &'static str,
        lab: Option<String>,
        config: Option<String>,
        seed: Option<u64>,
        payments: Option<u32>,
        runs: Option<u32>,
        json: bool,
        help: bool,
        given: Vec<&'static str>,
    }

    impl Flags {
        fn parse(args: &[String]) -> Result<Flags, Fail> {
            let mut f = Flags::default();
            let mut i = 0;
            while i < args.len() {
                let arg = args[i].as_str();
                let (name, inline) = match arg.split_once('=') {
                    Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
                    _ => (arg, None),
                };
                let name: &'static str = match name {
                    "--lab" => "--lab",
                    "--config" => "--config",
                    "--seed" => "--seed",
                    "--payments" => "--payments",
                    "--runs" => "--runs",
                    "--json" => "--json",
                    "-h" | "--help" => "--help",
                    _ if name.starts_with('-') => {
                        return fail(format!("Unknown option “{name}” (see lab --help)."));
                    }
                    _ => {
                        return fail(format!(
                            "Unexpected argument “{arg}”: values follow their option, as in --seed 7 (see lab --help)."
                        ));
                    }
                };
                if f.given.contains(&name) {
                    return fail(format!("The option {name} was given twice."));
                }
                f.given.push(name);
                i += 1;
                if matches!(name, "--json" | "--help") {
                    if inline.is_some() {
                        return fail(format!("The option {name} takes no value."));
                    }
                    if name == "--json" {
                        f.json = true;
                    } else {
                        f.help = true;
                    }
                    continue;
                }
                let value = match inline {
                    Some(v) => v,
                    None => match args.get(i) {
                        Some(v) if !v.starts_with("--") => {
                            i += 1;
                            v.clone()
                        }
                        _ => return fail(format!("The option {name} needs a value.")),
                    },
                };
                match name {
                    "--lab" => f.lab = Some(value),
                    "--config" => f.config = Some(value),
                    "--seed" => f.seed = Some(number(name, &value, 0, u64::MAX)?),
                    "--payments" => {
                        f.payments = Some(number(name, &value, 0, MAX_PAYMENTS as u64)? as u32)
                    }
                    "--runs" => f.runs = Some(number(name, &value, 1, 100)? as u32),
                    _ => unreachable!("every option is listed above"),
                }
            }
            Ok(f)
        }

        /// Refuses options this command does not take.
        fn allow(&mut self, command: &'static str, allowed: &[&str]) -> Result<(), Fail> {
            self.command = command;
            if let Some(bad) = self
                .given
                .iter()
                .find(|g| **g != "--help" && !allowed.contains(g))
            {
                return fail(format!(
                    "The option {bad} does not apply to `lab {command}` (see lab --help)."
                ));
            }
            Ok(())
        }
    }

    /// Parses a whole number in `min..=max`, naming the option when it is not one.
    fn number(name: &str, value: &str, min: u64, max: u64) -> Result<u64, Fail> {
        let cleaned: String = value.chars().filter(|c| *c != '_' && *c != ',').collect();
        match cleaned.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => fail(format!(
                "The option {name} needs a whole number from {min} to {max}; “{value}” is not one."
            )),
        }
    }

    // ---- lab run ----

    /// A configuration file: a bare `Config`, or a config with scripted actions (and optionally a seed).
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ScenarioFile {
        #[serde(default)]
        config: Config,
        #[serde(default)]
        actions: Vec<Action>,
        #[serde(default)]
        seed: Option<u64>,
    }

    /// What `lab run` runs: a configuration, its scripted actions and a seed.
    struct Setup {
        source: String,
        config: Config,
        actions: Vec<Action>,
        seed: u64,
        lab: Option<Lab>,
    }

    fn run(mut flags: Flags) -> Result<String, Fail> {
        flags.allow(
            "run",
            &["--lab", "--config", "--seed", "--payments", "--json"],
        )?;
        if flags.help {
            return Ok(USAGE.to_string());
        }
        let mut setup = match (&flags.lab, &flags.config) {
            (Some(_), Some(_)) => return fail("Give either --lab or --config, not both."),
            (None, None) => {
                return fail(
                    "`lab run` needs --lab <id> or --config <file.json> (see lab labs for the ids).",
                );
            }
            (Some(id), None) => lab_setup(id)?,
            (None, Some(path)) => file_setup(path)?,
        };
        if let Some(seed) = flags.seed {
            setup.seed = seed;
        }
        if let Some(n) = flags.payments {
            setup.config.payments = n;
        }
        if let Err(e) = setup.config.validate() {
            return fail(format!("{} {e}", capitalised(&setup.source)));
        }

        let mut sim = Sim::new(setup.config.clone(), setup.seed);
        let mut actions = setup.actions.clone();
        actions.sort_by_key(|a| a.at); // stable: actions at the same time keep their order
        for (i, a) in actions.iter().enumerate() {
            sim.run_until(a.at);
            if let Err(e) = sim.apply(a.command) {
                return fail(format!(
                    "Action {} (at {} ms) of {} was refused: {e}",
                    i + 1,
                    a.at,
                    setup.source
                ));
            }
        }
        let last_action = actions.last().map_or(0, |a| a.at);
        let settled = sim.run_to_completion(run_limit(&setup.config, last_action));

        if flags.json {
            Ok(run_json(&sim, &setup, settled))
        } else {
            Ok(run_text(&sim, &setup, settled))
        }
    }

    /// Simulated time a run may take: a day, plus a second per payment (far beyond what a settling
    /// run needs), so a crash armed every time cannot spin forever.
    fn run_limit(config: &Config, last_action: u64) -> u64 {
        last_action + 24 * 3_600_000 + config.payments as u64 * 1_000
    }

    fn capitalised(s: &str) -> String {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    }

    fn file_setup(path: &str) -> Result<Setup, Fail> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return fail(format!("The config file {path} does not exist."));
            }
            Err(e) => return fail(format!("The config file {path} could not be read: {e}.")),
        };
        let source = format!("the config file {path}");
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| Fail(format!("The config file {path} is not valid JSON: {e}.")))?;
        let Value::Object(map) = &value else {
            return fail(format!(
                "The config file {path} must hold a JSON object (a Config, or {{\"config\": …, \"actions\": […]}})."
            ));
        };
        let wrapped = map.contains_key("config") || map.contains_key("actions");
        let (config, actions, seed) = if wrapped {
            let s: ScenarioFile = serde_json::from_str(&text).map_err(|e| {
                Fail(format!(
                    "The config file {path} is not a valid scenario: {e}."
                ))
            })?;
            check_keys(path, s.config_keys(&value))?;
            (s.config, s.actions, s.seed)
        } else {
            check_keys(path, map.keys())?;
            let c: Config = serde_json::from_str(&text).map_err(|e| {
                Fail(format!(
                    "The config file {path} is not a valid configuration: {e}."
                ))
            })?;
            (c, Vec::new(), None)
        };
        Ok(Setup {
            source,
            config,
            actions,
            seed: seed.unwrap_or(DEFAULT_SEED),
            lab: None,
        })
    }

    impl ScenarioFile {
        fn config_keys<'v>(&self, value: &'v Value) -> impl Iterator<Item = &'v String> {
            value
                .get("config")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.keys())
        }
    }

    /// `Config` takes its defaults for missing fields, so a misspelt setting would silently be
    /// ignored; name it instead.
    fn check_keys<'a>(path: &str, keys: impl Iterator<Item = &'a String>) -> Result<(), Fail> {
        let known = serde_json::to_value(Config::default()).unwrap_or(Value::Null);
        let known = known.as_object();
        for k in keys {
            if !known.is_some_and(|m| m.contains_key(k)) {
                let names: Vec<&String> = known.map(|m| m.keys().collect()).unwrap_or_default();
                return fail(format!(
                    "The config file {path} has an unknown setting “{k}”; the settings are {}.",
                    names
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        Ok(())
    }

    fn lab_setup(id: &str) -> Result<Setup, Fail> {
        labs_glue::setup(id)
    }

    fn run_json(sim: &Sim, setup: &Setup, settled: bool) -> String {
        let anomalies: Vec<Value> = sim
            .anomalies(20)
            .iter()
            .map(|a| {
                json!({
                    "payment": a.payment,
                    "outcome": a.outcome.name(),
                    "charges": a.charges,
                    "ledger_rows": a.ledger_rows,
                    "causes": a.causes.iter().filter_map(|s| sim.event(*s)).map(|e| json!({
                        "seq": e.seq,
                        "time_ms": e.time,
                        "event": e.event,
                        "text": e.event.to_string(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut v = json!({
            "source": setup.source,
            "seed": setup.seed,
            "payments": setup.config.payments,
            "settled": settled,
            "now_ms": sim.now(),
            "events": sim.events().total(),
            "totals": sim.totals(),
            "signals": sim.signals(),
            "digest": sim.digest(),
            "anomalies": anomalies,
        });
        if let Some(lab) = &setup.lab {
            let goals: Vec<Value> = goal_statuses(lab, sim)
                .into_iter()
                .map(|(id, text, status)| json!({"id": id, "text": text, "status": status}))
                .collect();
            v["lab"] = json!(lab.id);
            v["goals"] = json!(goals);
        }
        format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
    }

    fn run_text(sim: &Sim, setup: &Setup, settled: bool) -> String {
        let mut o = String::new();
        let t = sim.totals();
        let c = &setup.config;
        let s = &c.strategy;
        let _ = writeln!(
            o,
            "Run of {} — seed {}, {} payments, {} consumer{}",
            setup.source,
            setup.seed,
            c.payments,
            c.consumers,
            if c.consumers == 1 { "" } else { "s" }
        );
        let _ = writeln!(o, "Strategy: {}", strategy_words(s));
        if !setup.actions.is_empty() {
            let _ = writeln!(o, "Scripted actions: {}", setup.actions.len());
        }
        if settled {
            let _ = writeln!(o, "Settled at {} ms of simulated time.", sim.now());
        } else {
            let _ = writeln!(
                o,
                "Did NOT settle: stopped at {} ms of simulated time with payments still under way (a crash armed every time?).",
                sim.now()
            );
        }
        let _ = writeln!(
            o,
            "Events: {} (digest {})\n",
            sim.events().total(),
            sim.digest()
        );

        let _ = writeln!(o, "Outcomes");
        for outcome in redelivery_lab::sim::Outcome::ALL {
            let _ = writeln!(o, "  {:<15}{:>8}", outcome.label(), t.get(outcome));
        }
        let _ = writeln!(o, "\nMoney");
        let _ = writeln!(
            o,
            "  {:<15}{:>11}",
            "overcharged",
            money(t.money_overcharged_cents)
        );
        let _ = writeln!(o, "  {:<15}{:>11}", "missing", money(t.money_missing_cents));

        let g = sim.signals();
        let _ = writeln!(o, "\nSignals");
        let rows: Vec<(String, String)> = vec![
            (
                "redeliveries (payments)".into(),
                g.redeliveries.values().sum::<u64>().to_string(),
            ),
            ("consumer restarts".into(), g.consumer_restarts.to_string()),
            (
                "dead-letter rate".into(),
                format!("{:.1}%", g.dead_letter_rate * 100.0),
            ),
            (
                "duplicates detected".into(),
                g.duplicates_detected.to_string(),
            ),
            (
                "duplicates slipped".into(),
                g.duplicates_slipped.to_string(),
            ),
            (
                "latency p50/p95/p99".into(),
                format!(
                    "{} / {} / {} ms",
                    g.latency_p50_ms, g.latency_p95_ms, g.latency_p99_ms
                ),
            ),
            ("queue depth".into(), g.queue_depth.to_string()),
            ("in flight".into(), g.in_flight.to_string()),
            (
                "throughput".into(),
                format!("{:.1} payments/s (simulated)", g.throughput_per_sec),
            ),
            (
                "retry amplification".into(),
                format!("{:.2}×", g.retry_amplification),
            ),
        ];
        for (k, v) in rows {
            let _ = writeln!(o, "  {k:<25}{v}");
        }

        if let Some(lab) = setup.lab.as_ref().filter(|l| !l.goals.is_empty()) {
            let _ = writeln!(o, "\nGoals");
            for (_, text, status) in goal_statuses(lab, sim) {
                let mark = match status {
                    GoalStatus::Pass => "PASS",
                    GoalStatus::Fail => "FAIL",
                    GoalStatus::Pending => "....",
                };
                let _ = writeln!(o, "  [{mark}] {text}");
            }
        }

        let anomalies = sim.anomalies(20);
        if anomalies.is_empty() {
            let _ = writeln!(o, "\nNo anomalies: no duplicate, lost or orphan payment.");
        } else {
            let shown = anomalies.len() as u64;
            let all = t.anomalies();
            let _ = writeln!(
                o,
                "\nAnomalies ({}{})",
                all,
                if all > shown {
                    format!(", first {shown} shown")
                } else {
                    String::new()
                }
            );
            for a in &anomalies {
                let m = sim.message(a.payment);
                let _ = writeln!(
                    o,
                    "  {} {} — {} charge{}, {} ledger row{}, {} for {}",
                    payment_label(a.payment),
                    a.outcome.label().to_uppercase(),
                    a.charges,
                    if a.charges == 1 { "" } else { "s" },
                    a.ledger_rows,
                    if a.ledger_rows == 1 { "" } else { "s" },
                    money(m.amount_cents as u64),
                    m.customer_name()
                );
                let causes: Vec<_> = a.causes.iter().filter_map(|s| sim.event(*s)).collect();
                if causes.is_empty() {
                    let _ = writeln!(o, "      (its events have left the event window)");
                }
                for e in causes {
                    let _ = writeln!(o, "      #{:<7} {:>8} ms  {}", e.seq, e.time, e.event);
                }
            }
        }
        o
    }

    fn goal_statuses(lab: &Lab, sim: &Sim) -> Vec<(&'static str, &'static str, GoalStatus)> {
        lab.goals
            .iter()
            .zip(lab.evaluate(sim))
            .map(|(g, status)| (g.id, g.text, status))
            .collect()
    }

    fn strategy_words(s: &Strategy) -> String {
        let on = |b: bool| if b { "on" } else { "off" };
        format!(
            "idempotency {}, transaction {}, ack {}, gateway key {}, record check {}",
            on(s.idempotency),
            on(s.transactional),
            s.ack_timing.label(),
            on(s.gateway_key),
            match s.record_check {
                RecordCheck::CheckThenInsert => "check-then-insert",
                RecordCheck::UniqueConstraint => "unique constraint",
            }
        )
    }

    // ---- lab sweep ----

    fn sweep(mut flags: Flags) -> Result<String, Fail> {
        flags.allow("sweep", &["--seed", "--payments", "--json"])?;
        if flags.help {
            return Ok(USAGE.to_string());
        }
        let seed = flags.seed.unwrap_or(DEFAULT_SEED);
        let payments = flags.payments.unwrap_or(100);
        if payments == 0 {
            return fail("A sweep needs at least 1 payment per run.");
        }
        let sweep = Sweep::new(&Config::default(), seed, payments);
        let rows = sweep.run_all();
        if flags.json {
            let v: Vec<Value> = rows.iter().map(sweep_row_json).collect();
            Ok(format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ))
        } else {
            Ok(sweep_text(&rows, seed, payments))
        }
    }

    fn strategy_json(s: &Strategy) -> Value {
        json!({
            "idempotency": s.idempotency,
            "transactional": s.transactional,
            "ack_timing": s.ack_timing.name(),
            "gateway_key": s.gateway_key,
            "record_check": match s.record_check {
                RecordCheck::CheckThenInsert => "check_then_insert",
                RecordCheck::UniqueConstraint => "unique_constraint",
            },
        })
    }

    fn sweep_row_json(r: &SweepRow) -> Value {
        json!({
            "crash_point": r.crash_point.name(),
            "strategy": strategy_json(&r.strategy),
            "totals": r.totals,
            "verdict": r.verdict,
            "crashes": r.crashes,
            "digest": r.digest,
        })
    }

    fn sweep_text(rows: &[SweepRow], seed: u64, payments: u32) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "Sweep: every crash point × strategy, seed {seed}, {payments} payments per run ({} runs)\n",
            rows.len()
        );
        let points = CrashPoint::BOUNDARIES;
        let heads = ["receive", "check", "charge", "ledger", "commit", "ack"];
        let _ = write!(
            o,
            "{:<4} {:<3} {:<6} {:<3} {:<6} │",
            "idem", "tx", "ack", "key", "check"
        );
        for h in heads {
            let _ = write!(o, " {h:<9}");
        }
        o.truncate(o.trim_end().len());
        o.push('\n');
        let _ = writeln!(o, "{}┼{}", "─".repeat(27), "─".repeat(60));
        for s in Strategy::all_combinations() {
            let _ = write!(o, "{} │", strategy_columns(&s));
            for p in points {
                let c = rows
                    .iter()
                    .find(|r| r.crash_point == p && r.strategy == s)
                    .map_or("?".to_string(), |r| cell(r.verdict, &r.totals));
                let _ = write!(o, " {c:<9}");
            }
            if s == Strategy::SAFE {
                o.push_str(" ← SAFE");
            } else if s == Strategy::NAIVE {
                o.push_str(" ← NAIVE");
            }
            o.truncate(o.trim_end().len());
            o.push('\n');
        }
        let count = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
        let _ = writeln!(
            o,
            "\n{} safe, {} duplicate, {} lost, {} orphan, {} unsettled cells.",
            count(Verdict::Safe),
            count(Verdict::Duplicate),
            count(Verdict::Lost),
            count(Verdict::Orphan),
            count(Verdict::Unsettled)
        );
        let _ = writeln!(
            o,
            "\nLegend\n\
             \x20 Columns: where the consumer crashes — after receive, after the processed-record check,\n\
             \x20   after the card charge, after the ledger write, after the commit (before the ack), after the ack.\n\
             \x20   Each run crashes there repeatedly ({}), on every consumer.\n\
             \x20 idem  I = processed-message table checked and written (idempotency)\n\
             \x20 tx    T = ledger and processed record in one transaction\n\
             \x20 ack   commit = ack after the commit; early = ack on receipt, before processing (auto-ack)\n\
             \x20 key   K = payment id sent as the card gateway's idempotency key\n\
             \x20 check check = check-then-insert; unique = unique constraint on the processed record\n\
             \x20 Cells: SAFE = every payment charged once; DUP n = n payments charged or recorded twice;\n\
             \x20   LOST n = n payments gone without a charge; ORPH n = charged but not recorded, or the reverse;\n\
             \x20   UNSETTLED = still under way at the time limit.",
            crash_schedule(payments)
        );
        o
    }

    // ---- lab real (src/real/, cargo feature `real`) ----

    #[cfg(feature = "real")]
    fn real_command(args: &[String]) -> i32 {
        redelivery_lab::real::cli_main(args)
    }

    #[cfg(not(feature = "real"))]
    fn real_command(_args: &[String]) -> i32 {
        eprintln!(
            "lab: this build has no `real` feature: rebuild with `cargo run --release --features real --bin lab -- real …`"
        );
        2
    }

    // ---- lab bench ----

    fn bench(mut flags: Flags) -> Result<String, Fail> {
        flags.allow("bench", &["--payments", "--runs", "--seed"])?;
        if flags.help {
            return Ok(USAGE.to_string());
        }
        let payments = flags.payments.unwrap_or(1_000_000);
        if payments == 0 {
            return fail("A benchmark needs at least 1 payment.");
        }
        let runs = flags.runs.unwrap_or(5);
        // The browser benchmark (scripts/bench) runs sim::workload::throughput: same config, same seed.
        let seed = flags
            .seed
            .unwrap_or(redelivery_lab::sim::workload::THROUGHPUT_SEED);
        let config = Config {
            payments,
            consumers: 1,
            ..Config::default()
        };
        let arm = Command::ArmCrash {
            consumer: None,
            point: CrashPoint::AfterCharge,
            mode: ArmMode::EveryKth(100),
        };

        // Progress goes to stderr as it happens; stdout gets the report, ending with the median.
        let mut o = String::new();
        let _ = writeln!(
            o,
            "Benchmark: {payments} payments, 1 consumer, naive strategy, a crash after every 100th charge, \
             event window {}, seed {seed}, {runs} run{}",
            config.event_window,
            if runs == 1 { "" } else { "s" }
        );
        let mut rates = Vec::with_capacity(runs as usize);
        let mut digest = String::new();
        let mut estimate = 0usize;
        for i in 0..runs {
            let start = Instant::now();
            let mut sim = Sim::new(config.clone(), seed);
            if let Err(e) = sim.apply(arm) {
                return fail(format!("The benchmark's crash was refused: {e}"));
            }
            let settled = sim.run_to_completion(u64::MAX);
            let secs = start.elapsed().as_secs_f64();
            if !settled {
                eprintln!("lab: benchmark run {} did not settle.", i + 1);
                return Err(Fail(String::new()));
            }
            let rate = payments as f64 / secs.max(1e-9);
            let t = sim.totals();
            let line = format!(
                "run {}: {:.3} s, {:.0} payments/s ({} events, {} crashes, {} charged once, {} duplicate, digest {})",
                i + 1,
                secs,
                rate,
                sim.events().total(),
                sim.metrics().counters.crashes,
                t.charged_once,
                t.duplicate,
                sim.digest()
            );
            eprintln!("{line}");
            let _ = writeln!(o, "{line}");
            if i == 0 {
                digest = sim.digest();
                estimate = sim.heap_bytes();
            } else if sim.digest() != digest {
                eprintln!(
                    "lab: benchmark run {} diverged from run 1: the core is not deterministic.",
                    i + 1
                );
                return Err(Fail(String::new()));
            }
            rates.push(rate);
        }
        rates.sort_by(f64::total_cmp);
        let median = if rates.len() % 2 == 1 {
            rates[rates.len() / 2]
        } else {
            (rates[rates.len() / 2 - 1] + rates[rates.len() / 2]) / 2.0
        };
        let _ = writeln!(
            o,
            "min {:.0}, max {:.0}, median {:.0} payments/s",
            rates[0],
            rates[rates.len() - 1],
            median
        );
        let _ = writeln!(
            o,
            "peak memory (VmHWM): {}",
            peak_rss().unwrap_or_else(|| "n/a".to_string())
        );
        let _ = writeln!(
            o,
            "sim heap estimate at the end of a run: {:.1} MiB",
            estimate as f64 / (1024.0 * 1024.0)
        );
        let _ = writeln!(o, "payments_per_sec: {}", median.round() as u64);
        Ok(o)
    }

    /// The process's peak resident set size, from `/proc/self/status` (Linux only).
    fn peak_rss() -> Option<String> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line
            .trim_start_matches("VmHWM:")
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(format!("{:.1} MiB", kb as f64 / 1024.0))
    }

    // ---- lab labs ----

    fn labs(mut flags: Flags) -> Result<String, Fail> {
        flags.allow("labs", &["--json"])?;
        if flags.help {
            return Ok(USAGE.to_string());
        }
        labs_glue::list(flags.json)
    }

    /// Where the CLI meets `sim::lab`.
    mod labs_glue {
        use super::{Fail, Setup, fail};
        use redelivery_lab::sim::lab::Lab;
        use serde_json::json;
        use std::fmt::Write as _;

        pub fn list(json: bool) -> Result<String, Fail> {
            let labs = Lab::all();
            if json {
                let v: Vec<_> = labs
                    .iter()
                    .map(|l| {
                        json!({
                            "id": l.id,
                            "number": l.number,
                            "title": l.title,
                            "summary": l.summary,
                            "seed": l.seed,
                        })
                    })
                    .collect();
                return Ok(format!(
                    "{}\n",
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                ));
            }
            let width = labs.iter().map(|l| l.id.len()).max().unwrap_or(0);
            let mut o = String::new();
            for l in &labs {
                let _ = writeln!(o, "{:<width$}  {}. {}", l.id, l.number, l.title);
            }
            let _ = writeln!(o, "\nRun one with: lab run --lab <id>");
            Ok(o)
        }

        pub fn setup(id: &str) -> Result<Setup, Fail> {
            let Some(lab) = Lab::by_id(id) else {
                let ids: Vec<&str> = Lab::all().iter().map(|l| l.id).collect();
                return fail(format!(
                    "There is no lab “{id}”; the labs are {}.",
                    ids.join(", ")
                ));
            };
            Ok(Setup {
                source: format!("lab “{}” ({})", lab.id, lab.title),
                config: lab.config.clone(),
                actions: lab.actions.clone(),
                seed: lab.seed,
                lab: Some(lab),
            })
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn args(a: &[&str]) -> Vec<String> {
            a.iter().map(|s| s.to_string()).collect()
        }

        #[test]
        fn flags_take_values_after_a_space_or_an_equals_sign() {
            let f = Flags::parse(&args(&["--seed", "7", "--payments=1_000", "--json"]))
                .ok()
                .expect("valid flags");
            assert_eq!((f.seed, f.payments, f.json), (Some(7), Some(1_000), true));
        }

        #[test]
        fn a_flag_given_twice_or_without_its_value_is_refused() {
            let twice = Flags::parse(&args(&["--seed", "1", "--seed", "2"]));
            assert!(twice.is_err_and(|Fail(m)| m.contains("twice")));
            let bare = Flags::parse(&args(&["--seed", "--json"]));
            assert!(bare.is_err_and(|Fail(m)| m.contains("needs a value")));
        }
    }
}
