//! The message catalogue stays complete: every English text the sources hand to `tr`, `trf` or `tr_n`
//! (the keys, as in gettext) has a translation in the Spanish tables `locales/es/*.json`, no table keeps
//! a key no source uses, two tables never translate one key differently, and a translation keeps its
//! key's `{0}`, `{1}`, … placeholders (a lost one would drop a number from the sentence).
//!
//! The sources are read with the small Rust lexer the layering test shares
//! (`tests/common/rust_tokens.rs`) rather than a pattern, so comments, raw strings and char literals
//! cannot fake or hide a call, and a literal's escapes (`\"`, `\n`, `\u{…}`, a `\` line continuation)
//! are decoded exactly as the compiler decodes them: the key here is the key at run time.
//! The lessons' tables (`locales/es/lessons/`) are keyed by lesson field, not by English text, and are
//! checked with the lessons.

#![cfg(not(target_arch = "wasm32"))] // reads the sources and tables from disk: a native test
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "common/rust_tokens.rs"]
mod rust_tokens;
use rust_tokens::{Tok, lex};

/// The keys of one source: the literal first argument of `tr(…)`, `trs(…)`, `trf(…)`, `trf_n(…)`, `atr(…)` (an
/// attribute value), `vtr(…)` (a translated text as a page node) and `n_(…)` (a key kept in a static table, translated where it is
/// shown), both literals of `tr_n(…)`. A call whose argument is not a literal is the catalogue's own
/// code (a variable key would escape this test, so the team writes none).
fn keys_in(tokens: &[(usize, Tok)]) -> Vec<String> {
    let tokens: Vec<&Tok> = tokens.iter().map(|(_, t)| t).collect();
    let mut keys = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let Tok::Ident(name) = t else { continue };
        // `.tr(` would be a method of something else; `fn tr(` is the definition.
        if i > 0 && (*tokens[i - 1] == Tok::Punct('.') || *tokens[i - 1] == Tok::Ident("fn".into()))
        {
            continue;
        }
        let literals = match name.as_str() {
            "tr" | "trs" | "trf" | "trf_n" | "n_" | "vtr" | "atr" => 1,
            "tr_n" => 2,
            _ => continue,
        };
        if tokens.get(i + 1) != Some(&&Tok::Punct('(')) {
            continue;
        }
        for n in 0..literals {
            match tokens.get(i + 2 + 2 * n) {
                Some(Tok::Str(key)) => keys.push(key.clone()),
                _ => break,
            }
        }
    }
    keys
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every key of the sources, with the first file that uses it. `src/i18n.rs` is left out: its own
/// unit tests call `tr` with made-up texts.
fn source_keys() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut keys = BTreeMap::new();
    for file in files {
        let name = file.strip_prefix(root).unwrap().display().to_string();
        if name == "src/i18n.rs" {
            continue;
        }
        let tokens =
            lex(&fs::read_to_string(&file).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        for key in keys_in(&tokens) {
            keys.entry(key).or_insert_with(|| name.clone());
        }
    }
    keys
}

/// The `{0}`, `{1}`, … of a text, sorted, repeats kept.
fn placeholders(text: &str) -> Vec<usize> {
    let mut found: Vec<usize> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}')?.0.parse().ok())
        .collect();
    found.sort_unstable();
    found
}

/// Each table of `locales/<code>/*.json` (file name, its pairs).
fn tables(code: &str) -> Vec<(String, BTreeMap<String, String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(code);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(&path).unwrap();
            let pairs = serde_json::from_str(&text).unwrap_or_else(|e| {
                panic!("locales/{code}/{name} is not a flat object of strings: {e}")
            });
            (name, pairs)
        })
        .collect()
}

/// Every problem of the tables of `code` against the sources' keys, one line each.
fn problems(code: &str) -> Vec<String> {
    let keys = source_keys();
    let mut problems = Vec::new();
    let mut all: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    let tables = tables(code);
    for (file, pairs) in &tables {
        for (key, text) in pairs {
            if !keys.contains_key(key) {
                problems.push(format!(
                    "locales/{code}/{file}: {key:?} is not used by any source"
                ));
            }
            if text.trim().is_empty() {
                problems.push(format!(
                    "locales/{code}/{file}: {key:?} has an empty translation"
                ));
            }
            if placeholders(key) != placeholders(text) {
                problems.push(format!(
                    "locales/{code}/{file}: {key:?} → {text:?} changes the placeholders"
                ));
            }
            if let Some((other, before)) = all.insert(key, (file, text))
                && before != text
            {
                problems.push(format!(
                    "{key:?} is {before:?} in locales/{code}/{other} but {text:?} in locales/{code}/{file}"
                ));
            }
        }
    }
    for (key, file) in &keys {
        if !all.contains_key(key.as_str()) {
            problems.push(format!(
                "{file}: {key:?} has no translation in locales/{code}/"
            ));
        }
    }
    problems
}

#[test]
fn every_key_has_one_spanish_translation_with_its_placeholders() {
    let problems = problems("es");
    assert!(
        problems.is_empty(),
        "{} catalogue problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_lexer_reads_keys_as_the_compiler_does() {
    let src = r##"
        // tr("in a comment")
        /* tr("in a /* nested */ block") */
        let a = tr("Play");
        let b = trf(
            "{0} of {1} \"goals\"\n",
            &[&x, &y],
        );
        let c = i18n::tr_n("1 duplicate", "{0} duplicates", n);
        let d = tr("a long \
                    line");
        let e = tr("caf\u{e9} \\ done");
        let f = r#"tr("in a raw string")"#;
        let g: &'static str = tr(name);
        let h = '"'; let i = tr("after a quote char");
        let j = x.tr("a method");
        pub fn tr(english: &'static str) {}
    "##;
    let keys = keys_in(&lex(src).unwrap());
    assert_eq!(
        keys,
        [
            "Play",
            "{0} of {1} \"goals\"\n",
            "1 duplicate",
            "{0} duplicates",
            "a long line",
            "café \\ done",
            "after a quote char",
        ]
    );
}

#[test]
fn placeholders_are_compared_as_a_multiset() {
    assert_eq!(placeholders("{1} de {0}, {0}"), [0, 0, 1]);
    assert_eq!(placeholders("no {x} {}"), Vec::<usize>::new());
}

/// `text` without backtick code spans and markup tags, whose `"` are code, not quotes.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut close = None;
    for c in text.chars() {
        match (close, c) {
            (Some(end), _) if c == end => close = None,
            (Some(_), _) => {}
            (None, '`') => close = Some('`'),
            (None, '<') => close = Some('>'),
            (None, _) => out.push(c),
        }
    }
    out
}

/// English quotes with “…”, as the lessons do: a key that quotes with "…" or «…» reads as another
/// product (the Spanish tables use «…», checked in tests/spanish_terms.rs).
#[test]
fn english_keys_quote_with_curly_double_quotes() {
    let odd: Vec<String> = source_keys()
        .into_iter()
        .filter(|(key, _)| prose(key).contains(['"', '«', '»', '„']))
        .map(|(key, file)| format!("{file}: {key}"))
        .collect();
    assert!(
        odd.is_empty(),
        "{} English texts quote with \"…\" or «…» instead of “…”:\n{}",
        odd.len(),
        odd.join("\n")
    );
    assert_eq!(prose("a `\"b\"` <i class=\"c\">“d”</i>"), "a  “d”");
}
