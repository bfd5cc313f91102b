//! The checker's verdict over every payment: charged once, duplicate, lost, orphan, dead-lettered.

use crate::sim::Outcome;
use crate::sim::message::money;
use crate::ui::state::World;
use crate::ui::{vtext, vtr};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TotalsProps {
    pub world: World,
}

/// The totals as a component, for pages that mount them on their own; the app calls [`totals_panel`].
#[component]
pub fn TotalsPanel(props: &TotalsProps) -> Html {
    totals_panel(props)
}

/// The totals' markup (a plain function: they change with the run, which re-renders the app anyway,
/// and a component's lifecycle code costs download bytes).
pub fn totals_panel(props: &TotalsProps) -> Html {
    let totals = props.world.sim().totals();
    let outcome = |o: Outcome| {
        let value = totals.get(o);
        let mut class = classes!("stat", format!("stat--{}", o.name().replace('_', "-")));
        if o.is_anomaly() && value > 0 {
            class.push("stat--alarm");
        }
        html! {
            <div {class}>
                <dt class="stat__label">{ vtext(o.label()) }</dt>
                <dd class="stat__value" data-testid={format!("total-{}", o.name())}>{ value }</dd>
            </div>
        }
    };
    html! {
        <section class="panel totals" id="panel-totals" aria-labelledby="totals-title">
            <h2 class="panel__title" id="totals-title">{ vtr("Outcomes") }</h2>
            <dl class="totals__grid">
                { for Outcome::ALL.into_iter().map(outcome) }
            </dl>
            <p class="totals__money">
                { vtr("Overcharged: ") }<span class="mono" data-testid="money-overcharged">{ vtext(money(totals.money_overcharged_cents)) }</span>
                { vtr(" · Missing: ") }<span class="mono" data-testid="money-missing">{ vtext(money(totals.money_missing_cents)) }</span>
            </p>
        </section>
    }
}
