//! The `Runtime` trait and one adapter per WebAssembly runtime family.
//!
//! Every runtime is driven through the same three steps, which are also the
//! three measured phases:
//!
//! 1. [`Runtime::compile`] (or [`Runtime::load_precompiled`]) turns bytes into a [`Module`];
//! 2. [`Module::instantiate`] grants it WASI capabilities ([`WasiSpec`]) and makes an [`Instance`];
//! 3. [`Instance::run`] calls `_start` and reports a [`RunOutcome`]; or, for a
//!    plugin workload, [`Instance::call_plugin`] drives its `process` export.
//!
//! Adding a runtime family = one module here, one cargo feature, one line in
//! [`registry`]. A family whose libraries are heavy to load (Wasmer's and
//! WasmEdge's LLVM) keeps its engine in a crate of its own (`adapters/wasmer/`,
//! `adapters/wasmedge/`) and only its descriptors here: see
//! [`registry::Worker`].

pub mod child;
pub mod container;
mod error;
pub mod guest;
pub mod native;
pub mod registry;
pub mod resident;
mod signal;
pub mod v8;
mod wasi;
pub mod wasmedge;
pub mod wasmer;
pub mod wasmi;
pub mod wasmtime;
pub mod watchdog;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use error::RunError;
pub use registry::{RuntimeDescriptor, Version, create, descriptors, find};
pub use resident::Resident;
pub use signal::signal_name;
pub use wasi::{Limits, Preopen, StdinEnd, WasiSpec, stdin_pipe};

/// The environment variable that sets how many threads a runtime may compile
/// with (`run --compile-threads`); unset, every core.
pub const COMPILE_THREADS_ENV: &str = "WASM_ARENA_COMPILE_THREADS";

/// Sets [`compile_threads`] for this process and the workers it starts.
///
/// # Safety
/// As [`std::env::set_var`]: no other thread may be running.
pub unsafe fn set_compile_threads(threads: std::num::NonZero<usize>) {
    // SAFETY: the caller guarantees no other thread runs. Wasmtime compiles on
    // rayon's global pool, which RAYON_NUM_THREADS sizes.
    unsafe {
        std::env::set_var(COMPILE_THREADS_ENV, threads.to_string());
        std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
    }
}

/// How many threads runtimes that compile in parallel may use; one setting
/// for every adapter, recorded in each one's settings.
pub fn compile_threads() -> std::num::NonZero<usize> {
    std::env::var(COMPILE_THREADS_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .or_else(|| std::thread::available_parallelism().ok())
        .unwrap_or(std::num::NonZero::<usize>::MIN)
}

/// The environment variable that turns off the runtimes' own time budget
/// (`run` without `--in-runtime-budget`): `0` for off; unset or anything else, on.
pub const IN_RUNTIME_BUDGET_ENV: &str = "WASM_ARENA_IN_RUNTIME_BUDGET";

/// Sets [`in_runtime_budget`] for this process and the workers it starts.
///
/// # Safety
/// As [`std::env::set_var`]: no other thread may be running.
pub unsafe fn set_in_runtime_budget(on: bool) {
    // SAFETY: the caller guarantees no other thread runs.
    unsafe { std::env::set_var(IN_RUNTIME_BUDGET_ENV, if on { "1" } else { "0" }) };
}

/// Whether runtimes enforce [`Limits::time_budget`] themselves, with what
/// that costs in generated code (Wasmtime's epoch checks, wasmi's fuel
/// metering), or run in their default configuration, a guest that never
/// ends being the harness's to kill. On unless turned off: `conformance`
/// and library users need the runtime to stop a guest; `run` turns it off
/// to measure runtimes as their users run them.
pub fn in_runtime_budget() -> bool {
    std::env::var(IN_RUNTIME_BUDGET_ENV).map_or(true, |v| v != "0")
}

/// The `interruption` setting an adapter records: its mechanism when the
/// in-runtime budget is on.
pub fn interruption_setting(mechanism: &str) -> String {
    if in_runtime_budget() {
        mechanism.to_string()
    } else {
        "off (default configuration; the harness kills a worker past its deadline)".into()
    }
}

/// How a runtime turns Wasm into something it can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// An optimising JIT compiler (Cranelift, LLVM).
    Optimizing,
    /// A fast single-pass baseline compiler (Winch, Singlepass).
    Baseline,
    /// An interpreter (Pulley, wasmi).
    Interpreter,
    /// Ahead-of-time compilation to native code before the run.
    Aot,
    /// Not Wasm at all: the workload's source built for the host, the baseline.
    Native,
    /// The native twin inside an OCI container.
    Container,
}

impl Tier {
    /// Whether the runtime runs WebAssembly: not the native twin, bare or
    /// in a container, which are what Wasm is compared with.
    pub fn is_wasm(self) -> bool {
        !matches!(self, Tier::Native | Tier::Container)
    }

