//! The lab's story and its goals: predict → run → observe → explain, with live verdicts from the
//! checker (each with its sentence why), the diagnosis question, hints one at a time, and the
//! solution behind a confirmation.

use super::checklist::{ChecklistProps, checklist};
use super::closing::{ClosingProps, closing};
use crate::i18n::{n_, tr, trf, trf_n, trs};
use crate::sim::goal::{GoalKind, GoalStatus, Learner};
use crate::ui::lessons::{self, Load, text, use_lessons};
use crate::ui::saved::LabProgress;
use crate::ui::state::{LabRef, World};
use crate::ui::{atr, vtext, vtr};
use yew::prelude::*;

#[derive(Properties)]
pub struct LessonProps {
    pub lab: LabRef,
    pub world: World,
    pub progress: LabProgress,
    /// The app's revision (`AppState::rev`): with the run, it says when `progress` is worth drawing.
    pub rev: u64,
    /// What the learner selected and answered, for the diagnose goal.
    pub learner: Learner,
    pub onpredict: Callback<usize>,
    pub ondiagnose: Callback<usize>,
    pub onshow_hint: Callback<()>,
    pub onshow_solution: Callback<()>,
    pub onapply_fix: Callback<()>,
    pub onload_lab: Callback<String>,
}

// Not the callbacks: the app makes new ones on every render (they only dispatch, so older ones do the
// same), and comparing them would redraw the lesson whenever any other panel changes. Not `progress`
// either: a goal a play tick reached is drawn with the run that reached it (a new `world`), and the
// learner's own steps bump `rev`; the end of a run would otherwise redraw the lesson in the frame
// that ends it, before its turn in the catch-up.
impl PartialEq for LessonProps {
    fn eq(&self, other: &Self) -> bool {
        (&self.lab, &self.world, self.rev, &self.learner)
            == (&other.lab, &other.world, other.rev, &other.learner)
    }
}

/// The mark and word for a goal: achieved (now or in an earlier run) reads as achieved; a goal not
/// met in this run reads "not yet" (a fix to try) or "not in this run" (something to see), never as a
/// red failure of the lab.
fn status_mark(status: GoalStatus, achieved: bool, kind: GoalKind) -> (&'static str, &'static str) {
    let (mark, word) = match (status, achieved) {
        (GoalStatus::Pass, _) => ("✓", n_("achieved")),
        (_, true) => ("✓", n_("achieved earlier")),
        (GoalStatus::Fail, false) if kind == GoalKind::See => ("✗", n_("not in this run")),
        (GoalStatus::Fail, false) => ("✗", n_("not yet")),
        (GoalStatus::Pending, false) => ("…", n_("pending")),
    };
    (mark, tr(word))
}

/// One answer of the prediction or the diagnosis question: a button in a list item that sends its
/// index (one piece of markup for both lists).
fn option_button(
    testid: &'static str,
    i: usize,
    chosen: bool,
    locked: bool,
    onpick: &Callback<usize>,
    label: AttrValue,
) -> Html {
    let onclick = onpick.reform(move |_: MouseEvent| i);
    html! {
        <li>
            <button type="button"
                class={classes!("button", "prediction__option", chosen.then_some("prediction__option--chosen"))}
                data-testid={testid} data-index={i.to_string()}
                aria-pressed={chosen.to_string()} disabled={locked} {onclick}>
                { vtext(label) }
            </button>
        </li>
    }
}

