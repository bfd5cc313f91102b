//! Benchmark entry points exported to JavaScript (`window.wasmBindings` under Trunk), so
//! `./scripts/bench` can time the very same core in headless Chromium. Timing happens in JavaScript
//! with `performance.now()`: the core itself never reads a clock.
//!
//! The throughput and sweep entry points exist only with the cargo feature `bench`, which
//! `./scripts/bench` builds with: every page links this library, and the shipped ones need not carry
//! them. The share link, the memory probe and the provoked panic stay, because the end-to-end tests
//! call them on the shipped build.

use crate::sim::share::{Scenario, encode};
use crate::sim::workload;
use wasm_bindgen::prelude::*;

/// Runs the throughput workload with `payments` payments; returns its digest.
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn bench_throughput(payments: u32) -> String {
    let mut sim = workload::throughput(payments, workload::THROUGHPUT_SEED);
    workload::run_throughput(&mut sim)
}

/// Runs the full sweep (every crash point × strategy) with `payments` payments per run on `seed`;
/// returns how many cells were safe.
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn bench_sweep(seed: u32, payments: u32) -> u32 {
    use crate::sim::config::Config;
    use crate::sim::sweep::{Sweep, Verdict};
    let sweep = Sweep::new(&Config::default(), seed as u64, payments);
    (0..sweep.len())
        .filter(|i| sweep.run(*i).verdict == Verdict::Safe)
        .count() as u32
}

/// Panics on purpose, so the end-to-end test can prove a panic shows the error panel instead of a
/// frozen page. Reachable only from the browser console; it does nothing else.
#[wasm_bindgen]
pub fn debug_provoke_panic() {
    panic!("a panic provoked on purpose by debug_provoke_panic()");
}

/// The size of the WebAssembly linear memory, in bytes (it only ever grows).
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    buffer.byte_length() as f64
}

/// A share link (without `#`) to a sandbox run of `payments` payments with crashes every 50th charge,
/// opened at simulated time `at_ms`: the frame-time benchmark's long history.
#[wasm_bindgen]
pub fn bench_share_link(payments: u32, at_ms: u32) -> String {
    let (config, actions) = workload::long_history(payments);
    encode(&Scenario {
        lab: Some("sandbox".into()),
        seed: 1,
        config,
        actions,
        at: at_ms as u64,
    })
}
