//! The embed page (`embed.html#<share link>`): one compact view of a pinned run for an iframe in
//! someone else's page — the lab's one-line story, the pipeline with its step rails, the outcomes,
//! play/step/reset and a link to the full app in the same state.
//!
//! It is its own entry point (`src/bin/embed.rs`), so the build links only what is reached from
//! [`start`]: no sweep, side by side, workshop, welcome, real-crash mode, exports or lessons fetch.
//! It writes nothing to storage and leaves the host's address bar alone; the theme is the
//! stylesheet's default, which follows `prefers-color-scheme`.

use super::browser::location_hash;
use super::components::pipeline::Pipeline;
use super::components::totals::TotalsPanel;
use super::components::words::{counted, seconds};
use super::embed_run::{EmbedAction, EmbedRun, parse_address};
use super::hooks::use_play_clock;
use crate::i18n::{n_, tr_n, trf};
use crate::sim::lab::Lab;
use crate::sim::share::Scenario;
use crate::ui::{atr, vtext, vtr};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The full app, relative to the embed (both are in the same folder of the site).
const APP: &str = "index.html";

/// Smallest zoom the page shrinks to so a tall run still fits its frame without a scrollbar, in percent.
const MIN_ZOOM: i32 = 50;

#[derive(Properties, PartialEq)]
struct PlayerProps {
    /// The share link as written.
    link: AttrValue,
    /// The opened run (compared by identity: it is built once).
    run: Opened,
    /// The lab's title and one-line story.
    story: (AttrValue, AttrValue),
}

/// The run as opened, handed to the player once.
#[derive(Clone)]
struct Opened(std::rc::Rc<EmbedRun>);

impl PartialEq for Opened {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The title and one line of the run's lab; free play says what the run is instead of its own
/// pitch ("Every control, no script"), which is about the full app.
fn story(s: &Scenario) -> (AttrValue, AttrValue) {
    let lab = s.lab.as_deref().and_then(Lab::by_id);
    match lab {
        Some(l) if l.number > 0 => (l.title.into(), l.summary.into()),
        _ => (
            "Redelivery Lab".into(),
            trf(
                "A run of {0} through {1}: press play and watch for duplicates and lost payments.",
                &[
                    &counted(
                        s.config.payments.into(),
                        tr_n("{0} payment", "{0} payments", s.config.payments.into()),
                    ),
                    &counted(
                        s.config.consumers.into(),
                        tr_n("{0} consumer", "{0} consumers", s.config.consumers.into()),
                    ),
                ],
            )
            .into(),
        ),
    }
}

#[component]
fn Player(props: &PlayerProps) -> Html {
    let run = {
        let opened = props.run.0.clone();
        use_reducer(move || (*opened).clone())
    };
    use_play_clock(run.playing, {
        let d = run.dispatcher();
        Callback::from(move |ms| d.dispatch(EmbedAction::Tick(ms)))
    });
    use_fit(run.world.version());
    let d = run.dispatcher();
    let send = |a: fn() -> EmbedAction| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(a()))
    };
    let onapply = {
        let d = d.clone();
        Callback::from(move |c| d.dispatch(EmbedAction::Apply(c)))
    };
    let (now, settled, events) = {
        let t = run.world.timeline();
        (t.now(), t.is_settled(), t.sim().events().total())
    };
    let range = match run.to {
        Some(to) => trf(" of {0} – {1}", &[&seconds(run.from), &seconds(to)]),
        None => String::new(),
    };
    let (title, line) = props.story.clone();
    html! {
        <main class="embed" data-testid="embed" data-now={now.to_string()} data-settled={settled.to_string()}
            data-events={events.to_string()} data-playing={run.playing.to_string()}>
            <header class="embed__head">
                <p class="embed__story" data-testid="embed-story"><strong>{ vtext(title) }</strong>{ " — " }{ vtext(line) }</p>
                <a class="embed__open" data-testid="embed-open" href={format!("{APP}#{}", props.link)}
                    target="_blank" rel="noopener">{ vtr("Open in Redelivery Lab ↗") }</a>
            </header>
            <div class="embed__controls" role="group" aria-label={atr("Run controls")}>
                <button type="button" class="button button--primary" data-testid="play" onclick={send(|| EmbedAction::TogglePlay)}>
                    { vtr(if run.playing { n_("❚❚ Pause") } else if run.at_end() { n_("↻ Replay") } else { n_("▶ Play") }) }
                </button>
                <button type="button" class="button" data-testid="step" onclick={send(|| EmbedAction::Step)}>{ vtr("Step") }</button>
                <button type="button" class="button" data-testid="reset" onclick={send(|| EmbedAction::Reset)}>{ vtr("Reset") }</button>
                <span class="embed__clock mono" data-testid="clock">{ vtext(format!("t = {}{range}", seconds(now))) }</span>
            </div>
            if let Some(r) = run.refusal.clone() {
                <p class="embed__note" role="status">{ vtext(r) }</p>
            }
            <div class="embed__body">
                <Pipeline world={run.world.clone()} selected={u8::MAX} {onapply} onselect={Callback::noop()} />
                <TotalsPanel world={run.world.clone()} />
            </div>
        </main>
    }
}

