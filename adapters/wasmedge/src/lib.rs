//! The WasmEdge engine (`wasmedge-sdk`, libwasmedge 0.14) behind the ids
//! `wasmedge-interp` and `wasmedge-aot`, whose descriptors are in
//! `wasm-arena-adapters` (`adapters/src/wasmedge.rs`). A crate of its own so
//! that only the binaries that run WasmEdge load libwasmedge and its LLVM:
//! the main binary and `wasm-arena-worker-wasmedge` (see `registry::Worker`).
//!
//! The engine: the runtime (load, validate, AOT-compile), its modules,
//! and its instances, which the harness drives as a [`Guest`]. The FFI
//! handles an instance holds are in `handles`, the compiler's CPU affinity in
//! `affinity`, LLVM's signal handlers in `signals`, the log in `log` and the
//! guest's stdio in `stdio`.

// Empty without its `engine` feature (see Cargo.toml).
#![cfg(feature = "engine")]

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::mem::ManuallyDrop;
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use wasmedge_sdk::config::{
    CommonConfigOptions, CompilerConfigOptions, Config, ConfigBuilder, RuntimeConfigOptions,
};
use wasmedge_sdk::error::{CoreCommonError, CoreError, WasmEdgeError};
use wasmedge_sdk::utils::CoreVersion;
use wasmedge_sdk::wasi::WasiModule;
use wasmedge_sdk::{
    AsInstance, CallingFrame, Compiler, CompilerOptimizationLevel, CompilerOutputFormat,
    ImportObject, ImportObjectBuilder, Store, WasmEdgeResult, WasmValue,
};
use wasmedge_sys::{Executor, Function, Memory};

mod affinity;
mod handles;
mod log;
mod signals;
mod stdio;

use crate::handles::{Handle, Handles, Live, handle};
use crate::stdio::{Capture, Output, Stdin};
use wasm_arena_adapters::guest::{Guest, Marks, Signature};
use wasm_arena_adapters::wasmedge::Mode;
use wasm_arena_adapters::{
    Capability, Instance, Module, RunError, Runtime, RuntimeInfo, WasiSpec, registry,
};

/// The ids this crate makes: pass to `registry::link`.
pub static ENGINES: &[registry::Engine] = &[
    registry::Engine {
        id: Mode::Interpreter.id(),
        factory: |_| WasmEdge::boxed(Mode::Interpreter),
    },
    registry::Engine {
        id: Mode::Aot.id(),
        factory: |_| WasmEdge::boxed(Mode::Aot),
    },
];

/// A WebAssembly page.
const PAGE: u64 = 64 << 10;
/// The most pages a 32-bit memory can have, WasmEdge's default limit.
const MAX_PAGES: u64 = 65536;

pub(crate) struct WasmEdge {
    mode: Mode,
    /// For loading, validating and AOT-compiling; the executor of each
    /// instance gets its own, with that instance's memory cap.
    config: Config,
    /// `wasmedge-aot`'s compiler.
    compiler: Option<Compiler>,
    /// How many threads the AOT compiler may use ([`wasm_arena_adapters::compile_threads`]).
    threads: usize,
}

impl WasmEdge {
    pub(crate) fn boxed(mode: Mode) -> Result<Box<dyn Runtime>, RunError> {
        // Before LLVM's compile threads exist, so they share it.
        stdio::private_fd_table().map_err(unshare)?;
        log::quiet_log();
        let config = config(mode, None)?;
        let compiler = match mode {
            Mode::Interpreter => None,
            Mode::Aot => Some(Compiler::new(Some(&config)).map_err(other)?),
        };
        Ok(Box::new(WasmEdge {
            mode,
            config,
            compiler,
            threads: wasm_arena_adapters::compile_threads().get(),
        }))
    }

