//! What the browser remembers between visits: settings and lab progress, in `localStorage` under a
//! versioned key.
//!
//! A remembered value is a convenience, never a requirement: storage may be missing (private windows,
//! `file://`), full, or hold something a newer or older version wrote. Any of those gives the defaults
//! and, when something was really unreadable, one sentence for the user.
//!
//! The text is a few `name=value` lines, written and read by hand: a JSON parser for these would be
//! the largest thing in the download for the least reason.
//!
//! Storage is as untrusted as a link (anyone can edit it, and older or newer versions wrote it), so
//! every value is checked against the labs this version has: a value that does not fit is dropped on
//! its own, the rest is kept, and the cleaned text is written back at once, so one bad value never
//! breaks the next load either.

use super::state::{MAX_SPEED, MIN_SPEED};
use crate::i18n::tr;
use crate::sim::checklist;
use crate::sim::lab::Lab;
pub mod ids;

pub use ids::{IdMap, IdSet};

/// The storage key. Bump the version when the shape changes incompatibly (v1 was JSON).
pub const KEY: &str = "redelivery-lab/v2";
/// The first line of the stored text.
const HEADER: &str = "redelivery-lab settings 2";

/// Preferences.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Simulated milliseconds per real millisecond.
    pub speed: f64,
    /// The projector theme (large type, maximum contrast).
    pub projector: bool,
    /// The lab open last time.
    pub lab: String,
    /// Real crash mode: keep the run's durable parts in storage, so closing the page is a crash.
    pub real_crash: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            speed: 0.25,
            projector: false,
            lab: "sandbox".to_string(),
            real_crash: false,
        }
    }
}

/// How far a learner got in one lab.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabProgress {
    /// Goals that have passed at least once (a fix's goal passes in a different run than the
    /// reproduction's, so progress is remembered across runs).
    pub achieved: IdSet,
    /// The option picked for the lab's prediction.
    pub prediction: Option<usize>,
    /// Hints revealed.
    pub hints_shown: usize,
    /// Has the learner looked at the solution?
    pub solution_seen: bool,
    /// Has the prediction's answer been shown? From then on the prediction cannot change.
    pub revealed: bool,
    /// The option picked for the lab's diagnosis question.
    pub diagnosis: Option<usize>,
}

/// Everything remembered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Saved {
    /// Preferences.
    pub settings: Settings,
    /// Progress by lab id.
    pub progress: IdMap<LabProgress>,
    /// Checklist practices ticked by hand (the ones the simulation cannot verify).
    pub checklist: Vec<String>,
}

use crate::ui::browser::local_storage as storage;

/// The stored text of `saved`.
pub fn encode(saved: &Saved) -> String {
    let s = &saved.settings;
    let flag = |b: bool| if b { "1" } else { "0" };
    let mut out = format!(
        "{HEADER}\nspeed={}\nprojector={}\nreal_crash={}\nlab={}\nchecklist={}\n",
        crate::num::fixed(s.speed, 3),
        flag(s.projector),
        flag(s.real_crash),
        s.lab,
        saved.checklist.join(",")
    );
    for (lab, p) in &saved.progress {
        let prediction = p.prediction.map(|n| n.to_string()).unwrap_or_default();
        let achieved: Vec<&str> = p.achieved.iter().map(String::as_str).collect();
        let diagnosis = p.diagnosis.map(|n| n.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "progress={lab};{prediction};{};{};{};{};{diagnosis}\n",
            p.hints_shown,
            flag(p.solution_seen),
            achieved.join(","),
            flag(p.revealed)
        ));
    }
    out
}

/// Reads [`encode`]'s text; `None` when it is not that text. Unknown lines are skipped, so a newer
/// version's additions do not lose the rest, and so is a line whose value cannot be read.
pub fn decode(text: &str) -> Option<Saved> {
    decode_counting(text).map(|(saved, _)| saved)
}

