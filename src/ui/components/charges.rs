//! The card gateway's charges, grouped by customer: the money that actually moved.
//!
//! A database can roll back a row; nobody can roll back a card charge. So this is where a duplicate
//! hurts, and each extra charge is marked with an icon and the word "duplicate", never colour alone.

use super::words::counted;
use crate::i18n::{tr_n, trf, trf_n};
use crate::sim::Command;
use crate::sim::message::{CUSTOMER_NAMES, money, payment_label};
use crate::ui::hooks::rows_in_parts;
use crate::ui::state::World;
use crate::ui::{atr, vtext, vtr};
use yew::prelude::*;

/// Charge rows drawn at most; the totals always count every payment.
const MAX_ROWS: usize = 60;
/// Payments scanned at most for the rows (a million-payment run must not stall a frame).
const MAX_SCAN: u32 = 20_000;

#[derive(Properties, PartialEq)]
pub struct ChargesProps {
    pub world: World,
    /// How many parts to draw (see `hooks::use_staged_worlds`): a quarter of the rows more in each.
    pub parts: usize,
    pub onapply: Callback<Command>,
}

/// How long the outage button takes the gateway down.
const OUTAGE_MS: u32 = 3_000;

/// More rows than this do not fit a card's list (static/app.css `.charges__rows`): say it scrolls.
const SCROLL_HINT_ROWS: usize = 6;

struct Row {
    payment: u32,
    nth: u8,
    of: u8,
    amount: u32,
}

