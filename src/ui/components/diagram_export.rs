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
/// `onshow` shows or hides it (the app keeps it, so this keeps no state of its own). The controls are
/// fixed markup with one click listener that reads each button's `data-act` (as the workshop pack's).
pub fn diagram_export(
    world: &World,
    lab_id: &'static str,
    focus: Option<u32>,
    shown: Option<String>,
    onshow: &Callback<Option<String>>,
    onerror: &Callback<String>,
) -> Html {
    let onclick = {
        let (world, onshow, onerror) = (world.clone(), onshow.clone(), onerror.clone());
        Callback::from(move |e: MouseEvent| {
            let act = e
                .target_dyn_into::<web_sys::Element>()
                .and_then(|t| t.closest("[data-act]").ok().flatten())
                .and_then(|b| b.get_attribute("data-act"));
            let format = match act.as_deref() {
                Some("close") => return onshow.emit(None),
                Some("plantuml") => DiagramFormat::PlantUml,
                Some(_) => DiagramFormat::Mermaid,
                None => return,
            };
            let (text, name) = diagram_text(&world, lab_id, focus, format);
            if act.as_deref() == Some("copy") {
                copy_to_clipboard(&text);
                onshow.emit(Some(text));
            } else if download(&name, "text/plain", &text).is_err() {
                onerror.emit("This browser refused the download.".to_string());
            }
        })
    };
    let what = match focus {
        Some(p) => format!("{}'s story", payment_label(p)),
        None => format!("the run's first {} events", diagram::RUN_EVENTS),
    };
    let mut markup = format!(
        "<span data-testid=\"diagram-subject\">Sequence diagram of {what}:</span>\
         <button type=\"button\" class=\"button\" data-testid=\"export-mermaid\" data-act=\"mermaid\">Mermaid (.mmd)</button>\
         <button type=\"button\" class=\"button\" data-testid=\"export-plantuml\" data-act=\"plantuml\">PlantUML (.puml)</button>\
         <button type=\"button\" class=\"button\" data-testid=\"copy-mermaid\" data-act=\"copy\">Copy Mermaid</button>"
    );
    if let Some(text) = shown {
        let text = text.replace('&', "&amp;").replace('<', "&lt;");
        markup.push_str(&format!(
            "<div class=\"copied\" role=\"status\"><label for=\"diagram-text\">Copied if this browser allows it; otherwise select the text here.</label>\
             <textarea id=\"diagram-text\" class=\"mono\" data-testid=\"diagram-text\" readonly rows=\"8\">{text}</textarea>\
             <button type=\"button\" class=\"button\" data-act=\"close\">Close</button></div>"
        ));
    }
    html! {
        <div class="exports__diagram toolbar" role="group" aria-label="Sequence diagram" {onclick}>
            { Html::from_html_unchecked(markup.into()) }
        </div>
    }
}
