//! `lab run`: a lab or a configuration file, run until every payment settles, and what the checker
//! found — as text or as JSON.

use crate::args::RunArgs;
use crate::events;
use crate::exit::{Fail, usage};
use crate::set;
use redelivery_lab::sim::diagram::{self, DiagramFormat};
use redelivery_lab::sim::goal::GoalStatus;
use redelivery_lab::sim::lab::Lab;
use redelivery_lab::sim::message::{money, payment_label};
use redelivery_lab::sim::{Action, Config, Sim};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Seed of a configuration file that names none.
const DEFAULT_SEED: u64 = 1;

/// Anomalies listed in a report.
const ANOMALIES_SHOWN: usize = 20;

/// Events shown under each anomaly: a payment redelivered without end has thousands, and the first
/// ones tell its story (`--events` shows the whole window).
const CAUSES_SHOWN: usize = 12;

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

pub fn run(a: RunArgs) -> Result<String, Fail> {
    if a.diagram.is_none() && (a.payment.is_some() || a.diagram_events.is_some()) {
        return usage(
            "--payment and --diagram-events go with --diagram mermaid or --diagram plantuml.",
        );
    }
    let mut setup = match (&a.lab, &a.config) {
        (Some(_), Some(_)) => return usage("Give either --lab or --config, not both."),
        (None, None) => {
            return usage(
                "`lab run` needs --lab <id> or --config <file.json> (see lab labs for the ids).",
            );
        }
        (Some(id), None) => lab_setup(id)?,
        (None, Some(path)) => file_setup(path)?,
    };
    if let Some(seed) = a.seed {
        setup.seed = seed;
    }
    if let Some(n) = a.payments {
        setup.config.payments = n;
    }
    if let Some(b) = a.broker {
        setup.config.broker = b;
    }
    setup.config = set::apply(&setup.config, &a.set)?;
    if let Err(e) = setup.config.validate() {
        let with = if a.set.is_empty() {
            String::new()
        } else {
            format!(" with --set {}", a.set.join(" --set "))
        };
        return usage(format!("{}{with}: {e}", capitalised(&setup.source)));
    }

    let mut sim = Sim::new(setup.config.clone(), setup.seed);
    let mut actions = setup.actions.clone();
    actions.sort_by_key(|a| a.at); // stable: actions at the same time keep their order
    if let Err(refused) = sim.replay(&actions) {
        return usage(format!(
            "Action {} (at {} ms) of {} was refused: {}",
            refused.index + 1,
            refused.action.at,
            setup.source,
            refused.error
        ));
    }
    let last_action = actions.last().map_or(0, |a| a.at);
    let settled = sim.run_to_completion(run_limit(&setup.config, last_action));

    if let Some(format) = a.diagram {
        return diagram_text(&sim, &setup, format, a.payment, a.diagram_events);
    }
    Ok(if a.json {
        run_json(&sim, &setup, settled, a.events)
    } else {
        run_text(&sim, &setup, settled, a.events)
    })
}

