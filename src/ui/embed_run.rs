//! The embed's run: a share link's run, optionally locked to a range of time, moved by play, step and
//! reset. Nothing here touches storage or the address bar: an embed lives inside someone else's page.
//!
//! The address is `embed.html#<share link>`, optionally followed by `&from=<ms>&to=<ms>` (simulated
//! milliseconds). A share link never holds `&` or `=`, so the parameters cannot be confused with it.

use super::state::{MAX_TICK_MS, World, play, start};
use crate::i18n::{tr, trf, trf_n};
use crate::sim::Command;
use crate::sim::config::Millis;
use crate::sim::share::Scenario;
use crate::sim::timeline::{CatchUp, Timeline};
use std::rc::Rc;
use yew::Reducible;

/// Simulated milliseconds per real millisecond: the main app's default speed.
pub const SPEED: f64 = 0.25;

/// Most events replayed to reach the pinned moment. The embed has no progress bar: a run whose
/// moment lies further than this is opened in the full app instead, so a hostile link cannot freeze
/// the host page.
const OPEN_EVENTS: u64 = 400_000;

/// What the address asks for: the share link as written and the range to stay in.
#[derive(Clone, Debug, PartialEq)]
pub struct Address {
    /// The share link, exactly as written (the full app opens the same text).
    pub link: String,
    /// Where the range starts, if the address locks one.
    pub from: Option<Millis>,
    /// Where the range ends, if the address locks one.
    pub to: Option<Millis>,
}

/// Reads the part after `#`: the share link, then `&from=` and `&to=` in any order. Errors are one
/// sentence for the reader.
pub fn parse_address(hash: &str) -> Result<Address, String> {
    let mut parts = hash.split('&');
    let link = parts.next().unwrap_or("").trim().to_string();
    if link.is_empty() {
        return Err(tr(
            "This embed has no run to show: its address needs a share link after the #.",
        )
        .into());
    }
    let mut address = Address {
        link,
        from: None,
        to: None,
    };
    for part in parts {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        let slot = match key {
            "from" => &mut address.from,
            "to" => &mut address.to,
            _ => {
                return Err(trf(
                    "This embed's address has a parameter “{0}” it does not know; it takes only from and to.",
                    &[key],
                ));
            }
        };
        *slot = Some(value.parse().map_err(|_| {
            trf(
                "This embed's {0} must be a whole number of simulated milliseconds, like {0}=2000.",
                &[key],
            )
        })?);
    }
    if let (Some(from), Some(to)) = (address.from, address.to)
        && from > to
    {
        return Err(trf_n(
            "This embed's range ends before it starts (from={0} is after to={1}).",
            &[from, to],
        ));
    }
    Ok(address)
}

/// The embed's state: the pinned run and where the reader has taken it.
#[derive(Clone)]
pub struct EmbedRun {
    /// The run on screen.
    pub world: World,
    /// The run as linked, for Reset.
    pinned: Rc<Scenario>,
    /// The first moment shown (the range's start, else 0).
    pub from: Millis,
    /// The last moment play reaches, if the range has an end.
    pub to: Option<Millis>,
    /// Is simulated time flowing?
    pub playing: bool,
    /// Simulated time owed by earlier ticks (below one millisecond).
    carry: f64,
    /// A command the run refused (a crash the reader asked for), as a sentence.
    pub refusal: Option<String>,
}

/// What the reader does.
pub enum EmbedAction {
    /// Real milliseconds passed while playing.
    Tick(f64),
    /// Play or pause; play at the end of the range starts it again.
    TogglePlay,
    /// To the next moment something happens, within the range.
    Step,
    /// Back to the start of the range, as linked (the reader's own crashes go).
    Reset,
    /// A crash button on the pipeline.
    Apply(Command),
}

