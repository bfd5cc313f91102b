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

/// The pipeline as a component, for pages that mount it on its own; the app draws its two halves
/// itself (see [`section`]).
#[component]
pub fn Pipeline(props: &PipelineProps) -> Html {
    section(head(&props.world), consumers(props))
}

/// The pipeline's panel around its two halves. The app memoizes each half on its own: on a phone the
/// consumers sit below the first screen while the producer and the queue are on it, and a play tick
/// then redraws only the half in view.
pub fn section(head: Html, consumers: Html) -> Html {
    html! {
        <section class="panel pipeline" id="panel-pipeline" aria-labelledby="pipeline-title" data-testid="pipeline">
            <h2 class="panel__title" id="pipeline-title">{ vtr("Pipeline") }</h2>
            { head }
            { consumers }
        </section>
    }
}

/// The producer and the broker's queue.
pub fn head(world: &World) -> Html {
    let (published, payments, interval, arrow) = {
        let sim = world.sim();
        let c = sim.config();
        (
            sim.published(),
            c.payments,
            c.publish_interval_ms,
            super::broker::words(&c.broker).arrow,
        )
    };
    html! {
        <>
            <div class="pipeline__producer" data-testid="producer">
                <strong>{ vtr("Producer") }</strong>
                { vtext(trf_n(" publishes a payment every {0} ms: {1} of {2} sent", &[interval as u64, published as u64, payments as u64])) }
                <span class="pipeline__arrow" aria-hidden="true">{ " ↓" }</span>
            </div>
            { queue(&QueueProps { world: world.clone() }) }
            <div class="pipeline__arrow pipeline__arrow--down" aria-hidden="true">{ vtr(arrow) }</div>
        </>
    }
}

/// The consumers, each with its step rail, and the crashes armed at their boundaries.
pub fn consumers(props: &PipelineProps) -> Html {
    let consumers = props.world.sim().config().consumers;
    html! {
        <>
            <div id="pipeline-consumers" class={classes!("pipeline__consumers", (consumers > 2).then_some("pipeline__consumers--many"))}>
                { for (0..consumers).map(|c| html! {
                    { consumer_panel(&ConsumerProps { world: props.world.clone(), consumer: c, selected: consumers > 1 && c == props.selected, onapply: props.onapply.clone(), onselect: props.onselect.clone() }) }
                }) }
            </div>
            { armed(&ArmedProps { world: props.world.clone(), onapply: props.onapply.clone() }) }
        </>
    }
}
