//! The cold-start host of wasmi: wasmi's default configuration
//! (`Config::default()`: no fuel, wasmi's default stack limits, and lazy
//! translation, `CompilationMode::LazyTranslation`: the whole module is
//! validated at load, and each function translated to wasmi's bytecode on
//! its first call), as its own command-line tool runs a module (which
//! also turns on the custom-page-sizes and wide-arithmetic proposals).
//!
//! No options. wasmi has no precompiled artifact, so `compile` and
//! `run --precompiled` fail. WASI is `wasmi_wasi`'s (wasi-common) with the
//! host's own stdio; a `::ro` directory is wrapped in the wasmi adapter's
//! read-only view (wasi-common has no permissions of its own), shared with
//! it by `#[path]`.

// wasmi has no engine option, so `Options::take` goes unused here.
#[allow(dead_code)]
#[path = "common.rs"]
mod common;
#[path = "../adapters/src/wasmi/engine/read_only.rs"]
mod read_only;

use common::{Clock, Command, Dir};
use wasmi::{Config, Engine, Linker, Module, Store};
use wasmi_wasi::wasi_common::sync::dir::Dir as WasiCapDir;
use wasmi_wasi::{Dir as CapDir, WasiCtx, WasiCtxBuilder, WasiDir, ambient_authority};

/// Why `compile` and `--precompiled` fail.
const NO_ARTIFACT: &str = "wasmi has no precompiled artifact: it translates at load";

fn main() {
    let mut clock = Clock::start();
    let run = match common::command() {
        Command::Compile {
            options,
            module,
            artifact,
        } => {
            options.done();
            let what = format!("compile {} to {}", module.display(), artifact.display());
            common::fail(clock, &what, NO_ARTIFACT)
        }
        Command::Run(run) => run,
    };
    run.options.done();
    if run.precompiled {
        common::fail(clock, "--precompiled", NO_ARTIFACT);
    }
    let engine = Engine::new(&Config::default());
    let module = std::fs::read(&run.file)
        .map_err(|e| e.to_string())
        .and_then(|wasm| Module::new(&engine, wasm).map_err(|e| e.to_string()));
    let module = match module {
        Ok(module) => module,
        Err(e) => common::fail(clock, &format!("load {}", run.file.display()), e),
    };
    clock.loaded();
    let wasi = match wasi(&run.args, &run.env, &run.dirs) {
        Ok(wasi) => wasi,
        Err(e) => common::fail(clock, "wasi", e),
    };
    let mut linker: Linker<WasiCtx> = Linker::new(&engine);
    let mut store = Store::new(&engine, wasi);
    let instance = wasmi_wasi::add_to_linker(&mut linker, |ctx| ctx)
        .map_err(|e| e.to_string())
        .and_then(|()| bench_imports(&mut linker).map_err(|e| e.to_string()))
        .and_then(|()| {
            linker
                .instantiate_and_start(&mut store, &module)
                .map_err(|e| e.to_string())
        });
    let instance = match instance {
        Ok(instance) => instance,
        Err(e) => common::fail(clock, "instantiate", e),
    };
    clock.instantiated();
    let start = instance.get_typed_func::<(), ()>(&store, "_start");
    match start.and_then(|start| start.call(&mut store, ())) {
        Ok(()) => clock.exit(0),
        Err(e) => match e.i32_exit_status() {
            Some(code) => clock.exit(code),
            None => common::fail(clock, "_start", e),
        },
    }
}

/// The guest's WASI: argv, environment, the host's stdio and the granted
/// directories.
fn wasi(args: &[String], env: &[(String, String)], dirs: &[Dir]) -> Result<WasiCtx, String> {
    let mut builder = WasiCtxBuilder::new();
    builder
        .args(args)
        .and_then(|b| b.envs(env))
        .map_err(|e| e.to_string())?
        .inherit_stdio();
    let wasi = builder.build();
    for dir in dirs {
        let cannot = |e: &dyn std::fmt::Display| format!("preopen {}: {e}", dir.host.display());
        let opened =
            CapDir::open_ambient_dir(&dir.host, ambient_authority()).map_err(|e| cannot(&e))?;
        let mut opened: Box<dyn WasiDir> = Box::new(WasiCapDir::from_cap_std(opened));
        if dir.read_only {
            opened = Box::new(read_only::ReadOnlyDir(opened));
        }
        wasi.push_preopened_dir(opened, &dir.guest)
            .map_err(|e| cannot(&e))?;
    }
    Ok(wasi)
}

/// The timing markers some workloads call: nothing to time here.
fn bench_imports(linker: &mut Linker<WasiCtx>) -> Result<(), wasmi::Error> {
    linker.func_wrap("bench", "start", || {})?;
    linker.func_wrap("bench", "end", || {})?;
    Ok(())
}
