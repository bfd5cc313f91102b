//! The message catalogue: every word the interface shows goes through [`tr`], [`tr_n`] or [`trf`].
//!
//! As in gettext, the English text is both the built-in language and the key: the page carries no
//! table of names, and a visitor reading English downloads nothing more. Another language is a table
//! from those English texts to its own (`locales/<code>.json`), loaded on demand and installed once
//! with [`install`]; from then on every lookup answers in that language, and a text the table lacks
//! stays English (a native test, `tests/catalogue.rs`, keeps every shipped table complete).
//!
//! Placeholders are `{0}`, `{1}`, …, so a translation may put them in another order. Pure Rust with no
//! web crates, so the core's sentences and the native tests use the same functions.

use std::cell::RefCell;

thread_local! {
    /// The installed language's pairs (English, translation), sorted by the English text.
    static TABLE: RefCell<Vec<(&'static str, &'static str)>> = const { RefCell::new(Vec::new()) };
    /// The installed language's code ("en" until another is installed).
    static CODE: RefCell<&'static str> = const { RefCell::new("en") };
}

/// The installed language's code: "en", or the code given to [`install`] (e.g. "es").
pub fn language() -> &'static str {
    CODE.with(|c| *c.borrow())
}

/// `english` in the installed language, or `english` itself when none is installed or the table lacks it.
/// Never inlined: it is called at hundreds of places, and a copy of the lookup at each would cost the
/// browser build kilobytes.
#[inline(never)]
pub fn tr(english: &'static str) -> &'static str {
    TABLE.with(|t| {
        let t = t.borrow();
        match t.binary_search_by(|(k, _)| (*k).cmp(english)) {
            Ok(i) => t[i].1,
            Err(_) => english,
        }
    })
}

/// `tr(english)` as an owned `String`: one call at each of the fifty-odd sites that keep a translated
/// sentence (an error, a status), instead of the lookup and a copy inlined at each.
#[inline(never)]
pub fn trs(english: &'static str) -> String {
    tr(english).to_string()
}

/// `one` when `n` is 1, else `other`, each in the installed language. English, Spanish and German
/// share this rule; a language with more plural forms would need more keys.
#[inline(never)]
pub fn tr_n(one: &'static str, other: &'static str, n: u64) -> &'static str {
    tr(if n == 1 { one } else { other })
}

/// `template` in the installed language with `{0}`, `{1}`, … replaced by `args`.
#[inline(never)]
pub fn trf(template: &'static str, args: &[&str]) -> String {
    fill(tr(template), args)
}

/// `template` in the installed language with `{0}`, `{1}`, … replaced by the whole numbers `args`:
/// the common case, written without a `to_string()` (and its formatting code) at each call.
#[inline(never)]
pub fn trf_n(template: &'static str, args: &[u64]) -> String {
    let text: Vec<String> = args.iter().map(|n| n.to_string()).collect();
    let refs: Vec<&str> = text.iter().map(String::as_str).collect();
    fill(tr(template), &refs)
}

/// Marks `english` as a catalogue key without translating it (gettext's `N_`): for texts kept in
/// static tables and passed to [`tr`] where they are shown.
pub const fn n_(english: &'static str) -> &'static str {
    english
}

/// `template` with `{i}` replaced by `args[i]`; a placeholder with no argument stays as written.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let arg = after
            .find('}')
            .and_then(|close| Some((close, args.get(after[..close].parse::<usize>().ok()?)?)));
        match arg {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Makes `pairs` (English, translation) the installed language, called `code` ("es"); `"en"` with an
/// empty list goes back to English.
/// The texts live as long as the page (a language is installed once per visit), so they are leaked to
/// hand out `&'static str` without a copy per lookup.
pub fn install(code: &'static str, pairs: Vec<(String, String)>) {
    set(
        code,
        pairs
            .into_iter()
            .map(|(from, to)| (&*from.leak(), &*to.leak()))
            .collect(),
    );
}

/// Makes the catalogue file's text the installed language, called `code`: English and translation
/// alternate, each ended by a NUL (`scripts/build` writes `locales/<code>.json` so). The text is leaked
/// once and split in place: no JSON object to walk and no copy per text.
pub fn install_text(code: &'static str, text: String) {
    let mut parts = text.leak().split('\0');
    let mut pairs = Vec::new();
    while let (Some(from), Some(to)) = (parts.next(), parts.next()) {
        pairs.push((from, to));
    }
    set(code, pairs);
}

fn set(code: &'static str, mut table: Vec<(&'static str, &'static str)>) {
    table.retain(|(_, to)| !to.is_empty());
    // scripts/build writes the table sorted, so this insertion sort only checks it (one pass) and a
    // table written by hand still works; a library sort would add kilobytes to the download.
    for i in 1..table.len() {
        let mut j = i;
        while j > 0 && table[j - 1].0 > table[j].0 {
            table.swap(j - 1, j);
            j -= 1;
        }
    }
    TABLE.with(|t| *t.borrow_mut() = table);
    CODE.with(|c| *c.borrow_mut() = code);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_until_a_language_is_installed_then_that_language() {
        install("en", Vec::new());
        assert_eq!(tr("Play"), "Play");
        install("es", vec![("Play".into(), "Reproducir".into())]);
        assert_eq!(language(), "es");
        assert_eq!(tr("Play"), "Reproducir");
        assert_eq!(tr("Reset"), "Reset", "a missing text stays English");
        install("en", Vec::new());
        assert_eq!(tr("Play"), "Play");
    }

    #[test]
    fn a_table_out_of_order_is_sorted_on_install() {
        let pairs = [
            ("Reset", "Reiniciar"),
            ("Play", "Reproducir"),
            ("Step", "Avanzar"),
            ("Lab", "Laboratorio"),
        ];
        install(
            "es",
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        );
        for (en, es) in pairs {
            assert_eq!(tr(en), es);
        }
        install("en", Vec::new());
    }

    #[test]
    fn a_catalogue_file_installs_in_pairs_and_an_empty_translation_stays_english() {
        install_text(
            "es",
            "Play\0Reproducir\0Reset\0\0Two\nlines\0Dos\nlíneas\0".into(),
        );
        assert_eq!(tr("Play"), "Reproducir");
        assert_eq!(tr("Reset"), "Reset");
        assert_eq!(tr("Two\nlines"), "Dos\nlíneas");
        install("en", Vec::new());
        assert_eq!(tr("Play"), "Play");
    }

    #[test]
    fn placeholders_fill_in_any_order_and_plurals_pick_by_count() {
        install(
            "es",
            vec![("{0} of {1} goals".into(), "de {1} objetivos, {0}".into())],
        );
        assert_eq!(trf("{0} of {1} goals", &["2", "3"]), "de 3 objetivos, 2");
        install("en", Vec::new());
        assert_eq!(trf("{0} of {1} goals", &["2", "3"]), "2 of 3 goals");
        assert_eq!(fill("{x} {5} {0}", &["a"]), "{x} {5} a");
        assert_eq!(tr_n("1 duplicate", "{0} duplicates", 1), "1 duplicate");
        assert_eq!(tr_n("1 duplicate", "{0} duplicates", 0), "{0} duplicates");
        assert_eq!(trf_n("{0} of {1} goals", &[2, 13]), "2 of 13 goals");
        assert_eq!(
            n_("Play"),
            "Play",
            "a marked key is the English text itself"
        );
    }
}
