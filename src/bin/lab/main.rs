//! `lab`: the simulation core, headless.
//!
//! Runs a lab or a configuration file to completion and prints what the checker found, draws the
//! sweep's truth table, audits an engineer's own handler, measures the core's throughput, and hands `lab real` to the reality check.
//! One argument parser (clap's derive API, in `args.rs`); every mistake gets one sentence on stderr
//! and exit code 2, never a panic. One file per command.

#[cfg(not(target_arch = "wasm32"))]
mod args;
#[cfg(not(target_arch = "wasm32"))]
mod audit;
#[cfg(not(target_arch = "wasm32"))]
mod bench;
#[cfg(not(target_arch = "wasm32"))]
mod events;
#[cfg(not(target_arch = "wasm32"))]
mod exit;
#[cfg(not(target_arch = "wasm32"))]
mod labs;
#[cfg(not(target_arch = "wasm32"))]
mod real;
#[cfg(not(target_arch = "wasm32"))]
mod run;
#[cfg(not(target_arch = "wasm32"))]
mod set;
#[cfg(not(target_arch = "wasm32"))]
mod sweep;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let exit = match args::parse(std::env::args_os()) {
        Ok(args::Parsed::Help(text)) => exit::print(&text),
        Ok(args::Parsed::Command(command)) => dispatch(command),
        Err(fail) => fail.report(),
    };
    std::process::exit(exit.code());
}

/// Runs one command and prints its report.
#[cfg(not(target_arch = "wasm32"))]
fn dispatch(command: args::Command) -> exit::Exit {
    use args::Command;
    let result = match command {
        Command::Run(a) => run::run(a),
        Command::Sweep(a) => sweep::sweep(a),
        Command::Bench(a) => bench::bench(a),
        Command::Labs(a) => labs::list(a),
        Command::Audit(a) => audit::audit(a),
        // `lab real` prints its report even when a row disagrees, so it chooses its exit code itself.
        Command::Real(a) => return real::real(a),
    };
    match result {
        Ok(text) => exit::print(&text),
        Err(fail) => fail.report(),
    }
}

/// The browser has no command line; this only keeps `cargo build --target wasm32-unknown-unknown` happy.
#[cfg(target_arch = "wasm32")]
fn main() {}
