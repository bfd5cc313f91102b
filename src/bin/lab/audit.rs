//! `lab audit --handler handler.json`: an engineer's own handler, crashed at every boundary between
//! its steps, with the same verdicts, explanations and permalink as the audit page (audit.html).

use crate::args::AuditArgs;
use crate::exit::{Fail, usage};
use redelivery_lab::sim::audit::{self, Handler, case_label, encode, summary, verdict_label};
use std::fmt::Write as _;

pub fn audit(a: AuditArgs) -> Result<String, Fail> {
    let path = &a.handler;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return usage(format!("The handler file {path} does not exist."));
        }
        Err(e) => return usage(format!("The handler file {path} could not be read: {e}.")),
    };
    let handler: Handler = serde_json::from_str(&text).map_err(|e| {
        Fail::usage(format!(
            "The handler file {path} is not a valid handler (see lab audit --help): {e}."
        ))
    })?;
    handler
        .validate()
        .map_err(|sentence| Fail::usage(format!("{path}: {sentence}")))?;
    let report = audit::audit(&handler);
    let link = permalink(a.site.as_deref(), &handler);
    if a.json {
        let v = serde_json::json!({
            "handler": handler,
            "passes": report.passes(),
            "rows": report.rows.iter().map(|r| serde_json::json!({
                "case": r.case,
                "label": case_label(&handler, r.case),
                "charges": r.charges,
                "ledger_rows": r.ledger_rows,
                "verdict": r.verdict,
                "buffer_lost": r.buffer_lost,
                "why": r.why,
            })).collect::<Vec<_>>(),
            "permalink": link,
        });
        return Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
    }
    Ok(table(&report, &link))
}

/// The audit page's address for `handler`, under `site` when given.
fn permalink(site: Option<&str>, handler: &Handler) -> String {
    let page = match site {
        Some(s) if s.ends_with(".html") => s.to_string(),
        Some(s) => format!("{}/audit.html", s.trim_end_matches('/')),
        None => "audit.html".to_string(),
    };
    format!("{page}#{}", encode(handler))
}

fn table(report: &audit::Audit, link: &str) -> String {
    let h = &report.handler;
    let mut out = String::new();
    let _ = writeln!(out, "Audit of the handler: {}", summary(h));
    let _ = writeln!(out);
    let labels: Vec<String> = report.rows.iter().map(|r| case_label(h, r.case)).collect();
    let width = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let _ = writeln!(out, "{:<width$}  charges  ledger rows  verdict", "case");
    for (r, label) in report.rows.iter().zip(&labels) {
        let pad = width - label.chars().count();
        let _ = writeln!(
            out,
            "{label}{:pad$}  {:>7}  {:>11}  {}",
            "",
            r.charges,
            r.ledger_rows,
            verdict_label(r.verdict).to_uppercase()
        );
    }
    let _ = writeln!(out);
    if report.passes() {
        let _ = writeln!(
            out,
            "Every case passes: each payment charged once and recorded once."
        );
    } else {
        let failing = report.failures().count();
        let _ = writeln!(out, "{failing} of {} cases fail:", report.rows.len());
        for (r, label) in report.rows.iter().zip(&labels) {
            if let Some(why) = &r.why {
                let _ = writeln!(out, "- {label}: {why}");
            }
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Permalink: {link}");
    out
}
