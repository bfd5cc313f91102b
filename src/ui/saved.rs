//! What the browser remembers between visits: settings and lab progress, in `localStorage` under a
//! versioned key.
//!
//! A remembered value is a convenience, never a requirement: storage may be missing (private windows,
//! `file://`), full, or hold something a newer or older version wrote. Any of those gives the defaults
//! and, when something was really unreadable, one sentence for the user.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The storage key. Bump the version when the shape changes incompatibly.
pub const KEY: &str = "redelivery-lab/v1";

/// Preferences.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Simulated milliseconds per real millisecond.
    pub speed: f64,
    /// The projector theme (large type, maximum contrast).
    pub projector: bool,
    /// The lab open last time.
    pub lab: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            speed: 0.25,
            projector: false,
            lab: "sandbox".to_string(),
        }
    }
}

/// How far a learner got in one lab.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LabProgress {
    /// Goals that have passed at least once (a fix's goal passes in a different run than the
    /// reproduction's, so progress is remembered across runs).
    pub achieved: BTreeSet<String>,
    /// The option picked for the lab's prediction.
    pub prediction: Option<usize>,
    /// Hints revealed.
    pub hints_shown: usize,
    /// Has the learner looked at the solution?
    pub solution_seen: bool,
}

/// Everything remembered.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Saved {
    /// Preferences.
    pub settings: Settings,
    /// Progress by lab id.
    pub progress: BTreeMap<String, LabProgress>,
    /// Checklist practices ticked by hand (the ones the simulation cannot verify).
    pub checklist: Vec<String>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads what was saved. `Err` carries a sentence for the user and comes with the defaults.
pub fn load() -> (Saved, Option<String>) {
    let Some(raw) = storage().and_then(|s| s.get_item(KEY).ok().flatten()) else {
        return (Saved::default(), None);
    };
    match serde_json::from_str::<Saved>(&raw) {
        Ok(mut saved) => {
            if !(saved.settings.speed.is_finite() && saved.settings.speed > 0.0) {
                saved.settings.speed = Settings::default().speed;
            }
            (saved, None)
        }
        Err(_) => (
            Saved::default(),
            Some(
                "Your saved settings and lab progress could not be read, so the defaults are in use."
                    .to_string(),
            ),
        ),
    }
}

/// Writes `saved`; a full or missing storage is ignored (the app works without it).
pub fn store(saved: &Saved) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(saved)) {
        let _ = s.set_item(KEY, &json);
    }
}