/// Shrinks the page (CSS `zoom`, set through the CSSOM, which the page's CSP allows) when the run is
/// taller than the frame, so the frame never needs a scrollbar: measured at full size each time, and
/// rounded down to a twentieth, so the type changes size only now and then as a run grows and shrinks.
/// The zoom, in percent, is also `--embed-zoom`, from which embed.css sizes the controls so that each
/// stays at least 24×24 px as drawn however far the page shrinks.
fn fit() {
    let document = gloo::utils::document();
    let (Some(root), Some(main)) = (
        document.document_element(),
        document
            .query_selector(".embed")
            .ok()
            .flatten()
            .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok()),
    ) else {
        return;
    };
    let style = main.style();
    let set = |percent: i32| {
        let value = format!("{percent}%");
        let _ = style.set_property("zoom", &value);
        let _ = style.set_property("--embed-zoom", &value[..value.len() - 1]);
    };
    set(100);
    let (content, frame) = (root.scroll_height(), root.client_height());
    if content <= frame || frame <= 0 {
        return;
    }
    // The ratio is a first guess: smaller type wraps into fewer lines, but the controls keep their
    // drawn size. Step down until the run fits, then up while it still does.
    let fits = |percent: i32| {
        set(percent);
        root.scroll_height() <= frame
    };
    let mut z = (frame * 20 / content * 5).max(MIN_ZOOM);
    while z > MIN_ZOOM && !fits(z) {
        z -= 5;
    }
    while z + 5 < 100 && fits(z + 5) {
        z += 5;
    }
    set(z);
}

/// Fits the page after every change of the run.
#[hook]
fn use_fit(version: u64) {
    use_effect_with(version, |_| fit());
}

#[derive(Properties, PartialEq)]
struct BrokenProps {
    message: AttrValue,
}

/// The page when the address holds no run it can show: one sentence and a way to the full app.
#[component]
fn Broken(props: &BrokenProps) -> Html {
    html! {
        <main class="embed embed--broken" data-testid="embed">
            <p class="embed__error" role="alert" data-testid="embed-error">{ vtext(props.message.clone()) }</p>
            <a class="embed__open" data-testid="embed-open" href={APP} target="_blank" rel="noopener">
                { vtr("Open Redelivery Lab ↗") }
            </a>
        </main>
    }
}

/// Mounts the embed on the page body: the run the address names, or the sentence saying why not.
pub fn start() {
    super::install_panic_hook();
    // A host page may point the frame at another run by changing only the part after `#`.
    super::browser::reload_on_hashchange();
    let window = gloo::utils::window();
    // A frame resized by its host, and the first layout once the stylesheets are in.
    for event in ["resize", "load"] {
        gloo::events::EventListener::new(&window, event, |_| fit()).forget();
    }
    // The host page's reader gets their browser's language (the frame's address may name one); a
    // language that does not load leaves the frame in English.
    super::locale::start(false, render);
}

fn render() {
    let opened = parse_address(&location_hash().unwrap_or_default()).and_then(|a| {
        let s = super::open_link(&a.link)?;
        let story = story(&s);
        let run = EmbedRun::open(s, a.from, a.to)?;
        Ok((a.link, run, story))
    });
    match opened {
        Ok((link, run, story)) => {
            yew::Renderer::<Player>::with_props(PlayerProps {
                link: link.into(),
                run: Opened(std::rc::Rc::new(run)),
                story,
            })
            .render();
        }
        Err(message) => {
            yew::Renderer::<Broken>::with_props(BrokenProps {
                message: message.into(),
            })
            .render();
        }
    }
}