    /// Whether compile and instantiate happen while the harness watches. A
    /// native twin was compiled by cargo and is instantiated by the kernel (in
    /// a container, too: its image is built beforehand), so only its execute
    /// phase is comparable.
    pub fn has_load_phases(self) -> bool {
        self.is_wasm()
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Tier::Optimizing => "optimizing",
            Tier::Baseline => "baseline",
            Tier::Interpreter => "interpreter",
            Tier::Aot => "aot",
            Tier::Native => "native",
            Tier::Container => "container",
        })
    }
}

/// A behaviour the harness asks of every runtime. One a runtime cannot
/// provide is named in [`RuntimeInfo::unsupported`] with the reason, and
/// reports show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Interrupting a running guest when [`Limits::time_budget`] runs out.
    TimeBudget,
    /// Refusing memory growth past [`Limits::max_memory_bytes`].
    MemoryCap,
    /// Saying how much memory a refused growth asked for
    /// ([`RunOutcome::memory_refused`]), which failure reasons quote.
    RefusedGrowthReport,
    /// Granting a directory without write access ([`Preopen::read_only`]).
    ReadOnlyPreopens,
    /// [`Runtime::precompile`] and [`Runtime::load_precompiled`].
    Precompile,
    /// Many instances of one compiled module inside the caller's process (a
    /// warm host, density): false for runtimes that run each instance in a
    /// process of its own.
    SharedHost,
    /// Running a WASI 0.2 command component (`wasi:cli/run@0.2`).
    Components,
    /// Running a WASI 0.3 command component (`wasi:cli/run@0.3`, async).
    WasiP3,
}

impl std::fmt::Display for Capability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Capability::TimeBudget => "time budget",
            Capability::MemoryCap => "memory cap",
            Capability::RefusedGrowthReport => "refused-growth report",
            Capability::ReadOnlyPreopens => "read-only preopens",
            Capability::Precompile => "precompile",
            Capability::SharedHost => "instances in one host process",
            Capability::Components => "WASI 0.2 components",
            Capability::WasiP3 => "WASI 0.3 components",
        })
    }
}

/// The WASI interface a binary is written against, as its header and names
/// tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Interface {
    /// A core module importing `wasi_snapshot_preview1` (or nothing).
    Preview1,
    /// A component of WASI 0.2.
    #[serde(rename = "wasi-0.2")]
    Wasi02,
    /// A component of WASI 0.3.
    #[serde(rename = "wasi-0.3")]
    Wasi03,
}

impl Interface {
    /// A binary's interface: a core module is preview 1; a component is 0.3
    /// when it names `wasi:cli/run@0.3` (a byte search of its import and
    /// export names: no component written against 0.2 names that), else 0.2.
    pub fn of(wasm: &[u8]) -> Interface {
        // The preamble: magic, then version 0x0d and layer 1 for a component.
        if wasm.len() < 8 || &wasm[..4] != b"\0asm" || wasm[6..8] != [1, 0] {
            return Interface::Preview1;
        }
        const P3_RUN: &[u8] = b"wasi:cli/run@0.3";
        if wasm.windows(P3_RUN.len()).any(|w| w == P3_RUN) {
            Interface::Wasi03
        } else {
            Interface::Wasi02
        }
    }

    /// What a runtime needs to run such a binary, if anything beyond a core
    /// module, the most specific first: a refusal names what the binary is.
    pub fn needs(self) -> &'static [Capability] {
        match self {
            Interface::Preview1 => &[],
            Interface::Wasi02 => &[Capability::Components],
            Interface::Wasi03 => &[Capability::WasiP3, Capability::Components],
        }
    }
}

/// Refuses a binary whose interface `runtime` says it cannot run, with the
/// runtime's reason, before anything is compiled: a component given to a
/// runtime of core modules only is unsupported there, not invalid.
pub fn check_interface(runtime: &dyn Runtime, wasm: &[u8]) -> Result<(), RunError> {
    let info = runtime.info();
    match Interface::of(wasm)
        .needs()
        .iter()
        .find_map(|c| info.unsupported.get(c).map(|why| (c, why)))
    {
        Some((capability, why)) => Err(RunError::Unsupported(format!("{capability}: {why}"))),
        None => Ok(()),
    }
}

impl std::fmt::Display for Interface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Interface::Preview1 => "preview 1",
            Interface::Wasi02 => "WASI 0.2",
            Interface::Wasi03 => "WASI 0.3",
        })
    }
}

/// What a runtime is and how it is configured; recorded in every result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuntimeInfo {
    /// Stable id: names a column in every report (`wasmtime-cranelift`).
    pub id: String,
    /// The runtime family (`wasmtime`).
    pub family: String,
    /// The version of the runtime actually linked in.
    pub version: String,
    pub tier: Tier,
    /// Every setting that can change a measurement (compiler, threads, allocator...).
    pub settings: BTreeMap<String, String>,
    /// What this runtime cannot do, and why. A grant it cannot enforce is
    /// still given (a read-only preopen is then writable), so workloads run;
    /// the report says which guarantees did not hold.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unsupported: BTreeMap<Capability, String>,
}