/// `--diagram`: the run's first events, or one payment's story, as Mermaid or PlantUML.
fn diagram_text(
    sim: &Sim,
    setup: &Setup,
    format: DiagramFormat,
    payment: Option<u32>,
    cap: Option<usize>,
) -> Result<String, Fail> {
    let mut title = format!("Redelivery Lab, {}, seed {}", setup.source, setup.seed);
    if let Some(p) = payment {
        if p >= setup.config.payments {
            return usage(format!(
                "There is no payment {p}: this run has {} payments, numbered from 0.",
                setup.config.payments
            ));
        }
        let _ = write!(title, ", {}", payment_label(p));
    }
    let default = if payment.is_some() {
        diagram::PAYMENT_EVENTS
    } else {
        diagram::RUN_EVENTS
    };
    Ok(diagram::for_sim(
        format,
        sim,
        payment,
        cap.unwrap_or(default),
        &title,
    ))
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

fn lab_setup(id: &str) -> Result<Setup, Fail> {
    let Some(lab) = Lab::by_id(id) else {
        let ids: Vec<&str> = Lab::all().iter().map(|l| l.id).collect();
        return usage(format!(
            "There is no lab “{id}”; the labs are {}.",
            ids.join(", ")
        ));
    };
    Ok(Setup {
        source: format!("lab “{}” ({})", lab.id, lab.title),
        config: lab.config.clone(),
        actions: lab.actions.to_vec(),
        seed: lab.seed,
        lab: Some(lab),
    })
}

fn file_setup(path: &str) -> Result<Setup, Fail> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return usage(format!("The config file {path} does not exist."));
        }
        Err(e) => return usage(format!("The config file {path} could not be read: {e}.")),
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| Fail::usage(format!("The config file {path} is not valid JSON: {e}.")))?;
    let Value::Object(map) = &value else {
        return usage(format!(
            "The config file {path} must hold a JSON object (a Config, or {{\"config\": …, \"actions\": […]}})."
        ));
    };
    let wrapped = map.contains_key("config") || map.contains_key("actions");
    let (config, actions, seed) = if wrapped {
        let s: ScenarioFile = serde_json::from_str(&text).map_err(|e| {
            Fail::usage(format!(
                "The config file {path} is not a valid scenario: {e}."
            ))
        })?;
        let keys = value.get("config").and_then(Value::as_object);
        check_keys(path, keys.into_iter().flat_map(|m| m.keys()))?;
        (s.config, s.actions, s.seed)
    } else {
        check_keys(path, map.keys())?;
        let c: Config = serde_json::from_str(&text).map_err(|e| {
            Fail::usage(format!(
                "The config file {path} is not a valid configuration: {e}."
            ))
        })?;
        (c, Vec::new(), None)
    };
    Ok(Setup {
        source: format!("the config file {path}"),
        config,
        actions,
        seed: seed.unwrap_or(DEFAULT_SEED),
        lab: None,
    })
}

/// `Config` takes its defaults for missing fields, so a misspelt setting would silently be
/// ignored; name it instead.
fn check_keys<'a>(path: &str, keys: impl Iterator<Item = &'a String>) -> Result<(), Fail> {
    // Every setting, those the JSON leaves out at their default (broker, producer, retention) too.
    let known = crate::set::with_every_setting(&Config::default()).unwrap_or(Value::Null);
    let known = known.as_object();
    for k in keys {
        if !known.is_some_and(|m| m.contains_key(k)) {
            let names: Vec<&str> = known
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return usage(format!(
                "The config file {path} has an unknown setting “{k}”; the settings are {}.",
                names.join(", ")
            ));
        }
    }
    Ok(())
}

fn goal_statuses(lab: &Lab, sim: &Sim) -> Vec<(&'static str, &'static str, GoalStatus)> {
    lab.goals
        .iter()
        .zip(lab.evaluate(sim))
        .map(|(g, status)| (g.id, g.text, status))
        .collect()
}