    /// Compiles `wasm` to a native shared object in a new temp dir.
    fn compile_aot(
        &self,
        compiler: &Compiler,
        wasm: &[u8],
    ) -> Result<(tempfile::TempDir, std::path::PathBuf), RunError> {
        let dir = temp_dir()?;
        let so = signals::keeping_signal_handlers(|| {
            affinity::with_cpus(self.threads, || {
                compiler.compile_from_bytes(wasm, "module", dir.path())
            })
        })
        .map_err(invalid)?;
        Ok((dir, so))
    }

    /// Loads a shared object made by the AOT compiler; `dir` holds it.
    fn load_aot(&self, so: &Path, dir: tempfile::TempDir) -> Result<Box<dyn Module>, RunError> {
        let module = wasmedge_sdk::Module::from_file(Some(&self.config), so).map_err(invalid)?;
        Ok(self.module(module, Some(dir)))
    }

    fn module(
        &self,
        module: wasmedge_sdk::Module,
        dir: Option<tempfile::TempDir>,
    ) -> Box<dyn Module> {
        let marked = module.imports().iter().any(|i| i.module_name() == "bench");
        Box::new(WasmEdgeModule {
            module,
            mode: self.mode,
            marked,
            _dir: dir,
        })
    }
}

impl Runtime for WasmEdge {
    fn info(&self) -> RuntimeInfo {
        let (opt_level, compile_threads) = match self.mode {
            Mode::Interpreter => ("none (interpreter: load and validate only)", "1".into()),
            Mode::Aot => (
                "O3",
                self.threads.min(affinity::usable_cpus().len()).to_string(),
            ),
        };
        let mut settings = BTreeMap::from([
            (
                "mode".into(),
                match self.mode {
                    Mode::Interpreter => "interpreter (ForceInterpreter)",
                    Mode::Aot => {
                        "aot: WasmEdge's LLVM compiler to a native shared object (.so) for \
                         the host CPU, loaded back with the Loader"
                    }
                }
                .into(),
            ),
            ("opt_level".into(), opt_level.into()),
            ("compile_threads".into(), compile_threads),
            (
                "interruption".into(),
                wasm_arena_adapters::interruption_setting(
                    "_start, _initialize and finish: wasmedge-sdk call_func_with_timeout (a \
                     POSIX timer signal, SIGRTMIN, siglongjmps out of the running call); the \
                     plugin loop's calls: the deadline is checked before each call, with no \
                     timer (one per call doubled the loop's time), so a single call that never \
                     returns is left to the harness's kill",
                ),
            ),
            (
                "max_memory".into(),
                "RuntimeConfig max_memory_pages = cap / 64 KiB, per instance; a refused \
                 grow is seen in WasmEdge's log, which does not say the size asked for, so \
                 memory_refused is the least size the cap refuses"
                    .into(),
            ),
            (
                "proposals".into(),
                "wasmedge-sdk defaults (simd, bulk-memory, reference-types, multi-value, \
                 sign-extension, saturating conversions; no threads, tail-call, gc)"
                    .into(),
            ),
            ("wasi".into(), "wasmedge built-in wasi preview1".into()),
            (
                "stdio".into(),
                "the worker thread's own fds 0/1/2 (WasmEdge's WASI has no virtual stdio), \
                 pointed at temp files around each run in a thread-private fd table"
                    .into(),
            ),
        ]);
        if self.mode == Mode::Aot {
            settings.insert(
                "compile_threads_how".into(),
                "WasmEdge's AOT compiler has no thread setting: LLVM sizes its pool (made at \
                 the process's first compile, then kept) by the CPUs the compiling thread may \
                 use, so each compile runs with the thread's affinity narrowed to that many"
                    .into(),
            );
        }
        let mut info = registry::info(self.mode.id(), settings);
        info.version = format!("{} (sdk {})", CoreVersion::version_string(), info.version);
        if self.mode == Mode::Interpreter {
            info.unsupported.insert(
                Capability::Precompile,
                "the interpreter has no artifact format: it runs the validated module in \
                 memory (wasmedge-aot's shared object is WasmEdge's artifact)"
                    .into(),
            );
        }
        // Tried with the C API and the CLI: with the proposal on, a component
        // that imports anything fails to load, and running one is refused.
        info.without_components(
            "WasmEdge 0.14 cannot run WASI 0.2 components: its Component Model proposal is \
             experimental (a component with imports fails to load: their names are rejected as \
             malformed; validation is not done; running one says \"component execution is not \
             done yet\") and it has no wasi:cli 0.2 host",
        )
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Module>, RunError> {
        match &self.compiler {
            None => {
                let module =
                    wasmedge_sdk::Module::from_bytes(Some(&self.config), wasm).map_err(invalid)?;
                Ok(self.module(module, None))
            }
            Some(compiler) => {
                let (dir, so) = self.compile_aot(compiler, wasm)?;
                self.load_aot(&so, dir)
            }
        }
    }

    fn precompile(&self, wasm: &[u8]) -> Result<Option<Vec<u8>>, RunError> {
        let Some(compiler) = &self.compiler else {
            return Ok(None);
        };
        let (_dir, so) = self.compile_aot(compiler, wasm)?;
        std::fs::read(&so)
            .map(Some)
            .map_err(|e| RunError::Other(format!("cannot read {}: {e}", so.display())))
    }

    fn load_precompiled(&self, artifact: &[u8]) -> Result<Box<dyn Module>, RunError> {
        if self.compiler.is_none() {
            return Err(RunError::Unsupported(
                "wasmedge-interp has no precompiled artifacts".into(),
            ));
        }
        // The Loader would take plain Wasm too, and interpret it.
        if !artifact.starts_with(b"\x7fELF") {
            return Err(RunError::InvalidModule(
                "not a shared object made by WasmEdge's AOT compiler".into(),
            ));
        }
        let dir = temp_dir()?;
        let so = dir.path().join("module.so");
        std::fs::write(&so, artifact)
            .map_err(|e| RunError::Other(format!("cannot write {}: {e}", so.display())))?;
        self.load_aot(&so, dir)
    }
}

struct WasmEdgeModule {
    module: wasmedge_sdk::Module,
    mode: Mode,
    /// Whether the module imports the `bench.start`/`bench.end` markers.
    marked: bool,
    /// Holds the AOT shared object the module was loaded from.
    _dir: Option<tempfile::TempDir>,
}

impl Module for WasmEdgeModule {
    fn instantiate(&self, wasi: &WasiSpec) -> Result<Box<dyn Instance>, RunError> {
        // Before WASI opens the preopens: every fd of this instance lives in
        // the thread's own table, where its runs swap the stdio fds.
        stdio::private_fd_table().map_err(unshare)?;
        let page_cap = wasi
            .limits
            .max_memory_bytes
            .map(|bytes| (bytes / PAGE).min(MAX_PAGES) as u32);
        let config = config(self.mode, page_cap)?;

        let envs: Vec<String> = wasi.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut preopens = Vec::new();
        for preopen in &wasi.preopens {
            let host = preopen.host.to_str().filter(|h| !h.contains(':'));
            let host = match host {
                Some(host) if preopen.host.is_dir() => host,
                _ => {
                    return Err(RunError::Instantiate(format!(
                        "cannot preopen {}: not a directory WasmEdge can name",
                        preopen.host.display()
                    )));
                }
            };
            let mode = if preopen.read_only { ":readonly" } else { "" };
            preopens.push(format!("{}:{host}{mode}", preopen.guest));
        }
        let strings = wasi.args.iter().chain(&envs).chain(&preopens);
        if let Some(s) = strings.clone().find(|s| s.contains('\0')) {
            return Err(RunError::Instantiate(format!(
                "WASI strings cannot hold NUL bytes: {s:?}"
            )));
        }
        let wasi_module = WasiModule::create(
            Some(wasi.args.iter().map(String::as_str).collect()),
            Some(envs.iter().map(String::as_str).collect()),
            Some(preopens.iter().map(String::as_str).collect()),
        )
        .map_err(instantiate)?;

        let marks = Rc::new(Cell::new(Marks::default()));
        let mut bench = ImportObjectBuilder::new("bench", marks.clone()).map_err(instantiate)?;
        bench
            .with_func::<(), ()>("start", mark::<false>)
            .map_err(instantiate)?
            .with_func::<(), ()>("end", mark::<true>)
            .map_err(instantiate)?;
        let mut arena = ImportObjectBuilder::new("arena", ()).map_err(instantiate)?;
        arena
            .with_func::<(i32, i32), i32>("echo", echo)
            .map_err(instantiate)?;

        let mut instance = WasmEdgeInstance {
            live: None,
            handles: Handles::default(),
            wasi: wasi_module,
            bench: bench.build(),
            arena: arena.build(),
            marks,
            marked: self.marked,
            budget: wasi
                .limits
                .time_budget
                .filter(|_| wasm_arena_adapters::in_runtime_budget()),
            deadline: None,
            page_cap,
            stdin: Stdin::new(wasi.stdin.clone(), wasi.stdin_end),
            output: Output::default(),
        };
        // SAFETY: the pointers are of module instances `instance` owns, and
        // the store that holds the handles to them is dropped before them
        // and before the handles (see Drop).
        let registered: HashMap<String, &'static mut Handle> = unsafe {
            [
                ("wasi_snapshot_preview1", instance.wasi.as_ptr()),
                ("bench", instance.bench.as_ptr()),
                ("arena", instance.arena.as_ptr()),
            ]
            .into_iter()
            .map(|(name, module)| (name.to_string(), instance.handles.lend(module)))
            .collect()
        };
        let mut store = Store::new(Some(&config), registered).map_err(instantiate)?;
        let active = store
            .register_active_module(&self.module)
            .map_err(instantiate)?;
        instance.live = Some(Live {
            instance: active,
            store,
            _module: self.module.clone(),
        });
        Ok(Box::new(instance))
    }
}

