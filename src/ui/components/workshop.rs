//! Workshop mode: a presenter view (large type, the keyboard map on screen) and the run's state and
//! goals as plain text to paste into a chat or a slide.

use super::help::{outside_sandbox, shortcuts};
use super::sweep::{strategy_label, strategy_words};
use super::words::seconds;
use crate::i18n::trf;
use crate::sim::goal::Learner;
use crate::sim::lab::Lab;
use crate::sim::{Outcome, Sim};
use crate::ui::{atr, vtext, vtr};
use yew::prelude::*;

/// The run and the lab's goals as plain text, for a chat or a slide: the clock as on screen, the
/// strategy's code spelt out, and `link` to open this exact run.
pub fn state_text(lab: &Lab, sim: &Sim, learner: &Learner, link: &str) -> String {
    use std::fmt::Write;
    let totals = sim.totals();
    let s = &sim.config().strategy;
    let mut out = trf(
        "Redelivery Lab: {0}\nSeed {1} · t = {2} · strategy: {3} ({4})\n",
        &[
            lab.title,
            &sim.seed().to_string(),
            &seconds(sim.now()),
            &strategy_label(s),
            &strategy_words(s),
        ],
    );
    for o in Outcome::ALL {
        let _ = write!(out, "{}: {}; ", o.label(), totals.get(o));
    }
    out.push('\n');
    for g in lab.goals {
        let j = g.judge(sim, learner);
        // The goal's words come from lessons.json in the browser build (loaded while the lab is open).
        let text = crate::ui::lessons::text(lab.id, &format!("goals/{}", g.id), g.text);
        let _ = writeln!(out, "[{}] {text} — {}", j.status.name(), j.why);
    }
    out.push_str(&trf("Open this exact run: {0}", &[link]));
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
                onclick={onpresenter} title={atr("Large type, high contrast and the keyboard map on screen")}>
                { vtr("Presenter view") }
            </button>
            <button type="button" class="button" data-testid="copy-state" onclick={oncopy}
                title={atr("The lab, seed, time, strategy, totals, goals and a link, as plain text")}>
                { vtr("Copy state and goals") }
            </button>
            if let Some(text) = copied {
                <div class="copied" role="status" data-testid="copy-state-box">
                    <label for="copy-state-text">
                        { vtr("Copied to the clipboard if this browser allows it; otherwise select the text here and copy it.") }
                    </label>
                    <textarea id="copy-state-text" class="mono" data-testid="copy-state-text" readonly=true
                        rows="8" value={text} />
                    <button type="button" class="button" onclick={onclose}>{ vtr("Close") }</button>
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
            <summary class="keymap__summary">{ vtr("Keys") }</summary>
            <div class="keymap__items">
                { for shortcuts(sandbox).map(|s| html! {
                    <span class="keymap__item"><kbd>{ vtext(s.keys) }</kbd>{ " " }{ vtext(s.what) }</span>
                }) }
                if !sandbox {
                    <span class="keymap__item" data-testid="keymap-outside-sandbox">{ vtext(outside_sandbox()) }</span>
                }
            </div>
        </details>
    }
}
