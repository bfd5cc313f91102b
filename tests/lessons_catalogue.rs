//! The Spanish lessons (`locales/es/lessons/<lab id>.json`) against the English ones, which the built
//! `lab labs --lessons` writes from the Rust literals (the same command `scripts/build` runs for
//! `lessons.json`). A Spanish text has to stand in for its English one key for key: the page looks
//! words up by key, fills the `{…}` placeholders, shows the workshop sheets' markup as HTML and the
//! backtick spans as code, so a missing key, an extra key, an empty text or a changed placeholder, tag
//! or code span is a broken lesson, named here by its key.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cli::{json, lab};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The one key that may stay English: the exported failure-injection test skeleton is Rust code, which
/// an engineer pastes into a test file as it is (`src/sim/export.rs`). `scripts/build` keeps the English
/// under every key a Spanish file leaves out.
const MAY_STAY_ENGLISH: &str = "export/";

fn english() -> Map<String, Value> {
    match json(&lab(&["labs", "--lessons"])) {
        Value::Object(words) => words,
        other => panic!("lab labs --lessons is not one object: {other}"),
    }
}

/// Every Spanish file, by its lab id (the file's stem), as its flat object.
fn spanish() -> BTreeMap<String, Map<String, Value>> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("locales/es/lessons");
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&folder).expect("locales/es/lessons exists") {
        let path = entry.expect("a readable entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 name");
        let text = std::fs::read_to_string(&path).expect("a readable file");
        match serde_json::from_str(&text) {
            Ok(Value::Object(words)) => files.insert(id.to_string(), words),
            _ => panic!("{} is not one flat JSON object", path.display()),
        };
    }
    files
}

/// The lab id a key belongs to: what comes before its first `/`.
fn id_of(key: &str) -> &str {
    key.split('/').next().unwrap_or(key)
}

/// The pieces of `text` that open with `open` and end at the next `close`, in order.
fn spans(text: &str, open: char, close: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len_utf8()..];
        match after.find(close) {
            Some(end) => {
                out.push(&rest[start..start + open.len_utf8() + end + close.len_utf8()]);
                rest = &after[end + close.len_utf8()..];
            }
            None => {
                out.push(&rest[start..]);
                break;
            }
        }
    }
    out
}

/// The runs of digits in `text`, sorted: the numbers a lesson states (seconds, payments, the counts of
/// a sheet's computed truth table), which a translation keeps, in figures.
fn numbers(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .collect();
    out.sort_unstable();
    out
}

/// What a translation must keep of `text`: its placeholders, code spans and numbers (in any order, as
/// a sentence may move them) and its tags (in order: a sheet's structure does not change with its
/// language).
type Fixed<'a> = (Vec<&'a str>, Vec<&'a str>, Vec<&'a str>, Vec<&'a str>);

fn fixed_parts(text: &str) -> Fixed<'_> {
    let mut placeholders = spans(text, '{', '}');
    let mut code = spans(text, '`', '`');
    placeholders.sort_unstable();
    code.sort_unstable();
    (placeholders, code, spans(text, '<', '>'), numbers(text))
}

/// What is wrong with the Spanish files against `english`, one line per fault, each naming its key.
fn faults(
    english: &Map<String, Value>,
    spanish: &BTreeMap<String, Map<String, Value>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (id, words) in spanish {
        for (key, value) in words {
            let Some(text) = value.as_str() else {
                out.push(format!("{id}.json: {key} is not a string"));
                continue;
            };
            if id_of(key) != id {
                out.push(format!("{id}.json: {key} belongs in {}.json", id_of(key)));
            }
            let Some(en) = english.get(key).and_then(Value::as_str) else {
                out.push(format!("{id}.json: {key} is not an English key"));
                continue;
            };
            if text.trim().is_empty() {
                out.push(format!("{id}.json: {key} is empty"));
                continue;
            }
            let (es, en) = (fixed_parts(text), fixed_parts(en));
            if es.0 != en.0 {
                out.push(format!(
                    "{id}.json: {key} has placeholders {:?}, English {:?}",
                    es.0, en.0
                ));
            }
            if es.1 != en.1 {
                out.push(format!(
                    "{id}.json: {key} has code spans {:?}, English {:?}",
                    es.1, en.1
                ));
            }
            if es.3 != en.3 {
                out.push(format!(
                    "{id}.json: {key} has numbers {:?}, English {:?}",
                    es.3, en.3
                ));
            }
            if es.2 != en.2 {
                let at = es.2.iter().zip(&en.2).position(|(a, b)| a != b);
                let at = at.unwrap_or(es.2.len().min(en.2.len()));
                out.push(format!(
                    "{id}.json: {key} changes the markup at tag {at}: {:?}, English {:?}",
                    es.2.get(at),
                    en.2.get(at)
                ));
            }
        }
        for key in english.keys().filter(|k| id_of(k) == id) {
            if !words.contains_key(key) {
                out.push(format!("{id}.json lacks {key}"));
            }
        }
    }
    out
}

