//! A small Rust lexer for the tests that read the crate's own sources (`tests/catalogue.rs` finds the
//! catalogue keys, `tests/layering.rs` finds what the core imports). Each includes this file with
//! `#[path = "common/rust_tokens.rs"] mod rust_tokens;` rather than through `mod common;`, which
//! would compile the simulation helpers into them too.
//!
//! It reads code the way the compiler does as far as those tests need: comments (line, doc and
//! nested block comments) are dropped, so prose can neither fake nor hide a call or an import; a
//! string literal is one token whatever it contains, decoded as rustc decodes it (`\"`, `\n`,
//! `\u{…}`, a `\` line continuation), raw strings (`r#"…"#`) taken as written; char and byte literals
//! (`'"'`, `'\''`, `b'x'`) are skipped; a lifetime (`'a`) is a `'` and a name; a raw identifier
//! (`r#type`) is the identifier. Each token carries its 1-based line, for reports.

/// One token of Rust source, as far as these tests need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A name, a keyword or a number (`tr`, `crate`, `fn`, `0x1F`).
    Ident(String),
    /// `::`
    PathSep,
    /// Any other punctuation character.
    Punct(char),
    /// A string literal's value (of `"…"`, `b"…"`, `c"…"` or a raw string).
    Str(String),
}

/// Decodes the body of a normal (not raw) string literal, as rustc does.
pub fn unescape(body: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some('x') => {
                let hex: String = (0..2).filter_map(|_| chars.next()).collect();
                let v = u8::from_str_radix(&hex, 16).map_err(|_| format!("bad \\x{hex}"))?;
                out.push(v as char);
            }
            Some('u') => {
                if chars.next() != Some('{') {
                    return Err("\\u without {".into());
                }
                let mut hex = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    if c != '_' {
                        hex.push(c);
                    }
                }
                let v = u32::from_str_radix(&hex, 16).map_err(|_| format!("bad \\u{{{hex}}}"))?;
                out.push(char::from_u32(v).ok_or(format!("bad \\u{{{hex}}}"))?);
            }
            // A line continuation: the newline and the next line's leading whitespace go.
            Some('\n') | Some('\r') => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            other => return Err(format!("unknown escape \\{other:?}")),
        }
    }
    Ok(out)
}

