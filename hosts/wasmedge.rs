//! The cold-start host of the WasmEdge ids: WasmEdge's default configuration
//! (no timeouts, no memory-page limit: what its own command-line tool runs),
//! in the mode of the id.
//!
//! Option: `--mode interpreter|aot` (default interpreter).
//! - `interpreter` runs the `.wasm` in WasmEdge's interpreter
//!   (ForceInterpreter); it has no artifact, so `compile` and
//!   `run --precompiled` fail.
//! - `aot`: `compile` writes the shared object of WasmEdge's LLVM
//!   ahead-of-time compiler (native code for this CPU, O3, as the adapter
//!   compiles: `wasmedge compile --optimize 3`); `run --precompiled FILE.so`
//!   loads it as WasmEdge loads any module file (dlopen), compiling nothing.
//!   `run` without `--precompiled` compiles the `.wasm` to a temporary
//!   shared object and loads that: compile from source on every start.
//!
//! WASI is WasmEdge's built-in preview-1 module, whose stdio is the process's
//! own fds 0/1/2. WasmEdge's log is off: it goes to stdout (spdlog's default
//! sink), at level info, so the AOT compiler's progress lines and a trap's
//! details would land in the guest's output. A failure is the host's one
//! line on stderr, as in every host.

#[path = "common.rs"]
mod common;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use common::{Clock, Command, Dir, Options};
use wasmedge_sdk::config::{CommonConfigOptions, CompilerConfigOptions, Config, ConfigBuilder};
use wasmedge_sdk::error::{CoreCommonError, CoreError, WasmEdgeError};
use wasmedge_sdk::vm::SyncInst;
use wasmedge_sdk::wasi::WasiModule;
use wasmedge_sdk::{
    CallingFrame, Compiler, CompilerOptimizationLevel, CompilerOutputFormat, ImportObject,
    ImportObjectBuilder, Instance, LogManager, Module, Store, Vm, WasmEdgeResult, WasmValue,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Interpreter,
    Aot,
}

/// Why the interpreter refuses `compile` and `--precompiled`.
const NO_ARTIFACT: &str = "the interpreter has no artifact: it runs the .wasm (use --mode aot)";

fn main() {
    let mut clock = Clock::start();
    LogManager::log_off();
    match common::command() {
        Command::Compile {
            options,
            module,
            artifact,
        } => {
            let config = match mode(options).and_then(|mode| match mode {
                Mode::Interpreter => Err(NO_ARTIFACT.into()),
                Mode::Aot => config(mode),
            }) {
                Ok(config) => config,
                Err(e) => common::fail(clock, "compile", e),
            };
            if let Err(e) = compile(&config, &module, &artifact) {
                common::fail(clock, &format!("compile {}", module.display()), e);
            }
            clock.exit(0)
        }
        Command::Run(run) => {
            let mode = match mode(run.options) {
                Ok(mode) => mode,
                Err(e) => common::fail(clock, "engine", e),
            };
            if mode == Mode::Interpreter && run.precompiled {
                common::fail(clock, "--precompiled", NO_ARTIFACT);
            }
            let config = match config(mode) {
                Ok(config) => config,
                Err(e) => common::fail(clock, "engine", e),
            };
            let module = match (mode, run.precompiled) {
                (Mode::Interpreter, _) => {
                    Module::from_file(Some(&config), &run.file).map_err(|e| e.to_string())
                }
                (Mode::Aot, true) => shared_object(&run.file).and_then(|()| {
                    Module::from_file(Some(&config), &run.file).map_err(|e| e.to_string())
                }),
                (Mode::Aot, false) => compile_and_load(&config, &run.file),
            };
            let module = match module {
                Ok(module) => module,
                Err(e) => common::fail(clock, &format!("load {}", run.file.display()), e),
            };
            clock.loaded();
            let mut wasi = match wasi(&run.args, &run.env, &run.dirs) {
                Ok(wasi) => wasi,
                Err(e) => common::fail(clock, "wasi", e),
            };
            let mut bench = match bench_imports() {
                Ok(bench) => bench,
                Err(e) => common::fail(clock, "instantiate", e),
            };
            let mut imports: HashMap<String, &mut dyn SyncInst> = HashMap::new();
            imports.insert(wasi.name().into(), wasi.as_mut());
            imports.insert("bench".into(), &mut bench);
            let mut vm = match Store::new(Some(&config), imports) {
                Ok(store) => Vm::new(store),
                Err(e) => common::fail(clock, "instantiate", e),
            };
            if let Err(e) = vm.register_module(None, module) {
                common::fail(clock, "instantiate", e);
            }
            clock.instantiated();
            let ran = vm.run_func(None, "_start", []);
            // Not torn down: the process exits next.
            std::mem::forget(vm);
            match ran {
                // `proc_exit(0)` returns as `_start` does; another code ends
                // the call as terminated. The WASI module holds the code.
                Ok(_) => clock.exit(wasi.exit_code() as i32),
                Err(e) => match *e {
                    WasmEdgeError::Core(CoreError::Common(CoreCommonError::Terminated)) => {
                        clock.exit(wasi.exit_code() as i32)
                    }
                    e => common::fail(clock, "_start", e),
                },
            }
        }
    }
}

