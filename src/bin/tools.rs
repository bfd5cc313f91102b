//! Mounts the authors' and trainers' page (tools.html): the embed snippet, diagrams, chart SVGs, the
//! workshop pack and the progress file for the run a share link pins. The native build of this binary
//! only points at the real entry points.

#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
fn main() {
    redelivery_lab::ui::tools::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "The authors' page runs in the browser: ./scripts/build writes dist/tools.html. The headless core is `cargo run --release --bin lab` (`lab run --diagram` draws sequence diagrams)."
    );
}
