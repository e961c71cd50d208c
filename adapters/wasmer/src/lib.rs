//! The Wasmer engine (`wasmer` with `wasmer-wasix` for WASI) behind the ids
//! `wasmer-cranelift`, `wasmer-singlepass` and `wasmer-llvm`, whose
//! descriptors are in `wasm-arena-adapters` (`adapters/src/wasmer.rs`). A
//! crate of its own so that only the binaries that run Wasmer link it and its
//! LLVM: the main binary and `wasm-arena-worker-wasmer` (see
//! `registry::Worker`).

// Empty without its `engine` feature (see Cargo.toml).
#![cfg(feature = "engine")]

mod volumes;

use std::collections::BTreeMap;
use std::num::NonZero;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wasmer::sys::vm::{
    LinearMemory, MemoryError, MemoryStyle, TableStyle, VMMemory, VMMemoryDefinition, VMTable,
    VMTableDefinition,
};
use wasmer::sys::{BaseTunables, NativeEngineExt, Tunables};
use wasmer::{
    Engine, Function, FunctionEnv, FunctionEnvMut, Imports, Memory, MemoryType, Pages,
    RuntimeError, Store, TableType, TypedFunction,
};
use wasmer_wasix::virtual_fs::Pipe;
use wasmer_wasix::{WasiEnv, WasiError, WasiFunctionEnv};

use wasm_arena_adapters::guest::{self, Guest, Marks, MemoryCap, Signature, Typed};
use wasm_arena_adapters::wasmer::Compiler;
use wasm_arena_adapters::watchdog::Watchdog;
use wasm_arena_adapters::{
    Capability, Instance, Module, RunError, Runtime, RuntimeInfo, StdinEnd, WasiSpec, registry,
};

/// The ids this crate makes: pass to `registry::link`. `wasmer-llvm` only
/// with the `llvm` feature (it needs LLVM 22).
pub static ENGINES: &[registry::Engine] = &[
    registry::Engine {
        id: Compiler::Cranelift.id(),
        factory: |_| Wasmer::boxed(Compiler::Cranelift),
    },
    registry::Engine {
        id: Compiler::Singlepass.id(),
        factory: |_| Wasmer::boxed(Compiler::Singlepass),
    },
    #[cfg(feature = "llvm")]
    registry::Engine {
        id: Compiler::Llvm.id(),
        factory: |_| Wasmer::boxed(Compiler::Llvm),
    },
];

pub(crate) struct Wasmer {
    compiler: Compiler,
    engine: Engine,
    threads: NonZero<usize>,
    /// The proposals enabled, for the record.
    proposals: String,
    /// The memory cap of the instance being made; the engine's tunables read it.
    cap: Arc<Mutex<Option<SharedCap>>>,
    /// `wasmer-wasix` does its file and pipe I/O on tokio.
    tokio: Arc<tokio::runtime::Runtime>,
    /// The store being run, for the watchdog to interrupt.
    running: Arc<Mutex<Option<wasmer::Interrupter>>>,
    watchdog: Arc<Watchdog>,
}

