//! The database: the payments ledger, the processed-payment table and the consumers' open
//! transactions. It survives a crash; an open transaction does not.

use super::memo::Memo;
use crate::i18n::{n_, tr, trf, trf_n};
use crate::sim::message::{CUSTOMER_NAMES, money, payment_label};
use crate::ui::hooks::rows_in_parts;
use crate::ui::state::World;
use crate::ui::{atr, vtext, vtr};
use std::rc::Rc;
use yew::prelude::*;

/// Rows drawn at most per table; the totals always count every payment.
const MAX_ROWS: usize = 50;
/// The parts in which the database, and then the charges, catch up with a run (see
/// `hooks::use_staged_worlds`): a quarter of their rows each. In two halves, each part took 15–27 ms
/// of script on a 4x-throttled phone; in quarters, 5–20 ms.
pub const PARTS: usize = 4;
/// Payments scanned at most (a million-payment run must not stall a frame).
const MAX_SCAN: u32 = 20_000;

#[derive(Properties)]
pub struct DatabaseProps {
    pub world: World,
    /// The run the gateway's charges show, drawn after the database (see `hooks::use_staged_worlds`):
    /// both stores sit in one component, so that neither redraws while its run stays the same.
    pub charges: World,
    /// How many parts of the database and of the charges to draw (see `hooks::use_staged_worlds`):
    /// a [`PARTS`]th of their rows more in each.
    pub parts: (usize, usize),
    pub onapply: Callback<crate::sim::Command>,
}

// Not `onapply`: the app makes a new one on every render (it only dispatches, so an older one does the
// same), and comparing it would redraw both stores on every play tick.
impl PartialEq for DatabaseProps {
    fn eq(&self, other: &Self) -> bool {
        (&self.world, &self.charges, self.parts) == (&other.world, &other.charges, other.parts)
    }
}

/// The database and the charges, each drawn again only when the run it shows changed: a catch-up
/// gives them the run in separate parts.
#[component]
pub fn DatabasePanel(props: &DatabaseProps) -> Html {
    let (world, charges) = (props.world.clone(), props.charges.clone());
    let onapply = props.onapply.clone();
    let (parts, charge_parts) = props.parts;
    let (deps, charge_deps) = (world.deps(parts as u64), charges.deps(charge_parts as u64));
    html! {
        <>
        <Memo {deps} render={Rc::new(move || database(&world, parts)) as Rc<dyn Fn() -> Html>} />
        <Memo deps={charge_deps} render={Rc::new(move || super::charges::charges(&super::charges::ChargesProps { world: charges.clone(), parts: charge_parts, onapply: onapply.clone() })) as Rc<dyn Fn() -> Html>} />
        </>
    }
}

/// The ledger, the processed records and the open transactions; in a catch-up's parts, a [`PARTS`]th
/// of the rows of each table more at a time.
fn database(world: &World, parts: usize) -> Html {
    let max_rows = rows_in_parts(parts, MAX_ROWS / PARTS, MAX_ROWS);
    let sim = world.sim();
    let db = sim.ledger();
    let scan = sim.published().min(MAX_SCAN);
    let mut ledger = Vec::new();
    let mut processed = Vec::new();
    let mut more = false;
    for p in 0..scan {
        let rows = db.ledger_rows(p);
        if rows > 0 {
            if ledger.len() < max_rows {
                ledger.push((p, rows));
            } else {
                more = true;
            }
        }
        if db.processed(p) && processed.len() < max_rows {
            processed.push(p);
        }
    }
    more |= sim.published() > MAX_SCAN;
    let open: Vec<Html> = (0..sim.config().consumers)
        .filter_map(|c| db.tx(c).map(|tx| (c, tx)))
        .map(|(c, tx)| {
            let mut pending = Vec::new();
            if tx.ledger {
                pending.push(tr("ledger row"));
            }
            if tx.record {
                pending.push(tr("processed record"));
            }
            html! {
                <li class="database__tx" data-testid="open-transaction" data-consumer={c.to_string()}>
                    { if pending.is_empty() {
                        trf("Consumer {0}: open transaction for {1} (nothing written yet)", &[&(c + 1).to_string(), &payment_label(tx.payment)])
                      } else {
                        trf("Consumer {0}: open transaction for {1} — not yet committed: {2}", &[&(c + 1).to_string(), &payment_label(tx.payment), &pending.join(", ")])
                      } }
                </li>
            }
        })
        .collect();
    let ledger_rows = ledger.iter().map(|&(p, rows)| {
        let m = sim.message(p);
        let duplicate = rows > 1;
        html! {
            // Keyed: each later part of a catch-up adds rows after the earlier parts' instead of rewriting them.
            <tr key={p} class={classes!("database__row", duplicate.then_some("database__row--duplicate"))}
                data-testid="ledger-row" data-payment={p.to_string()} data-rows={rows.to_string()}>
                <td class="mono">{ vtext(payment_label(p)) }</td>
                <td>{ CUSTOMER_NAMES[m.customer as usize % CUSTOMER_NAMES.len()] }</td>
                <td class="mono num">{ vtext(money(m.amount_cents as u64)) }</td>
                <td class="mono num">
                    { vtext(format!("×{rows}")) }
                    if duplicate { <span class="database__flag">{ vtr(" ⚠ duplicate") }</span> }
                </td>
            </tr>
        }
    });
    html! {
        <section class="panel database" aria-labelledby="database-title">
            <h2 class="panel__title" id="database-title">{ vtr("Database") }</h2>
            if !open.is_empty() {
                <ul class="database__open">{ for open }</ul>
            }
            <div class="database__tables">
                <div class="database__ledger">
                    <h3 class="database__heading">
                        { vtr("Ledger") }
                        if more { <span class="database__note">{ vtext(trf_n(" (first {0} payments shown)", &[ledger.len() as u64])) }</span> }
                    </h3>
                    if ledger.is_empty() {
                        <p class="database__empty">{ vtr("No ledger rows yet.") }</p>
                    } else {
                        <div class="database__scroll scrollbox" tabindex="0" role="region" aria-label={atr("Ledger rows")}>
                            <table class="table database__table">
                                <thead><tr><th>{ vtr("payment") }</th><th>{ vtr("customer") }</th><th class="num">{ vtr("amount") }</th><th class="num">{ vtr("rows") }</th></tr></thead>
                                <tbody>{ for ledger_rows }</tbody>
                            </table>
                        </div>
                    }
                </div>
                <div class="database__processed">
                    <h3 class="database__heading">{ vtr("Processed") }</h3>
                    if processed.is_empty() {
                        <p class="database__empty">{ vtr(if sim.config().strategy.idempotency { n_("Empty so far.") } else { n_("Unused: the check is off.") }) }</p>
                    } else {
                        <ul class="database__records database__scroll scrollbox" tabindex="0" aria-label={atr("Processed payments")}>
                            { for processed.iter().map(|&p| html! {
                                <li key={p} class="mono" data-testid="processed-row" data-payment={p.to_string()}>{ vtext(payment_label(p)) }</li>
                            }) }
                        </ul>
                    }
                </div>
            </div>
            if more {
                <p class="database__empty">{ vtr("The outcome totals count every payment.") }</p>
            }
        </section>
    }
}
