//! The Yew front end: renders what the core decides, and never decides an outcome itself.
//!
//! [`App`] owns the state (a [`state::AppState`] reducer). Components in [`components`] read small
//! views of the simulation and send actions back; the hooks in [`hooks`] do what a reducer must not:
//! the play timer, the keyboard, the URL hash, real-crash saving and the theme.

pub mod audit;
mod audit_form;
mod audit_report;
pub mod browser;
pub mod components;
pub mod embed;
mod embed_run;
pub mod hooks;
pub mod keyboard;
pub mod lessons;
pub mod locale;
pub mod narrate;
pub mod real_crash;
pub mod saved;
pub mod state;
pub mod tools;

use crate::i18n::{trf, trs};
use crate::sim::share;
use browser::{copy_to_clipboard, location_hash, replace_hash};
use components::compare::CompareView;
use components::controls::{ControlsProps, controls};
use components::dashboard::Dashboard;
use components::database::DatabasePanel;
use components::error_banner::{ErrorBannerProps, error_banner};
use components::event_log::EventLog;
use components::header::Header;
use components::help::Help;
use components::lesson::Lesson;
use components::memo::Memo;
use components::pipeline::{self, PipelineProps};
use components::strategy::{StrategyProps, strategy_panel};
use components::sweep::SweepView;
use components::totals::{TotalsProps, totals_panel};
use state::{Action, AppState, View};
use std::rc::Rc;
use yew::prelude::*;

/// A text node for a catalogue string. Yew turns a `&str` or `String` child into text through
/// `ToString`, inlined at every call site (about 8 KB of the gzipped download over the ~200 translated
/// children); this one shared function keeps each site a call.
#[inline(never)]
pub fn vtext(s: impl Into<AttrValue>) -> Html {
    Html::VText(yew::virtual_dom::VText::new(s))
}

/// `tr(english)` as an attribute or property value: one call at its site that writes the value in
/// place, instead of the translation's temporary and a conversion at each of some hundred sites.
#[inline(never)]
pub fn atr(english: &'static str) -> AttrValue {
    AttrValue::Static(crate::i18n::tr(english))
}

/// `vtext(tr(english))` as one call: the commonest child of all, a translated text, costs one call
/// at its site instead of two and the translation's temporary.
#[inline(never)]
pub fn vtr(english: &'static str) -> Html {
    vtext(crate::i18n::tr(english))
}

/// The state a page load starts from: remembered settings, then a share link in the hash if any.
fn initial_state() -> AppState {
    let (saved, storage_error) = saved::load();
    let hash = location_hash();
    let mut state = match hash.as_deref().map(open_link) {
        Some(Ok(scenario)) => AppState::from_scenario(saved, scenario),
        Some(Err(e)) => {
            let mut s = AppState::new(saved);
            s.error = Some(trf("{0} The default lab is open instead.", &[&e]));
            s
        }
        None if saved.settings.real_crash => match real_crash::load() {
            Some(Ok(recovered)) => AppState::recovered(saved, recovered),
            Some(Err(message)) => {
                let mut s = AppState::new(saved);
                s.saved.settings.real_crash = false;
                s.error = Some(message);
                s
            }
            None => AppState::new(saved),
        },
        None => AppState::new(saved),
    };
    state.error = locale::or_failure(state.error.take()).or(storage_error);
    state
}

/// Decodes a share link for this page: the core validates it, and the browser adds its own ceiling
/// on run size (bigger runs belong to the command line, where they cannot freeze a tab).
fn open_link(text: &str) -> Result<share::Scenario, String> {
    let s = share::decode(text).map_err(|e| e.message())?;
    if s.config.payments as u64 > components::strategy::MAX_BROWSER_PAYMENTS {
        return Err(trf(
            "This share link asks for {0} payments; the browser sandbox runs at most {1}. \
             The command line (`lab run`) handles bigger runs.",
            &[
                &s.config.payments.to_string(),
                &components::strategy::MAX_BROWSER_PAYMENTS.to_string(),
            ],
        ));
    }
    Ok(s)
}

