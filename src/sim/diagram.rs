//! Diagrams as code: a payment's story, or the start of a run, as a Mermaid `sequenceDiagram` or as
//! PlantUML text, to paste into docs, a blog post or a bug report.
//!
//! The participants are the ones the lessons name — producer, broker, each consumer, database, card
//! gateway — and the three moments a reader must not miss are marked: a consumer's crash (a note), a
//! redelivery (a highlighted message) and a duplicate charge (a highlighted message with a note). The
//! text is written from the event log alone, in the log's own sentences, so the diagram shows what
//! the run did, in the words the event log and the command line use.

use super::event::{Event, LoggedEvent};
use super::simulation::Sim;
use std::fmt::Write;

/// Events a run's diagram shows at most by default: the first ones tell how the run began, and a
/// longer diagram is too tall to read.
pub const RUN_EVENTS: usize = 60;

/// Events a payment's diagram shows at most by default (a payment redelivered without end has
/// thousands; the first ones tell its story).
pub const PAYMENT_EVENTS: usize = 120;

/// The text a diagram is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagramFormat {
    /// Mermaid's `sequenceDiagram` (GitHub, GitLab and many doc sites draw it inline).
    Mermaid,
    /// PlantUML between `@startuml` and `@enduml`.
    PlantUml,
}

impl DiagramFormat {
    /// Parses the names the command line takes: `mermaid` or `plantuml`.
    pub fn from_name(s: &str) -> Option<DiagramFormat> {
        match s {
            "mermaid" => Some(DiagramFormat::Mermaid),
            "plantuml" => Some(DiagramFormat::PlantUml),
            _ => None,
        }
    }

    /// The usual file ending, with its dot.
    pub fn extension(self) -> &'static str {
        match self {
            DiagramFormat::Mermaid => ".mmd",
            DiagramFormat::PlantUml => ".puml",
        }
    }
}

/// Who sends or receives a message in the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    Producer,
    Broker,
    Consumer(u8),
    Database,
    Gateway,
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Actor::Producer => f.write_str("P"),
            Actor::Broker => f.write_str("B"),
            Actor::Consumer(c) => write!(f, "C{}", c + 1),
            Actor::Database => f.write_str("DB"),
            Actor::Gateway => f.write_str("G"),
        }
    }
}

