//! Workshop mode: a presenter view (large type, the keyboard map on screen) and the run's state and
//! goals as plain text to paste into a chat or a slide.

use super::help::{OUTSIDE_SANDBOX, shortcuts};
use super::sweep::{strategy_label, strategy_words};
use super::words::seconds;
use crate::sim::goal::Learner;
use crate::sim::lab::Lab;
use crate::sim::{Outcome, Sim};
use yew::prelude::*;

/// The run and the lab's goals as plain text, for a chat or a slide: the clock as on screen, the
/// strategy's code spelt out, and `link` to open this exact run.
pub fn state_text(lab: &Lab, sim: &Sim, learner: &Learner, link: &str) -> String {
    use std::fmt::Write;
    let totals = sim.totals();
    let s = &sim.config().strategy;
    let mut out = format!(
        "Redelivery Lab: {}\nSeed {} · t = {} · strategy: {} ({})\n",
        lab.title,
        sim.seed(),
        seconds(sim.now()),
        strategy_label(s),
        strategy_words(s)
    );
    for o in Outcome::ALL {
        let _ = write!(out, "{}: {}; ", o.label(), totals.get(o));
    }
    out.push('\n');
    for g in &lab.goals {
        let j = g.judge(sim, learner);
        // The goal's words come from lessons.json in the browser build (loaded while the lab is open).
        let text = crate::ui::lessons::text(lab.id, &format!("goals/{}", g.id), g.text);
        let _ = writeln!(out, "[{}] {text} — {}", j.status.name(), j.why);
    }
    let _ = write!(out, "Open this exact run: {link}");
    out
}

/// The two workshop buttons, for the view bar, and the copied text once asked for (`copied`).
/// `oncopy` builds the plain-text summary, tries the clipboard and shows the text; `onclose` hides it.
pub fn workshop(
    presenter: bool,
    copied: Option<String>,
    ontoggle_presenter: &Callback<()>,
    oncopy: &Callback<()>,
    onclose: &Callback<()>,
) -> Html {
    let onpresenter = ontoggle_presenter.reform(|_: MouseEvent| ());
    let oncopy = oncopy.reform(|_: MouseEvent| ());
    let onclose = onclose.reform(|_: MouseEvent| ());
    html! {
        <>
            <button type="button" class="button" data-testid="presenter" aria-pressed={presenter.to_string()}
                onclick={onpresenter} title="Large type, high contrast and the keyboard map on screen">
                { "Presenter view" }
            </button>
            <button type="button" class="button" data-testid="copy-state" onclick={oncopy}
                title="The lab, seed, time, strategy, totals, goals and a link, as plain text">
                { "Copy state and goals" }
            </button>
            if let Some(text) = copied {
                <div class="copied" role="status" data-testid="copy-state-box">
                    <label for="copy-state-text">
                        { "Copied to the clipboard if this browser allows it; otherwise select the text here and copy it." }
                    </label>
                    <textarea id="copy-state-text" class="mono" data-testid="copy-state-text" readonly=true
                        rows="8" value={text} />
                    <button type="button" class="button" onclick={onclose}>{ "Close" }</button>
                </div>
            }
        </>
    }
}

/// The keyboard map, always on screen in the presenter view: the keys that work in the current view
/// (`sandbox`: the Sandbox view is on screen).
pub fn key_map(sandbox: bool) -> Html {
    html! {
        // One word in the view bar, so the story and the pipeline keep the first screen; open on demand.
        <details class="keymap" data-testid="keymap">
            <summary class="keymap__summary">{ "Keys" }</summary>
            <div class="keymap__items">
                { for shortcuts(sandbox).map(|s| html! {
                    <span class="keymap__item"><kbd>{ s.keys }</kbd>{ " " }{ s.what }</span>
                }) }
                if !sandbox {
                    <span class="keymap__item" data-testid="keymap-outside-sandbox">{ OUTSIDE_SANDBOX }</span>
                }
            </div>
        </details>
    }
}

/// The workshop pack's controls, for the lab on screen: the printable worksheet and facilitator key
/// (numbered labs), and the learner's progress as a file to carry to another browser.
pub struct PackProps<'a> {
    pub lab: &'a Lab,
    /// The open sheet's HTML (from `lessons.json`, its link filled in), if one is open.
    pub sheet: Option<String>,
    /// Opens a sheet (`true`: the facilitator key), or closes it (`None`).
    pub onsheet: Callback<Option<bool>>,
    /// The progress file's text (settings and progress), made on the click.
    pub progress: Callback<(), String>,
    /// A progress file was read and checked.
    pub onimport: Callback<crate::ui::saved::Saved>,
    pub onerror: Callback<String>,
}

