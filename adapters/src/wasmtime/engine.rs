use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::component::Component;
use wasmtime::{
    AsContextMut, Caller, Config, Engine, Extern, InstanceAllocationStrategy, Linker, Memory,
    OptLevel, PoolingAllocationConfig, Precompiled, ResourceLimiter, Store, Strategy, Trap,
    TypedFunc, WasmBacktrace,
};
use wasmtime_wasi::cli::StdinStream;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

use super::stdin::OpenStdin;
use super::{Compiler, Variant, component};
use crate::guest::{self, Guest, Marks, MemoryCap, Signature, Typed};
use crate::watchdog::Watchdog;
use crate::{
    Instance, Interface, Module, RunError, Runtime, RuntimeInfo, StdinEnd, WasiSpec, registry,
};

/// Most output a guest may write to stdout or stderr in one run.
const OUTPUT_CAPACITY: usize = 256 << 20;

pub(super) struct Wasmtime {
    variant: Variant,
    engine: Engine,
    linker: Arc<Linker<State>>,
    /// Bumps the epoch at a deadline; none without the in-runtime budget.
    watchdog: Option<Arc<Watchdog>>,
    components: component::Host,
}

impl Wasmtime {
    pub(super) fn boxed(variant: Variant) -> Result<Box<dyn Runtime>, RunError> {
        // Epochs are how the time budget interrupts a guest: one check per loop
        // header and function entry, bumped once by the watchdog at the deadline.
        // Wasmtime's default is without them, and the checks cost (13 % of
        // sha256's execute), so they are on only with the in-runtime budget.
        let epochs = crate::in_runtime_budget();
        let mut config = config(variant, epochs)?;
        // The component model's concurrency (WASI 0.3) sets up per-store state
        // that modules and 0.2 components never use: it is off here, as it was
        // before this crate linked it, and on in the 0.3 components' engine.
        config.concurrency_support(false);
        let engine = Engine::new(&config).map_err(other)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |s: &mut State| &mut s.wasi)
            .map_err(other)?;
        linker
            .func_wrap("bench", "start", |mut caller: Caller<'_, State>| {
                caller.data_mut().marks.start = Some(Instant::now());
            })
            .map_err(other)?;
        linker
            .func_wrap("bench", "end", |mut caller: Caller<'_, State>| {
                caller.data_mut().marks.end = Some(Instant::now());
            })
            .map_err(other)?;
        linker.func_wrap("arena", "echo", echo).map_err(other)?;
        Ok(Box::new(Wasmtime {
            variant,
            watchdog: watchdog(&engine, epochs),
            engine,
            linker: Arc::new(linker),
            components: component::Host::new(variant, epochs),
        }))
    }

    fn module(&self, module: wasmtime::Module) -> Box<dyn Module> {
        let marked = module.imports().any(|i| i.module() == "bench");
        Box::new(WasmtimeModule {
            module,
            marked,
            linker: self.linker.clone(),
            watchdog: self.watchdog.clone(),
        })
    }
}

/// The engine settings of `variant`, shared by the module and 0.3 engines.
pub(super) fn config(variant: Variant, epochs: bool) -> Result<Config, RunError> {
    let mut config = Config::new();
    config.epoch_interruption(epochs);
    config.cranelift_opt_level(OptLevel::Speed);
    config.parallel_compilation(crate::compile_threads().get() > 1);
    if variant.pooling {
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling()));
    }
    match variant.compiler {
        Compiler::Cranelift => {
            config.strategy(Strategy::Cranelift);
        }
        Compiler::Winch => {
            config.strategy(Strategy::Winch);
        }
        Compiler::Pulley => {
            config.target("pulley64").map_err(other)?;
        }
    }
    Ok(config)
}

/// What bumps `engine`'s epoch at a deadline; none without the in-runtime
/// budget.
pub(super) fn watchdog(engine: &Engine, epochs: bool) -> Option<Arc<Watchdog>> {
    epochs.then(|| {
        let engine = engine.clone();
        Arc::new(Watchdog::new(move || engine.increment_epoch()))
    })
}