/// Like [`decode`], and says how many lines held a value it could not read (and dropped).
pub fn decode_counting(text: &str) -> Option<(Saved, usize)> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    // Ids are lab, goal and practice names: short and plain, so they never hold a separator.
    let id = |v: &str| {
        (v.len() <= 64
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .then(|| v.to_string())
    };
    let ids = |v: &str| -> Option<Vec<String>> {
        v.split(',').filter(|x| !x.is_empty()).map(id).collect()
    };
    let flag = |v: &str| match v {
        "0" => Some(false),
        "1" => Some(true),
        _ => None,
    };
    let mut saved = Saved::default();
    let mut dropped = 0;
    for line in lines {
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let s = &mut saved.settings;
        // `None`: this line's value is unreadable; it alone is dropped.
        let read: Option<()> = (|| {
            match name {
                "speed" => {
                    s.speed =
                        crate::num::parse_decimal(value).filter(|v| v.is_finite() && *v > 0.0)?
                }
                "projector" => s.projector = flag(value)?,
                "real_crash" => s.real_crash = flag(value)?,
                "lab" => s.lab = id(value)?,
                "checklist" => saved.checklist = ids(value)?,
                "progress" => {
                    let mut f = value.split(';');
                    let (lab, prediction, hints, solution, achieved) =
                        (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
                    // Revealed and diagnosis came later: lines without them read as "not yet".
                    let (revealed, diagnosis) = (f.next().unwrap_or("0"), f.next().unwrap_or(""));
                    let choice = |v: &str| match v {
                        "" => Some(None),
                        n => n.parse().ok().map(Some),
                    };
                    let progress = LabProgress {
                        achieved: ids(achieved)?.into_iter().collect(),
                        prediction: choice(prediction)?,
                        hints_shown: hints.parse().ok()?,
                        solution_seen: flag(solution)?,
                        revealed: flag(revealed)?,
                        diagnosis: choice(diagnosis)?,
                    };
                    saved.progress.insert(id(lab)?, progress);
                }
                _ => {}
            }
            Some(())
        })();
        if read.is_none() {
            dropped += 1;
        }
    }
    Some((saved, dropped))
}

/// Fits `saved` to the labs of this version: the speed into its range, and every lab, goal,
/// prediction, hint count and checklist practice to one that exists (what does not is dropped; a
/// later version may have removed a lab or a prediction option). Returns how many values were
/// dropped; a clamped speed does not count.
pub fn validate(saved: &mut Saved) -> usize {
    let mut dropped = 0;
    let s = &mut saved.settings;
    s.speed = s.speed.clamp(MIN_SPEED, MAX_SPEED);
    if Lab::by_id(&s.lab).is_none() {
        s.lab = Settings::default().lab;
        dropped += 1;
    }
    let before = saved.checklist.len();
    saved
        .checklist
        .retain(|t| checklist::ITEMS.iter().any(|i| i.id == t));
    dropped += before - saved.checklist.len();
    let labs = Lab::all();
    let before = saved.progress.len();
    saved
        .progress
        .retain(|id, _| labs.iter().any(|l| l.id == id));
    dropped += before - saved.progress.len();
    for (id, p) in saved.progress.iter_mut() {
        let Some(lab) = labs.iter().find(|l| l.id == id) else {
            continue;
        };
        let options = lab.prediction.as_ref().map_or(0, |p| p.options.len());
        if p.prediction.is_some_and(|n| n >= options) {
            p.prediction = None;
            dropped += 1;
        }
        let answers = lab.diagnosis.as_ref().map_or(0, |d| d.options.len());
        if p.diagnosis.is_some_and(|n| n >= answers) {
            p.diagnosis = None;
            dropped += 1;
        }
        if p.hints_shown > lab.hints.len() {
            p.hints_shown = lab.hints.len();
            dropped += 1;
        }
        let before = p.achieved.len();
        p.achieved
            .retain(|g| lab.goals.iter().any(|goal| goal.id == g));
        dropped += before - p.achieved.len();
    }
    dropped
}

/// Reads what was saved and checks it ([`validate`]); what had to change is written back at once.
/// The sentence, if any, is for the user.
pub fn load() -> (Saved, Option<String>) {
    let Some(raw) = storage().and_then(|s| s.get_item(KEY).ok().flatten()) else {
        return (Saved::default(), None);
    };
    let (saved, message) = read(&raw);
    if encode(&saved) != raw {
        store(&saved);
    }
    (saved, message)
}

/// [`load`] without the storage: the checked settings, and a sentence when something was dropped.
pub fn read(raw: &str) -> (Saved, Option<String>) {
    match decode_counting(raw) {
        Some((mut saved, unreadable)) => {
            let dropped = unreadable + validate(&mut saved);
            let message = (dropped > 0).then(|| {
                tr("Some of your saved settings or lab progress did not fit this version, so they were \
                 reset; the rest is kept.")
                .to_string()
            });
            (saved, message)
        }
        None => (
            Saved::default(),
            Some(
                tr("Your saved settings and lab progress could not be read, so the defaults are in use.")
                    .to_string(),
            ),
        ),
    }
}

/// Writes `saved`; a full or missing storage is ignored (the app works without it).
pub fn store(saved: &Saved) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, &encode(saved));
    }
}
