//! Maintainer tasks for stytch-connected-apps, as a library so they can be tested; `main.rs` is the CLI.

pub mod bench;
pub mod check_spec;
pub mod generation;
pub mod regen;
