//! `lab labs`: the guided labs, by id.

use crate::args::LabsArgs;
use crate::exit::Fail;
use redelivery_lab::sim::lab::Lab;
use serde_json::json;
use std::fmt::Write as _;

pub fn list(a: LabsArgs) -> Result<String, Fail> {
    let labs = Lab::all();
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
