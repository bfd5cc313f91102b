//! The two sorted collections the saved progress needs: a set of ids and a map from ids.
//!
//! They behave like `BTreeSet<String>` and `BTreeMap<String, V>` for what the app does with them
//! (a handful of labs and goals; lookups, inserts and walks in id order), as sorted vectors: the
//! tree's code for these two key types was about 6 KB of the gzipped download.

use std::fmt;

/// Ids in ascending order, each once.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct IdSet(Vec<String>);

impl IdSet {
    fn find(&self, id: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|x| x.as_str().cmp(id))
    }

    /// Adds `id`; false if it was already there.
    pub fn insert(&mut self, id: String) -> bool {
        match self.find(&id) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, id);
                true
            }
        }
    }

    /// Is `id` in the set?
    pub fn contains(&self, id: &str) -> bool {
        self.find(id).is_ok()
    }

    /// The ids, in ascending order.
    pub fn iter(&self) -> std::slice::Iter<'_, String> {
        self.0.iter()
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No id at all?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keeps the ids for which `keep` is true.
    pub fn retain(&mut self, keep: impl FnMut(&String) -> bool) {
        self.0.retain(keep)
    }
}

impl Extend<String> for IdSet {
    fn extend<I: IntoIterator<Item = String>>(&mut self, ids: I) {
        for id in ids {
            self.insert(id);
        }
    }
}

impl FromIterator<String> for IdSet {
    fn from_iter<I: IntoIterator<Item = String>>(ids: I) -> Self {
        let mut set = IdSet::default();
        set.extend(ids);
        set
    }
}

impl<const N: usize> From<[String; N]> for IdSet {
    fn from(ids: [String; N]) -> Self {
        ids.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a IdSet {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Debug for IdSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(&self.0).finish()
    }
}

/// Values by id, in ascending id order.
#[derive(Clone, PartialEq, Eq)]
pub struct IdMap<V>(Vec<(String, V)>);

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap(Vec::new())
    }
}

impl<V> IdMap<V> {
    fn find(&self, id: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(x, _)| x.as_str().cmp(id))
    }

    /// The value for `id`, if any.
    pub fn get(&self, id: &str) -> Option<&V> {
        self.find(id).ok().map(|i| &self.0[i].1)
    }

    /// Sets the value for `id`; returns the one it replaced.
    pub fn insert(&mut self, id: String, value: V) -> Option<V> {
        match self.find(&id) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (id, value));
                None
            }
        }
    }

    /// The value for `id`, a default one added first if there was none (`entry(id).or_default()`).
    pub fn get_or_default(&mut self, id: &str) -> &mut V
    where
        V: Default,
    {
        let i = match self.find(id) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (id.to_string(), V::default()));
                i
            }
        };
        &mut self.0[i].1
    }

    /// The entries, in ascending id order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The entries with their values to change, in ascending id order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut V)> {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No entry at all?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut V) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v))
    }
}

impl<V> std::ops::Index<&str> for IdMap<V> {
    type Output = V;
    /// Panics when `id` has no value, like a map's index.
    fn index(&self, id: &str) -> &V {
        self.get(id).expect("no entry for this id")
    }
}

impl<'a, V> IntoIterator for &'a IdMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, V)>,
        fn(&'a (String, V)) -> (&'a String, &'a V),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<V: fmt::Debug> fmt::Debug for IdMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}
