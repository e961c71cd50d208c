//! One id per build of wasm-arena's sources (see `build.rs`). wasm-arena
//! starts a runtime's worker binary only when it answers with the same id,
//! so a worker left from an earlier build (`cargo run` builds only
//! wasm-arena) never runs a job.

/// This build's id: 16 hex digits.
pub const BUILD: &str = env!("WASM_ARENA_BUILD");