/// The whole page.
#[component]
pub fn App() -> Html {
    let state = use_reducer(initial_state);
    // Read before the first save below, which makes every later visit a returning one.
    let welcome = use_state(components::welcome::first_visit);
    // The sweep cell whose run is open (strategy, seed, the note saying so).
    let opened = use_state(|| None::<(crate::sim::Strategy, u64, String)>);

    hooks::use_play_clock(state.playing, {
        let d = state.dispatcher();
        Callback::from(move |elapsed_ms| d.dispatch(Action::Tick { elapsed_ms }))
    });
    hooks::use_shortcuts(state.dispatcher());
    // Remember settings and progress whenever they change.
    use_effect_with(state.saved.clone(), saved::store);
    hooks::use_real_crash_autosave(
        state.world.clone(),
        state.lab.id,
        state.playing,
        state.saved.settings.real_crash,
        state.dispatcher(),
    );
    hooks::use_theme(state.saved.settings.projector || state.presenter);

    let d = state.dispatcher();
    let send = |action: Action| {
        let d = d.clone();
        Callback::from(move |_: ()| d.dispatch(action.clone()))
    };
    let onapply: Callback<crate::sim::Command> = dispatch_with(&d, Action::Apply);
    let onshare = {
        let state = state.clone();
        Callback::from(move |_: ()| {
            let url = link_in_address(&state);
            copy_to_clipboard(&url);
            state.dispatch(Action::Announce(trs(
                "A link to this exact run is in the address bar and the clipboard.",
            )));
            url
        })
    };
    // Copy state and goals: the link, the clipboard and the box that shows the text.
    let oncopy = {
        let state = state.clone();
        Callback::from(move |()| {
            let link = share::encode(&state.scenario());
            let url = browser::page_address();
            let text = {
                let sim = state.world.sim();
                components::workshop::state_text(
                    &state.lab,
                    &sim,
                    &state.learner(),
                    &format!("{url}#{link}"),
                )
            };
            copy_to_clipboard(&text);
            state.dispatch(Action::SetCopied(Some(text)));
        })
    };
    let onload_lab = {
        let (d, welcome) = (d.clone(), welcome.clone());
        Callback::from(move |id: String| {
            welcome.set(false);
            // The old link no longer describes what is on screen.
            replace_hash(None);
            d.dispatch(Action::LoadLab(id));
        })
    };

    let real_crash_props = components::real_crash::RealCrashProps {
        on: state.saved.settings.real_crash,
        payments: state.world.timeline().config().payments,
        notice: state.notice.clone(),
        onset: {
            let d = d.clone();
            Callback::from(move |on: bool| {
                if !on {
                    real_crash::clear();
                }
                d.dispatch(Action::SetRealCrash(on));
            })
        },
        onreset: {
            let d = d.clone();
            Callback::from(move |()| {
                real_crash::clear();
                d.dispatch(Action::DismissNotice);
                d.dispatch(Action::Reset);
            })
        },
        ondismiss: send(Action::DismissNotice),
    };
    let world = state.world.clone();
    // The panels that change with the run follow a playing run only while on screen, in the frames
    // after each tick, and catch up a part per animation frame (see `hooks::use_staged_worlds`).
    let (staged, drawn) = hooks::use_staged_worlds(
        &world,
        state.catching_up.is_some(),
        state.playing,
        &[
            ("lesson-goals", 1),
            ("panel-verdict", 1),
            ("panel-totals", 1),
            ("panel-pipeline", 1),
            ("pipeline-queue", 1),
            ("pipeline-consumers", 1),
            ("panel-stores", components::database::PARTS),
            ("panel-stores", components::database::PARTS),
            ("panel-log", components::event_log::PARTS),
            ("panel-charts", components::dashboard::PARTS),
        ],
    );
    let [
        lesson_world,
        verdict_world,
        totals_world,
        pipeline_world,
        queue_world,
        consumers_world,
        stores_world,
        charges_world,
    ] = std::array::from_fn(|i| staged[i].0.clone());
    let ((log_world, log_parts), (charts_world, chart_parts)) =
        (staged[8].clone(), staged[9].clone());
    let rev = state.rev;
    let (now, horizon, start, settled, seed, events) = {
        let t = world.timeline();
        (
            t.now(),
            t.horizon(),
            t.start(),
            t.is_settled(),
            t.seed(),
            t.sim().events().total(),
        )
    };
    // The settings panel shows a rerun's settings while it catches up: the box just ticked stays
    // ticked.
    let config = state.catching_world().timeline().config().clone();
    html! {
        <main class="app" data-testid="app" data-settled={(settled && drawn).to_string()} data-events={events.to_string()}
            data-playing={state.playing.to_string()} data-lab={state.lab.id}>
            <Header lab_id={state.lab.id} progress={state.saved.progress.clone()} {seed} projector={state.saved.settings.projector}
                moment={(world.version(), now, state.playing, state.speed().to_bits(), state.view == View::Sandbox)}
                onload_lab={onload_lab.clone()} onset_seed={dispatch_with(&d, Action::SetSeed)} {onshare}
                ontoggle_projector={send(Action::ToggleProjector)} onhelp={send(Action::SetHelp(true))}
                onwelcome={{ let w = welcome.clone(); Callback::from(move |()| w.set(true)) }}>
                if state.view == View::Sandbox {
                    { controls(&ControlsProps { playing: state.playing, now, horizon, start, speed: state.speed(), ontoggle_play: send(Action::TogglePlay), onstep: send(Action::Step), onstep_back: send(Action::StepBack), onseek: dispatch_with(&d, Action::Seek), onreset: send(Action::Reset), onset_speed: dispatch_with(&d, Action::SetSpeed) }) }
                }
            </Header>
            { error_banner(&ErrorBannerProps { message: state.error.clone(), ondismiss: send(Action::DismissError) }) }
            if *welcome && state.view == View::Sandbox {
                { components::welcome::welcome(&state.saved.progress, &onload_lab,
                    &{ let w = welcome.clone(); Callback::from(move |()| w.set(false)) }) }
            }
            if let Some(c) = state.catching_up {
                <components::catch_up::CatchUpBar key={state.catching_world().version()} world={state.catching_world()} catching={c}
                    ondone={send(Action::CatchUp { max_events: 1 })} oncancel={send(Action::CancelCatchUp)} />
            }
            <div class="visually-hidden" aria-live="polite" role="status" data-testid="announcer">
                { vtext(state.announcement.clone()) }
            </div>
            { components::tabs::tabs(state.view, &dispatch_with(&d, Action::SetView), html! {
                <>
                    { components::real_crash::switch(&real_crash_props) }
                    { components::workshop::workshop(state.presenter, state.copied.clone(),
                        &send(Action::TogglePresenter), &oncopy, &send(Action::SetCopied(None))) }
                    if state.presenter {
                        { components::workshop::key_map(state.view == View::Sandbox) }
                    }
                </>
            }) }
            { components::real_crash::bar(&real_crash_props) }
            if state.view == View::Compare {
                <CompareView key={world.version()} world={world.clone()} speed={state.speed()} />
            }
            <div hidden={state.view != View::Sweep}>
                <SweepView config={config.clone()} {seed}
                    onopen={{ let (d, o, w) = (d.clone(), opened.clone(), welcome.clone()); Callback::from(move |(c, cmd): (crate::sim::Config, _)| {
                        w.set(false);
                        o.set(Some((c.strategy, seed, components::sweep::opened_text(&c, &cmd, seed))));
                        d.dispatch(Action::OpenRun(c, seed, cmd));
                    }) }} />
            </div>
            if state.view == View::Sandbox && state.lab.id == "sandbox" {
                // Only while the run on screen is still the one the cell opened.
                if let Some((_, _, text)) = (*opened).clone().filter(|o| o.0 == config.strategy && o.1 == seed) {
                    { components::sweep::opened_note(text, dispatch_with(&d, |()| Action::SetView(View::Sweep))) }
                }
            }
            if state.view == View::Sandbox {
            <div class="app__body">
                <div class="app__left">
                    <Lesson lab={state.lab.clone()} world={lesson_world} progress={state.progress()} {rev}
                        learner={state.learner()}
                        onpredict={dispatch_with(&d, Action::Predict)} ondiagnose={dispatch_with(&d, Action::Diagnose)}
                        onshow_hint={send(Action::ShowHint)}
                        onshow_solution={send(Action::ShowSolution)} onapply_fix={send(Action::ApplyFix)}
                        onload_lab={onload_lab.clone()} />
                </div>
                <div class="app__center">
                    <Memo deps={verdict_world.deps(rev)} render={{
                        let props = components::verdict::VerdictProps { lab: state.lab.clone(), world: verdict_world, progress: state.progress(), learner: state.learner(), onload_lab, onclear: send(Action::ClearActions) };
                        Rc::new(move || components::verdict::verdict_panel(&props)) as Rc<dyn Fn() -> Html>
                    }} />
                    <Memo deps={totals_world.deps(0)} render={{
                        let props = TotalsProps { world: totals_world };
                        Rc::new(move || totals_panel(&props)) as Rc<dyn Fn() -> Html>
                    }} />
                    { pipeline::section([html! {
                        <Memo deps={pipeline_world.deps(0)} render={Rc::new(move || pipeline::head(&pipeline_world)) as Rc<dyn Fn() -> Html>} />
                    }, html! {
                        <Memo deps={queue_world.deps(0)} render={Rc::new(move || pipeline::broker(&queue_world)) as Rc<dyn Fn() -> Html>} />
                    }, html! {
                        <Memo deps={consumers_world.deps(rev)} render={{
                            let props = PipelineProps { world: consumers_world, selected: state.selected, onapply: onapply.clone(), onselect: dispatch_with(&d, Action::Select) };
                            Rc::new(move || pipeline::consumers(&props)) as Rc<dyn Fn() -> Html>
                        }} />
                    }]) }
                    <div class="app__stores" id="panel-stores">
                        <DatabasePanel world={stores_world} charges={charges_world} parts={(staged[6].1, staged[7].1)} onapply={onapply.clone()} />
                    </div>
                </div>
                <div class="app__right">
                    <Memo deps={(state.catching_world().key().0, 0, 0)} render={{
                        let props = StrategyProps { config, onset_config: dispatch_with(&d, Action::SetConfig) };
                        Rc::new(move || strategy_panel(&props)) as Rc<dyn Fn() -> Html>
                    }} />
                </div>
                <div class="app__wide" id="panel-log">
                    <EventLog world={log_world.clone()} parts={log_parts} focus={state.focus} onfocus={dispatch_with(&d, Action::Focus)} />
                    { components::exports::exports(&log_world, state.lab.id, &dispatch_with(&d, Action::ShowError)) }
                </div>
                <div class="app__wide" id="panel-charts">
                    <Dashboard world={charts_world} parts={chart_parts} />
                </div>
            </div>
            }
            if state.help_open {
                <Help sandbox={state.view == View::Sandbox} onclose={send(Action::SetHelp(false))} />
            }
            { components::header::language_picker(&{ let state = state.clone(); Callback::from(move |code: String| {
                // The reload in the new language reopens this run from its link.
                link_in_address(&state);
                locale::choose(&code);
            }) }) }
        </main>
    }
}

