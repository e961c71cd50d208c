//! The cold-start host of the Wasmer ids: Wasmer's default configuration (no
//! host interrupts, no memory caps: what its own command-line tool runs),
//! with the compiler of the id.
//!
//! Options: `--compiler cranelift|singlepass|llvm` (default cranelift), each
//! with its own defaults (Cranelift: opt level speed; LLVM: aggressive,
//! only in a build with the `wasmer-llvm` feature). The engine enables every
//! proposal the compiler supports, as `wasmer run` does: with bare defaults,
//! Cranelift and LLVM would refuse exception handling, which they implement.
//! A precompiled artifact is what `Module::serialize` writes (`compile` with
//! the same options); `Module::deserialize_from_file` maps it and compiles
//! nothing.
//!
//! WASI is wasmer-wasix's, set up as `wasmer run` sets it up: the guest's
//! stdio is the host's own (wasmer-wasix's default stdio is the process's
//! fds 0/1/2, through tokio, on which wasmer-wasix does its I/O: a runtime
//! of one worker here), and each `--dir HOST::GUEST` is mounted at GUEST in
//! a virtual root (Wasmer's in-memory /bin, /dev, /etc, /tmp) preopened as
//! `.` and `/`, as `wasmer run --volume`/`--mapdir` mount them (its
//! `WasiRunner`); a grant of `/` is laid under that root, its writes kept in
//! memory. `::ro` mounts it read-only, which `wasmer run` has no way to ask
//! for: opening for writing, creating, removing and renaming fail with
//! EPERM. The adapter sets its grants up the same way, from the same file
//! (`volumes.rs`).

#[path = "common.rs"]
mod common;
#[path = "../adapters/wasmer/src/volumes.rs"]
mod volumes;

use common::{Clock, Command, Dir, Options};
use wasmer::sys::{CompilerConfig, NativeEngineExt, Target};
use wasmer::{Engine, Function, Imports, Instance, Module, Store};
use wasmer_wasix::{WasiEnv, WasiEnvBuilder, WasiError};

fn main() {
    let mut clock = Clock::start();
    match common::command() {
        Command::Compile {
            options,
            module,
            artifact,
        } => {
            let engine = match engine(options) {
                Ok(engine) => engine,
                Err(e) => common::fail(clock, "engine", e),
            };
            let compiled = Module::from_file(&engine, &module)
                .map_err(|e| e.to_string())
                .and_then(|module| module.serialize().map_err(|e| e.to_string()))
                .and_then(|bytes| std::fs::write(&artifact, bytes).map_err(|e| e.to_string()));
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
                // SAFETY: the artifact is one this host's `compile` wrote;
                // Wasmer checks its header, version and target (the code in
                // it runs whichever compiler this engine has).
                unsafe { Module::deserialize_from_file(&engine, &run.file) }
                    .map_err(|e| e.to_string())
            } else {
                Module::from_file(&engine, &run.file).map_err(|e| e.to_string())
            };
            let module = match module {
                Ok(module) => module,
                Err(e) => common::fail(clock, &format!("load {}", run.file.display()), e),
            };
            clock.loaded();
            // Never dropped: the process exits without waiting for tokio to
            // shut down (the guest's output is flushed at each write).
            let tokio = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
            {
                Ok(tokio) => tokio,
                Err(e) => common::fail(clock, "tokio", e),
            };
            let _tokio = tokio.enter();
            let builder = match wasi(&run.args, &run.env, &run.dirs, &engine, tokio.handle()) {
                Ok(builder) => builder,
                Err(e) => common::fail(clock, "wasi", e),
            };
            let mut store = Store::new(engine);
            let mut env = match builder.finalize(&mut store) {
                Ok(env) => env,
                Err(e) => common::fail(clock, "wasi", e),
            };
            // A module with no WASI imports runs without them.
            let mut imports = env
                .import_object(&mut store, &module)
                .unwrap_or_else(|_| Imports::new());
            bench_imports(&mut store, &mut imports);
            let instance = match Instance::new(&mut store, &module, &imports) {
                Ok(instance) => instance,
                Err(e) => common::fail(clock, "instantiate", e),
            };
            if instance.exports.get_memory("memory").is_ok()
                && let Err(e) = env.initialize(&mut store, instance.clone())
            {
                common::fail(clock, "instantiate", e);
            }
            clock.instantiated();
            let start = match instance.exports.get_function("_start") {
                Ok(start) => start,
                Err(e) => common::fail(clock, "_start", e),
            };
            let code = match start.call(&mut store, &[]) {
                Ok(_) => 0,
                Err(e) => match e.downcast::<WasiError>() {
                    Ok(WasiError::Exit(code)) => code.raw(),
                    Ok(e) => common::fail(clock, "_start", e),
                    Err(e) => common::fail(clock, "_start", e),
                },
            };
            // Closes the guest's files, flushing what tokio still holds of
            // their writes (as `wasmer run` does at the guest's exit).
            env.on_exit(&mut store, Some(code.into()));
            clock.exit(code)
        }
    }
}

fn engine(mut options: Options) -> Result<Engine, String> {
    let config: Box<dyn CompilerConfig> = match options.take("compiler").as_deref() {
        None | Some("cranelift") => Box::new(wasmer::sys::Cranelift::new()),
        Some("singlepass") => Box::new(wasmer::sys::Singlepass::new()),
        Some("llvm") => llvm()?,
        Some(other) => {
            return Err(format!(
                "unknown --compiler {other} (cranelift, singlepass, llvm)"
            ));
        }
    };
    options.done();
    let target = Target::default();
    let features = config.supported_features_for_target(&target);
    Ok(<Engine as NativeEngineExt>::new(config, target, features))
}

#[cfg(feature = "wasmer-llvm")]
fn llvm() -> Result<Box<dyn CompilerConfig>, String> {
    Ok(Box::new(wasmer::sys::LLVM::new()))
}

#[cfg(not(feature = "wasmer-llvm"))]
fn llvm() -> Result<Box<dyn CompilerConfig>, String> {
    Err(
        "--compiler llvm: this host was built without Wasmer's LLVM backend \
         (cargo feature wasmer-llvm, which needs LLVM 22)"
            .into(),
    )
}

/// The guest's WASI: its argv and environment, and the granted directories
/// as `wasmer run` mounts them (`volumes.rs`).
fn wasi(
    args: &[String],
    env: &[(String, String)],
    dirs: &[Dir],
    engine: &Engine,
    tokio: &tokio::runtime::Handle,
) -> Result<WasiEnvBuilder, String> {
    let grants: Vec<volumes::Grant> = dirs
        .iter()
        .map(|d| volumes::Grant {
            host: &d.host,
            guest: &d.guest,
            read_only: d.read_only,
        })
        .collect();
    let builder = WasiEnv::builder(args[0].clone())
        .args(&args[1..])
        .envs(env.iter().cloned())
        .engine(engine.clone());
    volumes::mount(builder, &grants, tokio)
}

/// The timing markers some workloads call: nothing to time here.
fn bench_imports(store: &mut Store, imports: &mut Imports) {
    imports.define("bench", "start", Function::new_typed(store, || {}));
    imports.define("bench", "end", Function::new_typed(store, || {}));
}
