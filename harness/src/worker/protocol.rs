//! The protocol between the harness and its worker processes: one [`Task`]
//! in on stdin (JSON), one [`Event`] per line out on stdout.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use wasm_arena_adapters::{Resident, RunError, TimedRegion, WasiSpec};

use crate::catalog::PluginSpec;
use crate::phase::{Phase, Stage};
use crate::verify::Expectation;

/// What a worker process is asked to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "task", rename_all = "lowercase")]
pub enum Task {
    /// Time iterations of a workload and check each one's output.
    Measure(Job),
    /// Run a module once and report what it did, unjudged (a conformance test).
    Observe(Observation),
    /// Be a warm host: compile once, then per request instantiate, run, drop.
    Warm(HostJob),
    /// Be a dense host: compile once, then keep more and more instances alive.
    Density(HostJob),
}

impl Task {
    /// The runtime id that runs it.
    pub fn runtime(&self) -> &str {
        match self {
            Task::Measure(job) => &job.runtime,
            Task::Observe(observation) => &observation.runtime,
            Task::Warm(host) | Task::Density(host) => &host.job.runtime,
        }
    }
}

/// A long-lived host's job: the workload as a [`Job`] gives it (its
/// repetitions unused) and how far to go.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HostJob {
    pub job: Job,
    /// Requests a warm host serves.
    pub requests: u32,
    /// Instances alive at each density level, ascending.
    pub levels: Vec<u32>,
    /// Threads serving requests at once, one level after another, after the
    /// warm host's one-at-a-time requests.
    pub threads: Vec<u32>,
}

/// One run of a module whose outcome someone else judges.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Observation {
    pub runtime: String,
    pub wasm: PathBuf,
    pub wasi: WasiSpec,
}

/// One process's share of a cell: warm-ups then measured iterations of one
/// workload on one runtime.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub runtime: String,
    pub wasm: PathBuf,
    /// Grants; `/output` is added fresh for every iteration when `output` is set.
    pub wasi: WasiSpec,
    pub output: bool,
    /// Set for a plugin workload: call its exports instead of `_start`.
    pub plugin: Option<PluginSpec>,
    pub expect: Expectation,
    pub warmup: u32,
    pub iterations: u32,
    /// A budgeted cell's probe: one iteration, a warm-up, whose wall time
    /// ([`Event::Probed`]) decides the cell's samples.
    #[serde(default)]
    pub probe: bool,
}

/// One timed iteration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub iteration: u32,
    pub warmup: bool,
    /// `None` for a runtime whose compile and instantiate happen before the
    /// harness sees them (a native twin).
    pub compile_ns: Option<u64>,
    pub instantiate_ns: Option<u64>,
    pub execute_ns: u64,
    pub region: TimedRegion,
    /// The resident memory of the process that ran the guest: the worker's,
    /// or for an out-of-process runtime that process's own.
    pub resident: Resident,
    /// The guest's linear memory when the run ended.
    pub linear_memory_bytes: Option<u64>,
}

impl Sample {
    pub fn phase_ns(&self, phase: Phase) -> Option<u64> {
        match phase {
            Phase::Compile => self.compile_ns,
            Phase::Instantiate => self.instantiate_ns,
            Phase::Execute => Some(self.execute_ns),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Event {
    /// The worker has read its job: everything before this is process start-up.
    Ready,
    Sample(Sample),
    /// A probe's iteration took this long, from the grants to the checked
    /// output.
    Probed {
        wall_ns: u64,
    },
    /// What an [`Observation`]'s guest wrote, whether it then exited or was
    /// stopped (a trapped program's output says how far it got).
    Wrote {
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    /// How an [`Observation`]'s module ended when it ran to an exit.
    Exited {
        code: i32,
    },
    /// A host compiled its module: its resident size before any instance.
    Compiled {
        resident_bytes: u64,
    },
    /// A warm host served one request.
    Request(RequestSample),
    /// A dense host reached a level.
    Level(LevelSample),
    /// A warm host served requests from this many threads at once.
    Concurrency(ConcurrencySample),
    /// A warm host cannot serve from threads at once, and why.
    ConcurrencyRefused {
        reason: String,
    },
    /// A host is done: its own peak resident size.
    Finished {
        peak_rss_bytes: Option<u64>,
    },
    /// The job stopped at `stage`; no more events follow.
    Failed {
        stage: Stage,
        error: Failure,
    },
    Done,
}

/// One request to a warm host, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RequestSample {
    pub instantiate_ns: u64,
    /// The handler's run: `_start`, or a plugin's calls.
    pub run_ns: u64,
    pub drop_ns: u64,
}

/// Requests served by `threads` threads at once, `requests` each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConcurrencySample {
    pub threads: u32,
    /// From the first thread's first request to the last one's last.
    pub wall_ns: u64,
    /// Instantiate + run + drop of every request, thread after thread.
    pub request_ns: Vec<u64>,
}

/// A dense host with `instances` alive at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelSample {
    pub instances: u32,
    pub resident_bytes: u64,
    /// Instantiate latency of each instance added to reach this level.
    pub instantiate_ns: Vec<u64>,
}

/// Why a worker gave up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Failure {
    Runtime {
        error: RunError,
    },
    /// The output did not match the expectation.
    Verify {
        message: String,
    },
    Io {
        message: String,
    },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Runtime { error } => write!(f, "{error}"),
            Failure::Verify { message } | Failure::Io { message } => f.write_str(message),
        }
    }
}
