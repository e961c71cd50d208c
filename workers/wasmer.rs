//! `wasm-arena-worker-wasmer`: the worker process of the Wasmer ids, linking
//! Wasmer's engine and no other engine crate (see `registry::Worker`).

fn main() -> std::process::ExitCode {
    wasm_arena_adapters::registry::link(wasm_arena_wasmer::ENGINES);
    wasm_arena_harness::worker::main(wasm_arena_build_id::BUILD)
}
