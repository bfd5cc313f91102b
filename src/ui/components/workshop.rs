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

/// Which sheet of the workshop pack is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sheet {
    /// For participants: the story, the prediction, a blank truth table. No answers.
    Worksheet,
    /// For the facilitator: the answers, the filled truth table, timing and prompts.
    Key,
}

#[derive(Properties, PartialEq)]
pub struct WorkshopPackProps {
    pub lab: crate::ui::state::LabRef,
    /// The address of the exact state on screen (a share link), made when a sheet opens.
    pub link: Callback<(), String>,
    /// Settings and progress, for the progress file.
    pub saved: crate::ui::saved::Saved,
    /// A progress file was read and checked: its progress and checklist replace the current ones.
    pub onimport: Callback<crate::ui::saved::Saved>,
    pub onerror: Callback<String>,
}

/// The workshop pack: a printable worksheet and facilitator key for the lab on screen (the sheet
/// opens over the page; the print stylesheet prints only it), and the learner's progress as a file to
/// carry to another browser. The sheets' words come from `lessons.json`, not from the download.
#[component]
pub fn WorkshopPack(props: &WorkshopPackProps) -> Html {
    let open = use_state(|| None::<(Sheet, String)>);
    let numbered = props.lab.number > 0;
    let load = crate::ui::lessons::use_lessons(open.is_some() && numbered);
    let show = |sheet: Sheet| {
        let (open, link) = (open.clone(), props.link.clone());
        Callback::from(move |_: MouseEvent| open.set(Some((sheet, link.emit(())))))
    };
    let onexport = {
        let (saved, onerror) = (props.saved.clone(), props.onerror.clone());
        Callback::from(move |_: MouseEvent| {
            let text = crate::ui::saved::encode(&saved);
            if crate::ui::browser::download("redelivery-lab-progress.txt", "text/plain", &text)
                .is_err()
            {
                onerror.emit("This browser refused the download.".to_string());
            }
        })
    };
    let onimport = super::progress_file::on_file_chosen(&props.onimport, &props.onerror);
    let sheet = (*open).clone().map(|(sheet, link)| {
        let onclose = {
            let open = open.clone();
            Callback::from(move |_: MouseEvent| open.set(None))
        };
        let onprint = Callback::from(|_: MouseEvent| {
            if let Some(w) = web_sys::window() {
                let _ = w.print();
            }
        });
        let body = match &load {
            _ if !numbered => sheet_body(&props.lab, sheet, &link),
            crate::ui::lessons::Load::Failed(why) => html! {
                <p role="alert">{ format!("The sheet's text could not be loaded ({why}): check the connection, then open it again.") }</p>
            },
            crate::ui::lessons::Load::Ready => sheet_body(&props.lab, sheet, &link),
            _ => html! { <p role="status">{ "Loading the sheet…" }</p> },
        };
        let name = if sheet == Sheet::Worksheet { "Worksheet" } else { "Facilitator key" };
        create_portal(
            html! {
                <div class="pack" role="dialog" aria-label={name} data-testid="pack"
                    data-sheet={if sheet == Sheet::Worksheet { "worksheet" } else { "key" }}>
                    <div class="pack__bar toolbar">
                        <button type="button" class="button button--primary" data-testid="pack-print" onclick={onprint}>{ "Print" }</button>
                        <button type="button" class="button" data-testid="pack-close" onclick={onclose}>{ "Close" }</button>
                        <span>{ "Only the sheet is printed." }</span>
                    </div>
                    { body }
                </div>
            },
            gloo::utils::body().into(),
        )
    });
    html! {
        <section class="panel toolbar workshop-pack" aria-label="Workshop pack">
            <h2 class="panel__title">{ "Workshop pack" }</h2>
            <button type="button" class="button" data-testid="pack-worksheet" onclick={show(Sheet::Worksheet)}>{ "Worksheet" }</button>
            if numbered {
                <button type="button" class="button" data-testid="pack-key" onclick={show(Sheet::Key)}>{ "Facilitator key" }</button>
            }
            <button type="button" class="button" data-testid="progress-export" onclick={onexport}>{ "Export progress" }</button>
            <label class="button" for="progress-import">{ "Import progress" }</label>
            <input id="progress-import" class="visually-hidden" type="file" accept=".txt,text/plain"
                data-testid="progress-import" onchange={onimport} />
            { for sheet }
        </section>
    }
}

