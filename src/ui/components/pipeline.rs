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

/// The pipeline as a component, for pages that mount it on its own; the app draws its three parts
/// itself, each memoized (see [`section`]).
#[component]
pub fn Pipeline(props: &PipelineProps) -> Html {
    section([head(&props.world), broker(&props.world), consumers(props)])
}

/// The pipeline's panel around its three parts. The app memoizes each part on its own: on a phone the
/// first screen ends around the producer's line, with the queue and the consumers below it, and a
/// play tick then redraws only the parts in view.
pub fn section(parts: [Html; 3]) -> Html {
    html! {
        <section class="panel pipeline" id="panel-pipeline" aria-labelledby="pipeline-title" data-testid="pipeline">
            <h2 class="panel__title" id="pipeline-title">{ vtr("Pipeline") }</h2>
            { for parts }
        </section>
    }
}

/// The producer.
pub fn head(world: &World) -> Html {
    let (published, payments, interval) = {
        let sim = world.sim();
        let c = sim.config();
        (sim.published(), c.payments, c.publish_interval_ms)
    };
    html! {
        <div class="pipeline__producer" data-testid="producer">
            <strong>{ vtr("Producer") }</strong>
            { vtext(trf_n(" publishes a payment every {0} ms: {1} of {2} sent", &[interval as u64, published as u64, payments as u64])) }
            <span class="pipeline__arrow" aria-hidden="true">{ " ↓" }</span>
        </div>
    }
}

/// The broker's queue and the arrow down to the consumers.
pub fn broker(world: &World) -> Html {
    let arrow = super::broker::words(&world.sim().config().broker).arrow;
    html! {
        <>
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
