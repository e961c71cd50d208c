//! The narrow interface of a guest running in this process, and the harness
//! logic written once over it. Each in-process engine (Wasmtime, Wasmer,
//! wasmi, WasmEdge) implements [`Guest`] for its instance: call an export,
//! read and write linear memory, the marker times, and its own way of
//! enforcing the time budget ([`Guest::guarded`]); that makes the instance an
//! [`Instance`], whose [`run`] and [`call_plugin`] are the measurement loops.
//! Here too: [`region`], the timed-region decision; [`MemoryCap`], the
//! memory-cap bookkeeping; and [`refused_by_cap`], its wording. V8 and the
//! native twins run their guests in another process, which drives its own
//! loops.

use std::time::{Duration, Instant};

use crate::{Instance, PluginCalls, RunError, RunOutcome, TimedRegion};

/// The signature of an export the harness calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// `() -> ()`: `_start`, `_initialize`, `finish`.
    Command,
    /// `(i32) -> i32`: `input_buffer`, `process`.
    Map,
    /// `() -> i32`: `output_buffer`.
    Get,
}

/// An export looked up by its [`Signature`] as the runtime's typed function
/// of that signature, for the runtimes whose calls are typed: a typed call
/// checks nothing per call.
pub enum Typed<C, M, G> {
    Command(C),
    Map(M),
    Get(G),
}

/// When the guest last called `bench.start` and `bench.end`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Marks {
    pub start: Option<Instant>,
    pub end: Option<Instant>,
}

/// An instance as the harness drives it.
pub trait Guest {
    /// An export, looked up once.
    type Func;
    /// The exported `memory`, looked up once.
    type Memory;
    /// How a call or a memory access failed, in the runtime's own terms;
    /// [`Guest::guarded`] says what it means.
    type Error;

    /// An error with this message, for what the harness's loops find wrong.
    fn error(message: String) -> Self::Error;

    /// The export `name`, if it has `signature`; the error names it.
    fn export(&mut self, name: &str, signature: Signature) -> Result<Self::Func, RunError>;

    /// The exported `memory`, if there is one.
    fn memory(&mut self) -> Option<Self::Memory>;

    /// Calls `func` with `args`, as many as its signature takes (each export
    /// takes at most one), and returns its result if it has one. Only inside
    /// [`Guest::guarded`].
    fn call(&mut self, func: &mut Self::Func, args: &[i32]) -> Result<Option<i32>, Self::Error>;

    /// As [`Guest::call`], for a call of the plugin loop: one of many short
    /// calls in a row. A runtime whose interruption costs something per call
    /// may look at the deadline before it instead.
    fn call_in_loop(
        &mut self,
        func: &mut Self::Func,
        args: &[i32],
    ) -> Result<Option<i32>, Self::Error> {
        self.call(func, args)
    }

    /// Copies `bytes` into linear memory at `at`.
    fn write(&mut self, memory: &Self::Memory, at: usize, bytes: &[u8]) -> Result<(), Self::Error>;

    /// The size of linear memory, in bytes.
    fn memory_size(&self, memory: &Self::Memory) -> u64;

    /// Fills `into` from linear memory at `at`.
    fn read(&self, memory: &Self::Memory, at: usize, into: &mut [u8]) -> Result<(), Self::Error>;

    /// Clears the marks and runs `body` under the time budget; turns its
    /// error into an exit code (`proc_exit`) or the [`RunError`] it stands for.
    fn guarded(
        &mut self,
        body: impl FnOnce(&mut Self) -> Result<(), Self::Error>,
    ) -> Result<i32, RunError>;

    /// Whether the module imports the `bench.start`/`bench.end` markers.
    fn marked(&self) -> bool;

    fn marks(&self) -> Marks;

    /// The most memory the guest asked for that the memory cap refused.
    fn memory_refused(&self) -> Option<u64>;

    /// What the guest has written to stdout and stderr so far, all of it
    /// each time it is asked.
    fn output(&mut self) -> (Vec<u8>, Vec<u8>);
}

/// Every in-process engine's instance is driven by the loops here.
impl<G: Guest> Instance for G {
    fn run(&mut self) -> Result<RunOutcome, RunError> {
        run(self)
    }

    fn call_plugin(&mut self, plugin: &PluginCalls) -> Result<RunOutcome, RunError> {
        call_plugin(self, plugin)
    }

    fn output(&mut self) -> (Vec<u8>, Vec<u8>) {
        Guest::output(self)
    }
}

/// Calls `_start` once; the execute time is [`region`]'s.
fn run<G: Guest>(guest: &mut G) -> Result<RunOutcome, RunError> {
    let mut start = guest.export("_start", Signature::Command)?;
    let mut whole = Duration::ZERO;
    let exit_code = guest
        .guarded(|guest| {
            let begin = Instant::now();
            let result = guest.call(&mut start, &[]);
            whole = begin.elapsed();
            result.map(drop)
        })
        .map_err(|error| error.with_last_stderr_line(&Guest::output(guest).1))?;
    let (region, execute) = region(guest.marked(), guest.marks(), whole);
    Ok(outcome(guest, exit_code, region, execute))
}

