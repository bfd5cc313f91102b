//! A small in-place sort for the browser build: the core's id lists and the message catalogue's table.
//!
//! Why not `sort_unstable`: the standard library's pattern-defeating quicksort links about 4 KB of
//! wasm (1.7 KB gzipped) for each element type it sorts, and the app's first download has a budget.
//! A heapsort is a few hundred bytes, O(n log n) in the worst case too, and allocates nothing. The
//! lists sorted here are short (a consumer's held messages, a run's returned ones, a lab's published
//! ids, the catalogue once per visit), so its constant factor does not matter.
//! Like `sort_unstable` it may reorder equal elements: callers sort values whose equal elements are
//! indistinguishable (plain ids), or keys that are unique.

/// Sorts `v` in ascending order, by `less` ("a comes before b"; a strict weak order).
pub fn sort_by<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = v.len();
    // Build a max-heap (every parent not less than its children), then move its top, the largest
    // remaining element, to the end of the unsorted part, one at a time.
    for root in (0..n / 2).rev() {
        sift_down(v, root, n, &less);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end, &less);
    }
}

/// Sorts `v` in ascending order.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, |a, b| a < b);
}

/// Moves `v[root]` down the heap `v[..end]` until neither child is greater.
fn sift_down<T>(v: &mut [T], mut root: usize, end: usize, less: &impl Fn(&T, &T) -> bool) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_short_lists_and_the_edge_cases() {
        for mut v in [
            vec![],
            vec![1u32],
            vec![2, 1],
            vec![1, 2],
            vec![3, 3, 3],
            vec![5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5],
            (0..100).rev().collect(),
            (0..100).collect(),
            vec![u32::MAX, 0, u32::MAX, 7],
        ] {
            let mut expected = v.clone();
            expected.sort_unstable();
            sort(&mut v);
            assert_eq!(v, expected);
        }
    }

    #[test]
    fn sorts_pairs_by_their_first_item() {
        let mut v = vec![("b", "2"), ("c", "3"), ("a", "1")];
        sort_by(&mut v, |x, y| x.0 < y.0);
        assert_eq!(v, [("a", "1"), ("b", "2"), ("c", "3")]);
    }

    #[cfg(not(target_arch = "wasm32"))] // proptest is a native dev-dependency
    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn agrees_with_the_standard_sort(mut v in proptest::collection::vec(0u32..50, 0..300)) {
                let mut expected = v.clone();
                expected.sort_unstable();
                sort(&mut v);
                prop_assert_eq!(v, expected);
            }
        }
    }
}
