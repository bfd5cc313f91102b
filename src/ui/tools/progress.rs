//! Progress as a file: what a learner achieved, carried to another browser or machine, or collected
//! by a trainer. The file is the same checked text the app keeps in `localStorage`
//! (`crate::ui::saved`; this page shares the app's origin, so its storage too). A file is as
//! untrusted as a link: anything that does not read back whole is refused with one sentence and
//! changes nothing.

use crate::i18n::{tr, trf_n, trs};
use crate::sim::lab::Lab;
use crate::ui::browser::download;
use crate::ui::saved::{self, Saved};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Progress files are a few hundred bytes; anything far bigger is not one.
const MAX_BYTES: f64 = 65_536.0;

/// The file's name.
const FILE: &str = "redelivery-lab-progress.txt";

/// The checked progress in `text`, or the sentence saying why it was refused.
fn read(text: &str) -> Result<Saved, &'static str> {
    let refused = tr("This file is not a Redelivery Lab progress file, so nothing changed.");
    let (mut s, unreadable) = saved::decode_counting(text).ok_or(refused)?;
    if unreadable + saved::validate(&mut s) > 0 {
        return Err(tr(
            "This progress file holds values this version cannot use, so nothing changed.",
        ));
    }
    Ok(s)
}

/// How many numbered labs `saved` counts as done, and how many there are.
fn done(saved: &Saved) -> (usize, usize) {
    let labs: Vec<Lab> = Lab::all()
        .into_iter()
        .filter(|l| l.number > 0 && !l.goals.is_empty())
        .collect();
    let done = labs
        .iter()
        .filter(|l| {
            saved
                .progress
                .get(l.id)
                .is_some_and(|p| l.goals.iter().all(|g| p.achieved.contains(g.id)))
        })
        .count();
    (done, labs.len())
}

/// What the last click or file did: a sentence, and whether it is a refusal.
#[derive(Clone, PartialEq)]
struct Said(String, bool);

#[component]
pub fn Progress() -> Html {
    // Bumped after an import, so the summary reads storage again.
    let version = use_state_eq(|| 0u32);
    let said = use_state_eq(|| None::<Said>);
    let (current, problem) = saved::load();
    let (n, of) = done(&current);
    let onexport = {
        let said = said.clone();
        Callback::from(move |_: MouseEvent| {
            let text = saved::encode(&saved::load().0);
            if download(FILE, "text/plain", &text).is_err() {
                said.set(Some(Said(trs("This browser refused the download."), true)));
            }
        })
    };
    let onchange = {
        let (said, version) = (said.clone(), version.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let file = input.files().and_then(|f| f.get(0));
            input.set_value("");
            let Some(file) = file else { return };
            if file.size() > MAX_BYTES {
                said.set(Some(Said(
                    trs("This file is too big to be a progress file, so nothing changed."),
                    true,
                )));
                return;
            }
            let (said, version) = (said.clone(), version.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string());
                let result = text
                    .ok_or(tr("This file could not be read, so nothing changed."))
                    .and_then(|t| read(&t));
                match result {
                    Ok(file) => {
                        // The labs' progress and the checklist come from the file; the settings
                        // (speed, theme, last lab) stay this browser's.
                        let mut here = saved::load().0;
                        here.progress = file.progress;
                        here.checklist = file.checklist;
                        saved::store(&here);
                        let (n, of) = done(&here);
                        said.set(Some(Said(
                            trf_n(
                                "Progress imported: {0} of {1} labs done.",
                                &[n as u64, of as u64],
                            ),
                            false,
                        )));
                        version.set(*version + 1);
                    }
                    Err(sentence) => said.set(Some(Said(sentence.into(), true))),
                }
            });
        })
    };
    html! {
        <section class="panel tools__section" aria-labelledby="progress-title" data-testid="tools-progress">
            <h2 class="panel__title" id="progress-title">{ tr("Progress file") }</h2>
            <p>{ tr("Carry a learner's progress (goals reached, predictions, the checklist) to another browser or machine: export it to a file here, and import that file on the other one. Importing replaces the labs' progress in this browser and keeps its settings.") }</p>
            <p data-testid="progress-summary">
                { trf_n("In this browser: {0} of {1} labs done.", &[n as u64, of as u64]) }
                if let Some(p) = problem { { " " }{ p } }
            </p>
            <div class="toolbar">
                <button type="button" class="button" data-testid="progress-export" onclick={onexport}>
                    { tr("Export progress") }
                </button>
                <label class="button tools__file">
                    { tr("Import progress…") }
                    <input type="file" accept=".txt,text/plain" data-testid="progress-import" {onchange} />
                </label>
            </div>
            if let Some(Said(text, refused)) = (*said).clone() {
                if refused {
                    <p class="tools__error" role="alert" data-testid="progress-error">{ text }</p>
                } else {
                    <p role="status" data-testid="progress-status">{ text }</p>
                }
            }
        </section>
    }
}
