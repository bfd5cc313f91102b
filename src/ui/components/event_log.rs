//! The event log, filterable by kind and by payment, with each anomaly linked to the events that
//! caused it. The checker names the anomaly and its causes; this view only lets you follow them.

use super::memo::Memo;
use super::words::{counted, seconds};
use crate::i18n::{tr, tr_n, trf_n};
use crate::sim::Event;
use crate::sim::event::LoggedEvent;
use crate::sim::message::payment_label;
use crate::ui::hooks::rows_in_parts;
use crate::ui::state::World;
use crate::ui::{atr, narrate};
use crate::ui::{vtext, vtr};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Rows drawn at most.
const MAX_ROWS: usize = 200;
/// Rows drawn per part when the log catches up with a run in parts (`EventLogProps::parts`).
const ROWS_PER_PART: usize = 10;
/// The parts of a catch-up: the last one draws every row.
pub const PARTS: usize = MAX_ROWS / ROWS_PER_PART;
/// Anomalies listed at most.
const MAX_ANOMALIES: usize = 50;

#[derive(Properties)]
pub struct EventLogProps {
    pub world: World,
    /// How many parts of the rows to draw (see `hooks::use_staged_worlds`).
    #[prop_or(usize::MAX)]
    pub parts: usize,
    /// The payment the log is narrowed to.
    pub focus: Option<u32>,
    pub onfocus: Callback<Option<u32>>,
}

// Not `onfocus`: the app makes a new one on every render (it only dispatches, so an older one does the
// same), and comparing it would redraw the whole log on every play tick.
impl PartialEq for EventLogProps {
    fn eq(&self, other: &Self) -> bool {
        (&self.world, self.parts, self.focus) == (&other.world, other.parts, other.focus)
    }
}

