//! Exports: the event log as JSON or CSV, and the failure-injection test as a Rust file to adapt.
//! The core writes the text; this only hands it to the browser as a download.

use crate::i18n::{tr, trf, trs};
use crate::sim::export::{SKELETON_KEY, events_csv, events_json};
use crate::ui::browser::download;
use crate::ui::lessons::{self, Load};
use crate::ui::state::World;
use crate::ui::{atr, vtext, vtr};
use yew::prelude::*;

/// The file name of an export of `lab`'s run.
fn file_name(world: &World, lab: &str, suffix: &str) -> String {
    format!(
        "redelivery-lab-{lab}-seed{}{suffix}",
        world.timeline().seed()
    )
}

/// The failure-injection test's button. The browser build carries no skeleton (`lessons.json` holds it,
/// src/sim/export.rs): a click fetches it first when it is not here yet, then downloads it, or says in
/// one sentence why it could not (a second click tries again).
fn test_button(world: &World, lab: &'static str, onerror: &Callback<String>) -> Html {
    let name = file_name(world, lab, "-failure-injection.rs");
    let onerror = onerror.clone();
    let onclick = Callback::from(move |_: MouseEvent| {
        let (name, onerror) = (name.clone(), onerror.clone());
        lessons::when_loaded(Callback::from(move |_| {
            let text = lessons::word(SKELETON_KEY);
            let failed = match lessons::state() {
                Load::Failed(why) => {
                    Some(trf("The test skeleton could not be loaded: {0}.", &[&why]))
                }
                _ if text.is_empty() => {
                    Some(trs("The test skeleton is missing from lessons.json."))
                }
                _ => download(&name, "text/plain", &text)
                    .err()
                    .map(|_| trs("This browser refused the download.")),
            };
            if let Some(message) = failed {
                onerror.emit(message);
            }
        }));
    });
    html! {
        <button type="button" class="button" data-testid="export-test" {onclick}>
            { vtr("Failure-injection test (.rs)") }
        </button>
    }
}

/// The export buttons (a plain function: it keeps no state). `onerror` says what went wrong when the
/// browser refuses a download.
pub fn exports(world: &World, lab_id: &'static str, onerror: &Callback<String>) -> Html {
    let button = |id: &'static str,
                  label: &'static str,
                  what: fn(&World) -> (&'static str, &'static str, String)| {
        let (world, lab, onerror) = (world.clone(), lab_id, onerror.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            let (suffix, mime, text) = what(&world);
            let name = file_name(&world, lab, suffix);
            if download(&name, mime, &text).is_err() {
                onerror.emit(trs("This browser refused the download."));
            }
        });
        html! { <button type="button" class="button" data-testid={id} {onclick}>{ vtext(label) }</button> }
    };
    html! {
        <section class="panel exports toolbar" aria-label={atr("Export")}>
            <h2 class="panel__title">{ vtr("Take it with you") }</h2>
            { button("export-json", tr("Event log (JSON)"), |w| ("-events.json", "application/json", events_json(&w.sim()))) }
            { button("export-csv", tr("Event log (CSV)"), |w| ("-events.csv", "text/csv", events_csv(&w.sim()))) }
            { test_button(world, lab_id, onerror) }
            <p class="panel__note">
                { vtr("The log holds the most recent events on screen. The test is a skeleton to adapt to your own consumer: \
                   crash it at each step boundary, restart it, and check nobody paid twice.") }
            </p>
        </section>
    }
}
