//! `wasm-arena-worker-wasmedge`: the worker process of the WasmEdge ids,
//! linking WasmEdge's engine and no other engine crate (see
//! `registry::Worker`).

fn main() -> std::process::ExitCode {
    wasm_arena_adapters::registry::link(wasm_arena_wasmedge::ENGINES);
    wasm_arena_harness::worker::main(wasm_arena_build_id::BUILD)
}