impl RuntimeInfo {
    /// Records that this runtime runs no component at all, WASI 0.2 or 0.3,
    /// and why.
    pub fn without_components(mut self, why: &str) -> RuntimeInfo {
        for capability in [Capability::Components, Capability::WasiP3] {
            self.unsupported.insert(capability, why.to_string());
        }
        self
    }
}

/// Which part of `_start` the execute time covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimedRegion {
    /// Between the guest's `bench.start` and `bench.end` calls.
    Markers,
    /// From the call of `_start` to its return (or `proc_exit`).
    WholeStart,
    /// The host's loop of `process` calls of a plugin workload.
    PluginCalls,
}

/// How the host drives a plugin workload, a WASI reactor: after
/// `_initialize`, `calls` times: `p = input_buffer(len)`, copy the input in at
/// `p`, `n = process(len)`, copy `n` bytes out from `output_buffer()`; that
/// output is the next call's input. Then `finish()`, which prints a summary.
/// The guest calls `arena.echo(ptr, len)` inside `process`: the host copies
/// those bytes out and writes them back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginCalls {
    /// The first call's input.
    pub input: Vec<u8>,
    pub calls: u32,
}

/// What one run of `_start` produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    /// 0 when `_start` returned, else the `proc_exit` code.
    pub exit_code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Duration of the timed region.
    pub execute: Duration,
    pub region: TimedRegion,
    /// Set when the guest asked for more memory than [`Limits::max_memory_bytes`]
    /// and the growth was refused (the guest saw `memory.grow` fail).
    pub memory_refused: Option<u64>,
    /// What the process that ran the guest used, as that process read it,
    /// for runtimes that run the guest in a process of their own; `None` when
    /// it ran inside the caller's process, which reads its own.
    pub resident: Option<Resident>,
    /// The guest's linear memory when the run ended (its exported `memory`).
    pub linear_memory_bytes: Option<u64>,
}

/// A WebAssembly runtime, configured: one runtime id.
pub trait Runtime {
    fn info(&self) -> RuntimeInfo;
    /// Validates and compiles a module.
    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Module>, RunError>;
    /// Compiles to an artifact that [`Runtime::load_precompiled`] loads back;
    /// `None` for runtimes without one.
    fn precompile(&self, wasm: &[u8]) -> Result<Option<Vec<u8>>, RunError>;
    /// Loads an artifact made by this runtime id's [`Runtime::precompile`].
    fn load_precompiled(&self, artifact: &[u8]) -> Result<Box<dyn Module>, RunError>;
}

/// A compiled module, ready to be instantiated any number of times.
pub trait Module {
    fn instantiate(&self, wasi: &WasiSpec) -> Result<Box<dyn Instance>, RunError>;
    /// The compile time measured inside the runtime's own process, for a
    /// runtime that runs out of process; `None`: the caller's clock is right.
    fn compile_time(&self) -> Option<Duration> {
        None
    }
    /// The same module, for threads to instantiate at once (the warm
    /// scenario's concurrency); `None` where this adapter's module cannot be
    /// shared between threads. Instances stay on the thread that made them.
    /// A time budget guards one instance at a time, so shared instances run
    /// without one: the harness's kill of the worker is their safety net.
    fn shared(&self) -> Option<&(dyn Module + Sync)> {
        None
    }
}

/// An instantiated module with its WASI context.
pub trait Instance {
    /// Calls `_start` once.
    fn run(&mut self) -> Result<RunOutcome, RunError>;
    /// Drives a plugin workload as [`PluginCalls`] says; the timed region is
    /// the loop of calls.
    fn call_plugin(&mut self, plugin: &PluginCalls) -> Result<RunOutcome, RunError>;
    /// As [`Module::compile_time`], for instantiation.
    fn instantiate_time(&self) -> Option<Duration> {
        None
    }
    /// What the guest wrote to stdout and stderr, kept when a run fails: a
    /// trapped program's output says how far it got. Nothing for runtimes
    /// that keep no output of a failed run (a native twin, a container).
    fn output(&mut self) -> (Vec<u8>, Vec<u8>) {
        Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binary_says_its_interface() {
        let module = wat::parse_str("(module)").unwrap();
        assert_eq!(Interface::of(&module), Interface::Preview1);
        let component = wat::parse_str("(component)").unwrap();
        assert_eq!(Interface::of(&component), Interface::Wasi02);
        let p3 = wat::parse_str(r#"(component (import "wasi:cli/run@0.3.0" (instance)))"#).unwrap();
        assert_eq!(Interface::of(&p3), Interface::Wasi03);
        assert_eq!(Interface::of(b"not wasm"), Interface::Preview1);
        assert_eq!(
            Interface::Wasi03.needs(),
            [Capability::WasiP3, Capability::Components]
        );
    }
}