#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let kind = use_state(String::new);
    // Finding anomalies walks the payments: once per run shown (not again when a filter changes), and
    // not at all while the checker's totals (kept per event count) count none.
    let anomalies = use_memo(props.world.clone(), |world| {
        let sim = world.sim();
        if sim.totals().anomalies() == 0 {
            Vec::new()
        } else {
            sim.anomalies(MAX_ANOMALIES)
        }
    });
    let sim = props.world.sim();
    let causes: Vec<u64> = props
        .focus
        .and_then(|p| anomalies.iter().find(|a| a.payment == p))
        .map(|a| a.causes.clone())
        .unwrap_or_default();

    let onkind = {
        let kind = kind.clone();
        Callback::from(move |e: web_sys::Event| {
            kind.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let onpayment = {
        let onfocus = props.onfocus.clone();
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
            onfocus.emit(digits.parse::<u32>().ok());
        })
    };
    let onclear = props.onfocus.reform(|_: MouseEvent| None);

    let window = sim.events().window();
    // A row is drawn again only if its event could differ: in another run, or after an action changed
    // the run from some moment on (events after it are new, under the same sequence numbers).
    let run = props.world.key().0;
    let actions = props.world.timeline().actions().len() as u64;
    let rows: Vec<Html> = window
        .iter()
        .rev()
        .filter(|e| kind.is_empty() || e.event.kind() == kind.as_str())
        .filter(|e| props.focus.is_none() || e.event.payment() == props.focus)
        .take(rows_in_parts(props.parts, ROWS_PER_PART, MAX_ROWS))
        .map(|&e| {
            let cause = causes.contains(&e.seq);
            // Keyed by sequence number: a new event adds one row at the top, and a catch-up part adds
            // rows at the bottom, instead of rewriting every row (Yew matches unkeyed rows from the
            // end). A row already drawn is not drawn again: a catch-up part costs its new rows only.
            html! {
                <Memo key={e.seq} deps={(run, e.seq, actions << 1 | cause as u64)} render={Rc::new(move || row(&e, cause)) as Rc<dyn Fn() -> Html>} />
            }
        })
        .collect();

    // A few anomalies per part too: each is a row with a button.
    let anomaly_items = anomalies.iter().take(rows_in_parts(props.parts, 5, MAX_ANOMALIES)).map(|a| {
        let p = a.payment;
        let onshow = props.onfocus.reform(move |_: MouseEvent| Some(p));
        let focused = props.focus == Some(p);
        html! {
            <li class={classes!("anomaly", format!("anomaly--{}", a.outcome.name()), focused.then_some("anomaly--focused"))}
                data-testid="anomaly" data-payment={p.to_string()} data-outcome={a.outcome.name()}>
                <span aria-hidden="true">{ "⚠ " }</span>
                <strong>{ vtext(format!("{} {}", payment_label(p), a.outcome.label())) }</strong>
                { vtext(trf_n(": charged {0}×, recorded {1}×. ", &[a.charges as u64, a.ledger_rows as u64])) }
                <button type="button" class="link-button" data-testid="anomaly-causes"
                    aria-pressed={focused.to_string()} onclick={onshow}>
                    { counted(a.causes.len() as u64, tr_n("Show its {0} cause event", "Show its {0} cause events", a.causes.len() as u64)) }
                </button>
            </li>
        }
    });

    let dropped = sim.events().dropped();
    html! {
        <section class="panel log" aria-labelledby="log-title" data-testid="event-log">
            <h2 class="panel__title" id="log-title">{ vtr("Anomalies and events") }</h2>
            if anomalies.is_empty() {
                <p class="log__none" data-testid="anomalies-none">{ vtr("No anomaly so far: every finished payment was charged once.") }</p>
            } else {
                <ul class="log__anomalies scrollbox" tabindex="0" aria-label={trf_n("Anomalies: {0}", &[anomalies.len() as u64])}>{ for anomaly_items }</ul>
            }
            <div class="log__filters toolbar">
                <label for="event-kind">{ vtr("Kind ") }
                    <select id="event-kind" data-testid="event-filter-kind" onchange={onkind}>
                        <option value="" selected={kind.is_empty()}>{ vtr("all events") }</option>
                        { for Event::KINDS.iter().map(|k| html! {
                            <option value={*k} selected={kind.as_str() == *k}>{ vtext(kind_word(k)) }</option>
                        }) }
                    </select>
                </label>
                <label for="event-payment">{ vtr("Payment ") }
                    <input id="event-payment" class="mono" data-testid="event-filter-payment" size="9"
                        placeholder={atr("e.g. 3")} inputmode="numeric"
                        value={props.focus.map(|p| p.to_string()).unwrap_or_default()}
                        oninput={onpayment} />
                </label>
                if props.focus.is_some() {
                    <button type="button" class="button" data-testid="event-filter-clear" onclick={onclear}>{ vtr("Show all payments") }</button>
                }
                <span class="log__count">
                    { vtext(trf_n("newest first · {0} listed of {1} events (the list scrolls)", &[rows.len() as u64, sim.events().total()])) }
                    if dropped > 0 { { vtext(trf_n(" ({0} oldest no longer kept)", &[dropped])) } }
                </span>
            </div>
            <ol class="log__events scrollbox" reversed=true tabindex="0"
                aria-label={trf_n("Events, newest first: {0} listed", &[rows.len() as u64])} data-testid="event-list">{ for rows }</ol>
        </section>
    }
}

/// One row of the log.
fn row(e: &LoggedEvent, cause: bool) -> Html {
    html! {
        <li class={classes!("event", format!("event--{}", e.event.kind()), cause.then_some("event--cause"))}
            data-testid="event-row" data-seq={e.seq.to_string()} data-kind={e.event.kind()} data-time={e.time.to_string()}
            data-payment={e.event.payment().map(|p| p.to_string())}>
            <span class="event__time mono">{ vtext(seconds(e.time)) }</span>
            <span class="event__kind">{ vtext(kind_label(&e.event)) }</span>
            <span class="event__text">{ narrate::event(&e.event) }</span>
            if cause { <span class="event__cause">{ vtr("◆ cause") }</span> }
        </li>
    }
}

fn kind_label(e: &Event) -> &'static str {
    kind_word(e.kind())
}

/// An event kind (`dead_lettered`) in the page's words. The words are one catalogue entry in the
/// order of [`Event::KINDS`]: one lookup instead of 24 keeps the download small.
fn kind_word(kind: &'static str) -> &'static str {
    let i = Event::KINDS.iter().position(|k| *k == kind).unwrap_or(0);
    tr("published|delivered|duplicate skipped|charged|charge failed|ledger written|record written|committed|rolled back|constraint violated|acked|ack lost|retry scheduled|requeued|dead lettered|crashed|restarted|reconnected|charge timed out|retry waiting|republished|publisher crashed|sqs duplicate|fifo dropped")
        .split('|')
        .nth(i)
        .unwrap_or(kind)
}
