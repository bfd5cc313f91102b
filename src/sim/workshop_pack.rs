//! The workshop pack: per lab, a printable worksheet (the story, the prediction, a blank truth table)
//! and a facilitator key (the answers, the filled truth table, timing and discussion prompts).
//!
//! Native only: `lab labs --lessons` writes both sheets, as finished HTML, into `lessons.json`, which
//! the page fetches when a lab opens; the page only adds the link to the state on screen (where
//! [`LINK`] stands), so none of this is in the browser's download. The truth table is computed here,
//! from the same simulation the page runs, never typed in: a crash at each boundary with the lab's
//! starting consumer, and again with the lab's fix applied.

use super::checker::Totals;
use super::command::{Action, CrashPoint};
use super::lab::Lab;
use super::simulation::Sim;
use super::sweep::arm_for;
use std::fmt::Write;

/// Where a sheet's HTML takes the address of the state on screen (the page escapes it first).
pub const LINK: &str = "{link}";

/// How a facilitator runs one lab in a workshop.
#[derive(Clone, Copy, Debug)]
pub struct Facilitation {
    /// Minutes for the lab and how they split, in one sentence.
    pub timing: &'static str,
    /// Questions to ask the room after the run.
    pub prompts: &'static [&'static str],
}

/// The facilitation of lab `id`, if it is a numbered lab this version knows (all of them have one).
pub fn facilitation(id: &str) -> Option<Facilitation> {
    let (timing, prompts): (&str, &[&str]) = match id {
        "first-delivery" => (
            "10 minutes: 2 to predict, 3 to run, 5 to walk one payment's steps together.",
            &[
                "Which step tells the broker it may forget the message, and what would change if it came first?",
                "Nothing failed here. Where in these steps could a crash leave a payment half done?",
            ],
        ),
        "double-payment" => (
            "20 minutes: 3 to predict, 5 to run and find a duplicate, 5 to diagnose, 7 to fix and rerun.",
            &[
                "The broker did exactly what at-least-once promises. Whose job was it to notice the repeat?",
                "Which signal on the dashboard would have paged you first, and how long after the first duplicate?",
                "Why does the fix have to be durable: what would an in-memory set of seen payments miss?",
            ],
        ),
        "failure-injection" => (
            "20 minutes: 3 to predict, 7 to run the test, 10 to find the failing boundary and close it.",
            &[
                "Which boundary did the review of this consumer miss, and why is it easy to miss?",
                "How would you run this test against your own consumer: where would the crash come from?",
            ],
        ),
        "ack-before-commit" => (
            "15 minutes: 3 to predict, 5 to run, 7 to compare loss with duplication.",
            &[
                "Is a lost payment better or worse than a double charge for your business, and who notices each?",
                "Why does moving the ack after the commit bring duplicates back, and what absorbs them?",
            ],
        ),
        "side-effect" => (
            "15 minutes: 3 to predict, 5 to run, 7 to discuss effects outside the database.",
            &[
                "The transaction rolled back. Why did the card charge not roll back with it?",
                "Which of your own calls to other services could take effect twice, and do they accept a key?",
            ],
        ),
        "visibility-timeout" => (
            "20 minutes: 3 to predict, 7 to run, 10 to compare check-then-insert with a unique constraint.",
            &[
                "Nothing crashed, yet a payment was processed twice. Where did the second delivery come from?",
                "Why is a longer visibility timeout not a fix on its own?",
            ],
        ),
        "retry-storm" => (
            "20 minutes: 3 to predict, 7 to run the outage, 10 to try backoff, jitter and a delivery limit.",
            &[
                "The outage ended, but the load did not. What kept it going?",
                "What happens to a payment that reaches the delivery limit, and who has to look at it?",
                "Which of your own clients retry at once, without backoff or a budget?",
            ],
        ),
        "checklist" => (
            "15 minutes: 5 to tick the items the room expects to need, 5 to run, 5 to review what broke.",
            &[
                "Which item did the room leave out, and which lab shows what breaks without it?",
                "Which of these items does your own service already have, and how would you prove it?",
            ],
        ),
        "expired-key" => (
            "20 minutes: 3 to predict, 5 to run and line up the times, 5 to discuss how long each memory lasts, 7 to fix and rerun.",
            &[
                "The gateway key was sent, and the card was still charged twice. What did the gateway know about the payment when the redelivery arrived?",
                "How long do your gateway and your own processed records keep a key, and how late can one of your messages come back (a slow restart, a payment redriven from the dead-letter queue)?",
                "The truth table above shows a crash before the commit still charging twice with the fix. What would cover it, and is that worth it for your service?",
            ],
        ),
        "business-key" => (
            "20 minutes: 3 to predict, 5 to find the payment sent as two messages, 5 to compare their ids, 7 to change the key and rerun.",
            &[
                "Nothing was redelivered, and the consumer still saw the payment twice. Where did the second message come from?",
                "In your own messages, which field names the business operation, and who assigns it: the producer, the broker or the consumer?",
                "Your queue may offer deduplication (an SQS FIFO queue does, for 5 minutes). What would its deduplication id have to be, and what does it miss that a key in the consumer catches?",
            ],
        ),
        "sqs-duplicate" => (
            "15 minutes: 3 to predict, 5 to run and read the duplicate's events, 7 to fix and compare the two fixes.",
            &[
                "Nothing failed, so no error was logged. Which signal would have told you that a customer was charged twice?",
                "The lab accepts two fixes: the processed record, or the gateway key with a commutative ledger write. What does each protect, and what does each leave open after a crash?",
                "A FIFO queue removes this kind of duplicate. Which repeats would your consumer still see there?",
            ],
        ),
        "commit-timing" => (
            "25 minutes: 3 to predict, 7 to find a lost and a repeated payment, 5 to place the commits on the timeline, 10 to fix and rerun.",
            &[
                "A payment was lost although nothing deleted it: the log still holds the record. Why will the consumer never read it again?",
                "Which does your own consumer do: commit on a timer, inside poll, after processing, or with the result in the database? How do you know?",
                "Once the consumer commits after processing, what still repeats, and what makes the repeat harmless?",
            ],
        ),
        "effectively-once" => (
            "20 minutes: 3 to predict, 5 to check the ledger and find the double charge, 5 to discuss what exactly-once covers, 7 to fix and rerun.",
            &[
                "The ledger is exactly right, and a customer was charged twice. Which system did the rollback reach, and which did it not?",
                "When a product promises exactly-once, which steps does the promise cover, and which of your side effects fall outside it?",
                "What else in your service is like the card charge: an email, a webhook, a call to a partner? What recognises its repeat?",
            ],
        ),
        _ => return None,
    };
    Some(Facilitation { timing, prompts })
}

