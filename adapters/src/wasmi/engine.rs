use std::collections::BTreeMap;
use std::io::PipeWriter;
use std::os::fd::OwnedFd;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use wasmi::{
    Caller, CompilationMode, Config, Engine, Extern, Linker, Memory, ResourceLimiter, TrapCode,
    TypedFunc, TypedResumableCall, WasmParams, WasmResults,
};
use wasmi_core::LimiterError;
use wasmi_wasi::wasi_common::pipe::{ReadPipe, WritePipe};
use wasmi_wasi::wasi_common::sync::dir::Dir as WasiCapDir;
use wasmi_wasi::wasi_common::sync::file::File as PipeFile;
use wasmi_wasi::{Dir, WasiCtx, WasiCtxBuilder, WasiDir, WasiFile, ambient_authority};

use crate::guest::{Guest, Marks, MemoryCap, Signature, Typed};
use crate::{
    Capability, Instance, Module, RunError, Runtime, RuntimeInfo, StdinEnd, WasiSpec, registry,
    stdin_pipe,
};

mod read_only;

/// Fuel a call runs on before the deadline is looked at again, with a budget
/// or without (the same code either way). wasmi spends about one unit per
/// instruction: a few milliseconds of a tight loop, so a budget stops within
/// that of its deadline, and the pause to refuel costs nothing measurable.
const FUEL_SLICE: u64 = 10_000_000;

/// How deep calls may nest, and how many bytes of values the stack may hold.
/// wasmi's defaults (1,000 calls, 1 MB) are far below what the compilers'
/// native stacks allow: `fib`'s ackermann(2, 1520) nests about 3,000 calls,
/// which every other runtime runs. Past these the guest traps with a stack
/// overflow, as on any runtime.
const MAX_RECURSION_DEPTH: usize = 100_000;
const MAX_STACK_BYTES: usize = 64 << 20;

pub(super) struct Wasmi {
    engine: Engine,
    linker: Arc<Linker<State>>,
    /// Whether fuel is metered: the in-runtime budget is on.
    fuel: bool,
}

impl Wasmi {
    pub(super) fn boxed() -> Result<Box<dyn Runtime>, RunError> {
        let mut config = Config::default();
        // Fuel is how the time budget stops a guest (see `WasmiInstance::call`).
        // Metering costs in every instruction, so it is on only with the
        // in-runtime budget, and then in every run, so that runs with and
        // without a budget execute the same instrumented code.
        let fuel = crate::in_runtime_budget();
        config.consume_fuel(fuel);
        // Every function is translated in the compile phase, as V8 is run here
        // (--no-wasm-lazy-compilation) and as the compilers do, so execute is
        // execution only. It also keeps fuel for execution alone: wasmi's lazy
        // translation charges fuel too, and running out there cannot be resumed.
        config.compilation_mode(CompilationMode::Eager);
        config
            .set_max_recursion_depth(MAX_RECURSION_DEPTH)
            .set_max_stack_height(MAX_STACK_BYTES)
            .wasm_simd(true);
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        wasmi_wasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi).map_err(other)?;
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
        Ok(Box::new(Wasmi {
            engine,
            linker: Arc::new(linker),
            fuel,
        }))
    }
}

impl Runtime for Wasmi {
    fn info(&self) -> RuntimeInfo {
        let settings = BTreeMap::from([
            (
                "compilation_mode".into(),
                "eager (every function translated to wasmi bytecode in compile; wasmi's \
                 default is lazy)"
                    .into(),
            ),
            ("compile_threads".into(), "1".into()),
            (
                "fuel".into(),
                if self.fuel {
                    "metered in every run, default operator costs".into()
                } else {
                    "off (wasmi's default)".into()
                },
            ),
            (
                "interruption".into(),
                crate::interruption_setting(&format!(
                    "fuel, checked every {FUEL_SLICE} units: a call runs out, the wall clock \
                     is compared with the deadline, and the call resumes with a new slice"
                )),
            ),
            (
                "proposals".into(),
                "wasmi defaults (multi-value, bulk-memory, reference-types, tail-call, \
                 extended-const, memory64, ...) and simd"
                    .into(),
            ),
            (
                "stack".into(),
                format!(
                    "{MAX_RECURSION_DEPTH} nested calls, {} MiB of values",
                    MAX_STACK_BYTES >> 20
                ),
            ),
            ("wasi".into(), "wasmi_wasi (wasi-common) preview1".into()),
        ]);
        let mut info = registry::info(super::ID, settings);
        info.unsupported = BTreeMap::from([(
            Capability::Precompile,
            "wasmi is an interpreter with no artifact format: it translates Wasm to its own \
             bytecode in memory"
                .into(),
        )]);
        let why = format!(
            "component model not supported by wasmi {}: it runs core modules only",
            info.version
        );
        info.without_components(&why)
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Module>, RunError> {
        let module = wasmi::Module::new(&self.engine, wasm)
            .map_err(|e| RunError::rejected(e.to_string()))?;
        let marked = module.imports().any(|i| i.module() == "bench");
        Ok(Box::new(WasmiModule {
            module,
            marked,
            linker: self.linker.clone(),
            fuel: self.fuel,
        }))
    }

    fn precompile(&self, _wasm: &[u8]) -> Result<Option<Vec<u8>>, RunError> {
        Ok(None)
    }

    fn load_precompiled(&self, _artifact: &[u8]) -> Result<Box<dyn Module>, RunError> {
        Err(RunError::Unsupported(
            "wasmi has no precompiled artifacts".into(),
        ))
    }
}

struct WasmiModule {
    module: wasmi::Module,
    /// Whether the module imports the `bench.start`/`bench.end` markers.
    marked: bool,
    linker: Arc<Linker<State>>,
    fuel: bool,
}

impl Module for WasmiModule {
    fn shared(&self) -> Option<&(dyn Module + Sync)> {
        Some(self)
    }

