//! The top bar: which lab, which seed, the share link, the theme and the keyboard help.

use super::memo::Memo;
use super::number_field::{NumberFieldProps, number_field};
use crate::i18n::tr;
use crate::sim::lab::Lab;
use crate::ui::locale::LANGUAGES;
use crate::ui::saved::{IdMap, LabProgress};
use crate::ui::{atr, vtext, vtr};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties)]
pub struct HeaderProps {
    pub lab_id: AttrValue,
    /// Progress by lab id, to mark finished labs in the picker.
    pub progress: IdMap<LabProgress>,
    pub seed: u64,
    pub projector: bool,
    pub onload_lab: Callback<String>,
    pub onset_seed: Callback<u64>,
    /// Puts the run in the address bar and the clipboard; returns the link.
    pub onshare: Callback<(), String>,
    pub ontoggle_projector: Callback<()>,
    pub onhelp: Callback<()>,
    /// Shows the welcome: the path of labs with progress.
    pub onwelcome: Callback<()>,
    /// What the play controls in `children` show: the run's version and time, playing, the speed's
    /// bits, and whether they are drawn at all.
    pub moment: (u64, u64, bool, u64, bool),
    pub children: Html,
}

// Not the callbacks nor `children`: the app makes new ones on every render, and comparing them would
// redraw the header (thirteen lab options) with every catch-up part, about 2 ms of a 4x-throttled
// phone's frame each. `moment` says when the controls in `children` changed. The callbacks only
// dispatch, except `onshare`, which reads the app's state as it was at the header's last redraw: the
// link it makes comes from the lab, the seed and the run, and each of their changes redraws it.
impl PartialEq for HeaderProps {
    fn eq(&self, o: &Self) -> bool {
        (
            &self.lab_id,
            &self.progress,
            self.seed,
            self.projector,
            self.moment,
        ) == (&o.lab_id, &o.progress, o.seed, o.projector, o.moment)
    }
}

/// The language picker, at the foot of the page (the header has no room to spare on a projector or a
/// phone): `onlanguage` reloads the page in the chosen language, in the same run.
pub fn language_picker(onlanguage: &Callback<String>) -> Html {
    html! {
        <footer class="app__footer">
            <select class="header__language" data-testid="language" aria-label={atr("Language")}
                onchange={onlanguage.reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value())}>
                { for LANGUAGES.iter().map(|&(code, name)| html! {
                    <option value={code} lang={code} selected={code == crate::i18n::language()}>{ vtext(name) }</option>
                }) }
            </select>
        </footer>
    }
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let shared = use_state(|| None::<String>);
    let onload_lab = props.onload_lab.clone();
    let onchange = {
        let shared = shared.clone();
        Callback::from(move |e: Event| {
            shared.set(None);
            onload_lab.emit(e.target_unchecked_into::<HtmlSelectElement>().value());
        })
    };
    let onshare = {
        let (onshare, shared) = (props.onshare.clone(), shared.clone());
        Callback::from(move |_: MouseEvent| shared.set(Some(onshare.emit(()))))
    };
    let ontheme = props.ontoggle_projector.reform(|_: MouseEvent| ());
    let onhelp = props.onhelp.reform(|_: MouseEvent| ());
    // The labs are data that never change: build them once per header, not once per frame.
    let labs = use_memo((), |_| Lab::all());
    html! {
        <header class="app__header header">
            <h1 class="app__title">{ vtr("Redelivery Lab") }</h1>
            <div class="header__group">
                <label class="header__lab" for="lab-select">
                    <span class="header__label">{ vtr("Lab") }</span>
                    <select id="lab-select" data-testid="lab-select" {onchange}>
                        { for labs.iter().map(|lab| {
                            let done = !lab.goals.is_empty()
                                && props.progress.get(lab.id).is_some_and(|p| {
                                    lab.goals.iter().all(|g| p.achieved.contains(g.id))
                                });
                            html! {
                                <option value={lab.id} selected={lab.id == props.lab_id.as_str()}>
                                    // The mark goes first: a long title is cut at the select's edge.
                                    if done { { vtext(tr("✓ done · ")) } }
                                    if lab.number > 0 { { lab.number }{ ". " } }
                                    { vtext(lab.title) }
                                </option>
                            }
                        }) }
                    </select>
                </label>
                // Drawn again only when the seed changes: the header redraws with every play tick and
                // catch-up part, and each redraw would put the old seed back while the reader types one.
                <Memo deps={(0, props.seed, 0)} render={{ let (value, onset) = (props.seed, props.onset_seed.clone()); Rc::new(move || number_field(&NumberFieldProps { id: "seed-input".into(), label: atr("Seed"), help: Default::default(), value, min: 0, max: u64::MAX, unit: Default::default(), disabled: Default::default(), onset: onset.clone() })) as Rc<dyn Fn() -> Html> }} />
                <button type="button" class="button" data-testid="share-link" onclick={onshare}
                    title={atr("Put this exact run (seed, settings, crashes, time) in the address bar and copy it")}>
                    { vtr("Share link") }
                </button>
            </div>
            { props.children.clone() }
            <div class="header__group">
                <button type="button" class="button" data-testid="welcome-open"
                    onclick={props.onwelcome.reform(|_: MouseEvent| ())}>
                    { vtr("Labs") }
                </button>
                <button type="button" class="button" data-testid="theme-projector"
                    aria-pressed={props.projector.to_string()} onclick={ontheme}
                    title={atr("Large type and maximum contrast for a projector")}>
                    { vtr("Projector") }
                </button>
                <button type="button" class="button" data-testid="help-open" onclick={onhelp}
                    title={atr("Keyboard shortcuts (?)")} aria-label={atr("Keyboard shortcuts")}>
                    { "?" }
                </button>
            </div>
            if let Some(link) = (*shared).clone() {
                <p class="header__shared" role="status" data-testid="share-status">
                    { vtr("Link to this exact run copied (and in the address bar): ") }
                    <input class="header__share-url mono" data-testid="share-url" readonly=true value={link.clone()}
                        aria-label={atr("Share link")} onfocus={Callback::from(|e: FocusEvent| {
                            e.target_unchecked_into::<web_sys::HtmlInputElement>().select();
                        })} />
                    // The authors' page, for the same state: its own entry point, loaded only from here.
                    <a data-testid="tools-link" href={format!("tools.html#{}", link.split_once('#').map_or("", |(_, h)| h))}>
                        { vtr("Embed & export") }
                    </a>
                </p>
            }
        </header>
    }
}
