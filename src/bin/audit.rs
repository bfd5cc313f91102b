//! Mounts the audit page (audit.html): "Audit my consumer". The native build of this binary only
//! points at the real entry points.

#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
fn main() {
    redelivery_lab::ui::audit::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "The audit page runs in the browser: ./scripts/build writes dist/audit.html. The same audit on the command line is `cargo run --bin lab -- audit --handler handler.json`."
    );
}