fn run_json(sim: &Sim, setup: &Setup, settled: bool, with_events: bool) -> String {
    let anomalies: Vec<Value> = sim
        .anomalies(ANOMALIES_SHOWN)
        .iter()
        .map(|a| {
            json!({
                "payment": a.payment,
                "outcome": a.outcome.name(),
                "charges": a.charges,
                "ledger_rows": a.ledger_rows,
                "causes_total": a.causes.len(),
                "causes": a.causes.iter().filter_map(|s| sim.event(*s)).take(CAUSES_SHOWN).map(|e| json!({
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
        "config": setup.config,
        "settled": settled,
        "halt": sim.halt(),
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
    if with_events {
        v["event_log"] = json!(events::log_json(sim));
        v["event_log_dropped"] = json!(sim.events().dropped());
    }
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}

fn run_text(sim: &Sim, setup: &Setup, settled: bool, with_events: bool) -> String {
    let mut o = String::new();
    let c = &setup.config;
    let _ = writeln!(
        o,
        "Run of {} — seed {}, {} payments, {} consumer{}",
        setup.source,
        setup.seed,
        c.payments,
        c.consumers,
        if c.consumers == 1 { "" } else { "s" }
    );
    let _ = writeln!(o, "Strategy: {}", c.strategy);
    // Only a broker other than the queue, or a retention window, adds a line: the queue's report
    // reads as it did before the kinds existed.
    if !c.broker.is_queue() {
        let _ = writeln!(o, "Broker: {} ({})", c.broker.name(), json!(c.broker));
    }
    if !c.retention.is_forever() {
        let kept = |w: Option<u64>| w.map_or("forever".to_string(), |ms| format!("{ms} ms"));
        let _ = writeln!(
            o,
            "Retention: processed records {}, gateway keys {}",
            kept(c.retention.records_ms),
            kept(c.retention.gateway_keys_ms)
        );
    }
    if !setup.actions.is_empty() {
        let _ = writeln!(o, "Scripted actions: {}", setup.actions.len());
    }
    if settled {
        let _ = writeln!(o, "Settled at {} ms of simulated time.", sim.now());
    } else if let Some(why) = sim.halt() {
        let _ = writeln!(o, "Did NOT settle: stopped at {} ms. {why}", sim.now());
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
    let _ = write!(o, "{}", sim.totals());
    let _ = write!(o, "\n{}", sim.signals());

    if let Some(lab) = setup.lab.as_ref().filter(|l| !l.goals.is_empty()) {
        let _ = writeln!(o, "\nGoals");
        for (_, text, status) in goal_statuses(lab, sim) {
            // An undecided goal gets dots, so PASS and FAIL stand out in the column.
            let mark = match status {
                GoalStatus::Pending => "....".to_string(),
                decided => decided.name().to_uppercase(),
            };
            let _ = writeln!(o, "  [{mark}] {text}");
        }
    }
    anomalies_text(&mut o, sim);
    if with_events {
        o.push_str(&events::log_text(sim));
    }
    o
}

fn anomalies_text(o: &mut String, sim: &Sim) {
    let anomalies = sim.anomalies(ANOMALIES_SHOWN);
    if anomalies.is_empty() {
        let _ = writeln!(o, "\nNo anomalies: no duplicate, lost or orphan payment.");
        return;
    }
    let shown = anomalies.len() as u64;
    let all = sim.totals().anomalies();
    let more = if all > shown {
        format!(", first {shown} shown")
    } else {
        String::new()
    };
    let _ = writeln!(o, "\nAnomalies ({all}{more})");
    let plural = |n: u32| if n == 1 { "" } else { "s" };
    for a in &anomalies {
        let m = sim.message(a.payment);
        let _ = writeln!(
            o,
            "  {} {} — {} charge{}, {} ledger row{}, {} for {}",
            payment_label(a.payment),
            a.outcome.label().to_uppercase(),
            a.charges,
            plural(a.charges as u32),
            a.ledger_rows,
            plural(a.ledger_rows as u32),
            money(m.amount_cents as u64),
            m.customer_name()
        );
        let causes: Vec<_> = a.causes.iter().filter_map(|s| sim.event(*s)).collect();
        if causes.is_empty() {
            let _ = writeln!(o, "      (its events have left the event window)");
        }
        for e in causes.iter().take(CAUSES_SHOWN) {
            let text = e.event.to_string();
            let _ = writeln!(o, "      #{:<7} {:>8} ms  {text}", e.seq, e.time);
        }
        if causes.len() > CAUSES_SHOWN {
            let _ = writeln!(
                o,
                "      … and {} more of its events (--events lists them all)",
                causes.len() - CAUSES_SHOWN
            );
        }
    }
}
