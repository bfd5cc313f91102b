//! One consumer process: what it holds, where it is in its steps, and whether it is down.

use super::step_rail::{StepRailProps, step_rail};
use super::words::seconds;
use crate::i18n::{n_, tr, trf, trf_n, trs};
use crate::sim::consumer::ConsumerState;
use crate::sim::message::payment_label;
use crate::sim::{Command, CrashPoint, Event, Sim};
use crate::ui::state::World;
use crate::ui::{atr, vtext, vtr};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConsumerProps {
    pub world: World,
    pub consumer: u8,
    /// The consumer the keyboard's `c` crashes.
    pub selected: bool,
    pub onapply: Callback<Command>,
    pub onselect: Callback<u8>,
}

pub fn consumer_panel(props: &ConsumerProps) -> Html {
    let sim = props.world.sim();
    let Some(c) = sim.consumers().get(props.consumer as usize) else {
        return html! {};
    };
    let n = props.consumer;
    let (status, class) = match c.state {
        ConsumerState::Down { until } => (
            match last_crash(&sim, n) {
                Some((point, payment)) => {
                    let how = if point == CrashPoint::Now {
                        tr("by hand")
                    } else {
                        point.label()
                    };
                    let (until, how) = (seconds(until), how.to_string());
                    match payment {
                        Some(p) => trf(
                            "down — crashed {0} holding {1}; restarts at t = {2}",
                            &[&how, &payment_label(p), &until],
                        ),
                        None => trf("down — crashed {0}; restarts at t = {1}", &[&how, &until]),
                    }
                }
                None => trf("down — restarts at t = {0}", &[&seconds(until)]),
            },
            "consumer--down",
        ),
        ConsumerState::Working => match c.job {
            Some(j) => (
                if j.delivery > 1 {
                    trf(
                        "working on {0} (delivery {1}, a redelivery)",
                        &[&payment_label(j.payment), &j.delivery.to_string()],
                    )
                } else {
                    trf("working on {0}", &[&payment_label(j.payment)])
                },
                "consumer--working",
            ),
            None => (trs("working"), "consumer--working"),
        },
        ConsumerState::Idle => (trs("idle, waiting for a message"), "consumer--idle"),
    };
    let down = c.is_down();
    let ack_loss_armed = sim.ack_loss_armed(n);
    let oncrash_now = props
        .onapply
        .reform(move |_: MouseEvent| Command::CrashNow { consumer: n });
    let onlose_ack = props
        .onapply
        .reform(move |_: MouseEvent| Command::LoseNextAck { consumer: n });
    let onselect = props.onselect.reform(move |_: MouseEvent| n);
    html! {
        <article class={classes!("consumer", class, props.selected.then_some("consumer--selected"))}
            data-testid="consumer" data-consumer={n.to_string()} data-selected={props.selected.to_string()}>
            <header class="consumer__header">
                <h3 class="consumer__title">
                    <button type="button" class="link-button consumer__select" data-testid="select-consumer"
                        data-consumer={n.to_string()} aria-pressed={props.selected.to_string()}
                        title={atr("Select: the c key crashes the selected consumer")} onclick={onselect}>
                        { vtext(trf_n("Consumer {0}", &[(n + 1) as u64])) }
                    </button>
                    if props.selected { <span class="consumer__selected">{ vtr(" (selected)") }</span> }
                </h3>
                <p class="consumer__status" data-testid="consumer-status">
                    if down { <span aria-hidden="true">{ "✹ " }</span> }
                    { vtext(status) }
                </p>
                <p class="consumer__meta mono">
                    { vtext(trf("restarts {0} · finished {1} · holding {2}", &[&c.restarts.to_string(), &c.finished.to_string(),
                        &(c.buffer.len() + usize::from(c.job.is_some())).to_string()])) }
                </p>
                <button type="button" class="button button--danger consumer__crash-now"
                    data-testid="crash-now" data-consumer={n.to_string()} disabled={down}
                    title={atr("Kill this consumer now, wherever it is (c)")} onclick={oncrash_now}>
                    { vtr("Crash now") }
                </button>
                <button type="button" class="button consumer__lose-ack"
                    data-testid="lose-ack" data-consumer={n.to_string()} disabled={down || ack_loss_armed}
                    aria-pressed={ack_loss_armed.to_string()}
                    title={atr("Its next ack never reaches the broker")} onclick={onlose_ack}>
                    { vtr(if ack_loss_armed { n_("Next ack will be lost") } else { n_("Lose next ack") }) }
                </button>
            </header>
            { step_rail(&StepRailProps { world: props.world.clone(), consumer: n, crashed_at: down.then(|| last_crash(&sim, n).map(|c| c.0)).flatten(), onapply: props.onapply.clone() }) }
        </article>
    }
}

/// Events searched back, at most, for the crash that took a consumer down.
const CRASH_LOOKBACK: usize = 5_000;

/// Where `consumer` last crashed, and the payment it held.
fn last_crash(sim: &Sim, consumer: u8) -> Option<(CrashPoint, Option<u32>)> {
    sim.events()
        .window()
        .iter()
        .rev()
        .take(CRASH_LOOKBACK)
        .find_map(|e| match e.event {
            Event::Crashed {
                consumer: c,
                point,
                payment,
            } if c == consumer => Some((point, payment)),
            _ => None,
        })
}