    fn instantiate(&self, wasi: &WasiSpec) -> Result<Box<dyn Instance>, RunError> {
        let stdout = Output::default();
        let stderr = Output::default();
        let (stdin, stdin_held) = stdin(wasi)?;
        let wasi_ctx = WasiCtxBuilder::new()
            .args(&wasi.args)
            .and_then(|b| b.envs(&wasi.env))
            .map_err(|e| RunError::Instantiate(e.to_string()))?
            .stdin(stdin)
            .stdout(Box::new(WritePipe::from_shared(stdout.clone())))
            .stderr(Box::new(WritePipe::from_shared(stderr.clone())))
            .build();
        for preopen in &wasi.preopens {
            let cannot = |e: &dyn std::fmt::Display| {
                RunError::Instantiate(format!("cannot preopen {}: {e}", preopen.host.display()))
            };
            let dir = Dir::open_ambient_dir(&preopen.host, ambient_authority())
                .map_err(|e| cannot(&e))?;
            let mut dir: Box<dyn WasiDir> = Box::new(WasiCapDir::from_cap_std(dir));
            if preopen.read_only {
                dir = Box::new(read_only::ReadOnlyDir(dir));
            }
            wasi_ctx
                .push_preopened_dir(dir, &preopen.guest)
                .map_err(|e| cannot(&e))?;
        }
        let state = State {
            wasi: wasi_ctx,
            limiter: MemoryCap::new(wasi.limits.max_memory_bytes),
            marks: Marks::default(),
        };
        let mut store = wasmi::Store::new(self.module.engine(), state);
        store.limiter(|s| &mut s.limiter);
        // A start function runs outside any budget, as in every adapter.
        if self.fuel {
            store.set_fuel(u64::MAX).map_err(other)?;
        }
        let instance = self
            .linker
            .instantiate_and_start(&mut store, &self.module)
            .map_err(|e| RunError::Instantiate(e.to_string()))?;
        Ok(Box::new(WasmiInstance {
            store,
            instance,
            marked: self.marked,
            budget: wasi.limits.time_budget.filter(|_| self.fuel),
            deadline: None,
            stdout,
            stderr,
            _stdin_held: stdin_held,
        }))
    }
}

/// Captured stdout or stderr.
type Output = Arc<RwLock<Vec<u8>>>;

struct WasmiInstance {
    store: wasmi::Store<State>,
    instance: wasmi::Instance,
    marked: bool,
    budget: Option<Duration>,
    /// When the guarded run in progress must stop.
    deadline: Option<Instant>,
    stdout: Output,
    stderr: Output,
    /// The writing end of an open stdin ([`StdinEnd::Open`]).
    _stdin_held: Option<PipeWriter>,
}

/// The guest's stdin: its bytes in memory, then end of file; or, to stay
/// open, a real pipe, which wasi-common can also poll (it cannot poll an
/// in-memory pipe: `poll_oneoff` fails with EINVAL on one).
fn stdin(wasi: &WasiSpec) -> Result<(Box<dyn WasiFile>, Option<PipeWriter>), RunError> {
    match wasi.stdin_end {
        StdinEnd::Eof => Ok((Box::new(ReadPipe::from(wasi.stdin.clone())), None)),
        StdinEnd::Open => {
            let (reader, held) = stdin_pipe(wasi.stdin.clone(), StdinEnd::Open)
                .map_err(|e| RunError::Instantiate(format!("cannot make the stdin pipe: {e}")))?;
            let file = cap_std::fs::File::from_std(std::fs::File::from(OwnedFd::from(reader)));
            Ok((Box::new(PipeFile::from_cap_std(file)), held))
        }
    }
}

impl WasmiInstance {
    fn func<P, R>(&self, name: &str) -> Result<TypedFunc<P, R>, RunError>
    where
        P: WasmParams,
        R: WasmResults,
    {
        self.instance
            .get_typed_func::<P, R>(&self.store, name)
            .map_err(|e| RunError::Instantiate(format!("no usable `{name}` export: {e}")))
    }