/// One printed sheet of `lab`, with `link` to the exact state.
fn sheet_body(lab: &crate::sim::lab::Lab, sheet: Sheet, link: &str) -> Html {
    use crate::sim::command::CrashPoint;
    use crate::ui::lessons::{text, word};
    let id = lab.id;
    let n = &lab.narrative;
    let key = sheet == Sheet::Key;
    let heading = format!(
        "{}{} — {}",
        if lab.number > 0 {
            format!("Lab {}: ", lab.number)
        } else {
            String::new()
        },
        lab.title,
        if key { "facilitator key" } else { "worksheet" }
    );
    let options: Vec<String> = lab.prediction.map_or(Vec::new(), |p| {
        (0..p.options.len())
            .map(|i| text(id, &format!("options/{i}"), p.options[i]))
            .collect()
    });
    let answer = lab.prediction.map(|p| p.answer);
    let cell = |point: CrashPoint, column: &str| -> String {
        if key {
            word(&format!("{id}/pack/table/{}/{column}", point.name()))
        } else {
            String::new()
        }
    };
    let prompts: Vec<String> = (0..)
        .map(|i| word(&format!("{id}/pack/prompts/{i}")))
        .take_while(|p| !p.is_empty())
        .collect();
    html! {
        <article class={classes!("sheet", key.then_some("sheet--key"))} data-testid="sheet">
            <h1 class="sheet__title">{ heading }</h1>
            <p class="sheet__link">{ "Open this exact state: " }<a href={link.to_string()} data-testid="sheet-link">{ link }</a></p>
            if !key {
                <p class="sheet__name">{ "Name: ______________________   Date: ____________" }</p>
            }
            <section class="sheet__part">
                <h2>{ "The story" }</h2>
                <p>{ text(id, "predict", n.predict) }</p>
                <p>{ text(id, "run", n.run) }</p>
            </section>
            if let Some(p) = lab.prediction {
                <section class="sheet__part">
                    <h2>{ if key { "The prediction and its answer" } else { "Predict before you run" } }</h2>
                    <p>{ text(id, "question", p.question) }</p>
                    <ul class="sheet__options">
                        { for options.iter().enumerate().map(|(i, o)| {
                            let right = key && answer == Some(i);
                            html! { <li data-answer={right.to_string()}>{ if right { "☑ " } else { "☐ " } }{ o }{ if right { " — the answer" } else { "" } }</li> }
                        }) }
                    </ul>
                    if key {
                        <p data-testid="sheet-why">{ text(id, "why", p.why) }</p>
                    } else {
                        <p class="sheet__lines">{ "Why do you think so?" }</p>
                    }
                </section>
            }
            <section class="sheet__part">
                <h2>{ "Truth table" }</h2>
                <p>{ if key {
                    "What the simulation finds for a crash at each boundary (every k-th pass, the lab's seed, its other settings and timeouts included):"
                } else {
                    "For a crash at each boundary, write what happens to the money: charged once, charged twice, lost, or orphan."
                } }</p>
                <table class="table sheet__table" data-testid="sheet-table">
                    <thead><tr>
                        <th scope="col">{ "Crash" }</th>
                        <th scope="col">{ "As the lab starts" }</th>
                        <th scope="col">{ if key { "With the lab's fix" } else { "With your fix" } }</th>
                    </tr></thead>
                    <tbody>
                        { for CrashPoint::BOUNDARIES.into_iter().map(|point| html! {
                            <tr>
                                <th scope="row">{ point.label() }</th>
                                <td>{ cell(point, "start") }</td>
                                <td>{ cell(point, "fixed") }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </section>
            if key {
                <section class="sheet__part">
                    <h2>{ "The fix and why" }</h2>
                    <p data-testid="sheet-solution">{ text(id, "solution", lab.solution) }</p>
                    <p>{ text(id, "explain", n.explain) }</p>
                </section>
                <section class="sheet__part">
                    <h2>{ "Timing" }</h2>
                    <p>{ word(&format!("{id}/pack/timing")) }</p>
                </section>
                <section class="sheet__part">
                    <h2>{ "Discussion prompts" }</h2>
                    <ol>{ for prompts.iter().map(|p| html! { <li>{ p }</li> }) }</ol>
                </section>
            } else {
                <section class="sheet__part">
                    <h2>{ "What did you see?" }</h2>
                    <p>{ text(id, "observe", n.observe) }</p>
                    <p class="sheet__lines">{ "Notes:" }</p>
                </section>
            }
        </article>
    }
}
