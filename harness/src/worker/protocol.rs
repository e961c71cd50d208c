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
    /// How an [`Observation`]'s module ended when it ran to an exit.
    Exited {
        code: i32,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    /// The job stopped at `stage`; no more events follow.
    Failed {
        stage: Stage,
        error: Failure,
    },
    Done,
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