/// A timeline of the linked run at time `at`, or `None` when reaching it takes too many events.
fn replay(s: &Scenario, at: Millis) -> Option<Timeline> {
    let mut t = start(s.config.clone(), s.seed, s.actions.clone());
    (t.catch_up(at, OPEN_EVENTS) == CatchUp::Done).then_some(t)
}

impl EmbedRun {
    /// The linked run at the moment the address asks for: the range's start, else the moment the
    /// link was shared (kept inside the range).
    pub fn open(s: Scenario, from: Option<Millis>, to: Option<Millis>) -> Result<EmbedRun, String> {
        let at = from.unwrap_or(s.at).min(to.unwrap_or(Millis::MAX));
        let timeline = replay(&s, at).ok_or_else(|| {
            tr("This run is too long to replay inside an embed; open it in Redelivery Lab.")
                .to_string()
        })?;
        Ok(EmbedRun {
            world: World::new(timeline),
            pinned: Rc::new(s),
            from: from.unwrap_or(0),
            to,
            playing: false,
            carry: 0.0,
            refusal: None,
        })
    }

    /// Has the run reached the end of its range (or settled, when the range has no end)?
    pub fn at_end(&self) -> bool {
        let t = self.world.timeline();
        t.is_settled() || self.to.is_some_and(|to| t.now() >= to)
    }

    fn reset(mut self) -> EmbedRun {
        if let Some(t) = replay(&self.pinned, self.from) {
            self.world = self.world.replace(t);
        }
        self.playing = false;
        self.carry = 0.0;
        self.refusal = None;
        self
    }
}

impl Reducible for EmbedRun {
    type Action = EmbedAction;

    fn reduce(self: Rc<Self>, action: EmbedAction) -> Rc<Self> {
        if matches!(action, EmbedAction::Tick(_)) && !self.playing {
            return self;
        }
        let mut next = (*self).clone();
        let to = self.to.unwrap_or(Millis::MAX);
        match action {
            EmbedAction::Tick(elapsed_ms) => {
                let owed = next.carry + SPEED * elapsed_ms.clamp(0.0, MAX_TICK_MS);
                let whole = owed.floor();
                let (world, played) = next.world.update(|t| {
                    // Never past the range's end.
                    let dt = (whole as Millis).min(to.saturating_sub(t.now()));
                    play(t, dt)
                });
                next.world = world;
                next.carry = if played { owed - whole } else { 0.0 };
            }
            EmbedAction::TogglePlay if !next.playing && next.at_end() => {
                next = next.reset();
                next.playing = true;
            }
            EmbedAction::TogglePlay => next.playing = !next.playing,
            EmbedAction::Step => {
                next.playing = false;
                if !next.at_end() {
                    next.world = next
                        .world
                        .update(|t| {
                            t.step_event();
                            if t.now() > to {
                                t.seek(to);
                            }
                        })
                        .0;
                }
            }
            EmbedAction::Reset => next = next.reset(),
            EmbedAction::Apply(command) => {
                let (world, result) = next.world.update(|t| t.apply(command));
                next.world = world;
                next.refusal = result.err().map(|e| e.to_string());
            }
        }
        if next.at_end() {
            next.playing = false;
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_address_takes_a_link_and_an_optional_range() {
        let a = parse_address("v2.abc&from=1000&to=5000").unwrap();
        assert_eq!(
            (a.link.as_str(), a.from, a.to),
            ("v2.abc", Some(1000), Some(5000))
        );
        let a = parse_address("v2.abc&to=7").unwrap();
        assert_eq!((a.from, a.to), (None, Some(7)));
        assert!(parse_address("").is_err());
        assert!(
            parse_address("v2.abc&from=x")
                .unwrap_err()
                .contains("whole number")
        );
        assert!(
            parse_address("v2.abc&from=9&to=3")
                .unwrap_err()
                .contains("ends before")
        );
        assert!(
            parse_address("v2.abc&speed=3")
                .unwrap_err()
                .contains("“speed”")
        );
    }
}
