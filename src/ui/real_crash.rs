//! Real crash mode: the durable parts of the run (broker, database, card gateway) kept in
//! `localStorage` as the run goes, so that closing or reloading the tab is a genuine crash of every
//! consumer. On the next load the core recovers the run from what was saved; this module only moves
//! the text in and out of storage and words the outcome for the learner.

use crate::i18n::{fill, n_, tr, tr_n, trf, trf_n, trs};
use crate::sim::RedeliveryMode;
use crate::sim::broker::MessageState;
use crate::sim::config::AckTiming;
use crate::sim::durable::{DurableError, DurableState};
use crate::sim::timeline::Timeline;
use crate::ui::components::words::{counted, seconds};

/// The storage key of the saved run. Bump the version when the format changes incompatibly.
pub const KEY: &str = "redelivery-lab/v1/durable";
/// The storage key of the lab the saved run belongs to.
pub const LAB_KEY: &str = "redelivery-lab/v1/durable-lab";
/// The storage key of the simulated time the run was saved at (for people and tests reading storage).
pub const AT_KEY: &str = "redelivery-lab/v1/durable-at";
/// The storage key of the tab that saved the run.
pub const TAB_KEY: &str = "redelivery-lab/v1/durable-tab";
/// The `sessionStorage` key of this tab's id: it survives a reload of the tab but no other tab sees it.
const THIS_TAB_KEY: &str = "redelivery-lab/v1/tab";
/// Largest run real crash mode saves: every payment is a row of the saved text.
pub const MAX_PAYMENTS: u32 = 2_000;
/// Real milliseconds between two saves while playing.
pub const SAVE_EVERY_MS: f64 = 300.0;

/// A run brought back after the page was closed.
pub struct Recovered {
    pub timeline: Timeline,
    pub lab: String,
    /// What happened, for the learner.
    pub notice: String,
}

use crate::ui::browser::local_storage as storage;

/// This tab's id, made on first use; `None` without session storage.
fn this_tab() -> Option<String> {
    let session = crate::ui::browser::session_storage()?;
    if let Some(id) = session.get_item(THIS_TAB_KEY).ok().flatten() {
        return Some(id);
    }
    let id = format!("{:016x}", (js_sys::Math::random() * 2f64.powi(53)) as u64);
    session.set_item(THIS_TAB_KEY, &id).ok()?;
    Some(id)
}

/// Saves the durable parts of the run, with its script (nothing at t = 0, and nothing for runs above
/// the cap). `Err` is a sentence for the user: storage is missing or full.
pub fn save(run: &Timeline, lab: &str) -> Result<(), String> {
    let sim = run.sim();
    // Too large to save, or nothing happened yet: an older saved run must not come back instead.
    if sim.config().payments > MAX_PAYMENTS || sim.now() == 0 {
        clear();
        return Ok(());
    }
    let refused = || {
        tr(
            "This browser would not store the run (storage is full or switched off), so real crash \
         mode is off again. Nothing else was lost.",
        )
        .to_string()
    };
    let s = storage().ok_or_else(refused)?;
    s.set_item(KEY, &run.durable_state().to_text())
        .and_then(|()| s.set_item(LAB_KEY, lab))
        .and_then(|()| s.set_item(AT_KEY, &sim.now().to_string()))
        .and_then(|()| s.set_item(TAB_KEY, &this_tab().unwrap_or_default()))
        .map_err(|_| refused())
}

/// Forgets the saved run.
pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
        let _ = s.remove_item(LAB_KEY);
        let _ = s.remove_item(AT_KEY);
        let _ = s.remove_item(TAB_KEY);
    }
}

