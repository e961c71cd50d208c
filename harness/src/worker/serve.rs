//! The worker side: runs one [`Task`] in this process and reports [`Event`]s.
//! Everything here runs in a child of the harness, so a crash or a hang
//! costs one cell, and the memory it reads of itself is this job's own.

use std::io::{BufRead, Write};
use std::time::Instant;

use anyhow::{Context, Result};
use tempfile::TempDir;
use wasm_arena_adapters::{
    Instance, PluginCalls, Resident, RunError, RunOutcome, Runtime, WasiSpec, check_interface,
    resident,
};

use super::host;
use super::protocol::{Event, Failure, Job, Observation, Sample, Task};
use crate::catalog;
use crate::phase::Stage;

/// Reads a task from `input`, runs it, writes events to `output`, one JSON per line.
pub fn serve(input: impl BufRead, mut output: impl Write) -> Result<()> {
    no_core_dumps();
    let task: Task = serde_json::from_reader(input).context("reading the task from stdin")?;
    let mut emit = |event: &Event| -> Result<()> {
        serde_json::to_writer(&mut output, event)?;
        output.write_all(b"\n")?;
        output.flush()?;
        Ok(())
    };
    emit(&Event::Ready)?;
    let outcome = match &task {
        Task::Measure(job) => measure(job, &mut emit)?,
        Task::Observe(observation) => observe(observation, &mut emit)?,
        Task::Warm(job) => host::warm(job, &mut emit)?,
        Task::Density(job) => host::density(job, &mut emit)?,
    };
    match outcome {
        Ok(()) => emit(&Event::Done),
        Err((stage, error)) => emit(&Event::Failed { stage, error }),
    }
}

pub(super) type Outcome = Result<(), (Stage, Failure)>;