/// Puts the run's share link in the address bar (without a history entry) and answers the address:
/// the share button's work, and the language picker's before it reloads the page in the same run.
fn link_in_address(state: &AppState) -> String {
    let link = share::encode(&state.scenario());
    replace_hash(Some(&link)).unwrap_or_else(|| format!("#{link}"))
}

/// A callback that turns its argument into an action and dispatches it.
fn dispatch_with<T: 'static>(
    d: &UseReducerDispatcher<AppState>,
    f: fn(T) -> Action,
) -> Callback<T> {
    let d = d.clone();
    Callback::from(move |v| d.dispatch(f(v)))
}

/// Shows a panel instead of a frozen page when the app panics, and logs the panic.
fn install_panic_hook() {
    if std::thread::panicking() {
        return;
    }
    // The error panel is drawn by `showPanicPanel` in static/panic-panel.js: after a panic the
    // WebAssembly side can no longer be trusted to run, and plain JavaScript draws it in fewer bytes.
    yew::set_custom_panic_hook(Box::new(|info| {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::JsValue;
        let show = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("showPanicPanel"));
        if let Some(show) = show
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        {
            let _ = show.call1(&JsValue::NULL, &JsValue::from_str(&info.to_string()));
        }
    }));
}

/// Mounts the app on the page body, in the reader's language (see [`locale`]).
pub fn start() {
    install_panic_hook();
    locale::start(true, || {
        yew::Renderer::<App>::new().render();
    });
}

/// Mounts the app inside `root` (browser tests mount it in a fresh element).
pub fn mount(root: web_sys::Element) -> AppHandle<App> {
    install_panic_hook();
    yew::Renderer::<App>::with_root(root).render()
}
