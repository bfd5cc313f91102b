//! The sequence-diagram export: the focused payment's story (the event log's payment filter), or the
//! run's first events, as Mermaid or PlantUML text to download or copy. The core writes the text
//! (src/sim/diagram.rs); it is built on the click, never while the run plays.

use crate::sim::diagram::{self, DiagramFormat};
use crate::sim::message::payment_label;
use crate::ui::browser::{copy_to_clipboard, download};
use crate::ui::state::World;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiagramExportProps {
    pub world: World,
    pub lab_id: &'static str,
    /// The payment whose story the event log shows, if one is chosen.
    pub focus: Option<u32>,
    pub onerror: Callback<String>,
}

/// The diagram's text for `world`'s run now, and its file name.
fn diagram_text(
    world: &World,
    lab: &str,
    focus: Option<u32>,
    format: DiagramFormat,
) -> (String, String) {
    let sim = world.sim();
    let seed = sim.seed();
    let (mut title, mut name) = (
        format!("Redelivery Lab, lab {lab}, seed {seed}"),
        format!("redelivery-lab-{lab}-seed{seed}"),
    );
    let cap = match focus {
        Some(p) => {
            title = format!("{title}, {}", payment_label(p));
            name = format!("{name}-{}", payment_label(p));
            diagram::PAYMENT_EVENTS
        }
        None => diagram::RUN_EVENTS,
    };
    let text = diagram::for_sim(format, &sim, focus, cap, &title);
    (text, format!("{name}{}", format.extension()))
}

#[component]
pub fn DiagramExport(props: &DiagramExportProps) -> Html {
    let shown = use_state(|| None::<String>);
    let save = |format: DiagramFormat| {
        let (world, lab, focus, onerror) = (
            props.world.clone(),
            props.lab_id,
            props.focus,
            props.onerror.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (text, name) = diagram_text(&world, lab, focus, format);
            if download(&name, "text/plain", &text).is_err() {
                onerror.emit("This browser refused the download.".to_string());
            }
        })
    };
    let oncopy = {
        let (world, lab, focus, shown) = (
            props.world.clone(),
            props.lab_id,
            props.focus,
            shown.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (text, _) = diagram_text(&world, lab, focus, DiagramFormat::Mermaid);
            copy_to_clipboard(&text);
            shown.set(Some(text));
        })
    };
    let what = match props.focus {
        Some(p) => format!("{}'s story", payment_label(p)),
        None => format!("the run's first {} events", diagram::RUN_EVENTS),
    };
    let onclose = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(None))
    };
    html! {
        <div class="exports__diagram toolbar" role="group" aria-label="Sequence diagram">
            <span data-testid="diagram-subject">{ format!("Sequence diagram of {what}:") }</span>
            <button type="button" class="button" data-testid="export-mermaid" onclick={save(DiagramFormat::Mermaid)}>{ "Mermaid (.mmd)" }</button>
            <button type="button" class="button" data-testid="export-plantuml" onclick={save(DiagramFormat::PlantUml)}>{ "PlantUML (.puml)" }</button>
            <button type="button" class="button" data-testid="copy-mermaid" onclick={oncopy}>{ "Copy Mermaid" }</button>
            if let Some(text) = (*shown).clone() {
                <div class="copied" role="status">
                    <label for="diagram-text">{ "Copied if this browser allows it; otherwise select the text here." }</label>
                    <textarea id="diagram-text" class="mono" data-testid="diagram-text" readonly=true rows="8" value={text} />
                    <button type="button" class="button" onclick={onclose}>{ "Close" }</button>
                </div>
            }
        </div>
    }
}
