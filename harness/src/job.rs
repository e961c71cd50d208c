//! The protocol between the harness and its worker processes: one [`Task`]
//! in on stdin (JSON), one [`Event`] per line out on stdout.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use wasm_arena_adapters::{RunError, TimedRegion, WasiSpec};

use crate::catalog::PluginSpec;
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

/// The phases of an iteration, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Compile,
    Instantiate,
    Execute,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Compile, Phase::Instantiate, Phase::Execute];

    pub fn name(self) -> &'static str {
        match self {
            Phase::Compile => "compile",
            Phase::Instantiate => "instantiate",
            Phase::Execute => "execute",
        }
    }
}

/// Where a failure happened: a phase, or the steps around them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Creating the runtime or reading the module.
    Setup,
    Compile,
    Instantiate,
    Execute,
    /// Checking the output.
    Verify,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Setup => "setup",
            Stage::Compile => "compile",
            Stage::Instantiate => "instantiate",
            Stage::Execute => "execute",
            Stage::Verify => "verify",
        }
    }
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
    /// Peak RSS of the guest's own process, for out-of-process runtimes.
    pub peak_rss_bytes: Option<u64>,
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
