//! Play, pause, step, reset and the speed of simulated time.

use super::words::seconds;
use crate::i18n::{n_, trf};
use crate::ui::state::{MAX_SPEED, MIN_SPEED};
use crate::ui::{atr, vtext, vtr};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    /// Simulated milliseconds now.
    pub now: u64,
    /// The furthest time this run has reached.
    pub horizon: u64,
    /// The earliest time the run can show: 0, or the moment a real crash was recovered.
    pub start: u64,
    /// Simulated milliseconds per real millisecond.
    pub speed: f64,
    pub ontoggle_play: Callback<()>,
    pub onstep: Callback<()>,
    pub onstep_back: Callback<()>,
    pub onseek: Callback<u64>,
    pub onreset: Callback<()>,
    pub onset_speed: Callback<f64>,
}

/// The speed as learners read it: `0.25×`, `4×`, `120×`.
pub fn speed_label(speed: f64) -> String {
    if speed < 1.0 {
        format!("{}×", super::words::decimal(speed, 2))
    } else if speed < 10.0 {
        format!("{}×", super::words::decimal(speed, 1))
    } else {
        format!("{}×", super::words::decimal(speed, 0))
    }
}

pub fn controls(props: &ControlsProps) -> Html {
    let onplay = props.ontoggle_play.reform(|_: MouseEvent| ());
    let onstep = props.onstep.reform(|_: MouseEvent| ());
    let onstep_back = props.onstep_back.reform(|_: MouseEvent| ());
    let onseek = {
        let onseek = props.onseek.clone();
        Callback::from(move |e: InputEvent| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Ok(t) = input.value().parse::<u64>() {
                onseek.emit(t);
            }
        })
    };
    let end = props.horizon.max(props.now).max(1);
    let onreset = props.onreset.reform(|_: MouseEvent| ());
    let onset_speed = props.onset_speed.clone();
    // The slider is logarithmic: each notch multiplies the speed, so 0.01× and 1000× are both reachable.
    let oninput = Callback::from(move |e: InputEvent| {
        let input = e.target_unchecked_into::<HtmlInputElement>();
        if let Some(exp) = crate::num::parse_decimal(&input.value()) {
            // The slider's step is 0.1, so the exponent is a whole number of tenths.
            onset_speed.emit(crate::num::pow10_tenths((exp * 10.0).round() as i32));
        }
    });
    let exp = props.speed.log10();
    html! {
        <div class="controls toolbar" role="group" aria-label={atr("Simulation controls")}>
            <button type="button" class="button button--primary controls__play" data-testid="play"
                aria-pressed={if props.playing { "true" } else { "false" }}
                title={atr("Play or pause (space)")} onclick={onplay}>
                { vtr(if props.playing { n_("❚❚ Pause") } else { n_("▶ Play") }) }
            </button>
            <button type="button" class="button" data-testid="step-back" title={atr("Previous event (← or Page Up)")}
                aria-label={atr("Step back")} disabled={props.now <= props.start} onclick={onstep_back}>
                { vtr("◀ Back") }
            </button>
            <button type="button" class="button" data-testid="step" title={atr("Next event (. → or Page Down)")} onclick={onstep}>
                { vtr("Step ▶") }
            </button>
            <button type="button" class="button" data-testid="reset" title={atr("Back to t = 0, same seed (r)")} onclick={onreset}>
                { vtr("Reset") }
            </button>
            <label class="controls__scrub" for="scrub">
                <span class="visually-hidden">{ vtr("Simulated time") }</span>
                <input id="scrub" type="range" data-testid="scrub" min={props.start.to_string()} max={end.to_string()} step="1"
                    value={props.now.to_string()} aria-valuetext={seconds(props.now)}
                    title={atr("Scrub through the run; acting in the past forks a new future")} oninput={onseek} />
            </label>
            <span class="controls__clock mono">
                <span data-testid="clock" data-ms={props.now.to_string()}>{ vtext(format!("t = {}", seconds(props.now))) }</span>
                <span data-testid="clock-end" data-ms={props.horizon.max(props.now).to_string()} title={atr("How far this run has been played")}>
                    { vtext(trf(" of {0}", &[&seconds(props.horizon.max(props.now))])) }
                </span>
            </span>
            if props.now < props.horizon {
                <span class="controls__fork" data-testid="fork-note"
                    title={trf("Rewound from {0}: crashing or arming a crash here discards what came after and forks a new future.", &[&seconds(props.horizon)])}>
                    <span aria-hidden="true">{ "⟲ " }</span>{ vtr("rewound") }
                    <span class="visually-hidden">
                        { vtext(trf(" from {0}: crashing or arming a crash here discards what came after and forks a new future.", &[&seconds(props.horizon)])) }
                    </span>
                </span>
            }
            <label class="controls__speed" for="speed">
                { vtr("Speed") }
                <input id="speed" type="range" data-testid="speed"
                    min={crate::num::fixed(MIN_SPEED.log10(), 0)} max={crate::num::fixed(MAX_SPEED.log10(), 0)} step="0.1"
                    value={crate::num::fixed(exp, 1)}
                    aria-valuetext={speed_label(props.speed)}
                    {oninput} />
                <output for="speed" class="mono" data-testid="speed-value">{ vtext(speed_label(props.speed)) }</output>
            </label>
        </div>
    }
}
