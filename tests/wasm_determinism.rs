//! The browser half of the determinism contract: the WebAssembly build, in headless Chromium, produces
//! the same event-log digest for every lab as the native build (whose digests are the golden file).
#![cfg(target_arch = "wasm32")]

use redelivery_lab::sim::golden::{lab_lines, log_lines};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_lab_digests_equal_native() {
    assert_eq!(lab_lines(), include_str!("golden/lab_digests.txt"));
}

#[wasm_bindgen_test]
fn wasm_log_digests_equal_native() {
    assert_eq!(log_lines(), include_str!("golden/log_digests.txt"));
}
