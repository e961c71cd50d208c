//! The engines in crates of their own that this build links (Wasmer's and
//! WasmEdge's, as its features say), for the programs that run every
//! compiled-in runtime in one process: wasm-arena itself, its tests and its
//! benches. The worker binaries (`workers/`) link only their own.

/// Makes every compiled-in runtime id available in this process.
pub fn link() {
    #[cfg(feature = "wasmer")]
    wasm_arena_adapters::registry::link(wasm_arena_wasmer::ENGINES);
    #[cfg(feature = "wasmedge")]
    wasm_arena_adapters::registry::link(wasm_arena_wasmedge::ENGINES);
}