/// What one event draws.
enum Line {
    /// A message from one actor to another; `reply` draws it dashed, `lost` with a cross.
    Message {
        from: Actor,
        to: Actor,
        text: String,
        style: Style,
    },
    /// A note over one actor, or spanning two; `alarm` draws it red (a crash).
    Note {
        over: Actor,
        to: Option<Actor>,
        text: String,
        alarm: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Reply,
    Lost,
    Redelivery,
    /// The `n`th charge of a payment that moved money (n ≥ 2).
    Duplicate(u32),
}

/// The events a diagram shows: the first `max` of the run's window, or of one payment's story (its
/// events, and the restarts of consumers that crashed holding it). Answers them with how many
/// matched in all.
pub fn select(sim: &Sim, payment: Option<u32>, max: usize) -> (Vec<LoggedEvent>, usize) {
    let mut chosen = Vec::new();
    let mut matched = 0;
    // Consumers that crashed holding the payment and have not restarted yet (one bit each).
    let mut down: u32 = 0;
    for e in sim.events().window() {
        let keep = match (payment, e.event) {
            (None, _) => true,
            (Some(p), Event::Crashed { consumer, .. }) if e.event.payment() == Some(p) => {
                down |= 1 << (consumer & 31);
                true
            }
            (Some(_), Event::Restarted { consumer } | Event::Reconnected { consumer }) => {
                let bit = 1 << (consumer & 31);
                let was = down & bit != 0;
                down &= !bit;
                was
            }
            (Some(p), ev) => ev.payment() == Some(p),
        };
        if keep {
            matched += 1;
            if chosen.len() < max {
                chosen.push(*e);
            }
        }
    }
    (chosen, matched)
}

/// A sequence diagram of `sim`'s run, or of `payment`'s story, capped at the first `max` events,
/// titled `title`. A note at the top says when the diagram is capped or the run's oldest events are
/// no longer kept.
pub fn for_sim(
    format: DiagramFormat,
    sim: &Sim,
    payment: Option<u32>,
    max: usize,
    title: &str,
) -> String {
    let (events, matched) = select(sim, payment, max);
    let mut caveat = String::new();
    if matched > events.len() {
        caveat = format!("The first {} of {matched} events", events.len());
    }
    let dropped = sim.events().dropped();
    if dropped > 0 {
        if caveat.is_empty() {
            caveat.push_str("Events");
        }
        let _ = write!(caveat, " after the {dropped} oldest, no longer kept");
    }
    let c = sim.config();
    write(format, title, c.consumers, &events, &caveat)
}

/// Writes `events` as a sequence diagram with `consumers` consumers of a broker,
/// titled `title`, with `caveat` (if not empty) as a note across the top.
pub fn write(
    format: DiagramFormat,
    title: &str,
    consumers: u8,
    events: &[LoggedEvent],
    caveat: &str,
) -> String {
    let mermaid = format == DiagramFormat::Mermaid;
    // Both languages end a statement at a newline; Mermaid also at `;`, and reads `#` as an entity.
    let title: String = title
        .chars()
        .map(|c| {
            if matches!(c, ';' | '#' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut o = String::new();
    let mut actors = vec![
        (Actor::Producer, "Producer".to_string()),
        (Actor::Broker, "Broker".to_string()),
    ];
    for c in 0..consumers.max(1) {
        actors.push((Actor::Consumer(c), format!("Consumer {}", c + 1)));
    }
    actors.push((Actor::Database, "Database".into()));
    actors.push((Actor::Gateway, "Gateway".into()));
    if mermaid {
        let _ = writeln!(o, "sequenceDiagram\n    title {title}");
        for (a, name) in &actors {
            let _ = writeln!(o, "    participant {a} as {name}");
        }
    } else {
        let _ = writeln!(o, "@startuml\ntitle {title}");
        for (a, name) in &actors {
            let _ = writeln!(o, "participant \"{name}\" as {a}");
        }
    }
    if !caveat.is_empty() {
        let line = Line::Note {
            over: Actor::Producer,
            to: Some(Actor::Gateway),
            text: caveat.to_string(),
            alarm: false,
        };
        draw(&mut o, mermaid, &line);
    }
    for (i, e) in events.iter().enumerate() {
        let charges = |p: u32| {
            events[..i]
                .iter()
                .filter(|x| {
                    matches!(x.event, Event::Charged { payment, replayed: false, .. } if payment == p)
                })
                .count() as u32
        };
        draw(&mut o, mermaid, &line(&e.event, charges));
    }
    o.push_str(if mermaid { "" } else { "@enduml\n" });
    o
}

/// The line one event draws, labelled with the event's own sentence (the one the event log and the
/// command line print); `earlier_charges(p)` counts the charges of `p` that moved money
/// before it.
fn line(e: &Event, earlier_charges: impl Fn(u32) -> u32) -> Line {
    use Actor::*;
    use Event::*;
    // Both languages end a statement at a newline; Mermaid also at `;`, and reads `#` as an entity.
    let text: String = e
        .to_string()
        .chars()
        .map(|c| {
            if c == ';' {
                ','
            } else if c == '#' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let (from, to, style) = match *e {
        Published { .. } | Republished { .. } => (Producer, Broker, Style::Plain),
        PublisherCrashed { .. } => {
            return note(Producer, None, format!("CRASH: {text}"), true);
        }
        SqsDuplicate { .. } | FifoDropped { .. } => return note(Broker, None, text, false),
        Delivered {
            consumer,
            redelivered,
            ..
        } => {
            let style = if redelivered {
                Style::Redelivery
            } else {
                Style::Plain
            };
            (Broker, Consumer(consumer), style)
        }
        Charged {
            payment,
            consumer,
            replayed,
            ..
        } => {
            let n = if replayed {
                0
            } else {
                earlier_charges(payment) + 1
            };
            let style = if n > 1 {
                Style::Duplicate(n)
            } else {
                Style::Plain
            };
            (Consumer(consumer), Gateway, style)
        }
        DuplicateSkipped { consumer, .. }
        | LedgerWritten { consumer, .. }
        | RecordWritten { consumer, .. }
        | Committed { consumer, .. } => (Consumer(consumer), Database, Style::Plain),
        ChargeFailed { consumer, .. } => (Gateway, Consumer(consumer), Style::Reply),
        ConstraintViolated { consumer, .. } => (Database, Consumer(consumer), Style::Reply),
        Acked { consumer, .. } | Nacked { consumer, .. } => {
            (Consumer(consumer), Broker, Style::Plain)
        }
        AckLost { consumer, .. } => (Consumer(consumer), Broker, Style::Lost),
        RolledBack { .. } => return note(Database, None, text, false),
        Requeued { .. } | DeadLettered { .. } => return note(Broker, None, text, false),
        Crashed { consumer, .. } => {
            return note(Consumer(consumer), None, format!("CRASH: {text}"), true);
        }
        Reconnected { consumer } => return note(Consumer(consumer), Some(Broker), text, false),
        Restarted { consumer }
        | ChargeTimedOut { consumer, .. }
        | RetryWaiting { consumer, .. } => return note(Consumer(consumer), None, text, false),
    };
    let text = if style == Style::Redelivery {
        format!("REDELIVERY: {text}")
    } else {
        text
    };
    Line::Message {
        from,
        to,
        text,
        style,
    }
}

fn note(over: Actor, to: Option<Actor>, text: String, alarm: bool) -> Line {
    Line::Note {
        over,
        to,
        text,
        alarm,
    }
}

/// Appends one line in Mermaid or PlantUML.
fn draw(o: &mut String, mermaid: bool, line: &Line) {
    match line {
        Line::Message {
            from,
            to,
            text,
            style,
        } => {
            if mermaid {
                let arrow = match style {
                    Style::Reply => "-->>",
                    Style::Lost => "-x",
                    _ => "->>",
                };
                let band = match style {
                    Style::Redelivery => Some("255, 224, 178"),
                    Style::Duplicate(_) => Some("255, 205, 210"),
                    _ => None,
                };
                if let Some(rgb) = band {
                    let _ = writeln!(o, "    rect rgb({rgb})");
                }
                let _ = writeln!(o, "    {from}{arrow}{to}: {text}");
                if let Style::Duplicate(n) = style {
                    let _ = writeln!(
                        o,
                        "    Note right of {to}: DUPLICATE CHARGE, charge {n} of this payment"
                    );
                }
                if band.is_some() {
                    let _ = writeln!(o, "    end");
                }
            } else {
                let arrow = match style {
                    Style::Reply => "-->",
                    Style::Lost => "->x",
                    Style::Redelivery => "-[#E65100]>",
                    Style::Duplicate(_) => "-[#C62828]>",
                    Style::Plain => "->",
                };
                let _ = writeln!(o, "{from} {arrow} {to} : {text}");
                if let Style::Duplicate(n) = style {
                    let _ = writeln!(
                        o,
                        "note right of {to} #FFCDD2 : DUPLICATE CHARGE, charge {n} of this payment"
                    );
                }
            }
        }
        Line::Note {
            over,
            to,
            text,
            alarm,
        } => {
            let span = to.map_or(String::new(), |t| format!(",{t}"));
            if mermaid {
                // Mermaid colours a note only inside a band.
                if *alarm {
                    let _ = writeln!(o, "    rect rgb(255, 205, 210)");
                }
                let _ = writeln!(o, "    Note over {over}{span}: {text}");
                if *alarm {
                    let _ = writeln!(o, "    end");
                }
            } else {
                let colour = if *alarm { " #FFCDD2" } else { "" };
                let _ = writeln!(o, "note over {over}{span}{colour} : {text}");
            }
        }
    }
}

#[cfg(test)]
mod tests;
