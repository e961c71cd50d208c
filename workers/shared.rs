//! `wasm-arena-worker`: the worker process of every runtime id whose engine
//! is in wasm-arena's adapters crate (Wasmtime, wasmi, V8, the native twins,
//! the containers). It links neither Wasmer's nor WasmEdge's engine, so it
//! starts without loading their LLVM (see `registry::Worker`).

fn main() -> std::process::ExitCode {
    wasm_arena_harness::worker::main(wasm_arena_build_id::BUILD)
}
