//! WASI 0.2 command components on Wasmtime: the same engine (compiler,
//! allocator, epochs) and the same WASI context as core modules, with
//! `wasmtime-wasi`'s 0.2 host instead of its preview-1 one, and
//! `wasi:cli/run` called where a module's `_start` would be.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store, StoreContextMut};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::engine::{Captured, Wasi, ended, guarded_store, other};
use crate::guest::{self, Marks, MemoryCap};
use crate::watchdog::Watchdog;
use crate::{Instance, Module, PluginCalls, RunError, RunOutcome, WasiSpec};

/// The WASI 0.2 host, made on first use: core modules never pay for it.
#[derive(Default)]
pub(super) struct Host(OnceLock<Result<Arc<Linker<State>>, RunError>>);

impl Host {
    fn linker(&self, engine: &Engine) -> Result<Arc<Linker<State>>, RunError> {
        self.0
            .get_or_init(|| {
                let mut linker = Linker::new(engine);
                wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(other)?;
                // A workload's markers, its own `bench` interface.
                let mut bench = linker.instance("bench").map_err(other)?;
                let marks: [(&str, Mark); 2] =
                    [("start", |m| &mut m.start), ("end", |m| &mut m.end)];
                for (name, mark) in marks {
                    bench
                        .func_wrap(name, move |mut store: StoreContextMut<State>, (): ()| {
                            *mark(&mut store.data_mut().marks) = Some(Instant::now());
                            Ok(())
                        })
                        .map_err(other)?;
                }
                Ok(Arc::new(linker))
            })
            .clone()
    }

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
        Ok(Box::new(ComponentModule {
            linker: self.linker(engine)?,
            marked,
            component,
            watchdog,
        }))
    }
}

/// Which of an instance's marks a `bench` import sets.
type Mark = fn(&mut Marks) -> &mut Option<Instant>;

/// Why Wasmtime ids run no WASI 0.3 component here.
pub(super) const NO_P3: &str = "Wasmtime 48 implements WASI 0.3 only as an experimental, \
    async-only host (wasmtime-wasi's `p3` feature; its CLI runs such a component with `-Sp3 \
    -Wcomponent-model-async`), which this adapter does not link: it would turn the component \
    model's concurrency machinery on for every store, core modules included";

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
        let command = Command::instantiate(&mut store, &self.component, &self.linker)
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
        let result = self.command.wasi_cli_run().call_run(&mut self.store);
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
