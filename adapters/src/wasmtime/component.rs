//! WASI command components on Wasmtime, 0.2 and 0.3: the same compiler,
//! allocator, epochs and WASI context as core modules, with `wasmtime-wasi`'s
//! component hosts instead of its preview-1 one, and `wasi:cli/run` called
//! where a module's `_start` would be.
//!
//! WASI 0.3 is `wasmtime-wasi`'s experimental `p3` host, as Wasmtime 48's
//! CLI runs it by default (`-Sp3`, `-Wcomponent-model-async`). Its async
//! functions need the component model's concurrency support, which Wasmtime
//! sets per engine and which sets up per-store state nothing else uses: 0.3
//! components get an engine of their own with it on, made on first use, so
//! modules and 0.2 components keep the engine they were measured with before
//! this crate linked it, without it. (The CLI has it on for every store.)

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store, StoreContextMut};
use wasmtime_wasi::runtime::in_tokio;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::Variant;
use super::engine::{Captured, Wasi, config, ended, guarded_store, other, watchdog};
use crate::guest::{self, Marks, MemoryCap};
use crate::watchdog::Watchdog;
use crate::{Instance, Interface, Module, PluginCalls, RunError, RunOutcome, WasiSpec};

/// The component hosts, each made on first use: core modules never pay for
/// them, nor 0.2 components for 0.3's.
pub(super) struct Host {
    variant: Variant,
    epochs: bool,
    p2: OnceLock<Result<Arc<Linker<State>>, RunError>>,
    p3: OnceLock<Result<P3, RunError>>,
}

/// WASI 0.3's engine (concurrency on), its linker and its epoch watchdog.
#[derive(Clone)]
struct P3 {
    engine: Engine,
    linker: Arc<Linker<State>>,
    watchdog: Option<Arc<Watchdog>>,
}

impl Host {
    pub(super) fn new(variant: Variant, epochs: bool) -> Host {
        Host {
            variant,
            epochs,
            p2: OnceLock::new(),
            p3: OnceLock::new(),
        }
    }

    fn p2(&self, engine: &Engine) -> Result<Arc<Linker<State>>, RunError> {
        self.p2
            .get_or_init(|| {
                let mut linker = Linker::new(engine);
                wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(other)?;
                bench_markers(&mut linker)?;
                Ok(Arc::new(linker))
            })
            .clone()
    }

    fn p3(&self) -> Result<P3, RunError> {
        self.p3
            .get_or_init(|| {
                let mut config = config(self.variant, self.epochs)?;
                config
                    .concurrency_support(true)
                    .wasm_component_model_async(true);
                let engine = Engine::new(&config).map_err(other)?;
                let mut linker = Linker::new(&engine);
                wasmtime_wasi::p3::add_to_linker(&mut linker).map_err(other)?;
                bench_markers(&mut linker)?;
                Ok(P3 {
                    watchdog: watchdog(&engine, self.epochs),
                    linker: Arc::new(linker),
                    engine,
                })
            })
            .clone()
    }

    /// The engine that compiles a component of `interface`: `modules`, the
    /// modules' own, for 0.2.
    pub(super) fn engine(
        &self,
        interface: Interface,
        modules: &Engine,
    ) -> Result<Engine, RunError> {
        match interface {
            Interface::Wasi03 => Ok(self.p3()?.engine),
            _ => Ok(modules.clone()),
        }
    }

    /// A compiled component, ready to instantiate; `watchdog` is the modules'
    /// engine's, used by 0.2 components.
    pub(super) fn module(
        &self,
        component: Component,
        watchdog: Option<Arc<Watchdog>>,
    ) -> Result<Box<dyn Module>, RunError> {
        let engine = component.engine();
        let marked = component
            .component_type()
            .imports(engine)
            .any(|(name, _)| name == "bench");
        let (linker, watchdog) = if is_p3(engine) {
            let P3 {
                linker, watchdog, ..
            } = self.p3()?;
            (linker, watchdog)
        } else {
            (self.p2(engine)?, watchdog)
        };
        Ok(Box::new(ComponentModule {
            linker,
            marked,
            component,
            watchdog,
        }))
    }
}

/// Whether `engine` is the 0.3 components' (only it has concurrency on).
fn is_p3(engine: &Engine) -> bool {
    engine.get_concurrency_support()
}

