//! Diagrams as code: the run's first events, or one payment's story, as Mermaid or PlantUML text to
//! copy or download. The core writes the text (`src/sim/diagram.rs`, the same text as
//! `lab run --diagram`); this page only picks the subject and hands the text over.

use crate::i18n::{tr, trf, trf_n};
use crate::sim::diagram::{self, DiagramFormat};
use crate::sim::message::payment_label;
use crate::ui::browser::{copy_to_clipboard, download};
use crate::ui::state::World;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Payments listed one by one in the subject picker at most (after every payment with an anomaly):
/// a longer list is no longer a list anyone reads.
const LISTED: u32 = 200;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub world: World,
    /// The run's lab id ("sandbox" for free play), for the file name.
    pub lab_id: AttrValue,
}

/// The diagram's text and file name for `world`'s run (`payment`: that payment's story).
fn text(world: &World, lab: &str, payment: Option<u32>, format: DiagramFormat) -> (String, String) {
    let sim = world.sim();
    let seed = sim.seed();
    let mut title = format!("Redelivery Lab, {lab}, seed {seed}");
    let mut name = format!("redelivery-lab-{lab}-seed{seed}");
    let cap = match payment {
        Some(p) => {
            title = format!("{title}, {}", payment_label(p));
            name = format!("{name}-{}", payment_label(p));
            diagram::PAYMENT_EVENTS
        }
        None => diagram::RUN_EVENTS,
    };
    let text = diagram::for_sim(format, &sim, payment, cap, &title);
    (text, format!("{name}{}", format.extension()))
}

#[component]
pub fn Diagram(props: &DiagramProps) -> Html {
    let payment = use_state_eq(|| None::<u32>);
    let format = use_state_eq(|| DiagramFormat::Mermaid);
    let copied = use_state_eq(|| false);
    let failed = use_state_eq(|| false);
    let (body, name) = text(&props.world, &props.lab_id, *payment, *format);
    let (options, payments) = {
        let sim = props.world.sim();
        let anomalies = sim.anomalies(LISTED as usize);
        let mut options: Vec<(u32, String)> = anomalies
            .iter()
            .map(|a| {
                (
                    a.payment,
                    format!("{} — {}", payment_label(a.payment), a.outcome.label()),
                )
            })
            .collect();
        let n = sim.config().payments;
        options.extend(
            (0..n.min(LISTED))
                .filter(|p| !anomalies.iter().any(|a| a.payment == *p))
                .map(|p| (p, payment_label(p))),
        );
        (options, n)
    };
    let onsubject = {
        let (payment, copied) = (payment.clone(), copied.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            payment.set(v.parse().ok());
            copied.set(false);
        })
    };
    let pick = |f: DiagramFormat| {
        let (format, copied) = (format.clone(), copied.clone());
        Callback::from(move |_: Event| {
            format.set(f);
            copied.set(false);
        })
    };
    let oncopy = {
        let (body, copied) = (body.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            copy_to_clipboard(&body);
            copied.set(true);
        })
    };
    let ondownload = {
        let (body, name, failed) = (body.clone(), name.clone(), failed.clone());
        Callback::from(move |_: MouseEvent| {
            failed.set(download(&name, "text/plain", &body).is_err());
        })
    };
    let selected = *payment;
    html! {
        <section class="panel tools__section" aria-labelledby="diagram-title" data-testid="tools-diagram">
            <h2 class="panel__title" id="diagram-title">{ tr("Sequence diagram") }</h2>
            <p>{ tr("The run as a sequence diagram for docs, a post or a bug report: producer, broker, consumers, database and card gateway, with each crash, redelivery and duplicate charge marked. Mermaid draws inline on GitHub and GitLab; PlantUML needs its own renderer.") }</p>
            <div class="tools__row">
                <label for="diagram-subject">{ tr("Subject") }</label>
                <select id="diagram-subject" data-testid="diagram-subject" onchange={onsubject}>
                    <option value="run" selected={selected.is_none()}>
                        { trf("The run's first {0} events", &[&diagram::RUN_EVENTS.to_string()]) }
                    </option>
                    { for options.into_iter().map(|(p, label)| html! {
                        <option value={p.to_string()} selected={selected == Some(p)}>{ label }</option>
                    }) }
                </select>
                if payments > LISTED {
                    <span class="tools__note">{ trf_n("Payments with an anomaly first, then the first {0}.", &[LISTED as u64]) }</span>
                }
            </div>
            <fieldset class="tools__row">
                <legend>{ tr("Format") }</legend>
                <label><input type="radio" name="diagram-format" data-testid="diagram-format-mermaid"
                    checked={*format == DiagramFormat::Mermaid} onchange={pick(DiagramFormat::Mermaid)} />{ "Mermaid (.mmd)" }</label>
                <label><input type="radio" name="diagram-format" data-testid="diagram-format-plantuml"
                    checked={*format == DiagramFormat::PlantUml} onchange={pick(DiagramFormat::PlantUml)} />{ "PlantUML (.puml)" }</label>
            </fieldset>
            <label class="tools__label" for="diagram-text">{ tr("The diagram's text") }</label>
            <textarea id="diagram-text" class="mono tools__text" data-testid="diagram-text" readonly=true rows="12"
                value={body} />
            <div class="toolbar">
                <button type="button" class="button button--primary" data-testid="diagram-download" onclick={ondownload}>
                    { trf("Download {0}", &[&name]) }
                </button>
                <button type="button" class="button" data-testid="diagram-copy" onclick={oncopy}>{ tr("Copy the text") }</button>
                <span role="status">
                    if *copied { { tr("Copied if this browser allows it; otherwise select the text above.") } }
                    if *failed { { tr("This browser refused the download.") } }
                </span>
            </div>
        </section>
    }
}
