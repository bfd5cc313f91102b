//! `lab run --set key=value`: overrides any setting of a configuration, generically.
//!
//! The configuration goes through its own JSON form: the key is looked up there (at the top, or in
//! the strategy or the gateway when it lives there, or as a dotted path such as `latency.base_ms`),
//! the value is parsed as JSON (a bare word is taken as a string), and the result must deserialize
//! back into a `Config`. A setting added to the core later works here without a change.

use crate::exit::{Fail, usage};
use redelivery_lab::sim::Config;
use serde_json::{Map, Value};

/// Objects inside the configuration whose fields may be named without their path.
const NESTED: [&str; 5] = ["strategy", "gateway", "broker", "producer", "retention"];

/// Settings the JSON leaves out at their default (so older configurations read and write as
/// before); `--set` fills them in, so they can be named like any other.
pub fn with_every_setting(config: &Config) -> Result<Value, Fail> {
    let mut root = serde_json::to_value(config)
        .map_err(|e| Fail::usage(format!("The configuration cannot be written as JSON: {e}.")))?;
    if let Some(top) = root.as_object_mut() {
        let parts = [
            ("broker", serde_json::to_value(config.broker)),
            ("producer", serde_json::to_value(config.producer)),
            ("retention", serde_json::to_value(config.retention)),
        ];
        for (name, value) in parts {
            if let Ok(v) = value {
                top.entry(name).or_insert(v);
            }
        }
    }
    Ok(root)
}

/// `config` with every `key=value` of `sets` applied, in order (a later one wins).
pub fn apply(config: &Config, sets: &[String]) -> Result<Config, Fail> {
    let mut config = config.clone();
    for set in sets {
        config = apply_one(&config, set)?;
    }
    Ok(config)
}

fn apply_one(config: &Config, set: &str) -> Result<Config, Fail> {
    let Some((key, raw)) = set.split_once('=') else {
        return usage(format!(
            "--set takes key=value, as in --set max_deliveries=2; “{set}” has no “=”."
        ));
    };
    let key = key.trim();
    let mut root = with_every_setting(config)?;
    let path = resolve(&root, key)?;
    let value = serde_json::from_str::<Value>(raw).unwrap_or_else(|_| Value::String(raw.into()));
    let mut slot = &mut root;
    for part in &path {
        slot = &mut slot[part.as_str()];
    }
    *slot = value;
    serde_json::from_value(root).map_err(|e| {
        Fail::usage(format!(
            "The value of --set {key}={raw} is not valid: {}.",
            plain_words(&e.to_string())
        ))
    })
}

/// serde's message with Rust's integer types in words.
fn plain_words(message: &str) -> String {
    let mut m = message.trim_end_matches('.').to_string();
    for (ty, max) in [
        ("u8", u8::MAX as u64),
        ("u16", u16::MAX as u64),
        ("u32", u32::MAX as u64),
        ("u64", u64::MAX),
    ] {
        m = m.replace(
            &format!("expected {ty}"),
            &format!("expected a whole number from 0 to {max}"),
        );
    }
    m
}

/// Where `key` lives in the configuration's JSON: a dotted path, a top-level field, or a field of
/// one of the [`NESTED`] objects.
fn resolve(root: &Value, key: &str) -> Result<Vec<String>, Fail> {
    if key.contains('.') {
        let mut at = root;
        for part in key.split('.') {
            match at.as_object().and_then(|m| m.get(part)) {
                Some(next) => at = next,
                None => return unknown(root, key),
            }
        }
        return Ok(key.split('.').map(str::to_string).collect());
    }
    let top = root.as_object().cloned().unwrap_or_default();
    if top.contains_key(key) {
        return Ok(vec![key.to_string()]);
    }
    let homes: Vec<&str> = NESTED
        .into_iter()
        .filter(|n| fields(&top, n).is_some_and(|m| m.contains_key(key)))
        .collect();
    match homes[..] {
        [home] => Ok(vec![home.to_string(), key.to_string()]),
        [] => unknown(root, key),
        _ => usage(format!(
            "The setting “{key}” is in more than one place; name it in full, as in --set {}.{key}=….",
            homes[0]
        )),
    }
}

