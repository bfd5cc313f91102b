//! Named counts in key order: what a `BTreeMap<String, u64>` was for the signals (redeliveries per
//! topic and per cause), as a sorted vector.
//!
//! It serializes, deserializes and prints exactly as the map did (a JSON object, keys ascending),
//! but keeps the tree's code for this key and value out of the browser build: a handful of keys
//! needs no tree, and each tree type costs a few KB of the gzipped download.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Counts by name, keys ascending, each key once.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Counts(Vec<(String, u64)>);

impl Counts {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Sets `key` to `value`, replacing what it held.
    pub fn insert(&mut self, key: String, value: u64) {
        match self.find(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// The count under `key`, if there is one.
    pub fn get(&self, key: &str) -> Option<&u64> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// Is there a count under `key`?
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// The keys, ascending.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// The counts, in key order.
    pub fn values(&self) -> impl Iterator<Item = &u64> {
        self.0.iter().map(|(_, v)| v)
    }
}

impl<const N: usize> From<[(String, u64); N]> for Counts {
    fn from(pairs: [(String, u64); N]) -> Self {
        let mut c = Counts(Vec::with_capacity(N));
        for (k, v) in pairs {
            c.insert(k, v);
        }
        c
    }
}

impl fmt::Debug for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CountsVisitor;
        impl<'de> Visitor<'de> for CountsVisitor {
            type Value = Counts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of counts")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Counts, A::Error> {
                let mut c = Counts::default();
                while let Some((k, v)) = a.next_entry::<String, u64>()? {
                    c.insert(k, v);
                }
                Ok(c)
            }
        }
        d.deserialize_map(CountsVisitor)
    }
}

// serde_json is a native-only dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn pairs() -> [(String, u64); 4] {
        [
            ("retry".to_string(), 3),
            ("consumer_gone".to_string(), 1),
            ("visibility_timeout".to_string(), 0),
            ("replay".to_string(), 7),
        ]
    }

    #[test]
    fn serializes_prints_and_reads_back_like_the_map_it_replaces() {
        let c = Counts::from(pairs());
        let m = BTreeMap::from(pairs());
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, serde_json::to_string(&m).unwrap());
        assert_eq!(format!("{c:?}"), format!("{m:?}"));
        assert_eq!(serde_json::from_str::<Counts>(&json).unwrap(), c);
        assert!(c.keys().eq(m.keys()));
        assert!(c.values().eq(m.values()));
    }

    #[test]
    fn looks_up_and_replaces_by_key() {
        let mut c = Counts::from(pairs());
        assert_eq!(c.get("retry"), Some(&3));
        assert_eq!(c.get("nope"), None);
        assert!(c.contains_key("replay") && !c.contains_key("replays"));
        c.insert("retry".to_string(), 9);
        assert_eq!(c.get("retry"), Some(&9));
        assert_eq!(c.values().count(), 4);
        let last_wins: Counts = serde_json::from_str(r#"{"b":1,"a":2,"b":5}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&last_wins).unwrap(),
            r#"{"a":2,"b":5}"#
        );
    }
}