/// The saved run, recovered, if there is one. `Err` is a sentence for the user (and the saved run is
/// forgotten, so the next load starts clean).
pub fn load() -> Option<Result<Recovered, String>> {
    let s = storage()?;
    let text = s.get_item(KEY).ok().flatten()?;
    let lab = s.get_item(LAB_KEY).ok().flatten().unwrap_or_default();
    let saved_by = s.get_item(TAB_KEY).ok().flatten();
    let other_tab = saved_by.is_some_and(|t| Some(t) != this_tab());
    let recovered = DurableState::from_text(&text).and_then(|state| {
        // Saving refuses runs above the cap, so one here was written by hand: refused like a link.
        if state.config.payments > MAX_PAYMENTS {
            return Err(DurableError(trf_n("The saved run in this browser has {0} payments, more than real crash mode ever saves \
                 ({1}), so it was not restored.", &[state.config.payments as u64, MAX_PAYMENTS as u64])));
        }
        // In a consumer's hands, and handed back before the page closed (an earlier crash, a
        // timeout, a failed try) and still waiting: both are delivered again after the reload.
        let (mut held, mut back) = (0, 0);
        for m in &state.messages {
            match m.state {
                MessageState::InFlight { .. } => held += 1,
                MessageState::Waiting => back += 1,
                MessageState::Ready if m.returned_by.is_some() => back += 1,
                _ => {}
            }
        }
        let auto = state.config.strategy.ack_timing == AckTiming::Auto;
        let redelivery = state.config.redelivery;
        let timeline = Timeline::recover(state)?;
        let sim = timeline.sim();
        let mut notice = notice(
            sim.now(),
            Held {
                held,
                back,
                auto,
            },
            sim.config().consumers,
            redelivery,
        );
        if other_tab {
            notice = trf(
                "This run was saved by another tab of Redelivery Lab (which may still be running \
                 it; the last tab to save wins). {0}",
                &[&notice],
            );
        }
        Ok(Recovered {
            notice,
            timeline,
            lab,
        })
    });
    if recovered.is_err() {
        clear();
    }
    Some(recovered.map_err(|e| {
        trf(
            "{0} Real crash mode is off and the default lab is open.",
            &[&e.0],
        )
    }))
}

/// What the saved run held when the page closed, for the notice.
struct Held {
    /// Payments in a consumer's hands, unacknowledged.
    held: usize,
    /// Payments already handed back and waiting to be delivered again.
    back: usize,
    /// Auto-ack: the broker forgot every message when it sent it.
    auto: bool,
}

fn notice(now: u64, h: Held, consumers: u8, redelivery: RedeliveryMode) -> String {
    let (held, back) = (h.held as u64, h.back as u64);
    let mut what = if h.auto || h.held == 0 {
        // Under auto-ack the broker forgot each message as it sent it: none is held back for it.
        trs("No payment was unacknowledged in a consumer's hands.")
    } else if redelivery == RedeliveryMode::OnDisconnect {
        counted(
            held,
            tr_n(
                "{0} payment unacknowledged in a consumer's hands: the broker saw the connection drop and put it back in the queue, to be delivered again.",
                "{0} payments unacknowledged in a consumer's hands: the broker saw the connection drop and put it back in the queue, to be delivered again.",
                held,
            ),
        )
    } else {
        counted(
            held,
            tr_n(
                "{0} payment unacknowledged in a consumer's hands: the broker hands it out again when the visibility timeout runs out, to be delivered again.",
                "{0} payments unacknowledged in a consumer's hands: the broker hands it out again when the visibility timeout runs out, to be delivered again.",
                held,
            ),
        )
    };
    if back > 0 {
        what.push(' ');
        what += &counted(
            back,
            tr_n(
                "{0} payment handed back earlier still in the queue.",
                "{0} payments handed back earlier still in the queue.",
                back,
            ),
        );
    }
    fill(
        tr(if consumers == 1 {
            n_(
                "Real crash: the page closed at t = {0}. The consumer restarted with an empty memory; the queue, the ledger and the gateway kept theirs. {1} Press play and watch the ledger.",
            )
        } else {
            n_(
                "Real crash: the page closed at t = {0}. Every consumer restarted with an empty memory; the queue, the ledger and the gateway kept theirs. {1} Press play and watch the ledger.",
            )
        }),
        &[&seconds(now), &what],
    )
}
