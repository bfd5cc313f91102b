//! Lab 3's grid: the five steps of the failure-injection test at each of the six crash boundaries,
//! each cell with its verdict and, on hover or focus, the sentence why.

use crate::i18n::trf;
use crate::sim::goal::GoalStatus;
use crate::sim::lab::failure_injection::{grid, steps_headings};
use crate::ui::state::World;
use crate::ui::{vtext, vtr};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FailureGridProps {
    pub world: World,
}

pub fn failure_grid(props: &FailureGridProps) -> Html {
    let ran = {
        let sim = props.world.sim();
        sim.is_settled() && sim.now() > 0
    };
    if !ran {
        return html! {
            <p class="grid__wait" data-testid="failure-grid-wait">
                { vtr("The grid of verdicts fills in when the run is over: the test then runs once per crash boundary.") }
            </p>
        };
    }
    // Thirty runs, worked out once per configuration and seed (see `grid`).
    let rows = {
        let sim = props.world.sim();
        grid(sim.config(), sim.seed())
    };
    html! {
        <div class="failure-grid" data-testid="failure-grid">
            <table class="failure-grid__table">
                <caption>{ vtr("The five steps at each crash boundary") }</caption>
                <thead><tr>
                    <th scope="col">{ vtr("Crash") }</th>
                    { for steps_headings().iter().map(|s| html! { <th scope="col">{ *s }</th> }) }
                </tr></thead>
                <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr data-boundary={r.boundary.name()}>
                            <th scope="row">{ vtext(r.boundary.label()) }</th>
                            { for r.steps.iter().enumerate().map(|(k, j)| {
                                let ok = j.status == GoalStatus::Pass;
                                html! {
                                    <td class={classes!("failure-grid__cell", if ok { "failure-grid__cell--pass" } else { "failure-grid__cell--fail" })}
                                        data-testid="grid-cell" data-boundary={r.boundary.name()} data-step={(k + 1).to_string()}
                                        data-status={j.status.name()} title={j.why.clone()}>
                                        <span aria-hidden="true">{ if ok { "✓" } else { "✗" } }</span>
                                        <span class="visually-hidden">{ vtext(if ok { trf("pass: {0}", &[&j.why]) } else { trf("fail: {0}", &[&j.why]) }) }</span>
                                    </td>
                                }
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
            { for rows.iter().flat_map(|r| r.steps.iter().enumerate().filter(|(_, j)| j.status != GoalStatus::Pass)
                .map(move |(k, j)| html! {
                    <p class="failure-grid__why" data-testid="grid-failure">
                        { vtext(trf("Step {0} at {1}: {2}", &[&(k + 1).to_string(), r.boundary.label(), &j.why])) }
                    </p>
                })) }
        </div>
    }
}