fn mode(mut options: Options) -> Result<Mode, String> {
    let mode = match options.take("mode").as_deref() {
        None | Some("interpreter") => Mode::Interpreter,
        Some("aot") => Mode::Aot,
        Some(other) => return Err(format!("unknown --mode {other} (interpreter, aot)")),
    };
    options.done();
    Ok(mode)
}

/// WasmEdge's default configuration, in `mode`; its compiler's settings
/// are the adapter's (a native shared object for this CPU, O3).
fn config(mode: Mode) -> Result<Config, String> {
    let common = CommonConfigOptions::default().interpreter_mode(mode == Mode::Interpreter);
    let compiler = CompilerConfigOptions::default()
        .out_format(CompilerOutputFormat::Native)
        .optimization_level(CompilerOptimizationLevel::O3)
        .generic_binary(false)
        .interruptible(false);
    ConfigBuilder::new(common)
        .with_compiler_config(compiler)
        .build()
        .map_err(|e| e.to_string())
}

/// Compiles `wasm` to the shared object `so`. WasmEdge names its output
/// `NAME.so` in a directory: it is written beside `so`, then renamed.
fn compile(config: &Config, wasm: &Path, so: &Path) -> Result<(), String> {
    let dir = match so.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = format!(
        ".{}.{}",
        so.file_name().and_then(|n| n.to_str()).unwrap_or("module"),
        std::process::id()
    );
    let written = compile_into(config, wasm, dir, &name)?;
    std::fs::rename(&written, so).map_err(|e| {
        drop(std::fs::remove_file(&written));
        format!("rename {} to {}: {e}", written.display(), so.display())
    })
}

/// Compiles `wasm` to `dir/NAME.so`, its path.
fn compile_into(config: &Config, wasm: &Path, dir: &Path, name: &str) -> Result<PathBuf, String> {
    let compiler = Compiler::new(Some(config)).map_err(|e| e.to_string())?;
    compiler
        .compile_from_file(wasm, name, dir)
        .map_err(|e| e.to_string())
}

/// Compiles `wasm` to a temporary shared object and loads it; the file is
/// gone once loaded (the module holds the mapped library).
fn compile_and_load(config: &Config, wasm: &Path) -> Result<Module, String> {
    let name = format!("wasm-arena-cold-wasmedge-{}", std::process::id());
    let so = compile_into(config, wasm, &std::env::temp_dir(), &name)?;
    let module = Module::from_file(Some(config), &so).map_err(|e| e.to_string());
    drop(std::fs::remove_file(&so));
    module
}

/// Refuses a file that is not a shared object: WasmEdge's loader would
/// take a `.wasm` too, and interpret it.
fn shared_object(file: &Path) -> Result<(), String> {
    let mut magic = [0; 4];
    std::fs::File::open(file)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map_err(|e| e.to_string())?;
    if &magic != b"\x7fELF" {
        return Err(
            "not a shared object made by WasmEdge's AOT compiler (`compile --mode aot`)".into(),
        );
    }
    Ok(())
}

/// The guest's WASI: argv, environment and the granted directories
/// (`GUEST:HOST[:readonly]`, as `wasmedge --dir` takes them).
fn wasi(args: &[String], env: &[(String, String)], dirs: &[Dir]) -> Result<WasiModule, String> {
    let envs: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut preopens = Vec::new();
    for dir in dirs {
        let host = dir
            .host
            .to_str()
            .filter(|h| !h.contains(':') && !dir.guest.contains(':'))
            .ok_or_else(|| {
                format!(
                    "preopen {}: WasmEdge cannot name a path with `:` in it",
                    dir.host.display()
                )
            })?;
        let mode = if dir.read_only { ":readonly" } else { "" };
        preopens.push(format!("{}:{host}{mode}", dir.guest));
    }
    WasiModule::create(
        Some(args.iter().map(String::as_str).collect()),
        Some(envs.iter().map(String::as_str).collect()),
        Some(preopens.iter().map(String::as_str).collect()),
    )
    .map_err(|e| e.to_string())
}

/// The timing markers some workloads call: nothing to time here.
fn bench_imports() -> WasmEdgeResult<ImportObject<()>> {
    let mut bench = ImportObjectBuilder::new("bench", ())?;
    bench
        .with_func::<(), ()>("start", nothing)?
        .with_func::<(), ()>("end", nothing)?;
    Ok(bench.build())
}

fn nothing(
    _: &mut (),
    _: &mut Instance,
    _: &mut CallingFrame,
    _: Vec<WasmValue>,
) -> Result<Vec<WasmValue>, CoreError> {
    Ok(Vec::new())
}
