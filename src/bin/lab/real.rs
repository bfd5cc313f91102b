//! `lab real`: the reality check lives in src/real/ behind the cargo feature `real`; its arguments
//! are handed over as they came.

use crate::exit::Exit;

#[cfg(feature = "real")]
pub fn real(args: &[String]) -> Exit {
    Exit::from_code(redelivery_lab::real::cli_main(args))
}

#[cfg(not(feature = "real"))]
pub fn real(_args: &[String]) -> Exit {
    crate::exit::Fail::usage(
        "This build has no `real` feature: rebuild with `cargo run --release --features real --bin lab -- real …`.",
    )
    .report()
}