#[component]
pub fn Lesson(props: &LessonProps) -> Html {
    let confirming = use_state(|| false);
    let lab = &props.lab;
    let n = &lab.narrative;
    let progress = &props.progress;
    // The words: built in (free play), or from lessons.json, fetched the first time a lab needs them.
    let load = use_lessons(n.predict.is_empty());
    let t = |field: &str, built_in: &str| text(lab.id, field, built_in);
    let redraw = use_force_update();
    let onretry = Callback::from(move |_: MouseEvent| {
        let redraw = redraw.clone();
        lessons::retry(Callback::from(move |_| redraw.force_update()));
    });

    let goals = {
        let sim = props.world.sim();
        lab.goals
            .iter()
            .zip(lab.judge(&sim, &props.learner))
            .collect::<Vec<_>>()
    };
    let goal_items = goals.iter().map(|(g, judged)| {
        let status = judged.status;
        let achieved = progress.achieved.contains(g.id);
        let (icon, word) = status_mark(status, achieved, g.kind);
        let shown = if achieved { GoalStatus::Pass } else { status };
        html! {
            <li class={classes!("goal", format!("goal--{}", shown.name()), (status == GoalStatus::Fail && !achieved).then_some("goal--open"))}
                data-testid="goal" data-goal={g.id} data-status={status.name()}
                data-achieved={achieved.to_string()}>
                <span class="goal__mark" aria-hidden="true">{ vtext(icon) }</span>
                <span class="goal__text">{ t(&format!("goals/{}", g.id), g.text) }</span>
                <span class="goal__status">{ vtext(word) }</span>
                <span class="goal__why" data-testid="goal-why">
                    { vtext(if achieved && status != GoalStatus::Pass { trf("In this run: {0}", &[&judged.why]) } else { judged.why.clone() }) }
                </span>
            </li>
        }
    });

    // The verdict waits for the run: predicting is only worth it before seeing the answer.
    let (ran, totals) = {
        let sim = props.world.sim();
        (sim.is_settled() && sim.now() > 0, sim.totals())
    };
    let prediction = lab.prediction.map(|p| {
        // Locked once the answer has been on screen, even after a replay hides it again.
        let locked = progress.revealed || ran;
        // Checked: a saved choice may come from a version with other options.
        let option = |i: usize| t(&format!("options/{i}"), p.options.get(i).copied().unwrap_or_default());
        let options = p.options.iter().enumerate().map(|(i, _)| {
            let chosen = progress.prediction == Some(i);
            option_button("prediction-option", i, chosen, locked, &props.onpredict, option(i).into())
        });
        let outcome = trf_n(" What the run did: {0} charged once, {1} duplicate, {2} lost, {3} orphan, {4} dead-lettered.", &[totals.charged_once, totals.duplicate, totals.lost, totals.orphan, totals.dead_lettered]);
        html! {
            <div class="prediction" data-testid="prediction">
                <p class="prediction__question">{ vtext(t("question", p.question)) }</p>
                <ul class="prediction__options">{ for options }</ul>
                if !ran {
                    <p class="prediction__locked" data-testid="prediction-wait">
                        { vtext(match progress.prediction {
                            Some(choice) => trf("Your prediction: “{0}”. Now run it: the answer appears when the run is over.", &[&option(choice)]),
                            None => trs("Pick an answer before you press play."),
                        }) }
                    </p>
                } else {
                    <p class="prediction__verdict" role="status" data-testid="prediction-verdict">
                        <strong>{ vtext(trf(match progress.prediction {
                            Some(choice) if choice == p.answer => n_("✓ Right. "),
                            Some(_) => n_("✗ Not quite: it is “{0}”. "),
                            None => n_("The answer: “{0}”. "),
                        }, &[&option(p.answer)])) }</strong>
                        { t("why", p.why) }{ vtext(outcome) }
                    </p>
                }
            </div>
        }
    });

    let hints_shown = progress.hints_shown.min(lab.hints.len());
    let onhint = props.onshow_hint.reform(|_: MouseEvent| ());
    let onask = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let oncancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let onconfirm = {
        let (confirming, onshow) = (confirming.clone(), props.onshow_solution.clone());
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            onshow.emit(());
        })
    };
    let onfix = props.onapply_fix.reform(|_: MouseEvent| ());
    // A control that would change nothing is not shown: free play and lab 1 have no fix, and a fix
    // already in the settings has nothing left to apply.
    let fix = super::verdict::fix_changes(lab, props.world.timeline().config());
    let passed = goals
        .iter()
        .filter(|(g, j)| j.status == GoalStatus::Pass || progress.achieved.contains(g.id))
        .count();
    let diagnosis = lab.diagnosis.map(|q| {
        let options = q.options.iter().enumerate().map(|(i, option)| {
            let chosen = progress.diagnosis == Some(i);
            option_button("diagnosis-option", i, chosen, false, &props.ondiagnose, tr(option).into())
        });
        html! {
            <div class="prediction diagnosis" data-testid="diagnosis">
                <p class="prediction__question">{ vtr("Diagnose: select a double charge in the anomaly list (its cause events show the redelivery), then answer. ") }{ vtr(q.question) }</p>
                <ul class="prediction__options">{ for options }</ul>
            </div>
        }
    });

    html! {
        <section class="panel lesson" aria-labelledby="lesson-title" data-testid="lesson">
            <h2 class="panel__title" id="lesson-title">
                if lab.number > 0 { { vtext(trf_n("Lab {0}: ", &[lab.number as u64])) } }
                { vtext(lab.title) }
            </h2>
            <p class="lesson__summary" data-testid="lesson-summary">{ vtext(lab.summary) }</p>
            if let Load::Failed(why) = &load {
                <p class="lesson__loading" role="alert" data-testid="lesson-error">
                    { vtext(trf("The lesson's text could not be loaded ({0}): check the connection, then retry. ", &[why.as_str()])) }
                    <button type="button" class="button" data-testid="lesson-retry" onclick={onretry}>{ vtr("Retry") }</button>
                </p>
            } else if load == Load::Loading {
                <p class="lesson__loading" role="status" data-testid="lesson-loading">{ vtr("Loading the lesson…") }</p>
            }
            <ol class="lesson__beats">
                <li class="lesson__beat">
                    <h3 class="lesson__beat-title">{ vtr("Predict") }</h3>
                    <p>{ vtext(t("predict", n.predict)) }</p>
                    { for prediction }
                </li>
                <li class="lesson__beat">
                    <h3 class="lesson__beat-title">{ vtr("Run") }</h3>
                    <p>{ vtext(t("run", n.run)) }</p>
                </li>
                <li class="lesson__beat">
                    <h3 class="lesson__beat-title">{ vtr("Observe") }</h3>
                    <p>{ vtext(t("observe", n.observe)) }</p>
                </li>
                <li class="lesson__beat">
                    <details class="lesson__explain">
                        <summary><h3 class="lesson__beat-title">{ vtr("Explain") }</h3>{ vtr(" (after the run)") }</summary>
                        <p>{ vtext(t("explain", n.explain)) }</p>
                    </details>
                </li>
            </ol>
            if !lab.goals.is_empty() {
                <h3 class="lesson__heading">
                    { vtr("Goals ") }
                    <span class="lesson__score mono" data-testid="goals-passed">{ vtext(format!("{passed}/{}", goals.len())) }</span>
                </h3>
                <ul class="goals" id="lesson-goals">{ for goal_items }</ul>
            }
            { for diagnosis }
            if lab.id == "checklist" {
                { checklist(&ChecklistProps { world: props.world.clone(), onload_lab: props.onload_lab.clone() }) }
                { closing(&ClosingProps { ready: load == Load::Ready }) }
            }
            <div class="lesson__help">
                if !lab.hints.is_empty() {
                    <ol class="hints">
                        { for lab.hints.iter().enumerate().take(hints_shown).map(|(i, h)| html! {
                            <li class="hint" data-testid="hint">{ t(&format!("hints/{i}"), h) }</li>
                        }) }
                    </ol>
                    if hints_shown < lab.hints.len() {
                        <button type="button" class="button" data-testid="show-hint" onclick={onhint}>
                            { vtext(trf_n("Show a hint ({0} of {1})", &[(hints_shown + 1) as u64, lab.hints.len() as u64])) }
                        </button>
                    }
                }
                if progress.solution_seen {
                    <div class="solution" data-testid="solution">
                        <h3 class="lesson__heading">{ vtr("Solution") }</h3>
                        <p>{ vtext(t("solution", lab.solution)) }</p>
                        if fix {
                            <button type="button" class="button button--primary" data-testid="apply-fix" onclick={onfix}>
                                { vtr("Apply the fix and rerun") }
                            </button>
                        }
                    </div>
                } else if *confirming {
                    <div class="solution__confirm" role="group" aria-label={atr("Confirm showing the solution")}>
                        <p>{ vtr("The solution gives the answer away. Try the hints first?") }</p>
                        <button type="button" class="button button--primary" data-testid="confirm-solution" onclick={onconfirm}>
                            { vtr("Show the solution") }
                        </button>
                        <button type="button" class="button" data-testid="cancel-solution" onclick={oncancel}>
                            { vtr("Not yet") }
                        </button>
                    </div>
                } else {
                    <button type="button" class="button" data-testid="show-solution" onclick={onask}>
                        { vtr("Show solution…") }
                    </button>
                }
            </div>
        </section>
    }
}
