//! The results contract (`results.json`). Fields may be added; none renamed.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use wasm_arena_adapters::{RuntimeInfo, TimedRegion};

use crate::catalog::{Origin, Size};
use crate::host::Host;
use crate::phase::{Phase, Stage};
use crate::sampling::{Budget, Sampling};
use crate::scenario::{ScenarioCell, ScenarioSettings};
use crate::shard::Shard;
use crate::stats::Summary;
use crate::worker::{Exit, Usage};

/// 2: memory read by the process that ran the guest (`Cell::memory`,
/// `ProcessRecord::peak_rss_bytes`); in version 1 files `peak_rss_bytes` is
/// `wait4`'s, which includes the size of the process that forked the worker.
/// 3: a time budget per cell (`Settings::budget`, `Cell::sampling`), and
/// the in-runtime budget as a setting (`Settings::in_runtime_budget`).
pub const SCHEMA_VERSION: u32 = 3;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    pub schema_version: u32,
    pub tool_version: String,
    pub started_at: DateTime<Utc>,
    /// Unset while the run goes on, and forever if it was killed.
    pub finished_at: Option<DateTime<Utc>>,
    /// Stopped by Ctrl-C: the cells present are complete, others are missing.
    pub interrupted: bool,
    pub command: Vec<String>,
    /// Set when the run measured one shard of its plan (`run --shard I/N`):
    /// `runtimes` and `workloads` are the whole plan's, `cells` the shard's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// Set by `merge`: the shard runs these cells were joined from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<MergedShard>,
    pub settings: Settings,
    pub host: Host,
    pub runtimes: Vec<RuntimeInfo>,
    pub workloads: Vec<WorkloadRecord>,
    pub cells: Vec<Cell>,
    /// How the warm and density scenarios were sized, when the run had them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_settings: Option<ScenarioSettings>,
    /// The warm and density scenarios' cells (`run --scenario`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<ScenarioCell>,
    /// The sandbox suite's pass rates per Wasm runtime, from a conformance
    /// results directory given to `report --conformance`, for the report's
    /// container/native/Wasm table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<crate::conformance::SandboxRates>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// Fixed worker processes and measured iterations per cell
    /// (`--processes/--iterations`); unset when a time budget decides them.
    pub processes: Option<u32>,
    pub iterations: Option<u32>,
    /// Warm-ups per process; a budgeted cell's first process has at least
    /// one, its probe.
    pub warmup: u32,
    /// The time budget per cell that decides its samples (absent before
    /// schema 3 and with fixed repetitions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Budget>,
    /// Whether the runtimes themselves enforced the timeout (Wasmtime's
    /// epochs, wasmi's fuel), which costs in generated code; off, each runs
    /// in its default configuration and the harness kills a worker past its
    /// deadline. Before schema 3 it was always on.
    #[serde(default = "always_on_before_schema_3")]
    pub in_runtime_budget: bool,
    pub timeout_s: f64,
    /// Seed of the cell order shuffle and of the bootstrap.
    pub seed: u64,
    pub size: Size,
    pub max_memory_bytes: u64,
}

fn always_on_before_schema_3() -> bool {
    true
}

impl Settings {
    /// How cells got their samples, in words: `3 process(es) × 5
    /// iteration(s) after 1 warm-up(s)`, or the budget's.
    pub fn repetitions(&self) -> String {
        let warmups = format!("after {} warm-up(s)", self.warmup);
        match (self.processes, self.iterations, self.budget) {
            (Some(p), Some(i), _) => format!("{p} process(es) × {i} iteration(s) {warmups}"),
            (_, _, Some(b)) => format!(
                "{} s of samples per cell ({}–{} samples over ≥ 2 processes, by a probe \
                 iteration{}) {warmups} per process (none for iterations of a second or more)",
                b.seconds,
                b.min_samples,
                b.max_samples,
                b.precision.map_or(String::new(), |p| format!(
                    "; fewer once the median's 95% interval is within ±{}%",
                    p * 100.0
                ))
            ),
            _ => warmups,
        }
    }

    /// The linear-memory cap a run uses unless told otherwise.
    pub const DEFAULT_MAX_MEMORY_MIB: u64 = 2048;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkloadRecord {
    pub id: String,
    pub category: String,
    pub language: Option<String>,
    pub description: String,
    pub origin: Origin,
    pub path: String,
    /// Unset when the file could not be read.
    pub sha256: Option<String>,
    pub size_bytes: Option<u64>,
    pub args: Vec<String>,
    /// What the output check covers.
    pub verification: String,
    /// Host calls per run, for a plugin workload.
    #[serde(default)]
    pub calls: Option<u32>,
    /// The workload's caps on the run's repetitions, if any.
    #[serde(default)]
    pub repetitions: Option<crate::catalog::Repetitions>,
    /// The workload's own per-iteration time limit, if over the run's.
    #[serde(default)]
    pub timeout_s: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Failed,
    Timeout,
    Crashed,
    Unsupported,
    /// A third-party module that has not been fetched.
    Unavailable,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::Timeout => "timeout",
            Status::Crashed => "crashed",
            Status::Unsupported => "unsupported",
            Status::Unavailable => "unavailable",
        })
    }
}

/// One shard's run, as `merge` found it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MergedShard {
    pub shard: Shard,
    /// Its results directory, as given to `merge`.
    pub dir: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub hostname: String,
    pub command: Vec<String>,
    /// How it differed from the first shard (host, versions, settings,
    /// workloads): merged anyway because `--allow-different` said so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<String>,
}

