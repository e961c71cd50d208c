//! What is measured of a cell, as comparisons and CI formats see it: the
//! three timed phases and the peak memory of each process, each with its
//! samples grouped by process. The one place that says where a metric's
//! numbers live in `results.json`.

use serde::{Deserialize, Serialize};

use crate::catalog::Size;
use crate::phase::Phase;
use crate::results::Cell;
use crate::stats;

/// A measured quantity of a cell; smaller is better for every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    Compile,
    Instantiate,
    Execute,
    /// Peak resident memory of each process that ran the guest.
    Memory,
}

impl Metric {
    pub const ALL: [Metric; 4] = [
        Metric::Compile,
        Metric::Instantiate,
        Metric::Execute,
        Metric::Memory,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::Compile => "compile",
            Metric::Instantiate => "instantiate",
            Metric::Execute => "execute",
            Metric::Memory => "memory",
        }
    }

    /// The unit of its samples, as CI formats spell it.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::Memory => "bytes",
            _ => "ns",
        }
    }

    fn phase(self) -> Option<Phase> {
        match self {
            Metric::Compile => Some(Phase::Compile),
            Metric::Instantiate => Some(Phase::Instantiate),
            Metric::Execute => Some(Phase::Execute),
            Metric::Memory => None,
        }
    }

    /// The cell's samples of this metric; `None` when it has none (a native
    /// twin has no compile phase, a failed cell may have nothing).
    ///
    /// A phase's samples are `phases.<phase>.samples_ns`, in process order,
    /// each process contributing `processes[].samples` of them. Memory is one
    /// sample per process: its `peak_rss_bytes`, read by the process that ran
    /// the guest (schema 1 files have none: `wait4`'s figure there carries the
    /// harness's size, so it is not compared).
    pub fn samples(self, cell: &Cell) -> Option<Samples> {
        let samples = match self.phase() {
            Some(phase) => {
                let result = cell.phases.get(&phase)?;
                Samples {
                    values: result.samples_ns.iter().map(|&ns| ns as f64).collect(),
                    per_process: cell.processes.iter().map(|p| p.samples as usize).collect(),
                }
            }
            None => {
                let values: Vec<f64> = cell
                    .processes
                    .iter()
                    .filter_map(|p| p.peak_rss_bytes.map(|b| b as f64))
                    .collect();
                Samples {
                    per_process: vec![1; values.len()],
                    values,
                }
            }
        };
        (!samples.values.is_empty()).then_some(samples)
    }

    /// The median and its 95% confidence interval, as a run reports them: a
    /// phase's from its stored summary, memory's summarised here with the
    /// run's seed (`None` interval for a single sample).
    pub fn summary(self, cell: &Cell, seed: u64) -> Option<(f64, Option<[f64; 2]>)> {
        match self.phase() {
            Some(phase) => cell.phases.get(&phase).map(|p| (p.median_ns, p.ci95_ns)),
            None => {
                let s = stats::summarize(&self.samples(cell)?.values, seed)?;
                Some((s.median, s.ci95))
            }
        }
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One metric's samples of one cell, in process order.
#[derive(Debug, Clone, PartialEq)]
pub struct Samples {
    pub values: Vec<f64>,
    /// How many of `values` each process contributed, in order.
    pub per_process: Vec<usize>,
}

/// The name a benchmark has in CI formats: `phase/runtime/workload/size`,
/// the bench's `group/function/parameter` order.
pub fn benchmark_name(metric: Metric, runtime: &str, workload: &str, size: Size) -> String {
    format!("{metric}/{runtime}/{workload}/{size}")
}
