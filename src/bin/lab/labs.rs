//! `lab labs`: the guided labs, by id.

use crate::args::LabsArgs;
use crate::exit::Fail;
use redelivery_lab::sim::lab::{Lab, TAKEAWAYS, WHEN_TO_USE};
use redelivery_lab::sim::{export, workshop_pack};
use serde_json::{Value, json};
use std::fmt::Write as _;

pub fn list(a: LabsArgs) -> Result<String, Fail> {
    let labs = Lab::all();
    if a.lessons {
        return Ok(format!("{}\n", lessons(&labs)));
    }
    if a.json {
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

/// The lesson texts the browser build leaves out (`lesson!` in src/sim/lab/mod.rs), as one flat
/// object from keys (`<lab id>/predict`, `<lab id>/options/0`, `<lab id>/hints/1`,
/// `<lab id>/goals/<goal id>`, `closing/takeaways/2`, the exported test skeleton) to words: one source of truth, the Rust literals, read here natively. The
/// page looks words up by key (src/ui/lessons.rs), which keeps its reader small.
pub fn lessons(labs: &[Lab]) -> Value {
    let mut words = serde_json::Map::new();
    let mut put = |key: String, text: &str| {
        words.insert(key, Value::from(text));
    };
    for l in labs {
        let id = l.id;
        let n = &l.narrative;
        put(format!("{id}/predict"), n.predict);
        put(format!("{id}/run"), n.run);
        put(format!("{id}/observe"), n.observe);
        put(format!("{id}/explain"), n.explain);
        if let Some(p) = l.prediction {
            put(format!("{id}/question"), p.question);
            put(format!("{id}/why"), p.why);
            for (i, o) in p.options.iter().enumerate() {
                put(format!("{id}/options/{i}"), o);
            }
        }
        for (i, h) in l.hints.iter().enumerate() {
            put(format!("{id}/hints/{i}"), h);
        }
        put(format!("{id}/solution"), l.solution);
        for g in l.goals {
            put(format!("{id}/goals/{}", g.id), g.text);
        }
        // The workshop pack: both printed sheets, as HTML (the page adds the link).
        if l.number > 0 {
            put(
                format!("{id}/pack/worksheet"),
                &workshop_pack::sheet_html(l, false),
            );
            put(
                format!("{id}/pack/key"),
                &workshop_pack::sheet_html(l, true),
            );
        }
    }
    for (i, t) in WHEN_TO_USE.iter().enumerate() {
        put(format!("closing/when_to_use/{i}"), t);
    }
    for (i, t) in TAKEAWAYS.iter().enumerate() {
        put(format!("closing/takeaways/{i}"), t);
    }
    put(
        export::SKELETON_KEY.to_string(),
        export::failure_injection_skeleton(),
    );
    Value::Object(words)
}
