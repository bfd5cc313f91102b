//! The authors' and trainers' page (`tools.html#<share link>`): for the run a share link pins, the
//! `<iframe>` snippet of the embed page with a live preview, the run as a sequence diagram (Mermaid,
//! PlantUML), each chart as a standalone SVG, the workshop pack's printable sheets, and the learner's
//! progress as a file.
//!
//! It is its own entry point (`src/bin/tools.rs`), loaded only when someone follows the app's
//! "Embed & export" link, so none of it counts against the app's first download. It shares the app's
//! origin, so it reads and writes the same remembered progress (`src/ui/saved.rs`).

mod charts;
mod diagram;
mod pack;
mod progress;
mod snippet;

use super::browser::{location_hash, page_address};
use super::components::words::seconds;
use super::state::{World, start as start_timeline};
use crate::i18n::{tr, trf, trs};
use crate::sim::config::Millis;
use crate::sim::lab::Lab;
use crate::sim::share::Scenario;
use crate::sim::timeline::CatchUp;
use std::rc::Rc;
use yew::prelude::*;

/// The full app, in the same folder of the site.
const APP: &str = "index.html";

/// Most events replayed to reach the pinned moment (or the run's end): past this the page says so
/// rather than freeze the tab on a hostile link.
const OPEN_EVENTS: u64 = 400_000;

/// How long "played to its end" plays at most: a run that never settles (a retry storm without a
/// delivery limit) stops after a simulated day.
const END_AT_MOST: Millis = 24 * 3_600_000;

/// The address of `file` in this page's folder (the site works from any folder of any host).
pub(crate) fn sibling(file: &str) -> String {
    let page = page_address();
    match page.rsplit_once('/') {
        Some((folder, _)) => format!("{folder}/{file}"),
        None => file.to_string(),
    }
}

/// `text` escaped for HTML text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The share link and its decoded run, built once and compared by identity.
#[derive(Clone)]
struct Opened(Rc<(String, Scenario)>);

