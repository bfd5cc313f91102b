//! The lab's verdict beside the outcomes: "Lab complete" with the next lab offered, or what is still
//! missing and why — visible without scrolling, so a finished lab reads as finished. Also the
//! "clear my actions" control, which drops the learner's hand-made crashes and faults (a replay keeps
//! them).

use super::failure_grid::{FailureGridProps, failure_grid};
use crate::i18n::{trf, trf_n};
use crate::sim::goal::Learner;
use crate::sim::lab::Lab;
use crate::ui::saved::LabProgress;
use crate::ui::state::{LabRef, World};
use crate::ui::{atr, vtext};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VerdictProps {
    pub lab: LabRef,
    pub world: World,
    pub progress: LabProgress,
    pub learner: Learner,
    pub onload_lab: Callback<String>,
    pub onclear: Callback<()>,
}

pub fn verdict_panel(props: &VerdictProps) -> Html {
    let lab = &props.lab;
    let (verdict, own_actions) = {
        let sim = props.world.sim();
        let judged = lab.judge(&sim, &props.learner);
        let achieved = |id: &str| props.progress.achieved.contains(id);
        let own = props
            .world
            .timeline()
            .actions()
            .len()
            .saturating_sub(lab.actions.len());
        (
            (!lab.goals.is_empty()).then(|| lab.verdict(&sim, &judged, &achieved)),
            own,
        )
    };
    let next = lab.next();
    let onclear = props.onclear.reform(|_: MouseEvent| ());
    if verdict.is_none() && own_actions == 0 && lab.id != "failure-injection" {
        return html! {};
    }
    html! {
        <section id="panel-verdict" class={classes!("panel", "verdict", verdict.as_ref().map(|v| if v.complete { "verdict--complete" } else { "verdict--open" }))}
            aria-label={atr("Lab verdict")} data-testid="lab-verdict"
            data-complete={verdict.as_ref().is_some_and(|v| v.complete).to_string()}>
            if let Some(v) = &verdict {
                <p class="verdict__sentence" role="status" data-testid="lab-verdict-text">
                    <span class="verdict__mark" aria-hidden="true">{ if v.complete { "✓ " } else { "… " } }</span>
                    { vtext(v.sentence.clone()) }
                </p>
                if v.complete {
                    if let Some(next) = next {
                        <button type="button" class="button button--primary" data-testid="next-lab"
                            onclick={{ let (go, id) = (props.onload_lab.clone(), next.id.to_string()); Callback::from(move |_: MouseEvent| go.emit(id.clone())) }}>
                            { vtext(trf("Next: lab {0} — {1} →", &[&next.number.to_string(), next.title])) }
                        </button>
                    }
                }
            }
            // Lab 3's verdicts per boundary belong beside its outcome, where there is room for 6 × 5.
            if lab.id == "failure-injection" {
                { failure_grid(&FailureGridProps { world: props.world.clone() }) }
            }
            if own_actions > 0 {
                <button type="button" class="button" data-testid="clear-actions" onclick={onclear}
                    title={atr("Back to the start without the crashes, outages and lost acks you added by hand")}>
                    { vtext(trf_n("Clear my actions ({0})", &[own_actions as u64])) }
                </button>
            }
        </section>
    }
}

/// Would the lab's "apply the fix" change `config`? Never for a lab without a fix (its solution is
/// to run or to look), nor once `config` has it.
pub fn fix_changes(lab: &Lab, config: &crate::sim::Config) -> bool {
    let mut fixed = config.clone();
    (lab.fix)(&mut fixed);
    fixed != *config
}
