//! Mounts the Yew app. The native build of this binary only points at the real entry points.

#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
fn main() {
    redelivery_lab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "The web app runs in the browser: use ./scripts/serve. The headless core is `cargo run --release --bin lab`."
    );
}