struct WasmEdgeInstance {
    live: Option<Live>,
    /// The handles the store holds the import modules by.
    handles: Handles,
    wasi: WasiModule,
    bench: ImportObject<Rc<Cell<Marks>>>,
    arena: ImportObject<()>,
    marks: Rc<Cell<Marks>>,
    marked: bool,
    budget: Option<Duration>,
    /// When the guarded run in progress must stop.
    deadline: Option<Instant>,
    /// The memory cap in pages, if there is one.
    page_cap: Option<u32>,
    stdin: Stdin,
    /// What the guarded runs so far wrote and logged.
    output: Output,
}

impl Drop for WasmEdgeInstance {
    fn drop(&mut self) {
        // The store first: it holds the handles and the import modules, which
        // the fields drop after it.
        self.live = None;
    }
}

impl WasmEdgeInstance {
    fn live(&mut self) -> &mut Live {
        self.live.as_mut().expect("instantiated")
    }

    /// The result of a call that returned, unless it called `proc_exit`.
    fn returned(&self, results: Vec<WasmValue>) -> WasmEdgeResult<Option<i32>> {
        exited(&self.wasi)?;
        Ok(results.first().map(WasmValue::to_i32))
    }

    /// The exit code of a call that ended, or the [`RunError`] its error is.
    fn exit_code(&self, ended: WasmEdgeResult<()>) -> Result<i32, RunError> {
        match ended {
            Ok(()) => Ok(self.wasi.exit_code() as i32),
            Err(error) => match *error {
                WasmEdgeError::Core(CoreError::Common(CoreCommonError::Terminated)) => {
                    Ok(self.wasi.exit_code() as i32)
                }
                WasmEdgeError::ExecuteTimeout => {
                    Err(RunError::TimeBudget(self.budget.unwrap_or_default()))
                }
                error => Err(RunError::Trap(log::trap_message(
                    &error,
                    &self.output.log,
                    self.memory_refused(),
                ))),
            },
        }
    }
}

