//! Free play: every control, no script, no goals.

use super::{Lab, Narrative};
use crate::i18n::{language, n_, tr};
use crate::sim::config::Config;
use std::cell::Cell;

/// Free play, its words as catalogue keys (`Lab::all` translates them) and its hint in [`hints`].
pub const LAB: Lab = Lab {
    id: "sandbox",
    number: 0,
    title: n_("Free play"),
    summary: n_("Every control, no script: build your own incident."),
    narrative: Narrative {
        predict: n_(
            "Pick a crash point and a strategy. Before you press play, say out loud what will happen to the money.",
        ),
        run: n_(
            "Arm crashes on the consumer's step rail, flip the strategy toggles, add consumers, break the gateway.",
        ),
        observe: n_(
            "Watch the totals, the charges per customer and the dashboards. Every anomaly links to the events behind it.",
        ),
        explain: n_(
            "If a result surprised you, step back through the event log and find the exact boundary where it went wrong.",
        ),
    },
    prediction: None,
    diagnosis: None,
    seed: 1,
    config: Config::DEFAULT,
    actions: statics![],
    goals: statics![],
    hints: &[],
    solution: n_("There is no single answer here: the labs each isolate one lesson."),
    fix: |_| {},
};

/// Free play's one hint in the installed language. A lab's hints are a `&'static` slice, so the
/// translated one is leaked, once per language (a page installs one language per visit).
pub fn hints() -> &'static [&'static str] {
    thread_local! {
        static HINTS: Cell<Option<(&'static str, &'static [&'static str])>> = const { Cell::new(None) };
    }
    HINTS.with(|h| match h.get() {
        Some((code, hints)) if code == language() => hints,
        _ => {
            let hints: &'static [&'static str] = Vec::leak(vec![tr(
                "The sweep view runs every crash point against every strategy in one go.",
            )]);
            h.set(Some((language(), hints)));
            hints
        }
    })
}
