//! The game-server demo as a library, so that its tests can run the loop:
//! see `main.rs` for what the demo shows.
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod args;
pub mod error;
pub mod fences;
pub mod rng;
pub mod stats;
pub mod svg;
pub mod world;