#[test]
fn every_spanish_lesson_text_matches_an_english_key_with_its_placeholders_markup_and_code() {
    let faults = faults(&english(), &spanish());
    assert!(
        faults.is_empty(),
        "{} faults:\n{}",
        faults.len(),
        faults.join("\n")
    );
}

#[test]
fn every_lab_has_its_spanish_lessons() {
    let english = english();
    let spanish = spanish();
    let mut ids: Vec<&str> = english.keys().map(|k| id_of(k)).collect();
    ids.sort_unstable();
    ids.dedup();
    let missing: Vec<&&str> = ids
        .iter()
        .filter(|id| !spanish.contains_key(**id))
        .filter(|id| !MAY_STAY_ENGLISH.starts_with(&format!("{id}/")))
        .collect();
    assert!(
        missing.is_empty(),
        "no locales/es/lessons/<id>.json for {missing:?}"
    );
    // A text copied over untranslated passes every check above; a sentence of four words or more that
    // reads exactly as in English is one.
    let untranslated: Vec<&String> = spanish
        .values()
        .flatten()
        .filter(|(k, v)| {
            english.get(*k) == Some(*v)
                && v.as_str()
                    .is_some_and(|t| t.split_whitespace().count() >= 4)
        })
        .map(|(k, _)| k)
        .collect();
    assert!(untranslated.is_empty(), "still English: {untranslated:?}");
}

/// English lessons quote with “…”, the Spanish ones with «…» (tests/spanish_terms.rs): a straight
/// "…" or a «…» in the English prose (outside code spans and the sheets' markup) is the other style.
#[test]
fn english_lessons_quote_with_curly_double_quotes() {
    let odd: Vec<String> = english()
        .into_iter()
        .filter(|(key, _)| !key.starts_with(MAY_STAY_ENGLISH))
        .filter_map(|(key, text)| {
            let text = text.as_str()?.to_string();
            let mut prose = text.clone();
            for span in spans(&text, '`', '`')
                .into_iter()
                .chain(spans(&text, '<', '>'))
            {
                prose = prose.replacen(span, " ", 1);
            }
            prose
                .contains(['"', '«', '»', '„'])
                .then(|| format!("{key}: {text}"))
        })
        .collect();
    assert!(
        odd.is_empty(),
        "English lessons quoting with \"…\" or «…»:\n{}",
        odd.join("\n")
    );
}

/// Lab 3's answer, printed in its facilitator key, once said that a charge "recorded before the call"
/// stops the repeat. A record committed before the call only tells the redelivery that a charge may
/// have happened; the consumer then has to ask the gateway. The answer says so, in both languages.
#[test]
fn lab_3s_answer_says_what_a_pending_charge_record_does() {
    let english = english();
    let spanish = spanish();
    for key in ["failure-injection/why", "failure-injection/pack/key"] {
        let en = english[key].as_str().expect("an English text");
        assert!(
            en.contains("“charge pending” record committed before the call")
                && en.contains("ask the gateway what happened")
                && !en.contains("a charge recorded before the call"),
            "{key}: {en}"
        );
        let es = spanish["failure-injection"][key]
            .as_str()
            .expect("a Spanish text");
        assert!(
            es.contains("«cobro pendiente» con commit antes de la llamada")
                && es.contains("pregunte a la pasarela qué pasó"),
            "{key}: {es}"
        );
    }
}

/// The checks catch what they are for: each fault below is found and named by its key.
#[test]
fn the_checks_name_each_kind_of_fault() {
    let english: Map<String, Value> = serde_json::from_value(serde_json::json!({
        "lab/a": "Press `step` for {n} payments, 3 times.",
        "lab/b": "<p>The story</p>",
        "lab/c": "A sentence.",
        "lab/d": "Another.",
    }))
    .expect("an object");
    let spanish = BTreeMap::from([(
        "lab".to_string(),
        serde_json::from_value(serde_json::json!({
            "lab/a": "Pulsa `paso` para {m} pagos, 4 veces.",
            "lab/b": "<p>La historia<p>",
            "lab/c": " ",
            "lab/x": "De más.",
        }))
        .expect("an object"),
    )]);
    let found = faults(&english, &spanish).join("\n");
    for fault in [
        "lab/a has placeholders",
        "lab/a has code spans",
        "lab/a has numbers",
        "lab/b changes the markup at tag 1",
        "lab/c is empty",
        "lab/x is not an English key",
        "lab.json lacks lab/d",
    ] {
        assert!(found.contains(fault), "missed {fault:?} in:\n{found}");
    }
}
