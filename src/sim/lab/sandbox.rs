//! Free play: every control, no script, no goals.

use super::{Lab, Narrative};
use crate::sim::config::Config;

pub fn lab() -> Lab {
    Lab {
        id: "sandbox",
        number: 0,
        title: "Free play",
        summary: "Every control, no script: build your own incident.",
        narrative: Narrative {
            predict: "Pick a crash point and a strategy. Before you press play, say out loud what will happen to the money.",
            run: "Arm crashes on the consumer's step rail, flip the strategy toggles, add consumers, break the gateway.",
            observe: "Watch the totals, the charges per customer and the dashboards. Every anomaly links to the events behind it.",
            explain: "If a result surprised you, step back through the event log and find the exact boundary where it went wrong.",
        },
        prediction: None,
        diagnosis: None,
        seed: 1,
        config: Config::default(),
        actions: vec![],
        goals: vec![],
        hints: &["The sweep view runs every crash point against every strategy in one go."],
        solution: "There is no single answer here: the labs each isolate one lesson.",
        fix: |_| {},
    }
}
