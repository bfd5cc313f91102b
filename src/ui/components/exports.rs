//! Exports: the event log as JSON or CSV, and the failure-injection test as a Rust file to adapt.
//! The core writes the text; this only hands it to the browser as a download.

use crate::sim::export::{events_csv, events_json, failure_injection_skeleton};
use crate::ui::state::World;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// Hands `text` to the browser as a file called `name` (a `data:` link: no blob to free afterwards).
fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let a: web_sys::HtmlAnchorElement = gloo::utils::document()
        .create_element("a")?
        .unchecked_into();
    a.set_href(&format!(
        "data:{mime};charset=utf-8,{}",
        js_sys::encode_uri_component(text)
    ));
    a.set_download(name);
    a.click();
    Ok(())
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
            let name = format!(
                "redelivery-lab-{lab}-seed{}{suffix}",
                world.timeline().seed()
            );
            if download(&name, mime, &text).is_err() {
                onerror.emit("This browser refused the download.".to_string());
            }
        });
        html! { <button type="button" class="button" data-testid={id} {onclick}>{ label }</button> }
    };
    html! {
        <section class="panel exports toolbar" aria-label="Export">
            <h2 class="panel__title">{ "Take it with you" }</h2>
            { button("export-json", "Event log (JSON)", |w| ("-events.json", "application/json", events_json(&w.sim()))) }
            { button("export-csv", "Event log (CSV)", |w| ("-events.csv", "text/csv", events_csv(&w.sim()))) }
            { button("export-test", "Failure-injection test (.rs)", |_| ("-failure-injection.rs", "text/plain", failure_injection_skeleton())) }
            <p class="panel__note">
                { "The log holds the most recent events on screen. The test is a skeleton to adapt to your own consumer: \
                   crash it at each step boundary, restart it, and check nobody paid twice." }
            </p>
        </section>
    }
}
