//! The workshop pack: per lab a worksheet (the story, the prediction question, a blank truth table)
//! and a facilitator key (the answers, the filled truth table, timing and discussion prompts), each
//! with the link to the exact state, laid out for print (static/tools.css prints only the sheets, each
//! on its own pages).
//!
//! The sheets are written natively from the simulation (`src/sim/workshop_pack.rs`) into the
//! on-demand `lessons.json`; this page puts the link where `{link}` stands.

use super::{escape, sibling};
use crate::i18n::tr;
use crate::sim::lab::Lab;
use crate::sim::share::{self, Scenario};
use crate::ui::lessons::{Load, use_lessons, word};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Where a sheet's HTML takes the link (`workshop_pack::LINK`, in the native-only core).
const LINK: &str = "{link}";

#[derive(Properties, PartialEq)]
pub struct PackProps {
    /// The linked run's lab, if it is a numbered lab ("" otherwise).
    pub lab_id: AttrValue,
    /// The share link of the linked run ("" when the page has none).
    pub link: AttrValue,
}

/// Which sheets to show and print.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Worksheet,
    Key,
    Both,
}

/// The share link of `lab` as it starts.
fn start_link(lab: &Lab) -> String {
    share::encode(&Scenario {
        lab: Some(lab.id.to_string()),
        seed: lab.seed,
        config: lab.config.clone(),
        actions: lab.actions.to_vec(),
        at: 0,
    })
}

/// The sheet's HTML from `lessons.json` with `address` in place of its link.
fn sheet(lab_id: &str, key: bool, address: &str) -> String {
    let kind = if key { "key" } else { "worksheet" };
    word(&format!("{lab_id}/pack/{kind}")).replace(LINK, &escape(address))
}

#[component]
pub fn Pack(props: &PackProps) -> Html {
    let labs = use_memo((), |_| {
        Lab::all()
            .into_iter()
            .filter(|l| l.number > 0)
            .collect::<Vec<_>>()
    });
    let first = labs.first().map_or("", |l| l.id);
    let initial = if props.lab_id.is_empty() {
        first.to_string()
    } else {
        props.lab_id.to_string()
    };
    // A lab id, or "all".
    let chosen = use_state_eq(move || initial);
    let kind = use_state_eq(|| Kind::Worksheet);
    let load = use_lessons(true);
    let onlab = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            chosen.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let pick = |k: Kind| {
        let kind = kind.clone();
        Callback::from(move |_: Event| kind.set(k))
    };
    let onprint = Callback::from(|_: MouseEvent| {
        let _ = gloo::utils::window().print();
    });
    let app = sibling("index.html");
    let sheets = match load {
        Load::Ready => {
            let mut html = Vec::new();
            for lab in labs.iter().filter(|l| *chosen == "all" || *chosen == l.id) {
                let address = if lab.id == props.lab_id.as_str() && !props.link.is_empty() {
                    format!("{app}#{}", props.link)
                } else {
                    format!("{app}#{}", start_link(lab))
                };
                for key in [false, true] {
                    let wanted = match *kind {
                        Kind::Worksheet => !key,
                        Kind::Key => key,
                        Kind::Both => true,
                    };
                    if !wanted {
                        continue;
                    }
                    let body = sheet(lab.id, key, &address);
                    html.push(html! {
                        <article class="sheet" data-testid="sheet" data-lab={lab.id}
                            data-kind={if key { "key" } else { "worksheet" }}>
                            if body.is_empty() {
                                <p role="alert">{ tr("This lab has no sheet in lessons.json.") }</p>
                            } else {
                                { Html::from_html_unchecked(body.into()) }
                            }
                        </article>
                    });
                }
            }
            html! { <div class="tools__sheets" data-testid="pack-sheets">{ for html }</div> }
        }
        Load::Failed(why) => html! {
            <p role="alert">{ crate::i18n::trf("The sheets could not be loaded ({0}): check the connection, then reload the page.", &[&why]) }</p>
        },
        Load::Idle | Load::Loading => html! { <p role="status">{ tr("Loading the sheets…") }</p> },
    };
    html! {
        <section class="panel tools__section tools__pack" aria-labelledby="pack-title" data-testid="tools-pack">
            <div class="tools__controls">
                <h2 class="panel__title" id="pack-title">{ tr("Workshop pack") }</h2>
                <p>{ tr("Per lab, a worksheet for each participant (the story, the prediction, a blank truth table) and a key for the facilitator (the answers, the truth table the simulation finds, timing and discussion prompts). Each sheet links to its lab's exact state and prints on pages of its own.") }</p>
                <div class="tools__row">
                    <label for="pack-lab">{ tr("Lab") }</label>
                    <select id="pack-lab" data-testid="pack-lab" onchange={onlab}>
                        { for labs.iter().map(|l| html! {
                            <option value={l.id} selected={*chosen == l.id}>{ format!("{}. {}", l.number, l.title) }</option>
                        }) }
                        <option value="all" selected={*chosen == "all"}>{ tr("Every lab") }</option>
                    </select>
                </div>
                <fieldset class="tools__row">
                    <legend>{ tr("Sheets") }</legend>
                    <label><input type="radio" name="pack-kind" data-testid="pack-kind-worksheet"
                        checked={*kind == Kind::Worksheet} onchange={pick(Kind::Worksheet)} />{ tr("Worksheet") }</label>
                    <label><input type="radio" name="pack-kind" data-testid="pack-kind-key"
                        checked={*kind == Kind::Key} onchange={pick(Kind::Key)} />{ tr("Facilitator key") }</label>
                    <label><input type="radio" name="pack-kind" data-testid="pack-kind-both"
                        checked={*kind == Kind::Both} onchange={pick(Kind::Both)} />{ tr("Both") }</label>
                </fieldset>
                <div class="toolbar">
                    <button type="button" class="button button--primary" data-testid="pack-print" onclick={onprint}>
                        { tr("Print these sheets") }
                    </button>
                    <span class="tools__note">{ tr("Only the sheets are printed.") }</span>
                </div>
            </div>
            { sheets }
        </section>
    }
}
