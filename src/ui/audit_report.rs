//! The audit page's report: a verdict per case in a table, why each failing case fails, and the
//! permalink. The core decides every word of it ([`crate::sim::audit`]); this only lays it out.

use super::browser::{copy_to_clipboard, page_address};
use crate::i18n::{fill, tr, tr_n, trs};
use crate::sim::audit::{Case, Handler, audit, case_label, encode, summary, verdict_label};
use crate::sim::sweep::Verdict;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AuditReportProps {
    /// The handler to audit (perhaps invalid: then its one sentence is shown instead).
    pub handler: Handler,
}

/// A row's `data-testid` suffix: `crash-3`, `lost-ack`, `republish`, `concurrent`.
fn case_id(case: Case) -> String {
    match case {
        Case::Crash { after } => format!("crash-{after}"),
        Case::LostAck => "lost-ack".into(),
        Case::Republish => "republish".into(),
        Case::Concurrent { .. } => "concurrent".into(),
    }
}

/// A verdict's stable name for `data-verdict` (the shown word is translated).
fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Safe => "safe",
        Verdict::Duplicate => "duplicate",
        Verdict::Lost => "lost",
        Verdict::Orphan => "orphan",
        Verdict::Unsettled => "unsettled",
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Safe => "audit__verdict audit__verdict--safe",
        Verdict::Duplicate => "audit__verdict audit__verdict--duplicate",
        Verdict::Lost | Verdict::Unsettled => "audit__verdict audit__verdict--lost",
        Verdict::Orphan => "audit__verdict audit__verdict--orphan",
    }
}

/// The report.
#[component]
pub fn AuditReport(props: &AuditReportProps) -> Html {
    let h = &props.handler;
    if let Err(sentence) = h.validate() {
        return html! {
            <section class="panel audit__report" aria-labelledby="audit-report-title" data-testid="audit-report">
                <h2 id="audit-report-title">{ tr("The crash sweep of your handler") }</h2>
                <p class="audit__error" role="alert" data-testid="audit-invalid">{ sentence }</p>
            </section>
        };
    }
    let report = audit(h);
    let failing = report.failures().count();
    let headline = if failing == 0 {
        trs("Every case passes: the payment is charged once and recorded once.")
    } else {
        fill(
            tr_n(
                "{0} case fails; it is explained below the table.",
                "{0} cases fail; each is explained below the table.",
                failing as u64,
            ),
            &[&failing.to_string()],
        )
    };
    let rows = report.rows.iter().map(|r| {
        html! {
            <tr data-testid={format!("audit-row-{}", case_id(r.case))} data-verdict={verdict_name(r.verdict)}>
                <th scope="row">{ case_label(h, r.case) }</th>
                <td>{ r.charges.to_string() }</td>
                <td>{ r.ledger_rows.to_string() }</td>
                <td class={verdict_class(r.verdict)}>{ verdict_label(r.verdict) }</td>
            </tr>
        }
    });
    let whys = report.rows.iter().filter_map(|r| {
        let why = r.why.clone()?;
        Some(html! {
            <li data-testid={format!("audit-why-{}", case_id(r.case))}>
                <strong>{ case_label(h, r.case) }</strong>{ ": " }{ why }
            </li>
        })
    });
    let code = encode(h);
    let link = format!("{}#{code}", page_address());
    let oncopy = {
        let link = link.clone();
        Callback::from(move |_: MouseEvent| copy_to_clipboard(&link))
    };
    html! {
        <section class="panel audit__report" aria-labelledby="audit-report-title" data-testid="audit-report">
            <h2 id="audit-report-title">{ tr("The crash sweep of your handler") }</h2>
            <p class="audit__summary" data-testid="audit-summary">{ summary(h) }</p>
            <p class="audit__headline" role="status" data-testid="audit-headline">{ headline }</p>
            <div class="audit__table-wrap">
                <table class="audit__table" data-testid="audit-table">
                    <caption>{ tr("One payment through your handler, case by case") }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ tr("Case") }</th>
                            <th scope="col">{ tr("Charges") }</th>
                            <th scope="col">{ tr("Ledger rows") }</th>
                            <th scope="col">{ tr("Verdict") }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            if failing > 0 {
                <h3>{ tr("Why the failing cases fail") }</h3>
                <ul class="audit__whys" data-testid="audit-whys">{ for whys }</ul>
            }
            <h3>{ tr("Permalink") }</h3>
            <p>{ tr("Paste it in a code review: it reopens this audit.") }</p>
            <p class="audit__permalink">
                <a href={format!("#{code}")} data-testid="audit-permalink">{ link }</a>
                <button type="button" class="button button--small" onclick={oncopy}>{ tr("Copy the permalink") }</button>
            </p>
        </section>
    }
}
