//! The broker's `payments` queue: what waits, what is out with a consumer, what gave up.
//!
//! A chip's delivery count is the broker's memory of a message; a redelivered one is marked with an
//! icon and a word, because a redelivery is the first visible sign that a duplicate may follow.

use crate::i18n::{tr, trf_n};
use crate::sim::broker::Broker;
use crate::sim::message::payment_label;
use crate::ui::state::World;
use crate::ui::{atr, vtext, vtr};
use yew::prelude::*;

/// Room per lane, in plain chips (a redelivered chip, with its word, takes three): at most two lines
/// at 1280×720. The lane's count is always complete and the rest is "+N more", so a long queue never
/// pushes the consumers off the first screen.
const ROOM: usize = 6;

#[derive(Properties, PartialEq)]
pub struct QueueProps {
    pub world: World,
}

/// The first chips of a lane that fit its [`ROOM`].
/// (`dyn`: one copy of this code for the three lanes, not three.)
fn chips(payments: &mut dyn Iterator<Item = u32>, broker: &Broker, ready: bool) -> Vec<Html> {
    let mut used = 0;
    payments
        .map(|p| (p, broker.message(p).deliveries))
        .take_while(|&(_, d)| {
            used += if redelivered(d, ready) { 3 } else { 1 };
            used <= ROOM
        })
        .map(|(p, d)| chip(p, d, ready))
        .collect()
}

/// A ready message that was delivered before will be a redelivery when it goes out again.
fn redelivered(deliveries: u16, ready: bool) -> bool {
    if ready {
        deliveries >= 1
    } else {
        deliveries > 1
    }
}

fn chip(payment: u32, deliveries: u16, ready: bool) -> Html {
    let redelivered = redelivered(deliveries, ready);
    let class = classes!("chip", redelivered.then_some("chip--redelivered"));
    html! {
        <li {class} data-testid="message-chip" data-payment={payment.to_string()}
            data-deliveries={deliveries.to_string()}>
            <span class="chip__id mono">{ vtext(payment_label(payment)) }</span>
            if deliveries > 0 {
                <span class="chip__count" title={atr("Times the broker has delivered it")}>{ vtext(format!("×{deliveries}")) }</span>
            }
            if redelivered {
                <span class="chip__flag"><span aria-hidden="true">{ "↻ " }</span>{ vtr("redelivered") }</span>
            }
        </li>
    }
}

fn lane(title: &str, testid: &str, count: u32, chips: Vec<Html>, empty: &str) -> Html {
    let more = count as usize - chips.len().min(count as usize);
    html! {
        <div class="queue__lane">
            <h4 class="queue__lane-title">
                { title }{ " " }<span class="queue__count mono" data-testid={testid.to_string()}>{ count }</span>
            </h4>
            if chips.is_empty() {
                <p class="queue__empty">{ vtext(empty) }</p>
            } else {
                <ul class="queue__chips">
                    { for chips }
                    if more > 0 { <li class="chip chip--more" data-testid="queue-more">{ vtext(trf_n("+{0} more", &[more as u64])) }</li> }
                </ul>
            }
        </div>
    }
}

pub fn queue(props: &QueueProps) -> Html {
    let sim = props.world.sim();
    let broker = sim.broker();
    let ready = chips(&mut broker.ready_queue(), broker, true);
    let in_flight = chips(
        &mut sim.consumers().iter().flat_map(|c| {
            c.job
                .map(|j| j.payment)
                .into_iter()
                .chain(c.buffer.iter().map(|d| d.payment))
        }),
        broker,
        false,
    );
    let dead = broker.dead_letter();
    let dead_chips = chips(&mut dead.iter().rev().copied(), broker, false);
    let waiting = broker.waiting_count();
    let super::broker::Words {
        title: kind,
        lanes: names,
        ..
    } = super::broker::words(&sim.config().broker);
    html! {
        <section class="queue" id="pipeline-queue" aria-labelledby="queue-title">
            <h3 class="queue__title" id="queue-title">
                { vtr(kind) }<code>{ "payments" }</code>
            </h3>
            <div class="queue__lanes">
                { lane(tr(names[0]), "queue-ready", broker.ready_count(), ready, tr("empty")) }
                { lane(tr(names[1]), "queue-in-flight", broker.in_flight_count(), in_flight, tr("none")) }
                { lane(tr(names[2]), "queue-dead-letter", dead.len() as u32, dead_chips, tr("none")) }
            </div>
            if waiting > 0 {
                <p class="queue__waiting">{ vtext(trf_n("{0} waiting out a retry delay", &[waiting as u64])) }</p>
            }
        </section>
    }
}