// This makes the instance an `Instance`: the loops in `guest` drive it.
impl Guest for WasmEdgeInstance {
    type Func = ManuallyDrop<Function>;
    type Memory = ManuallyDrop<Memory>;
    type Error = Box<WasmEdgeError>;

    fn error(message: String) -> Box<WasmEdgeError> {
        Box::new(WasmEdgeError::Operation(message))
    }

    /// WasmEdge checks no signature here; a call with another one fails.
    fn export(&mut self, name: &str, _: Signature) -> Result<Self::Func, RunError> {
        self.live()
            .instance
            .get_func(name)
            .map(|found| handle(&*found))
            .map_err(|e| RunError::Instantiate(format!("no usable `{name}` export: {e}")))
    }

    fn memory(&mut self) -> Option<Self::Memory> {
        let found = self.live().instance.get_memory_ref("memory").ok()?;
        Some(handle(&*found))
    }

    fn call(&mut self, func: &mut Self::Func, args: &[i32]) -> WasmEdgeResult<Option<i32>> {
        let deadline = self.deadline;
        let results = invoke(self.live().store.executor(), func, args, deadline)?;
        self.returned(results)
    }

    /// With no timer: the plugin loop's calls are too short and many for a
    /// timer each (a timer costs three syscalls and a signal mask save per
    /// call, which doubled the loop's time with the AOT compiler).
    fn call_in_loop(&mut self, func: &mut Self::Func, args: &[i32]) -> WasmEdgeResult<Option<i32>> {
        if self.deadline.is_some_and(|at| Instant::now() >= at) {
            return Err(Box::new(WasmEdgeError::ExecuteTimeout));
        }
        let results = self.live().store.executor().call_func(func, values(args))?;
        self.returned(results)
    }