pub(super) fn runtime_failure(stage: Stage) -> impl Fn(RunError) -> (Stage, Failure) {
    move |error| (stage, Failure::Runtime { error })
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, (Stage, Failure)> {
    std::fs::read(path).map_err(|e| {
        let message = format!("cannot read {}: {e}", path.display());
        (Stage::Setup, Failure::Io { message })
    })
}

/// Compiles, instantiates and runs the module once, and reports how it ended
/// with what the guest wrote, also when it was stopped.
fn observe(task: &Observation, emit: &mut impl FnMut(&Event) -> Result<()>) -> Result<Outcome> {
    let instance = wasm_arena_adapters::create(&task.runtime)
        .map_err(runtime_failure(Stage::Setup))
        .and_then(|runtime| {
            let wasm = read(&task.wasm)?;
            check_interface(runtime.as_ref(), &wasm).map_err(runtime_failure(Stage::Compile))?;
            let module = runtime
                .compile(&wasm)
                .map_err(runtime_failure(Stage::Compile))?;
            module
                .instantiate(&task.wasi)
                .map_err(runtime_failure(Stage::Instantiate))
        });
    let mut instance = match instance {
        Ok(instance) => instance,
        Err(failure) => return Ok(Err(failure)),
    };
    let run = instance.run();
    let (stdout, stderr) = match &run {
        Ok(o) => (o.stdout.clone(), o.stderr.clone()),
        Err(_) => instance.output(),
    };
    emit(&Event::Wrote { stdout, stderr })?;
    match run {
        Ok(o) => {
            emit(&Event::Exited { code: o.exit_code })?;
            Ok(Ok(()))
        }
        Err(error) => Ok(Err(runtime_failure(Stage::Execute)(error))),
    }
}

/// What every job of a workload needs before its first instance.
pub(super) struct Prepared {
    pub runtime: Box<dyn Runtime>,
    pub wasm: Vec<u8>,
    pub plugin: Option<PluginCalls>,
}

pub(super) fn prepare(job: &Job) -> Result<Prepared, (Stage, Failure)> {
    let runtime =
        wasm_arena_adapters::create(&job.runtime).map_err(runtime_failure(Stage::Setup))?;
    let wasm = read(&job.wasm)?;
    check_interface(runtime.as_ref(), &wasm).map_err(runtime_failure(Stage::Compile))?;
    let plugin = match &job.plugin {
        Some(spec) => Some(PluginCalls {
            input: read(&spec.input)?,
            calls: spec.calls,
        }),
        None => None,
    };
    Ok(Prepared {
        runtime,
        wasm,
        plugin,
    })
}

/// The job's grants with a fresh, empty `/output` when it has one (kept
/// alive by the returned directory), made outside every timed phase.
pub(super) fn grants(job: &Job) -> Result<(WasiSpec, Option<TempDir>), (Stage, Failure)> {
    let output_dir = job
        .output
        .then(tempfile::tempdir)
        .transpose()
        .map_err(|e| {
            let message = format!("cannot create the /output directory: {e}");
            (Stage::Setup, Failure::Io { message })
        })?;
    let mut wasi = job.wasi.clone();
    if let Some(dir) = &output_dir {
        wasi.preopens.push(catalog::output_preopen(dir.path()));
    }
    Ok((wasi, output_dir))
}

/// Runs the instance as the workload is run: `_start`, or the plugin's calls.
pub(super) fn serve_once(
    instance: &mut dyn Instance,
    plugin: &Option<PluginCalls>,
) -> Result<RunOutcome, RunError> {
    match plugin {
        Some(calls) => instance.call_plugin(calls),
        None => instance.run(),
    }
}

/// Checks a run's output against the workload's oracle.
pub(super) fn verify(
    job: &Job,
    outcome: &RunOutcome,
    output_dir: Option<&TempDir>,
) -> Result<(), (Stage, Failure)> {
    let checked = job.expect.check(
        outcome.exit_code,
        &outcome.stdout,
        &outcome.stderr,
        output_dir.map(|d| d.path()),
    );
    checked.map_err(|mut message| {
        if let (Some(asked), Some(cap)) = (outcome.memory_refused, job.wasi.limits.max_memory_bytes)
        {
            message.push_str(&format!(
                " (memory cap exceeded: the guest asked to grow to {asked} bytes, the cap is {cap} bytes)"
            ));
        }
        (Stage::Verify, Failure::Verify { message })
    })
}

fn measure(job: &Job, emit: &mut impl FnMut(&Event) -> Result<()>) -> Result<Outcome> {
    let Prepared {
        runtime,
        wasm,
        plugin,
    } = match prepare(job) {
        Ok(prepared) => prepared,
        Err(failure) => return Ok(Err(failure)),
    };
    let load_phases = runtime.info().tier.has_load_phases();
    let mut meter = Meter::default();
    for iteration in 0..job.warmup + job.iterations {
        let began = Instant::now();
        let (wasi, output_dir) = match grants(job) {
            Ok(granted) => granted,
            Err(failure) => return Ok(Err(failure)),
        };

        let t0 = Instant::now();
        let module = match runtime.compile(&wasm) {
            Ok(m) => m,
            Err(e) => return Ok(Err(runtime_failure(Stage::Compile)(e))),
        };
        let t1 = Instant::now();
        let after_compile = meter.rss();
        let mut instance = match module.instantiate(&wasi) {
            Ok(i) => i,
            Err(e) => return Ok(Err(runtime_failure(Stage::Instantiate)(e))),
        };
        let t2 = Instant::now();
        let after_instantiate = meter.rss();
        let peak_reset = meter.reset_peak();
        let outcome = serve_once(instance.as_mut(), &plugin);
        let execute_peak = meter.peak_since_reset().filter(|_| peak_reset);
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => return Ok(Err(runtime_failure(Stage::Execute)(e))),
        };
        if let Err(failure) = verify(job, &outcome, output_dir.as_ref()) {
            return Ok(Err(failure));
        }
        emit(&Event::Sample(Sample {
            iteration,
            warmup: iteration < job.warmup,
            compile_ns: load_phases.then(|| nanos(module.compile_time().unwrap_or(t1 - t0))),
            instantiate_ns: load_phases
                .then(|| nanos(instance.instantiate_time().unwrap_or(t2 - t1))),
            execute_ns: nanos(outcome.execute),
            region: outcome.region,
            // An out-of-process guest's own figures, else this worker's.
            resident: outcome.resident.unwrap_or(Resident {
                after_compile,
                after_instantiate,
                execute_peak,
                peak: meter.peak(),
            }),
            linear_memory_bytes: outcome.linear_memory_bytes,
        }))?;
        if job.probe && iteration == 0 {
            let wall_ns = nanos(began.elapsed());
            emit(&Event::Probed { wall_ns })?;
        }
    }
    Ok(Ok(()))
}

/// This worker's resident memory around the phases (see
/// [`wasm_arena_adapters::resident`] for why it is read from inside).
#[derive(Default)]
pub(super) struct Meter {
    /// The highest `VmHWM` read before a reset.
    peak: Option<u64>,
}

impl Meter {
    pub(super) fn rss(&self) -> Option<u64> {
        resident::status().map(|s| s.rss)
    }

    /// Keeps the peak so far and lowers `VmHWM`, so the next reading is the
    /// peak of what runs in between; false if the kernel refused.
    fn reset_peak(&mut self) -> bool {
        self.peak_since_reset();
        resident::reset_peak()
    }

    fn peak_since_reset(&mut self) -> Option<u64> {
        let hwm = resident::status()?.hwm;
        self.peak = self.peak.max(Some(hwm));
        Some(hwm)
    }

    /// The highest resident size of this process since it started.
    pub(super) fn peak(&mut self) -> Option<u64> {
        self.peak_since_reset();
        self.peak
    }
}

pub(super) fn nanos(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// A crashing worker is a recorded result, not a core file to fill the disk.
fn no_core_dumps() {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit with a valid pointer only affects this process.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
    }
}