impl Wasmer {
    pub(crate) fn boxed(compiler: Compiler) -> Result<Box<dyn Runtime>, RunError> {
        let threads = wasm_arena_adapters::compile_threads();
        let config: Box<dyn wasmer::sys::CompilerConfig> = match compiler {
            Compiler::Cranelift => {
                let mut c = wasmer::sys::Cranelift::new();
                c.opt_level(wasmer::sys::CraneliftOptLevel::Speed)
                    .num_threads(threads);
                Box::new(c)
            }
            Compiler::Singlepass => {
                let mut c = wasmer::sys::Singlepass::new();
                c.num_threads(threads);
                Box::new(c)
            }
            Compiler::Llvm => llvm(threads)?,
        };
        // Everything the compiler can translate, as Wasmer's own CLI enables:
        // with bare defaults, Cranelift and LLVM would refuse exception
        // handling, which they implement (and toolchains now emit).
        let target = wasmer::sys::Target::default();
        let features = config.supported_features_for_target(&target);
        let proposals = proposal_names(&features);
        let mut engine = <Engine as NativeEngineExt>::new(config, target, features);
        let cap = Arc::new(Mutex::new(None));
        engine.set_tunables(CapTunables { cap: cap.clone() });
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| RunError::Other(format!("cannot start tokio: {e}")))?;
        let running: Arc<Mutex<Option<wasmer::Interrupter>>> = Arc::new(Mutex::new(None));
        let watchdog = Arc::new(Watchdog::new({
            let running = running.clone();
            // Taking the interrupter tells `guarded` that the budget ran out.
            move || {
                if let Some(interrupter) = running.lock().expect("not poisoned").take() {
                    interrupter.interrupt();
                }
            }
        }));
        Ok(Box::new(Wasmer {
            compiler,
            engine,
            threads,
            proposals,
            cap,
            tokio: Arc::new(tokio),
            running,
            watchdog,
        }))
    }

    fn module(&self, module: wasmer::Module) -> Box<dyn Module> {
        let marked = module.imports().any(|i| i.module() == "bench");
        Box::new(WasmerModule {
            module,
            marked,
            engine: self.engine.clone(),
            cap: self.cap.clone(),
            tokio: self.tokio.clone(),
            running: self.running.clone(),
            watchdog: self.watchdog.clone(),
        })
    }
}

#[cfg(feature = "llvm")]
fn llvm(threads: NonZero<usize>) -> Result<Box<dyn wasmer::sys::CompilerConfig>, RunError> {
    let mut c = wasmer::sys::LLVM::new();
    c.opt_level(wasmer::sys::LLVMOptLevel::Aggressive)
        .num_threads(threads);
    Ok(Box::new(c))
}

#[cfg(not(feature = "llvm"))]
fn llvm(_: NonZero<usize>) -> Result<Box<dyn wasmer::sys::CompilerConfig>, RunError> {
    unreachable!("wasmer-llvm has no factory without its feature")
}