    /// Only the plugin loop writes memory: its input, at `input_buffer()`.
    fn write(&mut self, memory: &Self::Memory, at: usize, bytes: &[u8]) -> WasmEdgeResult<()> {
        if !bytes.is_empty() {
            memory
                .mut_slice::<u8>(at, bytes.len())
                .ok_or_else(|| Self::error("input_buffer() is out of bounds".into()))?
                .copy_from_slice(bytes);
        }
        Ok(())
    }

    fn memory_size(&self, memory: &Self::Memory) -> u64 {
        u64::from(memory.size()) * PAGE
    }

    /// Only the plugin loop reads memory: its output, at `output_buffer()`.
    fn read(&self, memory: &Self::Memory, at: usize, into: &mut [u8]) -> WasmEdgeResult<()> {
        if !into.is_empty() {
            let bytes = memory
                .slice::<u8>(at, into.len())
                .ok_or_else(|| Self::error("output_buffer() is out of bounds".into()))?;
            into.copy_from_slice(bytes);
        }
        Ok(())
    }

    fn guarded(
        &mut self,
        body: impl FnOnce(&mut Self) -> WasmEdgeResult<()>,
    ) -> Result<i32, RunError> {
        let io =
            |e: std::io::Error| RunError::Other(format!("cannot redirect the guest's stdio: {e}"));
        self.marks.set(Marks::default());
        let capture = Capture::begin(&mut self.stdin).map_err(io)?;
        self.deadline = self.budget.map(|budget| Instant::now() + budget);
        let ended = body(self);
        capture.finish(&mut self.output).map_err(io)?;
        self.exit_code(ended)
    }

    fn marked(&self) -> bool {
        self.marked
    }

    fn marks(&self) -> Marks {
        self.marks.get()
    }

    /// The least size the cap refuses, when WasmEdge logged refusing a grow:
    /// its log does not say how much the guest asked for.
    fn memory_refused(&self) -> Option<u64> {
        self.page_cap
            .filter(|_| log::grow_refused(&self.output.log))
            .map(|pages| (u64::from(pages) + 1) * PAGE)
    }

    fn output(&mut self) -> (Vec<u8>, Vec<u8>) {
        (self.output.stdout.clone(), self.output.stderr.clone())
    }
}

