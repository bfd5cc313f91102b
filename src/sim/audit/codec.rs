//! The handler in a permalink: short, readable in a code review, and checked on the way back in.
//!
//! `1-bcrglta-bubm` is version 1, the steps one letter each in order (b begin, c check, r record,
//! l ledger, g charge, t commit, a ack), then four letters: the record key (b business id, m message
//! id), the record check (c check-then-insert, u unique constraint), the gateway key (n none, b, m) and
//! the ack (m manual, a automatic).

use super::handler::{Handler, HandlerStep, KeySource};
use crate::i18n::trs;
use crate::sim::config::RecordCheck;

/// The handler as the part of a permalink after `#`.
pub fn encode(h: &Handler) -> String {
    let mut out = String::from("1-");
    out.extend(h.steps.iter().map(|s| s.letter()));
    out.push('-');
    out.push(key_letter(h.record_key));
    out.push(match h.record_check {
        RecordCheck::CheckThenInsert => 'c',
        RecordCheck::UniqueConstraint => 'u',
    });
    out.push(h.gateway_key.map_or('n', key_letter));
    out.push(if h.auto_ack { 'a' } else { 'm' });
    out
}

fn key_letter(k: KeySource) -> char {
    match k {
        KeySource::BusinessId => 'b',
        KeySource::MessageId => 'm',
    }
}

fn key(c: char) -> Option<KeySource> {
    match c {
        'b' => Some(KeySource::BusinessId),
        'm' => Some(KeySource::MessageId),
        _ => None,
    }
}

/// Reads [`encode`]'s text back (a leading `#` is allowed) into a valid handler; a damaged or
/// impossible link gets one sentence.
pub fn decode(text: &str) -> Result<Handler, String> {
    let damaged = || trs("This audit link is damaged: the form shows the default handler instead.");
    let text = text.strip_prefix('#').unwrap_or(text);
    let mut parts = text.split('-');
    let (Some("1"), Some(steps), Some(opts), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(damaged());
    };
    let steps = steps
        .chars()
        .map(|c| HandlerStep::ALL.into_iter().find(|s| s.letter() == c))
        .collect::<Option<Vec<_>>>()
        .filter(|s| s.len() <= HandlerStep::ALL.len())
        .ok_or_else(damaged)?;
    let o: Vec<char> = opts.chars().collect();
    let [rk, rc, gk, ack] = o[..] else {
        return Err(damaged());
    };
    let handler = Handler {
        steps,
        record_key: key(rk).ok_or_else(damaged)?,
        record_check: match rc {
            'c' => RecordCheck::CheckThenInsert,
            'u' => RecordCheck::UniqueConstraint,
            _ => return Err(damaged()),
        },
        gateway_key: match gk {
            'n' => None,
            k => Some(key(k).ok_or_else(damaged)?),
        },
        auto_ack: match ack {
            'm' => false,
            'a' => true,
            _ => return Err(damaged()),
        },
    };
    handler.validate()?;
    Ok(handler)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permalink_round_trips() {
        let h = Handler::correct();
        let text = encode(&h);
        assert_eq!(text, "1-bcrglta-bubm");
        assert_eq!(decode(&text), Ok(h.clone()));
        assert_eq!(decode(&format!("#{text}")), Ok(h));
        assert_eq!(decode("1-gla-bcnm"), Ok(Handler::default()));
    }

    #[test]
    fn a_damaged_permalink_gets_one_sentence() {
        for bad in [
            "",
            "2-gla-bcnm",
            "1-gxa-bcnm",
            "1-gla-bcn",
            "1-gla-bcnmm",
            "1-gla-zcnm",
            "1-gla-bcnm-",
            "1-ggggggggggg-bcnm",
        ] {
            let e = decode(bad).unwrap_err();
            assert!(
                e.ends_with('.') && e.matches(". ").count() == 0,
                "{bad}: {e}"
            );
        }
        // Well formed, but impossible: the validation's sentence.
        assert!(
            decode("1-glta-bcnm")
                .unwrap_err()
                .contains("commits without beginning")
        );
    }
}