/// A workload's markers, its own `bench` interface.
fn bench_markers(linker: &mut Linker<State>) -> Result<(), RunError> {
    let mut bench = linker.instance("bench").map_err(other)?;
    let marks: [(&str, Mark); 2] = [("start", |m| &mut m.start), ("end", |m| &mut m.end)];
    for (name, mark) in marks {
        bench
            .func_wrap(name, move |mut store: StoreContextMut<State>, (): ()| {
                *mark(&mut store.data_mut().marks) = Some(Instant::now());
                Ok(())
            })
            .map_err(other)?;
    }
    Ok(())
}

/// Which of an instance's marks a `bench` import sets.
type Mark = fn(&mut Marks) -> &mut Option<Instant>;

pub(super) struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: MemoryCap,
    marks: Marks,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

struct ComponentModule {
    component: Component,
    /// Whether it imports the `bench` markers.
    marked: bool,
    linker: Arc<Linker<State>>,
    watchdog: Option<Arc<Watchdog>>,
}

/// An instance's `wasi:cli/run`, through the host of its WASI version.
enum Command {
    P2(wasmtime_wasi::p2::bindings::sync::Command),
    P3(wasmtime_wasi::p3::bindings::Command),
}

impl Module for ComponentModule {
    fn instantiate(&self, wasi: &WasiSpec) -> Result<Box<dyn Instance>, RunError> {
        let Wasi {
            mut builder,
            output,
        } = Wasi::new(wasi)?;
        let state = State {
            wasi: builder.build(),
            table: ResourceTable::new(),
            limiter: MemoryCap::new(wasi.limits.max_memory_bytes),
            marks: Marks::default(),
        };
        let epochs = self.watchdog.is_some();
        let mut store = guarded_store(self.component.engine(), state, |s| &mut s.limiter, epochs);
        let (component, linker) = (&self.component, &*self.linker);
        let command = if is_p3(component.engine()) {
            use wasmtime_wasi::p3::bindings::Command as P3;
            in_tokio(P3::instantiate_async(&mut store, component, linker)).map(Command::P3)
        } else {
            use wasmtime_wasi::p2::bindings::sync::Command as P2;
            P2::instantiate(&mut store, component, linker).map(Command::P2)
        }
        .map_err(|e| RunError::Instantiate(format!("{e:#}")))?;
        Ok(Box::new(ComponentInstance {
            store,
            command,
            marked: self.marked,
            budget: wasi.limits.time_budget.filter(|_| self.watchdog.is_some()),
            watchdog: self.watchdog.clone(),
            output,
        }))
    }
}

struct ComponentInstance {
    store: Store<State>,
    command: Command,
    marked: bool,
    budget: Option<Duration>,
    watchdog: Option<Arc<Watchdog>>,
    output: Captured,
}

impl Instance for ComponentInstance {
    /// Calls `wasi:cli/run`; the execute time is between its markers, as a
    /// module's, or the whole call.
    fn run(&mut self) -> Result<RunOutcome, RunError> {
        self.store.data_mut().marks = Marks::default();
        let armed = self
            .budget
            .zip(self.watchdog.as_deref())
            .map(|(b, w)| w.arm(b));
        let begin = Instant::now();
        let result = match &self.command {
            Command::P2(command) => command.wasi_cli_run().call_run(&mut self.store),
            // 0.3's `run` is an async function: the store's event loop runs
            // it, and the tasks it starts, until it returns.
            Command::P3(command) => in_tokio(
                self.store
                    .run_concurrent(async |store| command.wasi_cli_run().call_run(store).await),
            )
            .and_then(|result| result),
        };
        let whole = begin.elapsed();
        drop(armed);
        let refused = self.store.data().limiter.refused();
        let exit_code = match result {
            Ok(Ok(())) => 0,
            // `run` returned its error: the program failed, as `exit(1)` says.
            Ok(Err(())) => 1,
            Err(error) => ended(&error, self.budget, refused)
                .map_err(|e| e.with_last_stderr_line(&self.output().1))?,
        };
        let (stdout, stderr) = self.output();
        let (region, execute) = guest::region(self.marked, self.store.data().marks, whole);
        Ok(RunOutcome {
            exit_code,
            stdout,
            stderr,
            execute,
            region,
            memory_refused: refused,
            resident: None,
            // A component's memories are inside it, none of them exported.
            linear_memory_bytes: None,
        })
    }

    fn call_plugin(&mut self, _plugin: &PluginCalls) -> Result<RunOutcome, RunError> {
        Err(RunError::Unsupported(
            "a plugin is a core module reactor; this is a command component".into(),
        ))
    }

    fn output(&mut self) -> (Vec<u8>, Vec<u8>) {
        self.output.contents()
    }
}
