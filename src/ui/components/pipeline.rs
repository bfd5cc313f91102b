//! The pipeline diagram: producer → queue → consumers, each with its step rail and crash buttons.
//! The database and the card gateway, which survive crashes, sit beside it.

use super::armed::{ArmedProps, armed};
use super::consumer::{ConsumerProps, consumer_panel};
use super::queue::{QueueProps, queue};
use crate::i18n::trf_n;
use crate::sim::Command;
use crate::ui::state::World;
use crate::ui::{vtext, vtr};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PipelineProps {
    pub world: World,
    pub selected: u8,
    pub onapply: Callback<Command>,
    pub onselect: Callback<u8>,
}

/// The pipeline as a component, for pages that mount it on its own; the app calls [`pipeline`].
#[component]
pub fn Pipeline(props: &PipelineProps) -> Html {
    pipeline(props)
}

/// The pipeline's markup (a plain function: the app re-renders it with every run change anyway, and a
/// component's lifecycle code costs download bytes).
pub fn pipeline(props: &PipelineProps) -> Html {
    let (consumers, published, payments, interval, arrow) = {
        let sim = props.world.sim();
        let c = sim.config();
        (
            c.consumers,
            sim.published(),
            c.payments,
            c.publish_interval_ms,
            super::broker::words(&c.broker).arrow,
        )
    };
    html! {
        <section class="panel pipeline" id="panel-pipeline" aria-labelledby="pipeline-title" data-testid="pipeline">
            <h2 class="panel__title" id="pipeline-title">{ vtr("Pipeline") }</h2>
            <div class="pipeline__producer" data-testid="producer">
                <strong>{ vtr("Producer") }</strong>
                { vtext(trf_n(" publishes a payment every {0} ms: {1} of {2} sent", &[interval as u64, published as u64, payments as u64])) }
                <span class="pipeline__arrow" aria-hidden="true">{ " ↓" }</span>
            </div>
            { queue(&QueueProps { world: props.world.clone() }) }
            <div class="pipeline__arrow pipeline__arrow--down" aria-hidden="true">{ vtr(arrow) }</div>
            <div class={classes!("pipeline__consumers", (consumers > 2).then_some("pipeline__consumers--many"))}>
                { for (0..consumers).map(|c| html! {
                    { consumer_panel(&ConsumerProps { world: props.world.clone(), consumer: c, selected: consumers > 1 && c == props.selected, onapply: props.onapply.clone(), onselect: props.onselect.clone() }) }
                }) }
            </div>
            { armed(&ArmedProps { world: props.world.clone(), onapply: props.onapply.clone() }) }
        </section>
    }
}
