//! Golden traces: the event-log digest of every lab, as shipped, run to completion.
//!
//! The same file is checked by the native tests and by the browser tests, which is how we know the
//! WebAssembly build makes exactly the same decisions as the native one.

use super::lab::Lab;

/// Simulated-time limit for a golden run.
pub const LIMIT_MS: u64 = 600_000;

/// `lab-id digest` lines for every lab, in course order.
pub fn lab_digests() -> String {
    Lab::all()
        .iter()
        .map(|lab| {
            format!(
                "{} {}\n",
                lab.id,
                lab.run(&lab.config, lab.seed, LIMIT_MS).digest()
            )
        })
        .collect()
}