/// A module Wasmer rejects is invalid; one its compiler cannot translate
/// (Singlepass has no code for some SIMD instructions) is unsupported.
fn proposal_names(f: &wasmer::sys::Features) -> String {
    [
        ("threads", f.threads),
        ("reference-types", f.reference_types),
        ("simd", f.simd),
        ("bulk-memory", f.bulk_memory),
        ("multi-value", f.multi_value),
        ("tail-call", f.tail_call),
        ("multi-memory", f.multi_memory),
        ("memory64", f.memory64),
        ("exceptions", f.exceptions),
        ("relaxed-simd", f.relaxed_simd),
        ("extended-const", f.extended_const),
        ("wide-arithmetic", f.wide_arithmetic),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect::<Vec<_>>()
    .join(", ")
}

fn compile_error(error: wasmer::CompileError) -> RunError {
    use wasmer::{CompileError, WasmError};
    match error {
        CompileError::Validate(_) | CompileError::Wasm(WasmError::InvalidWebAssembly { .. }) => {
            RunError::rejected(error.to_string())
        }
        CompileError::Codegen(message) if message.starts_with("not yet implemented") => {
            RunError::Unsupported(format!("the compiler cannot translate it: {message}"))
        }
        CompileError::UnsupportedFeature(_) | CompileError::Wasm(WasmError::Unsupported(_)) => {
            RunError::Unsupported(error.to_string())
        }
        _ => RunError::Other(format!("compile: {error}")),
    }
}

impl Runtime for Wasmer {
    fn info(&self) -> RuntimeInfo {
        let opt_level = match self.compiler {
            Compiler::Cranelift => "speed",
            Compiler::Singlepass => "none (single pass)",
            Compiler::Llvm => "aggressive (O3)",
        };
        let settings = BTreeMap::from([
            (
                "compiler".into(),
                format!("{:?}", self.compiler).to_lowercase(),
            ),
            ("opt_level".into(), opt_level.into()),
            ("compile_threads".into(), self.threads.to_string()),
            ("memory_style".into(), "static (BaseTunables)".into()),
            (
                "interruption".into(),
                wasm_arena_adapters::interruption_setting(
                    "experimental-host-interrupt (SIGUSR1 to the running thread)",
                ),
            ),
            ("proposals".into(), self.proposals.clone()),
            (
                "wasi".into(),
                "wasmer-wasix preview1; grants mounted in a virtual root preopened as `.` and \
                 `/`, as `wasmer run --volume` mounts them"
                    .into(),
            ),
        ]);
        let mut info = registry::info(self.compiler.id(), settings);
        info.unsupported.insert(
            Capability::ReadOnlyPreopens,
            "partly enforced: writes, creation, removal and renames in a directory granted \
             without write access fail with EPERM (volumes.rs), but wasmer-wasix answers \
             path_filestat_set_times and path_link from its own inode table, so they succeed \
             in the guest's view (the host file is left as it was)"
                .into(),
        );
        let why = format!(
            "component model not supported by wasmer {}: it runs core modules (WASI preview 1, \
             WASIX) only",
            info.version
        );
        info.without_components(&why)
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Module>, RunError> {
        let module = wasmer::Module::from_binary(&self.engine, wasm).map_err(compile_error)?;
        Ok(self.module(module))
    }

    fn precompile(&self, wasm: &[u8]) -> Result<Option<Vec<u8>>, RunError> {
        let module = wasmer::Module::from_binary(&self.engine, wasm).map_err(compile_error)?;
        module
            .serialize()
            .map(|bytes| Some(bytes.to_vec()))
            .map_err(|e| RunError::Other(format!("cannot serialise: {e}")))
    }

    fn load_precompiled(&self, artifact: &[u8]) -> Result<Box<dyn Module>, RunError> {
        // SAFETY: loading runs no code but trusts the artifact to come from
        // `precompile` with this engine; Wasmer checks its header and version.
        let module = unsafe { wasmer::Module::deserialize(&self.engine, artifact.to_vec()) }
            .map_err(|e| RunError::InvalidModule(e.to_string()))?;
        Ok(self.module(module))
    }
}

struct WasmerModule {
    module: wasmer::Module,
    marked: bool,
    engine: Engine,
    cap: Arc<Mutex<Option<SharedCap>>>,
    tokio: Arc<tokio::runtime::Runtime>,
    running: Arc<Mutex<Option<wasmer::Interrupter>>>,
    watchdog: Arc<Watchdog>,
}

impl Module for WasmerModule {
    fn shared(&self) -> Option<&(dyn Module + Sync)> {
        Some(self)
    }

    fn instantiate(&self, wasi: &WasiSpec) -> Result<Box<dyn Instance>, RunError> {
        let _tokio = self.tokio.enter();
        let instantiate = |e: &dyn std::fmt::Display| RunError::Instantiate(e.to_string());
        let stdout = Pipe::channel();
        let stderr = Pipe::channel();
        // The guest reads the bytes, then end of file once the writing end
        // is closed, or nothing more while the instance holds it open.
        let (mut stdin_tx, stdin) = Pipe::channel();
        std::io::Write::write_all(&mut stdin_tx, &wasi.stdin).map_err(|e| instantiate(&e))?;
        let stdin_held = match wasi.stdin_end {
            StdinEnd::Eof => {
                stdin_tx.close();
                None
            }
            StdinEnd::Open => Some(stdin_tx),
        };
        let builder = WasiEnv::builder(wasi.args.first().cloned().unwrap_or_default())
            .args(wasi.args.iter().skip(1))
            .envs(wasi.env.iter().cloned())
            .stdin(Box::new(stdin))
            .stdout(Box::new(stdout.0))
            .stderr(Box::new(stderr.0))
            .engine(self.engine.clone());
        let grants: Vec<volumes::Grant> = wasi
            .preopens
            .iter()
            .map(|p| volumes::Grant {
                host: &p.host,
                guest: &p.guest,
                read_only: p.read_only,
            })
            .collect();
        let builder =
            volumes::mount(builder, &grants, self.tokio.handle()).map_err(RunError::Instantiate)?;
        let mut store = Store::new(self.engine.clone());
        let mut env = builder.finalize(&mut store).map_err(|e| instantiate(&e))?;
        let mut imports = env
            .import_object(&mut store, &self.module)
            .unwrap_or_else(|_| Imports::new());
        let host = FunctionEnv::new(&mut store, Host::default());
        host_imports(&mut store, &host, &mut imports);

        let cap = Arc::new(Mutex::new(MemoryCap::new(wasi.limits.max_memory_bytes)));
        *self.cap.lock().expect("not poisoned") = Some(cap.clone());
        let instance = wasmer::Instance::new(&mut store, &self.module, &imports);
        *self.cap.lock().expect("not poisoned") = None;
        let instance = instance.map_err(|e| instantiate(&e))?;
        let memory = instance.exports.get_memory("memory").ok().cloned();
        host.as_mut(&mut store).memory = memory.clone();
        if memory.is_some() {
            env.initialize(&mut store, instance.clone())
                .map_err(|e| instantiate(&e))?;
        }
        Ok(Box::new(WasmerInstance {
            store,
            instance,
            _stdin_held: stdin_held,
            env,
            host,
            memory,
            marked: self.marked,
            budget: wasi
                .limits
                .time_budget
                .filter(|_| wasm_arena_adapters::in_runtime_budget()),
            cap,
            stdout: Captured::new(stdout.1),
            stderr: Captured::new(stderr.1),
            tokio: self.tokio.clone(),
            running: self.running.clone(),
            watchdog: self.watchdog.clone(),
        }))
    }
}

fn host_imports(store: &mut Store, host: &FunctionEnv<Host>, imports: &mut Imports) {
    let start = Function::new_typed_with_env(store, host, |mut env: FunctionEnvMut<Host>| {
        env.data_mut().marks.start = Some(Instant::now());
    });
    let end = Function::new_typed_with_env(store, host, |mut env: FunctionEnvMut<Host>| {
        env.data_mut().marks.end = Some(Instant::now());
    });
    let echo = Function::new_typed_with_env(store, host, echo);
    imports.define("bench", "start", start);
    imports.define("bench", "end", end);
    imports.define("arena", "echo", echo);
}

/// `arena.echo(ptr, len) -> len`: copies the bytes out of the guest and back
/// in, as the Wasmtime host does; -1 when they are not in memory.
fn echo(mut env: FunctionEnvMut<Host>, ptr: i32, len: i32) -> i32 {
    let (data, store) = env.data_and_store_mut();
    let Some(memory) = &data.memory else {
        return -1;
    };
    let (Ok(at), Ok(n)) = (u64::try_from(ptr), usize::try_from(len)) else {
        return -1;
    };
    let view = memory.view(&store);
    let mut bytes = vec![0; n];
    if view.read(at, &mut bytes).is_err() || view.write(at, &bytes).is_err() {
        return -1;
    }
    len
}

#[derive(Default)]
struct Host {
    memory: Option<Memory>,
    marks: Marks,
}

struct WasmerInstance {
    store: Store,
    instance: wasmer::Instance,
    /// The writing end of an open stdin ([`StdinEnd::Open`]).
    _stdin_held: Option<Pipe>,
    env: WasiFunctionEnv,
    host: FunctionEnv<Host>,
    memory: Option<Memory>,
    marked: bool,
    budget: Option<Duration>,
    cap: SharedCap,
    stdout: Captured,
    stderr: Captured,
    tokio: Arc<tokio::runtime::Runtime>,
    running: Arc<Mutex<Option<wasmer::Interrupter>>>,
    watchdog: Arc<Watchdog>,
}

impl WasmerInstance {
    fn func<P, R>(&self, name: &str) -> Result<TypedFunction<P, R>, RunError>
    where
        P: wasmer::WasmTypeList,
        R: wasmer::WasmTypeList,
    {
        self.instance
            .exports
            .get_typed_function(&self.store, name)
            .map_err(|e| RunError::Instantiate(format!("no usable `{name}` export: {e}")))
    }

    fn trap_message(&self, error: &RuntimeError) -> String {
        let mut message = error.message();
        if let Some(name) = error.trace().iter().find_map(|f| f.function_name()) {
            message.push_str(&format!(" in `{name}`"));
        }
        if let Some(bytes) = self.memory_refused() {
            message.push_str(&guest::refused_by_cap(bytes, false));
        }
        message
    }
}

// This makes the instance an `Instance`: the loops in `guest` drive it.
impl Guest for WasmerInstance {
    type Func = Typed<TypedFunction<(), ()>, TypedFunction<i32, i32>, TypedFunction<(), i32>>;
    type Memory = Memory;
    type Error = RuntimeError;

    fn error(message: String) -> RuntimeError {
        RuntimeError::new(message)
    }

    fn export(&mut self, name: &str, signature: Signature) -> Result<Self::Func, RunError> {
        Ok(match signature {
            Signature::Command => Typed::Command(self.func(name)?),
            Signature::Map => Typed::Map(self.func(name)?),
            Signature::Get => Typed::Get(self.func(name)?),
        })
    }

    fn memory(&mut self) -> Option<Memory> {
        self.memory.clone()
    }

    fn call(&mut self, func: &mut Self::Func, args: &[i32]) -> Result<Option<i32>, RuntimeError> {
        match func {
            Typed::Command(f) => f.call(&mut self.store).map(|()| None),
            Typed::Map(f) => f.call(&mut self.store, args[0]).map(Some),
            Typed::Get(f) => f.call(&mut self.store).map(Some),
        }
    }

    fn write(&mut self, memory: &Memory, at: usize, bytes: &[u8]) -> Result<(), RuntimeError> {
        memory
            .view(&self.store)
            .write(at as u64, bytes)
            .map_err(user)
    }

    fn memory_size(&self, memory: &Memory) -> u64 {
        memory.view(&self.store).data_size()
    }

    fn read(&self, memory: &Memory, at: usize, into: &mut [u8]) -> Result<(), RuntimeError> {
        memory.view(&self.store).read(at as u64, into).map_err(user)
    }

    fn guarded(
        &mut self,
        body: impl FnOnce(&mut Self) -> Result<(), RuntimeError>,
    ) -> Result<i32, RunError> {
        let _tokio = self.tokio.clone();
        let _tokio = _tokio.enter();
        self.host.as_mut(&mut self.store).marks = Marks::default();
        *self.running.lock().expect("not poisoned") = Some(self.store.interrupter());
        let watchdog = self.watchdog.clone();
        let armed = self.budget.map(|budget| watchdog.arm(budget));
        let result = body(self);
        drop(armed);
        let interrupted = self.running.lock().expect("not poisoned").take().is_none();
        match result {
            Ok(()) => Ok(0),
            Err(error) => match error.downcast::<WasiError>() {
                Ok(WasiError::Exit(code)) => Ok(code.raw()),
                Ok(other) => Err(RunError::Trap(other.to_string())),
                // Not `to_trap() == HostInterrupt` alone: Wasmer 7.4 reports
                // an interrupt that lands on an instruction of its trap table
                // (a load in a loop, under Singlepass) as that instruction's
                // trap, "out of bounds memory access" (wasmer-compiler's
                // engine/trap/stack.rs prefers the table to the signal's code).
                Err(_) if interrupted => Err(RunError::TimeBudget(self.budget.unwrap_or_default())),
                Err(error) => Err(RunError::Trap(self.trap_message(&error))),
            },
        }
    }

    fn marked(&self) -> bool {
        self.marked
    }

    fn marks(&self) -> Marks {
        self.host.as_ref(&self.store).marks
    }

    fn memory_refused(&self) -> Option<u64> {
        self.cap.lock().expect("not poisoned").refused()
    }

    fn output(&mut self) -> (Vec<u8>, Vec<u8>) {
        self.env.on_exit(&mut self.store, None);
        (self.stdout.all(), self.stderr.all())
    }
}

/// The reading end of a guest's stdout or stderr and what was read from it.
struct Captured {
    pipe: Pipe,
    read: Vec<u8>,
}

impl Captured {
    fn new(pipe: Pipe) -> Captured {
        Captured {
            pipe,
            read: Vec::new(),
        }
    }

    /// Everything the guest wrote so far. The writing end is still open, so
    /// this reads what is buffered without waiting for end of file, and keeps
    /// it for the next time it is asked.
    fn all(&mut self) -> Vec<u8> {
        let mut chunk = [0; 64 << 10];
        while let Some(n @ 1..) = self.pipe.try_read(&mut chunk) {
            self.read.extend_from_slice(&chunk[..n]);
        }
        self.read.clone()
    }
}

fn user(error: impl std::error::Error + Send + Sync + 'static) -> RuntimeError {
    RuntimeError::user(Box::new(error))
}

/// An instance's memory cap, shared by its memories, which record in it the
/// growth they refused.
type SharedCap = Arc<Mutex<MemoryCap>>;

/// Wasmer's own tunables, but every memory is wrapped in a [`CappedMemory`].
struct CapTunables {
    cap: Arc<Mutex<Option<SharedCap>>>,
}

impl CapTunables {
    fn wrap(&self, memory: VMMemory) -> VMMemory {
        match self.cap.lock().expect("not poisoned").clone() {
            Some(cap) if cap.lock().expect("not poisoned").is_set() => {
                VMMemory(Box::new(CappedMemory { inner: memory, cap }))
            }
            _ => memory,
        }
    }
}

impl Tunables for CapTunables {
    fn memory_style(&self, memory: &MemoryType) -> MemoryStyle {
        BaseTunables::new().memory_style(memory)
    }

    fn table_style(&self, table: &TableType) -> TableStyle {
        BaseTunables::new().table_style(table)
    }

    fn create_host_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
    ) -> Result<VMMemory, MemoryError> {
        BaseTunables::new()
            .create_host_memory(ty, style)
            .map(|m| self.wrap(m))
    }

    unsafe fn create_vm_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
        vm_definition_location: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        // SAFETY: forwarded unchanged; the caller upholds the contract.
        unsafe { BaseTunables::new().create_vm_memory(ty, style, vm_definition_location) }
            .map(|m| self.wrap(m))
    }

    fn create_host_table(&self, ty: &TableType, style: &TableStyle) -> Result<VMTable, String> {
        BaseTunables::new().create_host_table(ty, style)
    }

    unsafe fn create_vm_table(
        &self,
        ty: &TableType,
        style: &TableStyle,
        vm_definition_location: NonNull<VMTableDefinition>,
    ) -> Result<VMTable, String> {
        // SAFETY: forwarded unchanged; the caller upholds the contract.
        unsafe { BaseTunables::new().create_vm_table(ty, style, vm_definition_location) }
    }
}