impl PartialEq for Opened {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The linked run at the moment it was shared, or (`to_end`) played on until it settles. `None` when
/// getting there takes more events than a tab should spend.
fn replay(s: &Scenario, to_end: bool) -> Option<World> {
    let mut t = start_timeline(s.config.clone(), s.seed, s.actions.clone());
    if t.catch_up(s.at, OPEN_EVENTS) != CatchUp::Done {
        return None;
    }
    if to_end {
        let budget_end = t.sim().events().total() + OPEN_EVENTS;
        while !t.is_settled() && t.now() < END_AT_MOST {
            let left = budget_end.saturating_sub(t.sim().events().total());
            if left == 0 {
                return None;
            }
            let next = t.now().saturating_add(60_000).min(END_AT_MOST);
            let _ = t.catch_up(next, left);
        }
    }
    Some(World::new(t))
}

#[derive(Properties, PartialEq)]
struct PageProps {
    /// The linked run, if the address holds one this page can open.
    opened: Option<Opened>,
    /// Why the address holds no run, as one sentence.
    error: Option<AttrValue>,
}

/// The lab a scenario belongs to, if it is a numbered lab.
fn numbered(s: &Scenario) -> Option<Lab> {
    s.lab
        .as_deref()
        .and_then(Lab::by_id)
        .filter(|l| l.number > 0)
}

#[component]
fn Page(props: &PageProps) -> Html {
    let to_end = use_state_eq(|| false);
    let world = use_memo((props.opened.clone(), *to_end), |(opened, to_end)| {
        opened.as_ref().map(|o| replay(&o.0.1, *to_end))
    });
    let (link, scenario) = match &props.opened {
        Some(o) => (o.0.0.clone(), Some(&o.0.1)),
        None => (String::new(), None),
    };
    let lab = scenario.and_then(numbered);
    let back = if link.is_empty() {
        APP.to_string()
    } else {
        format!("{APP}#{link}")
    };
    let what = match (scenario, &lab) {
        (Some(s), Some(l)) => trf(
            "Lab {0}: {1}, seed {2}, shared at t = {3}.",
            &[
                &l.number.to_string(),
                l.title,
                &s.seed.to_string(),
                &seconds(s.at),
            ],
        ),
        (Some(s), None) => trf(
            "A free-play run, seed {0}, shared at t = {1}.",
            &[&s.seed.to_string(), &seconds(s.at)],
        ),
        (None, _) => String::new(),
    };
    let moment = scenario.map(|s| {
        let pick = |end: bool| {
            let to_end = to_end.clone();
            Callback::from(move |_: Event| to_end.set(end))
        };
        html! {
            <fieldset class="tools__moment" data-testid="tools-moment">
                <legend>{ tr("The diagrams and charts show the run") }</legend>
                <label><input type="radio" name="moment" data-testid="moment-shared" checked={!*to_end} onchange={pick(false)} />
                    { trf("as shared, at t = {0}", &[&seconds(s.at)]) }</label>
                <label><input type="radio" name="moment" data-testid="moment-end" checked={*to_end} onchange={pick(true)} />
                    { tr("played on to its end") }</label>
            </fieldset>
        }
    });
    let run = match (&*world, scenario) {
        (Some(Some(w)), Some(s)) => {
            let lab_id = s.lab.clone().unwrap_or_else(|| "sandbox".into());
            html! {
                <>
                    <diagram::Diagram world={w.clone()} lab_id={lab_id} />
                    <charts::Charts world={w.clone()} />
                </>
            }
        }
        (Some(None), _) => html! {
            <p class="tools__error" role="alert" data-testid="tools-too-long">
                { tr("This run is too long to replay on this page; the command line (lab run --diagram) draws it.") }
            </p>
        },
        _ => Html::default(),
    };
    let title = match &lab {
        Some(l) => trf("Redelivery Lab: {0}", &[l.title]),
        None => trs("Redelivery Lab: a free-play run"),
    };
    html! {
        <main class="tools" data-testid="tools">
            <header class="tools__head">
                <div>
                    <h1 class="tools__title">{ tr("Embed & export") }</h1>
                    <p class="tools__what" data-testid="tools-what">{ what }</p>
                </div>
                <a class="button" data-testid="tools-back" href={back}>{ tr("← Back to the lab") }</a>
            </header>
            if let Some(e) = props.error.clone() {
                <p class="tools__error" role="alert" data-testid="tools-error">{ e }</p>
            }
            if !link.is_empty() {
                <snippet::Snippet link={link.clone()} title={title} />
                { for moment }
                { run }
            }
            <pack::Pack lab_id={lab.as_ref().map(|l| l.id).unwrap_or_default()} link={link.clone()} />
            <progress::Progress />
        </main>
    }
}

/// Mounts the page on the body: the run the address names, or the sentence saying why there is none
/// (the workshop pack and the progress file work without a run).
pub fn start() {
    super::install_panic_hook();
    // A new link pasted into the address bar: read it, as a fresh load would.
    super::browser::reload_on_hashchange();
    // The page speaks the app's language: the address's `?locale=`, the saved choice, the browser's.
    super::locale::start(true, render);
}

fn render() {
    let props = match location_hash() {
        None => PageProps {
            opened: None,
            error: Some(
                tr("This page shows a run from its share link: open it with “Embed & export” beside the lab's share link.").into(),
            ),
        },
        Some(link) => match super::open_link(&link) {
            Ok(s) => PageProps {
                opened: Some(Opened(Rc::new((link, s)))),
                error: None,
            },
            Err(e) => PageProps {
                opened: None,
                error: Some(e.into()),
            },
        },
    };
    // A language that did not load leaves the page in English and says so, unless the run's own
    // problem is the first thing to say.
    let error = super::locale::or_failure(props.error);
    yew::Renderer::<Page>::with_props(PageProps { error, ..props }).render();
}