impl Runtime for Wasmtime {
    fn info(&self) -> RuntimeInfo {
        let threads = crate::compile_threads();
        let settings = BTreeMap::from([
            (
                "compiler".into(),
                format!("{:?}", self.variant.compiler).to_lowercase(),
            ),
            ("opt_level".into(), "speed".into()),
            (
                "parallel_compilation".into(),
                (threads.get() > 1).to_string(),
            ),
            ("compile_threads".into(), threads.to_string()),
            (
                "allocator".into(),
                if self.variant.pooling {
                    format!("pooling ({POOL_SLOTS} slots of each kind)")
                } else {
                    "on-demand".into()
                },
            ),
            ("interruption".into(), crate::interruption_setting("epoch")),
            (
                "proposals".into(),
                "wasmtime defaults (simd, bulk-memory, ...)".into(),
            ),
            (
                "wasi".into(),
                "wasmtime-wasi: preview1 for modules, 0.2 and (experimental, \
                 component-model-async, an engine of its own) 0.3 for components"
                    .into(),
            ),
        ]);
        registry::info(self.variant.id(), settings)
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Module>, RunError> {
        let rejected = |e: wasmtime::Error| RunError::rejected(format!("{e:#}"));
        let interface = Interface::of(wasm);
        if interface == Interface::Preview1 {
            let module = wasmtime::Module::from_binary(&self.engine, wasm).map_err(rejected)?;
            return Ok(self.module(module));
        }
        let engine = self.components.engine(interface, &self.engine)?;
        let component = Component::from_binary(&engine, wasm).map_err(rejected)?;
        self.components.module(component, self.watchdog.clone())
    }

    fn precompile(&self, wasm: &[u8]) -> Result<Option<Vec<u8>>, RunError> {
        let artifact = match Interface::of(wasm) {
            Interface::Preview1 => self.engine.precompile_module(wasm),
            interface => self
                .components
                .engine(interface, &self.engine)?
                .precompile_component(wasm),
        };
        artifact
            .map(Some)
            .map_err(|e| RunError::rejected(format!("{e:#}")))
    }

    fn load_precompiled(&self, artifact: &[u8]) -> Result<Box<dyn Module>, RunError> {
        let invalid = |e: wasmtime::Error| RunError::InvalidModule(format!("{e:#}"));
        // SAFETY (all three): deserialising runs no code but trusts the
        // artifact to be one this engine configuration produced; Wasmtime
        // checks its header (version, target, settings) and rejects anything
        // else.
        if Engine::detect_precompiled(artifact) == Some(Precompiled::Component) {
            // A 0.3 component's artifact is from the 0.3 engine, whose
            // settings the modules' engine refuses, and the other way round.
            let component = match unsafe { Component::deserialize(&self.engine, artifact) } {
                Ok(component) => component,
                Err(_) => {
                    let p3 = self.components.engine(Interface::Wasi03, &self.engine)?;
                    unsafe { Component::deserialize(&p3, artifact) }.map_err(invalid)?
                }
            };
            return self.components.module(component, self.watchdog.clone());
        }
        let module =
            unsafe { wasmtime::Module::deserialize(&self.engine, artifact) }.map_err(invalid)?;
        Ok(self.module(module))
    }
}

struct WasmtimeModule {
    module: wasmtime::Module,
    /// Whether the module imports the `bench.start`/`bench.end` markers.
    marked: bool,
    linker: Arc<Linker<State>>,
    /// Bumps the epoch at a deadline; none without the in-runtime budget.
    watchdog: Option<Arc<Watchdog>>,
}

impl Module for WasmtimeModule {
    fn shared(&self) -> Option<&(dyn Module + Sync)> {
        Some(self)
    }

    fn instantiate(&self, wasi: &WasiSpec) -> Result<Box<dyn Instance>, RunError> {
        let Wasi {
            mut builder,
            output,
        } = Wasi::new(wasi)?;
        let state = State {
            wasi: builder.build_p1(),
            limiter: MemoryCap::new(wasi.limits.max_memory_bytes),
            marks: Marks::default(),
        };
        let epochs = self.watchdog.is_some();
        let mut store = guarded_store(self.module.engine(), state, |s| &mut s.limiter, epochs);
        let instance = self
            .linker
            .instantiate(&mut store, &self.module)
            .map_err(|e| RunError::Instantiate(format!("{e:#}")))?;
        Ok(Box::new(WasmtimeInstance {
            store,
            instance,
            marked: self.marked,
            budget: wasi.limits.time_budget.filter(|_| self.watchdog.is_some()),
            watchdog: self.watchdog.clone(),
            output,
        }))
    }
}

/// A store for one instance: the memory cap as its limiter and, with the
/// in-runtime budget (`epochs`), a deadline the watchdog's bump reaches.
pub(super) fn guarded_store<T: 'static>(
    engine: &Engine,
    state: T,
    limiter: fn(&mut T) -> &mut MemoryCap,
    epochs: bool,
) -> Store<T> {
    let mut store = Store::new(engine, state);
    store.limiter(move |s| -> &mut dyn ResourceLimiter { limiter(s) });
    if epochs {
        store.set_epoch_deadline(1);
    }
    store
}