    /// Calls `func` one fuel slice at a time. wasmi cannot be interrupted from
    /// outside, so running out of a slice is where the deadline is checked;
    /// past it the call ends with `OutOfFuel`, else it resumes.
    fn call_sliced<P, R>(&mut self, func: &TypedFunc<P, R>, params: P) -> Result<R, wasmi::Error>
    where
        P: WasmParams,
        R: WasmResults,
    {
        if self.budget.is_none() {
            return func.call(&mut self.store, params);
        }
        self.store.set_fuel(FUEL_SLICE)?;
        let mut call = func.call_resumable(&mut self.store, params)?;
        loop {
            call = match call {
                TypedResumableCall::Finished(results) => return Ok(results),
                // A resumable call pauses on a host error instead of failing;
                // WASI's are an exit status or a message.
                TypedResumableCall::HostTrap(trap) => {
                    let error = trap.host_error();
                    return Err(match error.i32_exit_status() {
                        Some(status) => wasmi::Error::i32_exit(status),
                        None => wasmi::Error::new(error.to_string()),
                    });
                }
                TypedResumableCall::OutOfFuel(paused) => {
                    if self.deadline.is_some_and(|at| Instant::now() >= at) {
                        return Err(TrapCode::OutOfFuel.into());
                    }
                    self.store
                        .set_fuel(FUEL_SLICE.max(paused.required_fuel()))?;
                    paused.resume(&mut self.store)?
                }
            };
        }
    }
}

// This makes the instance an `Instance`: the loops in `guest` drive it.
impl Guest for WasmiInstance {
    type Func = Typed<TypedFunc<(), ()>, TypedFunc<i32, i32>, TypedFunc<(), i32>>;
    type Memory = Memory;
    type Error = wasmi::Error;

    fn error(message: String) -> wasmi::Error {
        wasmi::Error::new(message)
    }

    fn export(&mut self, name: &str, signature: Signature) -> Result<Self::Func, RunError> {
        Ok(match signature {
            Signature::Command => Typed::Command(self.func(name)?),
            Signature::Map => Typed::Map(self.func(name)?),
            Signature::Get => Typed::Get(self.func(name)?),
        })
    }

    fn memory(&mut self) -> Option<Memory> {
        self.instance.get_memory(&self.store, "memory")
    }

    fn call(&mut self, func: &mut Self::Func, args: &[i32]) -> Result<Option<i32>, wasmi::Error> {
        match func {
            Typed::Command(f) => self.call_sliced(f, ()).map(|()| None),
            Typed::Map(f) => self.call_sliced(f, args[0]).map(Some),
            Typed::Get(f) => self.call_sliced(f, ()).map(Some),
        }
    }

    fn write(&mut self, memory: &Memory, at: usize, bytes: &[u8]) -> Result<(), wasmi::Error> {
        Ok(memory.write(&mut self.store, at, bytes)?)
    }

    fn memory_size(&self, memory: &Memory) -> u64 {
        memory.data(&self.store).len() as u64
    }

    fn read(&self, memory: &Memory, at: usize, into: &mut [u8]) -> Result<(), wasmi::Error> {
        Ok(memory.read(&self.store, at, into)?)
    }

    fn guarded(
        &mut self,
        body: impl FnOnce(&mut Self) -> Result<(), wasmi::Error>,
    ) -> Result<i32, RunError> {
        self.store.data_mut().marks = Marks::default();
        self.deadline = self.budget.map(|budget| Instant::now() + budget);
        let result = body(self);
        let deadline = self.deadline.take();
        match result {
            Ok(()) => Ok(0),
            Err(error) => match (error.i32_exit_status(), error.as_trap_code(), self.budget) {
                (Some(status), _, _) => Ok(status),
                // Fuel is refilled until the deadline; out of fuel before it is
                // wasmi failing to resume, which is no timeout.
                (None, Some(TrapCode::OutOfFuel), Some(budget))
                    if deadline.is_some_and(|at| Instant::now() >= at) =>
                {
                    Err(RunError::TimeBudget(budget))
                }
                _ => Err(RunError::Trap(trap_message(&error))),
            },
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
        let read = |o: &Output| o.read().expect("output lock poisoned").clone();
        (read(&self.stdout), read(&self.stderr))
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
    match memory.write(&mut caller, at, &bytes) {
        Ok(()) => len,
        Err(_) => -1,
    }
}

/// The trap's kind in words ("stack overflow"), then wasmi's own message.
fn trap_message(error: &wasmi::Error) -> String {
    match error.as_trap_code() {
        Some(code) => {
            let mut kind = String::new();
            for c in format!("{code:?}").chars() {
                if c.is_uppercase() && !kind.is_empty() {
                    kind.push(' ');
                }
                kind.push(c.to_ascii_lowercase());
            }
            format!("{kind}: {error}")
        }
        None => error.to_string(),
    }
}

fn other(error: impl std::fmt::Display) -> RunError {
    RunError::Other(error.to_string())
}

struct State {
    wasi: WasiCtx,
    limiter: MemoryCap,
    marks: Marks,
}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        Ok(self.allows(desired as u64))
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        Ok(true)
    }

    // wasmi's defaults, as its own StoreLimits has them.
    fn instances(&self) -> usize {
        10_000
    }

    fn tables(&self) -> usize {
        10_000
    }

    fn memories(&self) -> usize {
        10_000
    }
}
