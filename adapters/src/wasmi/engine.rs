use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use wasmi::{
    Caller, CompilationMode, Config, Engine, Extern, Linker, ResourceLimiter, TrapCode, TypedFunc,
    TypedResumableCall, WasmParams, WasmResults,
};
use wasmi_core::LimiterError;
use wasmi_wasi::wasi_common::pipe::{ReadPipe, WritePipe};
use wasmi_wasi::wasi_common::sync::dir::Dir as WasiCapDir;
use wasmi_wasi::{Dir, WasiCtx, WasiCtxBuilder, WasiDir, ambient_authority};

use crate::{
    Capability, Instance, Module, PluginCalls, RunError, RunOutcome, Runtime, RuntimeInfo,
    TimedRegion, WasiSpec, registry,
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
}

impl Wasmi {
    pub(super) fn boxed() -> Result<Box<dyn Runtime>, RunError> {
        let mut config = Config::default();
        // Fuel is how the time budget stops a guest (see `WasmiInstance::call`).
        // It is on in every run, so runs with and without a budget execute the
        // same instrumented code.
        config.consume_fuel(true);
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
                "metered in every run, default operator costs".into(),
            ),
            (
                "interruption".into(),
                format!(
                    "fuel, checked every {FUEL_SLICE} units: a call runs out, the wall clock \
                     is compared with the deadline, and the call resumes with a new slice"
                ),
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
        info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Module>, RunError> {
        let module = wasmi::Module::new(&self.engine, wasm)
            .map_err(|e| RunError::rejected(e.to_string()))?;
        let marked = module.imports().any(|i| i.module() == "bench");
        Ok(Box::new(WasmiModule {
            module,
            marked,
            linker: self.linker.clone(),
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
}

impl Module for WasmiModule {
    fn instantiate(&self, wasi: &WasiSpec) -> Result<Box<dyn Instance>, RunError> {
        let stdout = Output::default();
        let stderr = Output::default();
        let wasi_ctx = WasiCtxBuilder::new()
            .args(&wasi.args)
            .and_then(|b| b.envs(&wasi.env))
            .map_err(|e| RunError::Instantiate(e.to_string()))?
            .stdin(Box::new(ReadPipe::from(wasi.stdin.clone())))
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
            limiter: CapLimiter {
                cap: wasi.limits.max_memory_bytes,
                refused: None,
            },
            marks: Marks::default(),
        };
        let mut store = wasmi::Store::new(self.module.engine(), state);
        store.limiter(|s| &mut s.limiter);
        // A start function runs outside any budget, as in every adapter.
        store.set_fuel(u64::MAX).map_err(other)?;
        let instance = self
            .linker
            .instantiate_and_start(&mut store, &self.module)
            .map_err(|e| RunError::Instantiate(e.to_string()))?;
        Ok(Box::new(WasmiInstance {
            store,
            instance,
            marked: self.marked,
            budget: wasi.limits.time_budget,
            deadline: None,
            stdout,
            stderr,
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
    fn call<P, R>(&mut self, func: &TypedFunc<P, R>, params: P) -> Result<R, wasmi::Error>
    where
        P: WasmParams,
        R: WasmResults,
    {
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

    /// Runs `body` under the time budget and turns its error into an exit
    /// code (`proc_exit`) or the [`RunError`] it stands for.
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

    fn outcome(&self, exit_code: i32, region: TimedRegion, execute: Duration) -> RunOutcome {
        let read = |o: &Output| o.read().expect("output lock poisoned").clone();
        RunOutcome {
            exit_code,
            stdout: read(&self.stdout),
            stderr: read(&self.stderr),
            execute,
            region,
            memory_refused: self.store.data().limiter.refused,
            peak_rss_bytes: None,
        }
    }
}

impl Instance for WasmiInstance {
    fn run(&mut self) -> Result<RunOutcome, RunError> {
        let start = self.func::<(), ()>("_start")?;
        let mut whole = Duration::ZERO;
        let exit_code = self.guarded(|this| {
            let begin = Instant::now();
            let result = this.call(&start, ());
            whole = begin.elapsed();
            result
        })?;
        let marks = self.store.data().marks;
        let (region, execute) = match (self.marked, marks.start, marks.end) {
            (true, Some(s), Some(e)) if e >= s => (TimedRegion::Markers, e - s),
            // A marked module that exited before reaching `bench.end` is timed
            // whole, and the result says so.
            _ => (TimedRegion::WholeStart, whole),
        };
        Ok(self.outcome(exit_code, region, execute))
    }

    fn call_plugin(&mut self, plugin: &PluginCalls) -> Result<RunOutcome, RunError> {
        if let Ok(initialize) = self.func::<(), ()>("_initialize") {
            let exit_code = self.guarded(|this| this.call(&initialize, ()))?;
            if exit_code != 0 {
                return Err(RunError::Trap(format!(
                    "`_initialize` exited with code {exit_code}"
                )));
            }
        }
        let input_buffer = self.func::<i32, i32>("input_buffer")?;
        let process = self.func::<i32, i32>("process")?;
        let output_buffer = self.func::<(), i32>("output_buffer")?;
        let finish = self.func::<(), ()>("finish")?;
        let memory = self
            .instance
            .get_memory(&self.store, "memory")
            .ok_or_else(|| RunError::Instantiate("no exported `memory`".into()))?;
        let mut elapsed = None;
        let exit_code = self.guarded(|this| {
            let mut data = plugin.input.clone();
            let begin = Instant::now();
            for _ in 0..plugin.calls {
                let len =
                    i32::try_from(data.len()).map_err(|e| wasmi::Error::new(e.to_string()))?;
                let at = this.call(&input_buffer, len)?;
                memory.write(&mut this.store, offset(at)?, &data)?;
                let produced = this.call(&process, len)?;
                let from = this.call(&output_buffer, ())?;
                data.resize(offset(produced)?, 0);
                memory.read(&this.store, offset(from)?, &mut data)?;
            }
            elapsed = Some(begin.elapsed());
            this.call(&finish, ())
        })?;
        // A `proc_exit` inside the loop ends it early: that is no measurement
        // of the loop.
        let execute = elapsed.ok_or_else(|| {
            RunError::Trap(format!(
                "the plugin exited with code {exit_code} during the calls"
            ))
        })?;
        Ok(self.outcome(exit_code, TimedRegion::PluginCalls, execute))
    }
}

/// A guest pointer or length as a host offset; negative ones are guest bugs.
fn offset(value: i32) -> Result<usize, wasmi::Error> {
    usize::try_from(value).map_err(|_| wasmi::Error::new(format!("negative offset {value}")))
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
    limiter: CapLimiter,
    marks: Marks,
}

#[derive(Default, Clone, Copy)]
struct Marks {
    start: Option<Instant>,
    end: Option<Instant>,
}

/// Refuses memory growth past the cap: the guest sees `memory.grow` return -1,
/// as it would on a real out-of-memory, and we remember that it happened.
struct CapLimiter {
    cap: Option<u64>,
    refused: Option<u64>,
}

impl ResourceLimiter for CapLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        let desired = desired as u64;
        match self.cap {
            Some(cap) if desired > cap => {
                self.refused = Some(self.refused.map_or(desired, |r| r.max(desired)));
                Ok(false)
            }
            _ => Ok(true),
        }
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