/// How a guest's run ended when Wasmtime returned an error: an exit code
/// (`proc_exit`, `wasi:cli/exit`), the time budget, or a trap.
pub(super) fn ended(
    error: &wasmtime::Error,
    budget: Option<Duration>,
    refused: Option<u64>,
) -> Result<i32, RunError> {
    if let Some(exit) = error.downcast_ref::<I32Exit>() {
        Ok(exit.0)
    } else if let (Some(Trap::Interrupt), Some(budget)) = (error.downcast_ref::<Trap>(), budget) {
        Err(RunError::TimeBudget(budget))
    } else {
        Err(RunError::Trap(trap_message(error, refused)))
    }
}

/// A guest's WASI context as granted, before it is built for preview 1 or
/// for 0.2 or 0.3, with its captured output.
pub(super) struct Wasi {
    pub(super) builder: WasiCtxBuilder,
    pub(super) output: Captured,
}

/// What a guest writes to stdout and stderr, kept in memory.
pub(super) struct Captured {
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

impl Captured {
    /// All of it so far.
    pub(super) fn contents(&self) -> (Vec<u8>, Vec<u8>) {
        (
            self.stdout.contents().to_vec(),
            self.stderr.contents().to_vec(),
        )
    }
}

/// The guest's stdin: its bytes, then end of file or nothing ever.
fn stdin(wasi: &WasiSpec) -> Box<dyn StdinStream + Sync> {
    match wasi.stdin_end {
        StdinEnd::Eof => Box::new(MemoryInputPipe::new(wasi.stdin.clone())),
        StdinEnd::Open => Box::new(OpenStdin::new(wasi.stdin.clone())),
    }
}

impl Wasi {
    pub(super) fn new(wasi: &WasiSpec) -> Result<Wasi, RunError> {
        let stdout = MemoryOutputPipe::new(OUTPUT_CAPACITY);
        let stderr = MemoryOutputPipe::new(OUTPUT_CAPACITY);
        let mut builder = WasiCtxBuilder::new();
        builder
            .allow_blocking_current_thread(true)
            .args(&wasi.args)
            .envs(&wasi.env)
            .stdin(stdin(wasi))
            .stdout(stdout.clone())
            .stderr(stderr.clone());
        for preopen in &wasi.preopens {
            let perms = if preopen.read_only {
                FsPerms::ReadOnly
            } else {
                FsPerms::ReadWrite
            };
            builder
                .preopened_dir(&preopen.host, &preopen.guest, perms)
                .map_err(|e| {
                    RunError::Instantiate(format!(
                        "cannot preopen {}: {e:#}",
                        preopen.host.display()
                    ))
                })?;
        }
        Ok(Wasi {
            builder,
            output: Captured { stdout, stderr },
        })
    }
}

struct WasmtimeInstance {
    store: Store<State>,
    instance: wasmtime::Instance,
    marked: bool,
    budget: Option<Duration>,
    watchdog: Option<Arc<Watchdog>>,
    output: Captured,
}

impl WasmtimeInstance {
    fn func<P, R>(&mut self, name: &str) -> Result<wasmtime::TypedFunc<P, R>, RunError>
    where
        P: wasmtime::WasmParams,
        R: wasmtime::WasmResults,
    {
        self.instance
            .get_typed_func::<P, R>(&mut self.store, name)
            .map_err(|e| RunError::Instantiate(format!("no usable `{name}` export: {e:#}")))
    }
}

// This makes the instance an `Instance`: the loops in `guest` drive it.
impl Guest for WasmtimeInstance {
    type Func = Typed<TypedFunc<(), ()>, TypedFunc<i32, i32>, TypedFunc<(), i32>>;
    type Memory = Memory;
    type Error = wasmtime::Error;

    fn error(message: String) -> wasmtime::Error {
        wasmtime::Error::msg(message)
    }

    fn export(&mut self, name: &str, signature: Signature) -> Result<Self::Func, RunError> {
        Ok(match signature {
            Signature::Command => Typed::Command(self.func(name)?),
            Signature::Map => Typed::Map(self.func(name)?),
            Signature::Get => Typed::Get(self.func(name)?),
        })
    }

