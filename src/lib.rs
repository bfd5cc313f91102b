//! Redelivery Lab: an in-browser sandbox that makes at-least-once delivery tangible.
//!
//! Two rooms: [`sim`] is the deterministic core (pure Rust, no web crates), and `ui` (WebAssembly only)
//! renders what the core decides.

#![forbid(unsafe_code)]

pub mod sim;

/// The message catalogue: English built in, other languages loaded on demand.
pub mod i18n;

/// Numbers as text for the page, without float formatting (shared, so its tests run natively).
pub mod num;

/// `lab real`: the sweep's experiments against a real RabbitMQ and PostgreSQL (feature `real`, native only).
#[cfg(all(feature = "real", not(target_arch = "wasm32")))]
pub mod real;

#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub mod bench;