/// What a run is timed by: the markers, when a marked module called both in
/// order, else the whole `_start` call that took `whole`. A marked module that
/// exited before reaching `bench.end` is timed whole, and the result says so.
pub fn region(marked: bool, marks: Marks, whole: Duration) -> (TimedRegion, Duration) {
    match (marked, marks.start, marks.end) {
        (true, Some(s), Some(e)) if e >= s => (TimedRegion::Markers, e - s),
        _ => (TimedRegion::WholeStart, whole),
    }
}

/// Drives a plugin workload as [`PluginCalls`] says: `_initialize` if it is
/// exported, under a time budget of its own; then the calls and `finish`
/// under another. The execute time is the loop of calls.
fn call_plugin<G: Guest>(guest: &mut G, plugin: &PluginCalls) -> Result<RunOutcome, RunError> {
    if let Ok(mut initialize) = guest.export("_initialize", Signature::Command) {
        let exit_code = guest.guarded(|guest| guest.call(&mut initialize, &[]).map(drop))?;
        if exit_code != 0 {
            return Err(RunError::Trap(format!(
                "`_initialize` exited with code {exit_code}"
            )));
        }
    }
    let mut input_buffer = guest.export("input_buffer", Signature::Map)?;
    let mut process = guest.export("process", Signature::Map)?;
    let mut output_buffer = guest.export("output_buffer", Signature::Get)?;
    let mut finish = guest.export("finish", Signature::Command)?;
    let memory = guest
        .memory()
        .ok_or_else(|| RunError::Instantiate("no exported `memory`".into()))?;
    let mut elapsed = None;
    let exit_code = guest.guarded(|guest| {
        let mut data = plugin.input.clone();
        let begin = Instant::now();
        for _ in 0..plugin.calls {
            let len = i32::try_from(data.len()).map_err(|e| G::error(e.to_string()))?;
            let at = returned::<G>(guest.call_in_loop(&mut input_buffer, &[len])?)?;
            guest.write(&memory, offset::<G>(at)?, &data)?;
            let produced = returned::<G>(guest.call_in_loop(&mut process, &[len])?)?;
            let from = returned::<G>(guest.call_in_loop(&mut output_buffer, &[])?)?;
            data.resize(offset::<G>(produced)?, 0);
            guest.read(&memory, offset::<G>(from)?, &mut data)?;
        }
        elapsed = Some(begin.elapsed());
        guest.call(&mut finish, &[]).map(drop)
    })?;
    // A `proc_exit` inside the loop ends it early: that is no measurement
    // of the loop.
    let execute = elapsed.ok_or_else(|| {
        RunError::Trap(format!(
            "the plugin exited with code {exit_code} during the calls"
        ))
    })?;
    Ok(outcome(guest, exit_code, TimedRegion::PluginCalls, execute))
}

/// What a run produced. The guest ran in this process, whose resident size
/// the harness reads itself.
fn outcome<G: Guest>(
    guest: &mut G,
    exit_code: i32,
    region: TimedRegion,
    execute: Duration,
) -> RunOutcome {
    let memory_refused = guest.memory_refused();
    let linear_memory_bytes = guest.memory().map(|m| guest.memory_size(&m));
    let (stdout, stderr) = guest.output();
    RunOutcome {
        exit_code,
        stdout,
        stderr,
        execute,
        region,
        memory_refused,
        resident: None,
        linear_memory_bytes,
    }
}

/// The value an export that returns one returned.
fn returned<G: Guest>(value: Option<i32>) -> Result<i32, G::Error> {
    value.ok_or_else(|| G::error("the export returned no value".into()))
}

/// A guest pointer or length as a host offset; negative ones are guest bugs.
fn offset<G: Guest>(value: i32) -> Result<usize, G::Error> {
    usize::try_from(value).map_err(|_| G::error(format!("negative offset {value}")))
}

/// The end of a trap message when the memory cap refused a growth before the
/// trap, which is then likely the guest failing for want of memory. `at_least`:
/// the runtime knows only the least size the cap refuses, not the size asked for.
pub fn refused_by_cap(bytes: u64, at_least: bool) -> String {
    let more = if at_least { " or more" } else { "" };
    format!(" (after growth to {bytes} bytes{more} was refused by the memory cap)")
}

/// An instance's memory cap and the largest growth it refused, for the
/// runtimes whose limiter is told the size asked for: the guest sees
/// `memory.grow` return -1, as it would on a real out-of-memory, and we
/// remember that it happened.
#[derive(Debug, Clone, Copy)]
pub struct MemoryCap {
    cap: Option<u64>,
    refused: Option<u64>,
}

impl MemoryCap {
    pub fn new(cap: Option<u64>) -> MemoryCap {
        MemoryCap { cap, refused: None }
    }

    /// Whether there is a cap at all.
    pub fn is_set(&self) -> bool {
        self.cap.is_some()
    }

    /// Whether a memory may grow to `desired` bytes; a refusal is remembered.
    pub fn allows(&mut self, desired: u64) -> bool {
        match self.cap {
            Some(cap) if desired > cap => {
                self.refused = Some(self.refused.map_or(desired, |r| r.max(desired)));
                false
            }
            _ => true,
        }
    }

    /// The largest growth refused so far.
    pub fn refused(&self) -> Option<u64> {
        self.refused
    }
}