/// A line under the facilitator key's truth table for a lab whose shipped fix leaves harm at a
/// boundary the lab's own run does not crash at: why it does, and what would cover it. The table's
/// fix column is computed, so without this line a facilitator would read "the fix fails"; each claim
/// here is checked against the simulation by a test below.
pub fn fix_note(id: &str) -> Option<&'static str> {
    Some(match id {
        "first-delivery" => {
            "Nothing fails in this lab's own run, so it has no fix: its fix column repeats the consumer as it starts."
        }
        "double-payment" => {
            "The after-charge and after-ledger-write rows still charge twice: this lab's fix (the processed record committed with the ledger row) covers the crash after the commit, but a crash before the commit leaves no record behind (the transaction rolls back), so the redelivery charges the card again; the gateway's idempotency key (lab 5) covers those two rows."
        }
        "expired-key" => {
            "The after-charge and after-ledger-write rows still charge twice: a crash there comes before the processed record is committed, and the consumer is back 3 s later while the gateway forgets a key 2 s after the charge, so nothing remembers the first charge; a restart within the key's window, or a gateway that keeps keys longer than any redelivery takes, would cover them."
        }
        "sqs-duplicate" => {
            "The after-charge and after-ledger-write rows still charge twice: this lab's fix absorbs the queue's duplicates, but a crash before the commit leaves no processed record behind (the transaction rolls back), and with no gateway key the redelivery charges the card again; adding the gateway's idempotency key (lab 5) covers those two rows."
        }
        "retry-storm" => {
            "The after-charge row's orphan is one payment whose consumer crashed after the charge on all 10 of its deliveries, so the delivery limit moved it to the dead-letter queue: charged once (the key held), never written to the ledger. The limit did its job; a person has to settle the parked payment."
        }
        _ => return None,
    })
}

/// One row of a lab's truth table: a crash at `point` with the lab's starting consumer and with its fix.
#[derive(Clone, Debug, PartialEq)]
pub struct TruthRow {
    /// Where the consumer crashes (every k-th pass, as the sweep crashes it).
    pub point: CrashPoint,
    /// What happens with the lab's starting configuration, in words.
    pub start: String,
    /// What happens once the lab's fix is applied, in words.
    pub fixed: String,
}

