//! One consumer's steps, left to right, with the current one highlighted and a crash button on
//! every boundary where a crash can be armed.
//!
//! Where the crash lands decides the damage, so the boundaries are drawn as places, not as lines.

use super::crash_button::{CrashButtonProps, crash_button};
use crate::i18n::trf_n;
use crate::sim::consumer::ConsumerState;
use crate::sim::{Command, CrashPoint, Step};
use crate::ui::state::World;
use crate::ui::{vtext, vtr};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StepRailProps {
    pub world: World,
    pub consumer: u8,
    /// Where the consumer crashed, while it is down.
    #[prop_or_default]
    pub crashed_at: Option<CrashPoint>,
    pub onapply: Callback<Command>,
}

pub fn step_rail(props: &StepRailProps) -> Html {
    let sim = props.world.sim();
    let Some(c) = sim.consumers().get(props.consumer as usize) else {
        return html! {};
    };
    // A job keeps the strategy it was received under; an idle consumer shows the configured one.
    let strategy = c.job.map_or(sim.config().strategy, |j| j.strategy);
    let down = matches!(c.state, ConsumerState::Down { .. });
    let steps = Step::sequence(strategy.ack_timing);
    let items = steps.iter().enumerate().map(|(i, &step)| {
        let (current, done, runs) = match c.job {
            Some(j) => (
                j.pos as usize == i,
                (j.pos as usize) > i,
                j.runs(step, true),
            ),
            None => (false, false, idle_runs(step, &strategy)),
        };
        // A step the strategy leaves out is never "done", even once the job is past it: a ✓ there
        // would claim work (a check, a transaction) that did not happen.
        let done = done && runs;
        let status = if current {
            "current"
        } else if !runs {
            "skipped"
        } else if done {
            "done"
        } else {
            "pending"
        };
        let class = classes!(
            "step-rail__step",
            current.then_some("step-rail__step--current"),
            done.then_some("step-rail__step--done"),
            (!runs).then_some("step-rail__step--skipped"),
            (down && current).then_some("step-rail__step--crashed"),
        );
        let boundary = CrashPoint::after(step).map(|point| {
            let crashed = props.crashed_at == Some(point);
            html! {
                <li class={classes!("step-rail__boundary", crashed.then_some("step-rail__boundary--crashed"))}>
                    if crashed {
                        <span class="step-rail__crashed" data-testid="crashed-here">{ vtr("✹ crashed here") }</span>
                    }
                    { crash_button(&CrashButtonProps { world: props.world.clone(), consumer: props.consumer, point, onapply: props.onapply.clone() }) }
                </li>
            }
        });
        html! {
            <>
                <li {class} data-testid="rail-step" data-step={step.label()} data-status={status}
                    aria-current={current.then_some("step")}>
                    <span class="step-rail__name">{ vtext(step.label()) }</span>
                    if current { <span class="visually-hidden">{ vtr(" (current step)") }</span> }
                    if !runs { <span class="step-rail__note">{ vtr("skipped") }</span> }
                </li>
                { for boundary }
            </>
        }
    });
    html! {
        <ol class="step-rail" aria-label={trf_n("Steps of consumer {0}", &[(props.consumer + 1) as u64])}
            data-testid="step-rail" data-consumer={props.consumer.to_string()}>
            { for items }
        </ol>
    }
}

/// Which steps the configured strategy would run for a fresh delivery.
fn idle_runs(step: Step, s: &crate::sim::Strategy) -> bool {
    match step {
        Step::Receive | Step::Ack | Step::Charge | Step::WriteLedger => true,
        Step::BeginTx | Step::Commit => s.transactional,
        Step::CheckRecord | Step::WriteRecord => s.idempotency,
    }
}
