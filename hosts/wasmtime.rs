//! The cold-start host of the Wasmtime ids: Wasmtime's default configuration
//! (no epoch interruption, no fuel: what its own command-line tool runs),
//! with the compiler and instance allocator of the id.
//!
//! Options: `--strategy cranelift|winch|pulley` (default cranelift) and
//! `--allocator on-demand|pooling` (default on-demand; pooling is Wasmtime's
//! default pool). A precompiled artifact is a `.cwasm` from `compile` with
//! the same options: `Module::deserialize_file` maps it and compiles nothing.

#[path = "common.rs"]
mod common;

use common::{Clock, Command, Options};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, Linker, Module, PoolingAllocationConfig, Store,
    Strategy,
};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

fn main() {
    let mut clock = Clock::start();
    match common::command() {
        Command::Compile {
            options,
            module,
            artifact,
        } => {
            let engine =
                engine(options).unwrap_or_else(|e| common::fail(Clock::start(), "engine", e));
            let compiled = std::fs::read(&module)
                .map_err(wasmtime::Error::from)
                .and_then(|wasm| engine.precompile_module(&wasm))
                .and_then(|bytes| Ok(std::fs::write(&artifact, bytes)?));
            if let Err(e) = compiled {
                common::fail(clock, &format!("compile {}", module.display()), e);
            }
            clock.exit(0)
        }
        Command::Run(run) => {
            let engine = match engine(run.options) {
                Ok(engine) => engine,
                Err(e) => common::fail(clock, "engine", e),
            };
            let module = if run.precompiled {
                // SAFETY: the artifact is one this host's `compile` wrote with
                // the same options; Wasmtime checks its header and settings.
                unsafe { Module::deserialize_file(&engine, &run.file) }
            } else {
                Module::from_file(&engine, &run.file)
            };
            let module = match module {
                Ok(module) => module,
                Err(e) => common::fail(clock, &format!("load {}", run.file.display()), e),
            };
            clock.loaded();
            let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
            let mut builder = WasiCtxBuilder::new();
            builder.inherit_stdio().args(&run.args).envs(&run.env);
            for dir in &run.dirs {
                let perms = if dir.read_only {
                    FsPerms::ReadOnly
                } else {
                    FsPerms::ReadWrite
                };
                if let Err(e) = builder.preopened_dir(&dir.host, &dir.guest, perms) {
                    common::fail(clock, &format!("preopen {}", dir.host.display()), e);
                }
            }
            let mut store = Store::new(&engine, builder.build_p1());
            let instance = wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx)
                .and_then(|()| bench_imports(&mut linker))
                .and_then(|()| linker.instantiate(&mut store, &module));
            let instance = match instance {
                Ok(instance) => instance,
                Err(e) => common::fail(clock, "instantiate", e),
            };
            clock.instantiated();
            let start = instance.get_typed_func::<(), ()>(&mut store, "_start");
            match start.and_then(|start| start.call(&mut store, ())) {
                Ok(()) => clock.exit(0),
                Err(e) => match e.downcast_ref::<I32Exit>() {
                    Some(I32Exit(code)) => clock.exit(*code),
                    None => common::fail(clock, "_start", e),
                },
            }
        }
    }
}

fn engine(mut options: Options) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    match options.take("strategy").as_deref() {
        None | Some("cranelift") => {
            config.strategy(Strategy::Cranelift);
        }
        Some("winch") => {
            config.strategy(Strategy::Winch);
        }
        Some("pulley") => {
            config.target("pulley64")?;
        }
        Some(other) => wasmtime::bail!("unknown --strategy {other} (cranelift, winch, pulley)"),
    }
    match options.take("allocator").as_deref() {
        None | Some("on-demand") => {}
        Some("pooling") => {
            let pool = PoolingAllocationConfig::default();
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        }
        Some(other) => wasmtime::bail!("unknown --allocator {other} (on-demand, pooling)"),
    }
    options.done();
    // Linked for the adapters' WASI 0.3 host, the component model's
    // concurrency would set up per-store state a core module never uses.
    config.concurrency_support(false);
    Engine::new(&config)
}

/// The timing markers some workloads call: nothing to time here.
fn bench_imports(linker: &mut Linker<WasiP1Ctx>) -> wasmtime::Result<()> {
    linker.func_wrap("bench", "start", || {})?;
    linker.func_wrap("bench", "end", || {})?;
    Ok(())
}