/// Splits `src` into tokens with their 1-based line, dropping comments. Fails on an unterminated
/// literal or a bad escape, naming the line.
pub fn lex(src: &str) -> Result<Vec<(usize, Tok)>, String> {
    let s: Vec<char> = src.chars().collect();
    let at = |i: usize| s.get(i).copied().unwrap_or('\0');
    // The end of a quoted literal starting after the opening quote at `start`, honouring escapes.
    let quoted_end = |start: usize, quote: char| -> Result<usize, String> {
        let mut j = start;
        while j < s.len() {
            match s[j] {
                '\\' => j += 2,
                c if c == quote => return Ok(j),
                _ => j += 1,
            }
        }
        Err("unterminated literal".into())
    };
    let mut out = Vec::new();
    // `line` is the line of `s[counted]`; a token's line is found by counting on from there.
    let (mut i, mut line, mut counted) = (0, 1, 0);
    let mut line_of = |start: usize| {
        line += s[counted..start].iter().filter(|&&c| c == '\n').count();
        counted = start;
        line
    };
    let fail = |start: usize, e: String| {
        let line = 1 + s[..start].iter().filter(|&&c| c == '\n').count();
        format!("line {line}: {e}")
    };
    while i < s.len() {
        let (c, next) = (s[i], at(i + 1));
        let start = i;
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == '/' {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == '*' {
            let mut depth = 0;
            while i < s.len() {
                if s[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if s[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            let end = quoted_end(i + 1, '"').map_err(|e| fail(start, e))?;
            let text =
                unescape(&s[i + 1..end].iter().collect::<String>()).map_err(|e| fail(start, e))?;
            out.push((line_of(start), Tok::Str(text)));
            i = end + 1;
        } else if c == '\'' {
            // A char literal ('a', '\n', '\'', '\u{1F600}') or a lifetime ('a, 'static).
            if next == '\\' {
                i = quoted_end(i + 1, '\'').map_err(|e| fail(start, e))? + 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                out.push((line_of(start), Tok::Punct('\'')));
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            while i < s.len() && (s[i].is_alphanumeric() || s[i] == '_') {
                i += 1;
            }
            let word: String = s[start..i].iter().collect();
            let hashes = s[i..].iter().take_while(|&&c| c == '#').count();
            if matches!(word.as_str(), "r" | "br" | "cr") && at(i + hashes) == '"' {
                // A raw string (r"…", r#"…"#, br"…", cr"…"), taken as written.
                let body = i + hashes + 1;
                let closing: Vec<char> = std::iter::once('"')
                    .chain((0..hashes).map(|_| '#'))
                    .collect();
                let end = (body..s.len())
                    .find(|&j| s[j..].starts_with(&closing))
                    .ok_or_else(|| fail(start, "unterminated raw string".into()))?;
                out.push((line_of(start), Tok::Str(s[body..end].iter().collect())));
                i = end + closing.len();
            } else if word == "r" && hashes == 1 && (at(i + 1).is_alphabetic() || at(i + 1) == '_')
            {
                // `r#type`: a raw identifier is the identifier, lexed next.
                i += 1;
            } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                let end = quoted_end(i + 1, '"').map_err(|e| fail(start, e))?;
                let text = unescape(&s[i + 1..end].iter().collect::<String>())
                    .map_err(|e| fail(start, e))?;
                out.push((line_of(start), Tok::Str(text)));
                i = end + 1;
            } else if word == "b" && at(i) == '\'' {
                i = quoted_end(i + 1, '\'').map_err(|e| fail(start, e))? + 1;
            } else {
                out.push((line_of(start), Tok::Ident(word)));
            }
        } else if c == ':' && next == ':' {
            out.push((line_of(start), Tok::PathSep));
            i += 2;
        } else {
            out.push((line_of(start), Tok::Punct(c)));
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).unwrap().into_iter().map(|(_, t)| t).collect()
    }

    fn ident(s: &str) -> Tok {
        Tok::Ident(s.into())
    }

    #[test]
    fn comments_go_and_strings_stay_whole() {
        let src = r##"a // b "c"
/* d /* e */ "f" */ g "h // i" r#"j "k" /* l"# b"m" c"n\"" 'o'"##;
        assert_eq!(
            toks(src),
            [
                ident("a"),
                ident("g"),
                Tok::Str("h // i".into()),
                Tok::Str(r#"j "k" /* l"#.into()),
                Tok::Str("m".into()),
                Tok::Str("n\"".into()),
            ]
        );
    }

    #[test]
    fn strings_are_decoded_as_the_compiler_does() {
        let src = "\"a\\n\\t\\\\ \\u{e9}\\x41 \\\"q\\\" long \\\n        line\"";
        assert_eq!(toks(src), [Tok::Str("a\n\t\\ éA \"q\" long line".into())]);
    }

    #[test]
    fn chars_lifetimes_raw_idents_and_paths() {
        let src = r#"fn f<'a>(x: &'a str) { let q = '"'; let e = '\''; let b = b'"'; r#type; crate::ui::x }"#;
        let t = toks(src);
        assert!(!t.iter().any(|t| matches!(t, Tok::Str(_))), "{t:?}");
        assert_eq!(t.iter().filter(|t| **t == Tok::Punct('\'')).count(), 2);
        assert!(t.contains(&ident("type")) && !t.contains(&ident("r")));
        let tail: Vec<_> = t[t.len() - 6..].to_vec();
        assert_eq!(
            tail,
            [
                ident("crate"),
                Tok::PathSep,
                ident("ui"),
                Tok::PathSep,
                ident("x"),
                Tok::Punct('}')
            ]
        );
    }

    #[test]
    fn each_token_has_its_line() {
        let src = "a\n/* two\nlines */ b \"x\ny\" c\n// d\ne";
        let lines: Vec<usize> = lex(src).unwrap().into_iter().map(|(l, _)| l).collect();
        assert_eq!(lines, [1, 3, 3, 4, 6]);
    }

    #[test]
    fn an_unterminated_literal_is_an_error_with_its_line() {
        assert_eq!(
            lex("a\n\"open").unwrap_err(),
            "line 2: unterminated literal"
        );
        assert!(
            lex("r#\"open\"")
                .unwrap_err()
                .contains("unterminated raw string")
        );
        assert!(lex("\"\\q\"").unwrap_err().contains("unknown escape"));
    }
}
