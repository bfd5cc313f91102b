//! The native half of the determinism contract: lab digests equal the checked-in golden file, which the
//! browser test (tests/wasm_determinism.rs) compares against too.
#![cfg(not(target_arch = "wasm32"))]

use redelivery_lab::sim::golden::lab_digests;

const GOLDEN: &str = include_str!("golden/lab_digests.txt");

#[test]
fn lab_digests_match_the_golden_file() {
    let now = lab_digests();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/lab_digests.txt"),
            &now,
        )
        .unwrap();
        return;
    }
    assert_eq!(
        now, GOLDEN,
        "the simulation's decisions changed; if that is intended, rerun with UPDATE_GOLDEN=1 and commit the file"
    );
}

#[test]
fn the_same_run_twice_gives_the_same_digests() {
    assert_eq!(lab_digests(), lab_digests());
}
