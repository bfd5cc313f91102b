//! The Spanish reads as one product: every text of `locales/es/` (the interface's, the core's, the
//! tools', the audit's tables and the lessons) uses the term `locales/es/README.md` chose for each
//! concept, and writes numbers the Spanish way. The banned variants are the README table's «No usar»
//! column, so a translator who standardises a new term adds it there and this test enforces it.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::path::{Path, PathBuf};

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/es")
}

/// Every Spanish text: (file, key, text), from the tables and the lessons.
fn spanish_texts() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for dir in [folder(), folder().join("lessons")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("a readable entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).expect("a readable file");
            let Ok(Value::Object(words)) = serde_json::from_str(&text) else {
                panic!("{} is not one flat JSON object", path.display());
            };
            let name = path.strip_prefix(folder()).unwrap().display().to_string();
            for (key, value) in words {
                let value = value.as_str().expect("a string").to_string();
                out.push((name.clone(), key, value));
            }
        }
    }
    assert!(out.len() > 1000, "only {} Spanish texts found", out.len());
    out
}

/// `text` without what is not Spanish words: backtick code spans, `<code>…</code>` and markup tags
/// (whose attributes hold links and class names), each replaced by a space.
fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = [rest.find('`'), rest.find("<code>"), rest.find('<')]
            .into_iter()
            .flatten()
            .min();
        let Some(at) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        out.push(' ');
        let after = &rest[at..];
        let end = if let Some(code) = after.strip_prefix('`') {
            code.find('`').map(|e| e + 2)
        } else if after.starts_with("<code>") {
            after.find("</code>").map(|e| e + "</code>".len())
        } else {
            after.find('>').map(|e| e + 1)
        };
        match end {
            Some(end) => rest = &after[end..],
            None => return out,
        }
    }
}

/// The banned variants: every «…» in the last column of the README's term table.
fn banned() -> Vec<String> {
    let readme = std::fs::read_to_string(folder().join("README.md")).expect("locales/es/README.md");
    let mut out = Vec::new();
    for line in readme.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_end_matches('|').split('|').collect();
        let last = cells.last().copied().unwrap_or("");
        let mut rest = last;
        while let Some(open) = rest.find('«') {
            let after = &rest[open + '«'.len_utf8()..];
            let close = after.find('»').expect("a closed «…» in the README's table");
            out.push(after[..close].to_lowercase());
            rest = &after[close..];
        }
    }
    out
}

#[test]
fn the_readme_bans_the_known_variants() {
    let banned = banned();
    for known in [
        "libro contable",
        "timeout de visibilidad",
        "timeout",
        "dead-letter",
        "lado a lado",
        "checklist",
        "lista de verificación",
    ] {
        assert!(
            banned.iter().any(|b| b == known),
            "locales/es/README.md's «No usar» column lost «{known}»: {banned:?}"
        );
    }
}

#[test]
fn no_spanish_text_uses_a_banned_variant() {
    let banned = banned();
    let mut found = Vec::new();
    for (file, key, text) in spanish_texts() {
        let words = prose(&text).to_lowercase();
        for variant in &banned {
            if words.contains(variant.as_str()) {
                found.push(format!("{file}: {key:?} says «{variant}»: {text}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} Spanish texts use a variant locales/es/README.md bans:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn spanish_numbers_use_the_decimal_comma_and_no_point_between_thousands() {
    let mut found = Vec::new();
    for (file, key, text) in spanish_texts() {
        let words = prose(&text);
        let b = words.as_bytes();
        // A point between two digits (`2.5`, `1.000`) is English or a thousands point: Spanish writes
        // `2,5` and `1000` / `12 345` (README, Números).
        if (1..b.len().saturating_sub(1))
            .any(|i| b[i] == b'.' && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit())
        {
            found.push(format!("{file}: {key:?}: {text}"));
        }
    }
    assert!(
        found.is_empty(),
        "Spanish texts with a point inside a number:\n{}",
        found.join("\n")
    );
}

/// Spanish quotes with «…», as the RAE recommends (“…” only inside a «…», which no text needs yet):
/// one style in every text, as the English uses “…” in all of its own.
#[test]
fn spanish_texts_quote_with_angle_quotes() {
    let mut found = Vec::new();
    for (file, key, text) in spanish_texts() {
        if prose(&text).contains(['"', '“', '”', '‘', '’', '„']) {
            found.push(format!("{file}: {key:?}: {text}"));
        }
    }
    assert!(
        found.is_empty(),
        "Spanish texts quoting with something other than «…»:\n{}",
        found.join("\n")
    );
}

#[test]
fn prose_leaves_out_code_and_markup() {
    assert_eq!(
        prose("usa `visibility_timeout` y <code>dead-letter</code> en <a href=\"x.1.2\">él</a>"),
        "usa   y   en  él "
    );
    assert_eq!(prose("sin código"), "sin código");
}
