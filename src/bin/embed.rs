//! Mounts the embed page (embed.html): one compact, pinned run for an iframe. The native build of this
//! binary only points at the real entry points.

#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
fn main() {
    redelivery_lab::ui::embed::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "The embed page runs in the browser: ./scripts/build writes dist/embed.html. The headless core is `cargo run --release --bin lab`."
    );
}