/// The filled truth table of `lab`'s worksheet: for every crash boundary, the verdict of the lab's
/// starting configuration and of its fix, on the lab's seed, with the crash the sweep arms and no
/// other scripted fault.
pub fn truth_table(lab: &Lab) -> Vec<TruthRow> {
    let mut fixed = lab.config.clone();
    (lab.fix)(&mut fixed);
    CrashPoint::BOUNDARIES
        .into_iter()
        .map(|point| TruthRow {
            point,
            start: outcome(lab, &lab.config, point),
            fixed: outcome(lab, &fixed, point),
        })
        .collect()
}

/// What a crash at `point` does to a run of `config`, in the worksheet's words: every harm it shows.
fn outcome(lab: &Lab, config: &super::config::Config, point: CrashPoint) -> String {
    let mut sim = Sim::new(config.clone(), lab.seed);
    let arm = Action {
        at: 0,
        command: arm_for(point, config.payments),
    };
    if sim.replay(&[arm]).is_err() {
        return "no crash possible here".into();
    }
    let settled = sim.run_to_completion(24 * 3_600_000);
    let t = sim.totals();
    if !settled {
        return "did not settle within a simulated day".into();
    }
    harm_words(&t)
}

/// Every harm in `t`, in a fixed order (lost, charged twice, orphan, dead-lettered), so that a run
/// with both losses and duplicates names both: a cell that showed only the sweep's worst verdict would
/// hide the losses of a run that also repeats. Dead letters are harm too (money not collected).
fn harm_words(t: &Totals) -> String {
    let n = |k: u64| {
        if k == 1 {
            "1 payment".to_string()
        } else {
            format!("{k} payments")
        }
    };
    let harms = [
        ("lost", t.lost),
        ("charged twice", t.duplicate),
        ("orphan (charge and ledger disagree)", t.orphan),
        ("dead-lettered", t.dead_lettered),
    ];
    let words: Vec<String> = harms
        .iter()
        .filter(|(_, k)| *k > 0)
        .map(|(what, k)| format!("{what}: {}", n(*k)))
        .collect();
    if words.is_empty() {
        "every payment charged once".into()
    } else {
        words.join("; ")
    }
}