/// A memory that refuses to grow past the cap: the guest sees `memory.grow`
/// return -1, and the refusal is recorded.
#[derive(Debug)]
struct CappedMemory {
    inner: VMMemory,
    cap: SharedCap,
}

impl LinearMemory for CappedMemory {
    fn ty(&self) -> MemoryType {
        self.inner.ty()
    }

    fn size(&self) -> Pages {
        self.inner.size()
    }

    fn style(&self) -> MemoryStyle {
        self.inner.style()
    }

    fn grow(&mut self, delta: Pages) -> Result<Pages, MemoryError> {
        let desired =
            (u64::from(self.size().0) + u64::from(delta.0)) * wasmer::WASM_PAGE_SIZE as u64;
        if !self.cap.lock().expect("not poisoned").allows(desired) {
            return Err(MemoryError::CouldNotGrow {
                current: self.size(),
                attempted_delta: delta,
            });
        }
        self.inner.grow(delta)
    }

    fn vmmemory(&self) -> NonNull<VMMemoryDefinition> {
        self.inner.vmmemory()
    }

    fn try_clone(&self) -> Result<Box<dyn LinearMemory + Send + Sync + 'static>, MemoryError> {
        self.inner.0.try_clone()
    }

    fn copy(&self) -> Result<Box<dyn LinearMemory + Send + Sync + 'static>, MemoryError> {
        self.inner.0.copy()
    }
}