/// One (runtime, workload) pair, over all its processes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cell {
    pub runtime: String,
    pub workload: String,
    pub status: Status,
    /// Why the cell is not `ok`.
    pub error: Option<String>,
    /// Where it went wrong.
    pub failed_stage: Option<Stage>,
    pub phases: BTreeMap<Phase, PhaseResult>,
    /// The highest resident size of a process that ran the cell's guest
    /// (the worker, or the guest's own process), warm-ups included.
    pub peak_rss_bytes: Option<u64>,
    /// Resident memory by phase and the guest's linear memory, over the
    /// measured iterations (absent in schema 1 files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryResult>,
    /// Every measured iteration's output matched the workload's oracle.
    pub output_verified: bool,
    /// What the execute phase covers.
    pub region: Option<TimedRegion>,
    /// How many samples the cell was given and why (absent before schema 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
    pub processes: Vec<ProcessRecord>,
}

/// Samples of one phase (measured iterations only, warm-ups dropped), in
/// process order, and their summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseResult {
    pub samples_ns: Vec<u64>,
    pub median_ns: f64,
    pub mean_ns: f64,
    /// None (JSON null) for a single sample, as are `cv` and `ci95_ns`.
    pub stddev_ns: Option<f64>,
    pub cv: Option<f64>,
    pub min_ns: f64,
    pub max_ns: f64,
    pub p5_ns: f64,
    pub p95_ns: f64,
    pub ci95_ns: Option<[f64; 2]>,
}

impl PhaseResult {
    pub fn new(samples_ns: Vec<u64>, summary: Summary) -> Self {
        PhaseResult {
            samples_ns,
            median_ns: summary.median,
            mean_ns: summary.mean,
            stddev_ns: summary.stddev,
            cv: summary.cv,
            min_ns: summary.min,
            max_ns: summary.max,
            p5_ns: summary.p5,
            p95_ns: summary.p95,
            ci95_ns: summary.ci95,
        }
    }
}

/// What the cell's guest used, per measured iteration, in bytes; a figure is
/// absent where the runtime has no such phase in the harness's view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryResult {
    /// Resident size of the process after compiling (or loading) the module.
    pub after_compile: Option<MemoryFigure>,
    /// ... after instantiating it.
    pub after_instantiate: Option<MemoryFigure>,
    /// The highest resident size while the guest ran.
    pub execute_peak: Option<MemoryFigure>,
    /// The guest's linear memory when its run ended.
    pub linear_memory: Option<MemoryFigure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryFigure {
    /// One per measured iteration, in process order.
    pub samples_bytes: Vec<u64>,
    pub median_bytes: f64,
    pub max_bytes: u64,
}

impl MemoryFigure {
    pub fn new(samples_bytes: Vec<u64>) -> Option<Self> {
        let max_bytes = *samples_bytes.iter().max()?;
        let values: Vec<f64> = samples_bytes.iter().map(|&b| b as f64).collect();
        Some(MemoryFigure {
            median_bytes: crate::stats::median(&values),
            max_bytes,
            samples_bytes,
        })
    }
}

/// One worker process of a cell.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessRecord {
    pub index: u32,
    /// Position in the run's shuffled job order (0 ran first).
    pub sequence: u32,
    /// Measured samples this process contributed (in `samples_ns` order).
    pub samples: u32,
    pub warmups: u32,
    /// Process start-up until the worker was ready: outside every phase.
    pub spawn_ns: Option<u64>,
    pub exit: Exit,
    /// As the kernel reports it at exit; its `max_rss_bytes` includes the
    /// size of the process that forked the worker, so it is no memory figure.
    pub usage: Usage,
    /// The highest resident size the process that ran the guest read of
    /// itself (schema 2).
    #[serde(default)]
    pub peak_rss_bytes: Option<u64>,
}

impl Results {
    pub fn runtime(&self, id: &str) -> Option<&RuntimeInfo> {
        self.runtimes.iter().find(|r| r.id == id)
    }

    pub fn cell(&self, runtime: &str, workload: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.runtime == runtime && c.workload == workload)
    }

    /// How many cells the run set out to measure: every (runtime, workload)
    /// pair, or those of its shard.
    pub fn planned_cells(&self) -> usize {
        self.runtimes
            .iter()
            .map(|r| {
                self.workloads
                    .iter()
                    .filter(|w| self.shard.is_none_or(|s| s.contains(&r.id, &w.id)))
                    .count()
            })
            .sum()
    }

    /// Every planned cell is present, and none went wrong: each was measured
    /// and verified, or could not be run here at all (`unsupported`: a
    /// runtime not built in, a workload without a native twin; `unavailable`:
    /// a module not fetched). Those are listed with their reason, but they
    /// are facts about the set-up, not regressions to fail a CI job over.
    pub fn all_ok(&self) -> bool {
        let fine = |status| {
            matches!(
                status,
                Status::Ok | Status::Unsupported | Status::Unavailable
            )
        };
        let iterations_planned = self.cells.is_empty() || self.cells.len() == self.planned_cells();
        iterations_planned
            && self
                .cells
                .iter()
                .all(|c| fine(c.status) && (c.status != Status::Ok || c.output_verified))
            && self.scenarios.iter().all(|c| fine(c.status))
    }
}