fn fields<'v>(top: &'v Map<String, Value>, name: &str) -> Option<&'v Map<String, Value>> {
    top.get(name).and_then(Value::as_object)
}

fn unknown<T>(root: &Value, key: &str) -> Result<T, Fail> {
    let top = root.as_object().cloned().unwrap_or_default();
    let names = |m: &Map<String, Value>| m.keys().cloned().collect::<Vec<_>>().join(", ");
    let nested: Vec<String> = NESTED
        .into_iter()
        .filter_map(|n| fields(&top, n).map(|m| format!("the {n}'s {}", names(m))))
        .collect();
    usage(format!(
        "There is no setting “{key}” for --set; the settings are {}, and {}.",
        names(&top),
        nested.join(", and ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use redelivery_lab::sim::{AckTiming, LedgerWrite, RetryPolicy};

    fn sets(s: &[&str]) -> Result<Config, String> {
        let owned: Vec<String> = s.iter().map(|s| s.to_string()).collect();
        apply(&Config::default(), &owned).map_err(|f| f.message)
    }

    #[test]
    fn top_level_strategy_and_gateway_keys_are_found() {
        let c = sets(&[
            "max_deliveries=2",
            "gateway_key=true",
            "ledger_write=commutative",
            "ack_timing=\"auto\"",
            "failure_permille=250",
            r#"retry={"policy":"exponential","base_ms":100,"cap_ms":2000,"jitter":true}"#,
            "latency.jitter_percent=0",
        ])
        .expect("valid settings");
        assert_eq!(c.max_deliveries, 2);
        assert!(c.strategy.gateway_key);
        assert_eq!(c.strategy.ledger_write, LedgerWrite::Commutative);
        assert_eq!(c.strategy.ack_timing, AckTiming::Auto);
        assert_eq!(c.gateway.failure_permille, 250);
        assert_eq!(c.latency.jitter_percent, 0);
        assert_eq!(
            c.retry,
            RetryPolicy::Exponential {
                base_ms: 100,
                cap_ms: 2000,
                jitter: true
            }
        );
    }

    #[test]
    fn settings_left_out_of_the_json_at_their_default_can_be_set() {
        let c = sets(&[
            r#"broker={"kind":"log"}"#,
            "partitions=4",
            "gateway_keys_ms=86400000",
            "lost_confirm_permille=300",
        ])
        .expect("valid settings");
        assert_eq!(c.broker.log().map(|l| l.partitions), Some(4));
        assert_eq!(c.retention.gateway_keys_ms, Some(86_400_000));
        assert_eq!(c.retention.records_ms, None);
        assert_eq!(c.producer.lost_confirm_permille, 300);
    }

    #[test]
    fn old_words_still_parse_and_a_later_set_wins() {
        let c = sets(&["ack_timing=before_process", "payments=5", "payments=7"]).expect("valid");
        assert_eq!(c.strategy.ack_timing, AckTiming::ManualFirst);
        assert_eq!(c.payments, 7);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_one_sentence() {
        let e = sets(&["max_deliverys=2"]).unwrap_err();
        assert!(
            e.contains("“max_deliverys”") && e.contains("max_deliveries"),
            "{e}"
        );
        assert!(e.contains("idempotency"), "lists the strategy's keys: {e}");
        let e = sets(&["gateway_key=yes"]).unwrap_err();
        assert!(
            e.contains("gateway_key=yes") && e.contains("boolean"),
            "{e}"
        );
        let e = sets(&["max_deliveries=300"]).unwrap_err();
        assert!(
            e.contains("max_deliveries=300") && e.contains("0 to 255"),
            "{e}"
        );
        let e = sets(&["ledger_write=sometimes"]).unwrap_err();
        assert!(e.contains("commutative"), "names the choices: {e}");
        let e = sets(&["payments"]).unwrap_err();
        assert!(e.contains("no “=”"), "{e}");
        let e = sets(&["latency.nope=1"]).unwrap_err();
        assert!(e.contains("“latency.nope”"), "{e}");
        for e in [sets(&["x=1"]), sets(&["payments=-1"])] {
            assert_eq!(e.unwrap_err().lines().count(), 1);
        }
    }
}