/// The sheet's HTML for `lab_id` (`key`: the facilitator key) with `link` in place, or the sentence
/// saying why it is missing. Call once `lessons.json` has loaded or failed.
pub fn sheet_html(lab_id: &str, key: bool, link: &str) -> String {
    use crate::ui::lessons::{Load, state, word};
    let html = word(&format!(
        "{lab_id}/pack/{}",
        if key { "key" } else { "worksheet" }
    ));
    if let Load::Failed(why) = state() {
        return format!(
            "<p role=\"alert\">The sheet could not be loaded ({why}): check the connection, then open it again.</p>"
        );
    }
    if html.is_empty() {
        return "<p role=\"alert\">This lab has no sheet in lessons.json.</p>".into();
    }
    // The link is this page's own address; escaped all the same, as everything put into HTML.
    let link = link
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    html.replace("{link}", &link)
}

/// The panel's buttons for a numbered lab's sheets; `data-act` names what a click does.
const SHEET_BUTTONS: &str = "<button type=\"button\" class=\"button\" data-testid=\"pack-worksheet\" data-act=\"worksheet\">Worksheet</button>\
<button type=\"button\" class=\"button\" data-testid=\"pack-key\" data-act=\"key\">Facilitator key</button>";

/// The panel's progress-file controls.
const PROGRESS_BUTTONS: &str = "<button type=\"button\" class=\"button\" data-testid=\"progress-export\" data-act=\"export\">Export progress</button>\
<label class=\"button workshop-pack__file\">Import progress\
<input id=\"progress-import\" type=\"file\" accept=\".txt,text/plain\" data-testid=\"progress-import\"></label>";

/// The bar above an open sheet (not printed).
const SHEET_BAR: &str = "<div class=\"pack__bar toolbar\">\
<button type=\"button\" class=\"button button--primary\" data-testid=\"pack-print\" data-act=\"print\">Print</button>\
<button type=\"button\" class=\"button\" data-testid=\"pack-close\" data-act=\"close\">Close</button>\
<span>Only the sheet is printed.</span></div>";

/// The workshop pack panel, and the open sheet over the page (the print stylesheet prints only it).
/// The controls are fixed markup with one click listener that reads each button's `data-act`: the
/// same real buttons, in far fewer bytes of WebAssembly than one virtual node each.
pub fn pack(p: PackProps) -> Html {
    let onclick = {
        let (onsheet, progress, onerror) =
            (p.onsheet.clone(), p.progress.clone(), p.onerror.clone());
        Callback::from(move |e: MouseEvent| {
            let act = e
                .target_dyn_into::<web_sys::Element>()
                .and_then(|t| t.closest("[data-act]").ok().flatten())
                .and_then(|b| b.get_attribute("data-act"));
            if act.is_some() {
                // The sheet sits in a portal inside the panel: handle a click once, not again there.
                e.stop_propagation();
            }
            match act.as_deref() {
                Some("worksheet") => onsheet.emit(Some(false)),
                Some("key") => onsheet.emit(Some(true)),
                Some("close") => onsheet.emit(None),
                Some("print") => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.print();
                    }
                }
                Some("export") => {
                    let text = progress.emit(());
                    if crate::ui::browser::download(
                        "redelivery-lab-progress.txt",
                        "text/plain",
                        &text,
                    )
                    .is_err()
                    {
                        onerror.emit("This browser refused the download.".to_string());
                    }
                }
                _ => {}
            }
        })
    };
    let onchange = super::progress_file::on_file_chosen(&p.onimport, &p.onerror);
    let sheet = p.sheet.map(|html| {
        create_portal(
            html! {
                <div class="pack" role="dialog" aria-label="Workshop sheet" data-testid="pack" onclick={onclick.clone()}>
                    { Html::from_html_unchecked(format!("{SHEET_BAR}<article class=\"sheet\" data-testid=\"sheet\">{html}</article>").into()) }
                </div>
            },
            gloo::utils::body().into(),
        )
    });
    let controls = format!(
        "<h2 class=\"panel__title\">Workshop pack</h2>{}{PROGRESS_BUTTONS}",
        if p.lab.number > 0 { SHEET_BUTTONS } else { "" }
    );
    html! {
        <section class="panel toolbar workshop-pack" aria-label="Workshop pack" {onclick} {onchange}>
            { Html::from_html_unchecked(controls.into()) }
            { for sheet }
        </section>
    }
}