/// Calls `func` with `args` through `executor`, stopped at `deadline` if
/// there is one.
fn invoke(
    executor: &mut Executor,
    func: &mut Function,
    args: &[i32],
    deadline: Option<Instant>,
) -> WasmEdgeResult<Vec<WasmValue>> {
    match deadline {
        None => executor.call_func(func, values(args)),
        Some(at) => match at
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
        {
            // A zero timeout would disarm the timer, not fire it.
            Some(left) => executor.call_func_with_timeout(func, values(args), left),
            None => Err(Box::new(WasmEdgeError::ExecuteTimeout)),
        },
    }
}

fn values(args: &[i32]) -> impl Iterator<Item = WasmValue> + '_ {
    args.iter().map(|&arg| WasmValue::from_i32(arg))
}

/// The error a guest call that called `proc_exit` with a non-zero code stands
/// for; the WASI module holds the code. (A `proc_exit(0)` looks like a
/// return: WasmEdge reports both alike and leaves the results unwritten.)
fn exited(wasi: &WasiModule) -> WasmEdgeResult<()> {
    match wasi.exit_code() {
        0 => Ok(()),
        _ => Err(Box::new(WasmEdgeError::Core(CoreError::Common(
            CoreCommonError::Terminated,
        )))),
    }
}

/// The configuration of `mode`, with a memory cap in pages if given.
fn config(mode: Mode, max_pages: Option<u32>) -> Result<Config, RunError> {
    let common = CommonConfigOptions::default().interpreter_mode(mode == Mode::Interpreter);
    let compiler = CompilerConfigOptions::default()
        .out_format(CompilerOutputFormat::Native)
        .optimization_level(CompilerOptimizationLevel::O3)
        .generic_binary(false)
        .interruptible(false);
    let mut builder = ConfigBuilder::new(common).with_compiler_config(compiler);
    if let Some(pages) = max_pages {
        builder =
            builder.with_runtime_config(RuntimeConfigOptions::default().max_memory_pages(pages));
    }
    builder.build().map_err(other)
}

fn temp_dir() -> Result<tempfile::TempDir, RunError> {
    tempfile::tempdir().map_err(|e| RunError::Other(format!("cannot create a temp dir: {e}")))
}

type HostResult = Result<Vec<WasmValue>, CoreError>;

/// `bench.start` (`END` false) and `bench.end`: the time now, in the marks.
fn mark<const END: bool>(
    marks: &mut Rc<Cell<Marks>>,
    _: &mut wasmedge_sdk::Instance,
    _: &mut CallingFrame,
    _: Vec<WasmValue>,
) -> HostResult {
    let now = Some(Instant::now());
    let mut set = marks.get();
    if END {
        set.end = now;
    } else {
        set.start = now;
    }
    marks.set(set);
    Ok(Vec::new())
}

/// `arena.echo(ptr, len) -> len`: the host side of a plugin call. It copies
/// the bytes out of the caller's `memory` and back in, as a host function that
/// reads and answers a request would; -1 when they are not in memory.
fn echo(
    _: &mut (),
    caller: &mut wasmedge_sdk::Instance,
    _: &mut CallingFrame,
    args: Vec<WasmValue>,
) -> HostResult {
    let mut echoed = || -> Option<i32> {
        let ptr = u32::try_from(args.first()?.to_i32()).ok()?;
        let len = args.get(1)?.to_i32();
        let n = u32::try_from(len).ok()?;
        let mut memory = caller.get_memory_mut("memory").ok()?;
        let bytes = memory.get_data(ptr, n).ok()?;
        memory.set_data(&bytes, ptr).ok()?;
        Some(len)
    };
    Ok(vec![WasmValue::from_i32(echoed().unwrap_or(-1))])
}

fn invalid(error: Box<WasmEdgeError>) -> RunError {
    RunError::InvalidModule(error.to_string())
}

fn instantiate(error: Box<WasmEdgeError>) -> RunError {
    RunError::Instantiate(error.to_string())
}

fn unshare(error: std::io::Error) -> RunError {
    RunError::Other(format!("cannot give the thread its own fd table: {error}"))
}

fn other(error: impl std::fmt::Display) -> RunError {
    RunError::Other(error.to_string())
}