    fn memory(&mut self) -> Option<Memory> {
        match self.instance.get_export(&mut self.store, "memory") {
            Some(Extern::Memory(memory)) => Some(memory),
            _ => None,
        }
    }

    fn call(&mut self, func: &mut Self::Func, args: &[i32]) -> wasmtime::Result<Option<i32>> {
        match func {
            Typed::Command(f) => f.call(&mut self.store, ()).map(|()| None),
            Typed::Map(f) => f.call(&mut self.store, args[0]).map(Some),
            Typed::Get(f) => f.call(&mut self.store, ()).map(Some),
        }
    }

    fn write(&mut self, memory: &Memory, at: usize, bytes: &[u8]) -> wasmtime::Result<()> {
        Ok(memory.write(&mut self.store, at, bytes)?)
    }

    fn memory_size(&self, memory: &Memory) -> u64 {
        memory.data_size(&self.store) as u64
    }

    fn read(&self, memory: &Memory, at: usize, into: &mut [u8]) -> wasmtime::Result<()> {
        Ok(memory.read(&self.store, at, into)?)
    }

    fn guarded(
        &mut self,
        body: impl FnOnce(&mut Self) -> wasmtime::Result<()>,
    ) -> Result<i32, RunError> {
        self.store.data_mut().marks = Marks::default();
        let watchdog = self.watchdog.clone();
        let armed = self.budget.zip(watchdog.as_deref()).map(|(b, w)| w.arm(b));
        let result = body(self);
        drop(armed);
        match result {
            Ok(()) => Ok(0),
            Err(error) => ended(&error, self.budget, self.memory_refused()),
        }
    }

    fn marked(&self) -> bool {
        self.marked
    }

    fn marks(&self) -> Marks {
        self.store.data().marks
    }

    fn memory_refused(&self) -> Option<u64> {
        self.store.data().limiter.refused()
    }

    fn output(&mut self) -> (Vec<u8>, Vec<u8>) {
        self.output.contents()
    }
}

/// `arena.echo(ptr, len) -> len`: the host side of a plugin call. It copies
/// the bytes out of the guest and back in, as a host function that reads and
/// answers a request would; -1 when they are not in memory.
fn echo(mut caller: Caller<'_, State>, ptr: i32, len: i32) -> i32 {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        return -1;
    };
    let (Ok(at), Ok(n)) = (usize::try_from(ptr), usize::try_from(len)) else {
        return -1;
    };
    let mut bytes = vec![0; n];
    if memory.read(&caller, at, &mut bytes).is_err() {
        return -1;
    }
    match memory.write(caller.as_context_mut(), at, &bytes) {
        Ok(()) => len,
        Err(_) => -1,
    }
}

fn trap_message(error: &wasmtime::Error, refused: Option<u64>) -> String {
    let mut message = match error.downcast_ref::<Trap>() {
        Some(trap) => trap.to_string(),
        None => format!("{error:#}"),
    };
    let frame = error.downcast_ref::<WasmBacktrace>().and_then(|bt| {
        bt.frames()
            .iter()
            .find_map(|f| f.func_name().map(str::to_owned))
    });
    if let Some(name) = frame {
        message.push_str(&format!(" in `{name}`"));
    }
    if let Some(bytes) = refused {
        message.push_str(&guest::refused_by_cap(bytes, false));
    }
    message
}

/// Instances, memories and tables the pool keeps: Wasmtime's own default
/// instance count, so a density run reaches 1,000 live instances. Each slot
/// is address space reserved up front, not memory.
const POOL_SLOTS: u32 = 1000;

/// A pool sized for every catalog workload: CPython's module needs more than
/// the default instance size and table length.
fn pooling() -> PoolingAllocationConfig {
    let mut pool = PoolingAllocationConfig::default();
    pool.total_core_instances(POOL_SLOTS)
        .total_memories(POOL_SLOTS)
        .total_tables(POOL_SLOTS)
        .max_memory_size(4 << 30)
        .max_core_instance_size(16 << 20)
        .table_elements(1 << 20);
    pool
}

pub(super) fn other(error: impl std::fmt::Display) -> RunError {
    RunError::Other(error.to_string())
}

struct State {
    wasi: WasiP1Ctx,
    limiter: MemoryCap,
    marks: Marks,
}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(self.allows(desired as u64))
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}
