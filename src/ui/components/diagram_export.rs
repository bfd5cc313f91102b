//! The sequence-diagram export: the focused payment's story (the event log's payment filter), or the
//! run's first events, as Mermaid or PlantUML text to download or copy. The core writes the text
//! (src/sim/diagram.rs); it is built on the click, never while the run plays.

use crate::sim::diagram::{self, DiagramFormat};
use crate::sim::message::payment_label;
use crate::ui::browser::{copy_to_clipboard, download};
use crate::ui::state::World;
use yew::prelude::*;

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

/// The diagram controls, inside the exports panel. `shown` is the copied text on screen, if any;
/// `onshow` shows or hides it (the app keeps it, so this keeps no state of its own).
pub fn diagram_export(
    world: &World,
    lab_id: &'static str,
    focus: Option<u32>,
    shown: Option<String>,
    onshow: &Callback<Option<String>>,
    onerror: &Callback<String>,
) -> Html {
    let save = |format: DiagramFormat| {
        let (world, onerror) = (world.clone(), onerror.clone());
        Callback::from(move |_: MouseEvent| {
            let (text, name) = diagram_text(&world, lab_id, focus, format);
            if download(&name, "text/plain", &text).is_err() {
                onerror.emit("This browser refused the download.".to_string());
            }
        })
    };
    let oncopy = {
        let (world, onshow) = (world.clone(), onshow.clone());
        Callback::from(move |_: MouseEvent| {
            let (text, _) = diagram_text(&world, lab_id, focus, DiagramFormat::Mermaid);
            copy_to_clipboard(&text);
            onshow.emit(Some(text));
        })
    };
    let what = match focus {
        Some(p) => format!("{}'s story", payment_label(p)),
        None => format!("the run's first {} events", diagram::RUN_EVENTS),
    };
    let onclose = onshow.reform(|_: MouseEvent| None);
    html! {
        <div class="exports__diagram toolbar" role="group" aria-label="Sequence diagram">
            <span data-testid="diagram-subject">{ format!("Sequence diagram of {what}:") }</span>
            <button type="button" class="button" data-testid="export-mermaid" onclick={save(DiagramFormat::Mermaid)}>{ "Mermaid (.mmd)" }</button>
            <button type="button" class="button" data-testid="export-plantuml" onclick={save(DiagramFormat::PlantUml)}>{ "PlantUML (.puml)" }</button>
            <button type="button" class="button" data-testid="copy-mermaid" onclick={oncopy}>{ "Copy Mermaid" }</button>
            if let Some(text) = shown {
                <div class="copied" role="status">
                    <label for="diagram-text">{ "Copied if this browser allows it; otherwise select the text here." }</label>
                    <textarea id="diagram-text" class="mono" data-testid="diagram-text" readonly=true rows="8" value={text} />
                    <button type="button" class="button" onclick={onclose}>{ "Close" }</button>
                </div>
            }
        </div>
    }
}