/// `text` escaped for HTML text and attribute values.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The worksheet (`key` false: no answers anywhere in it) or the facilitator key of `lab`, as the
/// HTML of one printed sheet. Its link reads [`LINK`] until the page puts the state's address there.
pub fn sheet_html(lab: &Lab, key: bool) -> String {
    let n = &lab.narrative;
    let mut o = String::new();
    let kind = if key { "facilitator key" } else { "worksheet" };
    let _ = write!(
        o,
        "<h1 class=\"sheet__title\">Lab {}: {} — {kind}</h1>\
         <p class=\"sheet__link\">Open this exact state: <a data-testid=\"sheet-link\" href=\"{LINK}\">{LINK}</a></p>",
        lab.number,
        esc(lab.title)
    );
    if !key {
        o.push_str("<p>Name: ______________________ Date: ____________</p>");
    }
    let _ = write!(
        o,
        "<section class=\"sheet__part\"><h2>The story</h2><p>{}</p><p>{}</p></section>",
        esc(n.predict),
        esc(n.run)
    );
    if let Some(p) = lab.prediction {
        let title = if key {
            "The prediction and its answer"
        } else {
            "Predict before you run"
        };
        let _ = write!(
            o,
            "<section class=\"sheet__part\"><h2>{title}</h2><p>{}</p><ul class=\"sheet__options\">",
            esc(p.question)
        );
        for (i, option) in p.options.iter().enumerate() {
            if key && i == p.answer {
                let _ = write!(
                    o,
                    "<li data-answer=\"true\">☑ {} — the answer</li>",
                    esc(option)
                );
            } else {
                let _ = write!(o, "<li>☐ {}</li>", esc(option));
            }
        }
        o.push_str("</ul>");
        if key {
            let _ = write!(o, "<p data-testid=\"sheet-why\">{}</p>", esc(p.why));
        } else {
            o.push_str("<p class=\"sheet__lines\">Why do you think so?</p>");
        }
        o.push_str("</section>");
    }
    let (intro, fix) = if key {
        (
            "What the simulation finds for a crash at each boundary (every k-th pass, on the lab's seed, its other settings and timeouts included):",
            "With the lab's fix",
        )
    } else {
        (
            "For a crash at each boundary, write what happens to the money: charged once, charged twice, lost, or orphan.",
            "With your fix",
        )
    };
    let _ = write!(
        o,
        "<section class=\"sheet__part\"><h2>Truth table</h2><p>{intro}</p>\
         <table class=\"table sheet__table\" data-testid=\"sheet-table\"><thead><tr>\
         <th scope=\"col\">Crash</th><th scope=\"col\">As the lab starts</th><th scope=\"col\">{fix}</th>\
         </tr></thead><tbody>"
    );
    let rows = if key { truth_table(lab) } else { Vec::new() };
    for point in CrashPoint::BOUNDARIES {
        let row = rows.iter().find(|r| r.point == point);
        let (start, fixed) = row.map_or(("", ""), |r| (r.start.as_str(), r.fixed.as_str()));
        let _ = write!(
            o,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            esc(point.label()),
            esc(start),
            esc(fixed)
        );
    }
    o.push_str("</tbody></table>");
    if let Some(note) = fix_note(lab.id).filter(|_| key) {
        let _ = write!(o, "<p>{}</p>", esc(note));
    }
    o.push_str("</section>");
    if key {
        let _ = write!(
            o,
            "<section class=\"sheet__part\"><h2>The fix and why</h2><p data-testid=\"sheet-solution\">{}</p><p>{}</p></section>",
            esc(lab.solution),
            esc(n.explain)
        );
        if let Some(f) = facilitation(lab.id) {
            let _ = write!(
                o,
                "<section class=\"sheet__part\"><h2>Timing</h2><p>{}</p></section>\
                 <section class=\"sheet__part\"><h2>Discussion prompts</h2><ol>",
                esc(f.timing)
            );
            for p in f.prompts {
                let _ = write!(o, "<li>{}</li>", esc(p));
            }
            o.push_str("</ol></section>");
        }
    } else {
        let _ = write!(
            o,
            "<section class=\"sheet__part\"><h2>What did you see?</h2><p>{}</p><p class=\"sheet__lines\">Notes:</p></section>",
            esc(n.observe)
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_numbered_lab_has_a_timing_and_prompts() {
        // A key without them leaves the facilitator to invent the session; every lab the pack prints
        // has both (labs 9 to 13 came later than the first eight and were once without).
        let numbered: Vec<Lab> = Lab::all().into_iter().filter(|l| l.number > 0).collect();
        assert_eq!(numbered.len(), 13);
        for lab in numbered {
            let id = lab.id;
            let f = facilitation(id).unwrap_or_else(|| panic!("{id} has no facilitation"));
            assert!(f.timing.contains("minutes"), "{id}");
            assert!((2..=3).contains(&f.prompts.len()), "{id}");
            let key = sheet_html(&lab, true);
            assert!(
                key.contains("Discussion prompts") && key.contains(&esc(f.timing)),
                "{id}"
            );
        }
        assert!(facilitation("sandbox").is_none());
    }

    /// The key is the simulation's answer: lab 2's naive consumer charges twice after a crash between
    /// commit and ack, and its fix charges once.
    #[test]
    fn the_double_payment_key_says_twice_before_the_fix_and_once_after() {
        let lab = Lab::by_id("double-payment").expect("lab 2");
        let table = truth_table(&lab);
        assert_eq!(table.len(), 6);
        let commit = table
            .iter()
            .find(|r| r.point == CrashPoint::AfterCommit)
            .expect("after commit");
        assert!(commit.start.starts_with("charged twice: "), "{commit:?}");
        assert_eq!(commit.fixed, "every payment charged once");
    }

    /// Lab 12's own run loses payments and charges others twice; its key has to say both, in the
    /// fixed order, on every row that shows both (the sweep's verdict alone would say only "twice").
    #[test]
    fn a_cell_names_every_harm_of_its_run() {
        let both = Totals {
            lost: 3,
            duplicate: 4,
            orphan: 1,
            dead_lettered: 2,
            ..Totals::default()
        };
        assert_eq!(
            harm_words(&both),
            "lost: 3 payments; charged twice: 4 payments; orphan (charge and ledger disagree): 1 payment; dead-lettered: 2 payments"
        );
        assert_eq!(harm_words(&Totals::default()), "every payment charged once");
        let lab = Lab::by_id("commit-timing").expect("lab 12");
        let table = truth_table(&lab);
        let after_charge = table
            .iter()
            .find(|r| r.point == CrashPoint::AfterCharge)
            .expect("after charge");
        assert!(
            after_charge.start.starts_with("lost: ")
                && after_charge.start.contains("; charged twice: "),
            "{after_charge:?}"
        );
    }

    /// Each note under a key's table says what the simulation finds: the lab's fix still charges twice
    /// at the two boundaries before the commit, and the remedy the note names covers both.
    #[test]
    fn each_fix_note_is_what_the_simulation_finds() {
        let twice_then_once = |id: &str, remedy: &dyn Fn(&mut super::super::config::Config)| {
            let lab = Lab::by_id(id).expect("a lab");
            let mut fixed = lab.config.clone();
            (lab.fix)(&mut fixed);
            let mut covered = fixed.clone();
            remedy(&mut covered);
            for point in [CrashPoint::AfterCharge, CrashPoint::AfterLedgerWrite] {
                let (with_fix, with_remedy) =
                    (outcome(&lab, &fixed, point), outcome(&lab, &covered, point));
                assert!(
                    with_fix.starts_with("charged twice: "),
                    "{id} {point:?}: {with_fix}"
                );
                assert_eq!(with_remedy, "every payment charged once", "{id} {point:?}");
            }
            assert!(
                fix_note(id).is_some_and(|n| n.contains("after-charge and after-ledger-write"))
            );
            assert!(sheet_html(&lab, true).contains(&esc(fix_note(id).unwrap_or_default())));
            assert!(!sheet_html(&lab, false).contains(&esc(fix_note(id).unwrap_or_default())));
        };
        twice_then_once("double-payment", &|c| c.strategy.gateway_key = true);
        twice_then_once("sqs-duplicate", &|c| c.strategy.gateway_key = true);
        let key = u32::try_from(crate::sim::lab::expired_key::KEY_WINDOW_MS).expect("2 s");
        twice_then_once("expired-key", &|c| c.restart_delay_ms = 1_000);
        twice_then_once("expired-key", &|c| c.retention.gateway_keys_ms = None);
        let lab = Lab::by_id("expired-key").expect("lab 9");
        assert_eq!(
            (lab.config.restart_delay_ms, key),
            (3_000, 2_000),
            "the note's 3 s and 2 s"
        );
        // Lab 1 has no fix: its two columns are the same.
        let lab = Lab::by_id("first-delivery").expect("lab 1");
        assert!(truth_table(&lab).iter().all(|r| r.start == r.fixed));
        let lab = Lab::by_id("retry-storm").expect("lab 7");
        let mut fixed = lab.config.clone();
        (lab.fix)(&mut fixed);
        assert_eq!(fixed.max_deliveries, 10, "the note's 10 deliveries");
        let after_charge = outcome(&lab, &fixed, CrashPoint::AfterCharge);
        assert_eq!(
            after_charge,
            "orphan (charge and ledger disagree): 1 payment"
        );
    }

    /// A lab has a note exactly when its fix column shows harm somewhere: no sheet leaves a harm
    /// unexplained, and no note outlives the harm it explains.
    #[test]
    fn a_note_stands_under_every_fix_column_that_shows_harm_and_only_there() {
        for lab in Lab::all().into_iter().filter(|l| l.number > 0) {
            let harmed = truth_table(&lab)
                .iter()
                .any(|r| r.fixed != "every payment charged once");
            assert_eq!(harmed, fix_note(lab.id).is_some(), "{}", lab.id);
        }
    }

    /// The worksheet asks and leaves blanks; only the key holds the answers.
    #[test]
    fn the_worksheet_has_no_answer_and_the_key_has_them_all() {
        let lab = Lab::by_id("double-payment").expect("lab 2");
        let p = lab.prediction.expect("a prediction");
        let (sheet, key) = (sheet_html(&lab, false), sheet_html(&lab, true));
        for answer in [
            p.why,
            lab.solution,
            "the answer",
            "charged twice:",
            "Discussion prompts",
        ] {
            assert!(
                !sheet.contains(&esc(answer)),
                "the worksheet gives away {answer}"
            );
            assert!(key.contains(&esc(answer)), "the key lacks {answer}");
        }
        assert!(sheet.contains(&esc(p.question)) && sheet.contains("<td></td><td></td>"));
        assert_eq!(sheet.matches(LINK).count(), 2);
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    /// No truth-table row of any lab's worksheet or key is "before ack": lab 4 acks first, and the
    /// log labs (12, 13) ack nothing, so the row after the commit names only the commit. (A lesson
    /// may still say "before ack" where its own lab does ack after the commit, as lab 3's does.)
    #[test]
    fn no_lab_table_has_a_before_ack_row() {
        for lab in Lab::all() {
            for key in [false, true] {
                let sheet = sheet_html(&lab, key);
                assert!(!sheet.contains("before ack</th>"), "{}", lab.id);
                assert!(
                    sheet.contains("<th scope=\"row\">after the database commit</th>"),
                    "{}",
                    lab.id
                );
            }
        }
    }
}