pub fn charges(props: &ChargesProps) -> Html {
    let sim = props.world.sim();
    let gateway = sim.gateway();
    let customers = sim.config().customers as usize;
    let max_rows = rows_in_parts(props.parts, MAX_ROWS / super::database::PARTS, MAX_ROWS);
    let mut by_customer: Vec<Vec<Row>> = (0..customers).map(|_| Vec::new()).collect();
    let mut shown = 0;
    let mut truncated = false;
    for p in 0..sim.published().min(MAX_SCAN) {
        let n = gateway.charges(p);
        if n == 0 {
            continue;
        }
        let m = sim.message(p);
        for nth in 1..=n {
            if shown == max_rows {
                truncated = true;
                break;
            }
            by_customer[m.customer as usize % customers].push(Row {
                payment: p,
                nth,
                of: n,
                amount: m.amount_cents,
            });
            shown += 1;
        }
    }
    truncated |= sim.published() > MAX_SCAN;
    let total = gateway.total_charges();
    let now = sim.now();
    let outage = sim.config().gateway.outage.filter(|o| o.covers(now));
    let onoutage = props
        .onapply
        .reform(|_: MouseEvent| Command::GatewayOutage {
            duration_ms: OUTAGE_MS,
            kind: crate::sim::OutageKind::Refuse,
        });
    let onhang = props
        .onapply
        .reform(|_: MouseEvent| Command::GatewayOutage {
            duration_ms: OUTAGE_MS,
            kind: crate::sim::OutageKind::Hang,
        });
    let card = |(i, rows): (usize, &Vec<Row>)| {
        if rows.is_empty() {
            return html! {};
        }
        let sum: u64 = rows.iter().map(|r| r.amount as u64).sum();
        let dups = rows.iter().filter(|r| r.nth > 1).count();
        let name = CUSTOMER_NAMES[i];
        // The list scrolls past a few rows: the heading counts every row and every duplicate, so
        // a duplicate below the fold is still announced, and the note says the list scrolls.
        let n = rows.len() as u64;
        let counted = counted(n, tr_n("1 charge", "{0} charges", n));
        let dup_note = (dups > 0).then(|| {
            let d = dups as u64;
            super::words::counted(d, tr_n("1 duplicate", "{0} duplicates", d))
        });
        html! {
            <div class={classes!("charges__customer", (dups > 0).then_some("charges__customer--duplicate"))}
                data-testid="customer-charges" data-customer={CUSTOMER_NAMES[i]}>
                <h3 class="charges__name">
                    { CUSTOMER_NAMES[i] }
                    <span class="charges__sum mono" data-testid="customer-charges-count"
                        data-charges={rows.len().to_string()} data-duplicates={dups.to_string()}>
                        { vtext(counted.clone()) }
                        if let Some(d) = &dup_note { { " · " }<strong>{ vtext(d.clone()) }</strong> }
                        { vtext(format!(" · {}", money(sum))) }
                    </span>
                </h3>
                <ul class="charges__rows scrollbox" tabindex="0"
                    aria-label={trf("{0}'s {1}", &[name, &counted]) + &dup_note.as_ref().map(|d| format!(", {d}")).unwrap_or_default()}>
                    { for rows.iter().map(row) }
                </ul>
                if rows.len() > SCROLL_HINT_ROWS {
                    <p class="scrollbox__hint" data-testid="charges-scroll-hint">
                        <span aria-hidden="true">{ "↕ " }</span>{ vtext(trf_n("scroll the list for all {0}", &[rows.len() as u64])) }
                    </p>
                }
            </div>
        }
    };
    html! {
        <section class="panel charges" aria-labelledby="charges-title">
            <h2 class="panel__title" id="charges-title">{ vtr("Card gateway: charges per customer") }</h2>
            <div class="charges__bar">
                <p class="charges__summary">{ super::words::counted(total, tr_n("1 charge made", "{0} charges made", total)) }</p>
                if let Some(o) = outage {
                    <p class="charges__outage" data-testid="gateway-down">
                        <span aria-hidden="true">{ "⚠ " }</span>{ if o.kind == crate::sim::OutageKind::Hang {
                            trf("Gateway hanging until t = {0}", &[&super::words::seconds(o.until_ms)])
                        } else {
                            trf("Gateway refusing calls until t = {0}", &[&super::words::seconds(o.until_ms)])
                        } }
                    </p>
                }
                <button type="button" class="button button--danger charges__outage-button" data-testid="gateway-outage"
                    title={atr("The gateway refuses every call for the next 3 simulated seconds")} onclick={onoutage}>
                    { vtr("Gateway refuses (3 s)") }
                </button>
                <button type="button" class="button button--danger charges__outage-button" data-testid="gateway-hang"
                    title={atr("The gateway accepts calls but answers none for the next 3 simulated seconds, then works through the pile")} onclick={onhang}>
                    { vtr("Gateway hangs (3 s)") }
                </button>
            </div>
            if total == 0 {
                <p class="charges__empty">{ vtr("No card has been charged yet.") }</p>
            }
            <div class="charges__customers">
                { for by_customer.iter().enumerate().map(card) }
            </div>
            if truncated {
                <p class="charges__more">{ vtext(trf_n("Showing the first {0} charges; the outcome totals count every payment.", &[shown as u64])) }</p>
            }
        </section>
    }
}

fn row(r: &Row) -> Html {
    let duplicate = r.nth > 1;
    html! {
        // Keyed: each later part of a catch-up adds rows after the earlier parts' instead of rewriting them.
        <li key={r.payment << 8 | r.nth as u32} class={classes!("charges__row", duplicate.then_some("charges__row--duplicate"))}
            data-testid="charge-row" data-payment={r.payment.to_string()}
            data-charge={r.nth.to_string()} data-duplicate={duplicate.to_string()}>
            <span class="charges__payment mono">{ vtext(payment_label(r.payment)) }</span>
            <span class="charges__amount mono">{ vtext(money(r.amount as u64)) }</span>
            if duplicate {
                <span class="charges__flag">
                    <span aria-hidden="true">{ "⚠ " }</span>
                    { vtext(trf_n("duplicate charge ({0} of {1})", &[r.nth as u64, r.of as u64])) }
                </span>
            }
        </li>
    }
}
