//! The layering rule, enforced: the simulation core (`src/sim/`) is pure Rust that the browser, the CLI
//! and the reality check all build on, so it must never name any of them. A file under `src/sim/` fails
//! this test when its code (comments and string literals do not count) names
//! - the UI, the real-server code or the CLI: a path from `crate`, `super` or `self` through a module
//!   `ui`, `real` or `bin`, or a `#[path]`/`include!` pointing into those folders;
//! - a web or server crate: `yew`, `web_sys`, `js_sys`, `gloo`, `wasm_bindgen`, `postgres`, `amiquip`,
//!   `lapin`, `tokio` (and their `_`-suffixed relatives such as `gloo_timers` or `tokio_postgres`).
//!
//! Every finding is reported as `file:line: what`, so a failure says where to look.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

// The lexer the catalogue test shares: comments and string literals never count as code.
#[path = "common/rust_tokens.rs"]
mod rust_tokens;
use rust_tokens::{Tok, lex};

/// Modules of this crate the core must not reach.
const FORBIDDEN_MODULES: [&str; 3] = ["ui", "real", "bin"];

/// Crates the core must not use (also matched as prefixes before `_`).
const FORBIDDEN_CRATES: [&str; 9] = [
    "yew",
    "web_sys",
    "js_sys",
    "gloo",
    "wasm_bindgen",
    "postgres",
    "amiquip",
    "lapin",
    "tokio",
];

/// One forbidden name in the code.
#[derive(Debug, PartialEq, Eq)]
struct Finding {
    line: usize,
    what: String,
}

fn is_forbidden_crate(word: &str) -> Option<&'static str> {
    FORBIDDEN_CRATES.into_iter().find(|k| {
        word == *k
            || word
                .strip_prefix(k)
                .is_some_and(|rest| rest.starts_with('_'))
    })
}

/// Does a `#[path]` or `include!` string point into the UI, the real-server code or the binaries?
fn names_forbidden_folder(path: &str) -> bool {
    path.split(['/', '\\']).any(|part| {
        let stem = part.strip_suffix(".rs").unwrap_or(part);
        FORBIDDEN_MODULES.contains(&stem)
    })
}

/// Every place in `src` (one file of the core) that names what the core must not know about.
/// Fails only when `src` is not lexable Rust (an unterminated literal).
fn scan(src: &str) -> Result<Vec<Finding>, String> {
    let toks = lex(src)?;
    let mut found = Vec::new();
    for (k, (line, tok)) in toks.iter().enumerate() {
        match tok {
            Tok::Ident(word) => {
                if let Some(krate) = is_forbidden_crate(word) {
                    found.push(Finding {
                        line: *line,
                        what: format!("names the crate `{krate}` (`{word}`)"),
                    });
                }
                // A path rooted in this crate: crate::…, super::…, self::… (or redelivery_lab::…, should
                // the crate ever name itself); walk its segments, including those inside a use-tree's
                // braces.
                let rooted = matches!(word.as_str(), "crate" | "super" | "self" | "redelivery_lab")
                    && !matches!(k.checked_sub(1).map(|p| &toks[p].1), Some(Tok::PathSep));
                if rooted {
                    let mut path = word.clone();
                    let mut j = k + 1;
                    let mut depth = 0usize;
                    while j < toks.len() {
                        match &toks[j].1 {
                            Tok::PathSep => path.push_str("::"),
                            Tok::Ident(seg) if depth > 0 || path.ends_with("::") => {
                                if depth > 0 && !path.ends_with("::") && !path.ends_with('{') {
                                    path.push_str(", ");
                                }
                                path.push_str(seg);
                                if FORBIDDEN_MODULES.contains(&seg.as_str()) {
                                    found.push(Finding {
                                        line: toks[j].0,
                                        what: format!("names `{path}`"),
                                    });
                                }
                            }
                            Tok::Punct('{') if path.ends_with("::") => {
                                depth += 1;
                                path.push('{');
                            }
                            Tok::Punct('}') if depth > 0 => {
                                depth -= 1;
                                path.push('}');
                            }
                            Tok::Punct(',' | '*') if depth > 0 => {}
                            _ => break,
                        }
                        j += 1;
                    }
                }
            }
            Tok::Str(text) => {
                // `#[path = "…"]` or `include!("…")` / `include_str!` / `include_bytes!`.
                let before: Vec<&Tok> = toks[k.saturating_sub(3)..k].iter().map(|t| &t.1).collect();
                let is_path_attr = matches!(
                    before.as_slice(),
                    [.., Tok::Ident(p), Tok::Punct('=')] if p == "path"
                );
                let is_include = matches!(
                    before.as_slice(),
                    [.., Tok::Ident(m), Tok::Punct('!'), Tok::Punct('(')] if m.starts_with("include")
                );
                if (is_path_attr || is_include) && names_forbidden_folder(text) {
                    found.push(Finding {
                        line: *line,
                        what: format!("includes \"{text}\""),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(found)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_core_names_no_ui_cli_real_server_or_web_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/sim"), &mut files);
    assert!(
        files.len() > 10,
        "src/sim should hold the core's files; found {}",
        files.len()
    );
    let mut report = Vec::new();
    for file in &files {
        let src = std::fs::read_to_string(file).unwrap();
        let rel = file.strip_prefix(root).unwrap().display().to_string();
        for f in scan(&src).unwrap_or_else(|e| panic!("{rel}: {e}")) {
            report.push(format!("{rel}:{}: {}", f.line, f.what));
        }
    }
    assert!(
        report.is_empty(),
        "src/sim/ is the pure core: it must not name the UI, the CLI, the real-server code or a web/server \
         crate. Move the dependency to the layer that owns it.\n{}",
        report.join("\n")
    );
}

#[test]
fn the_scanner_finds_each_kind_of_violation_on_its_line() {
    let bad = r##"use crate::ui::App;
use super::super::{sim, ui::components};
use yew::prelude::*;
fn f() { let w = web_sys::window(); }
#[wasm_bindgen]
pub fn g() {}
async fn h() { tokio_postgres::connect("x", NoTls).await; }
use crate::{
    real,
};
#[path = "../bin/lab.rs"]
mod cli;
const X: &str = include_str!("../ui/theme.css");
use self::super::super::real::Row;
use redelivery_lab::ui::start;
"##;
    let lines: Vec<usize> = scan(bad).unwrap().iter().map(|f| f.line).collect();
    assert_eq!(
        lines,
        [1, 2, 3, 4, 5, 7, 9, 11, 13, 14, 15],
        "{:#?}",
        scan(bad).unwrap()
    );
    let first = &scan(bad).unwrap()[0];
    assert_eq!(first.what, "names `crate::ui`");
    assert_eq!(scan(bad).unwrap()[2].what, "names the crate `yew` (`yew`)");
    assert_eq!(
        scan(bad).unwrap()[5].what,
        "names the crate `tokio` (`tokio_postgres`)"
    );
}

#[test]
fn the_scanner_ignores_prose_strings_and_look_alikes() {
    let fine = r###"//! Never imports yew, web_sys or crate::ui; the real crash mode is real.
/* block comment: use crate::ui::App; /* nested: tokio */ still comment: gloo */
/// A doc comment naming `super::super::ui`.
use super::broker::Broker;
use crate::sim::config::Config;
fn f<'a>(s: &'a str) -> char {
    let quote = '"';
    let msg = "use crate::ui; tokio and yew are fine in messages";
    let raw = r#"a "quoted" crate::real::Row and lapin"#;
    let _ = (msg, raw, s);
    let real_time = 3; // a local may contain the word
    let _ = real_time;
    let yewish = 1; // not a crate name
    let _ = yewish;
    quote
}
"###;
    assert_eq!(scan(fine).unwrap(), [], "{:#?}", scan(fine).unwrap());
}
