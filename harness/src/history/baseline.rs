//! A baseline from the history: the last N runs on one host, pooled into one
//! run's [`Results`], for `compare --baseline history:N`.

use std::collections::BTreeMap;

use anyhow::{Result, bail};

use super::{History, RunInfo};
use crate::catalog::Size;
use crate::host::Host;
use crate::phase::Phase;
use crate::results::{Cell, PhaseResult, ProcessRecord, Results, Status};
use crate::stats;

/// The last runs on a host, as one run.
pub struct Baseline {
    /// Each cell pools its processes from every run that measured it
    /// successfully: its samples are theirs, its median the median of
    /// them all, and a comparison that resamples processes resamples across
    /// runs, so drift between runs widens its interval as it should. A cell
    /// that succeeded in none of them is the newest run's, failure and all.
    /// Settings, host, runtimes and workloads are the newest run's (a
    /// runtime or workload only older runs had comes from the newest of those).
    pub results: Results,
    /// The runs pooled, newest first.
    pub runs: Vec<RunInfo>,
}

impl History {
    /// The last `last` runs measured on `host` (its fingerprint) at `size`,
    /// pooled as [`Baseline`] says. An error when there is none.
    pub fn baseline(&self, host: &Host, size: Size, last: usize) -> Result<Baseline> {
        let runs = self.recent_runs(&host.fingerprint(), &size.to_string(), last)?;
        if runs.is_empty() {
            bail!(
                "{} has no run at size {size} on this host ({}); `wasm-arena history add DIR` adds one",
                self.path().display(),
                host.fingerprint()
            );
        }
        let all: Vec<Results> = runs
            .iter()
            .map(|r| self.results(r.id))
            .collect::<Result<_>>()?;
        Ok(Baseline {
            results: pool(all),
            runs,
        })
    }
}

/// Pools `runs` (newest first) into one run, as [`Baseline`] describes.
fn pool(runs: Vec<Results>) -> Results {
    let mut newest = runs[0].clone();
    for older in &runs[1..] {
        for runtime in &older.runtimes {
            if newest.runtime(&runtime.id).is_none() {
                newest.runtimes.push(runtime.clone());
            }
        }
        for workload in &older.workloads {
            if !newest.workloads.iter().any(|w| w.id == workload.id) {
                newest.workloads.push(workload.clone());
            }
        }
    }
    let seed = newest.settings.seed;
    let mut cells = Vec::new();
    for runtime in &newest.runtimes {
        for workload in &newest.workloads {
            let measured: Vec<&Cell> = runs
                .iter()
                .filter_map(|r| r.cell(&runtime.id, &workload.id))
                .collect();
            let Some(latest) = measured.first() else {
                continue;
            };
            // Oldest first, the order in which processes and samples line up.
            let ok: Vec<&Cell> = measured
                .iter()
                .rev()
                .copied()
                .filter(|c| c.status == Status::Ok)
                .collect();
            cells.push(if ok.is_empty() {
                (*latest).clone()
            } else {
                pooled_cell(&ok, seed)
            });
        }
    }
    newest.cells = cells;
    newest
}

/// One cell from successful `cells` of the same (runtime, workload), oldest
/// first: processes and samples in that order, summaries recomputed. Only
/// cells timing the same phases as the newest pool (so that every process
/// contributes to every phase, as within a run).
fn pooled_cell(cells: &[&Cell], seed: u64) -> Cell {
    let newest = *cells.last().expect("one successful cell");
    let cells: Vec<&Cell> = cells
        .iter()
        .copied()
        .filter(|c| c.phases.keys().eq(newest.phases.keys()))
        .collect();
    let mut processes: Vec<ProcessRecord> = Vec::new();
    let mut samples: BTreeMap<Phase, Vec<u64>> = BTreeMap::new();
    for cell in &cells {
        for process in &cell.processes {
            processes.push(ProcessRecord {
                index: processes.len() as u32,
                ..process.clone()
            });
        }
        for (phase, p) in &cell.phases {
            samples.entry(*phase).or_default().extend(&p.samples_ns);
        }
    }
    let phases = samples
        .into_iter()
        .filter_map(|(phase, ns)| {
            let values: Vec<f64> = ns.iter().map(|&v| v as f64).collect();
            stats::summarize(&values, seed).map(|s| (phase, PhaseResult::new(ns, s)))
        })
        .collect();
    Cell {
        phases,
        processes,
        peak_rss_bytes: cells.iter().filter_map(|c| c.peak_rss_bytes).max(),
        output_verified: cells.iter().all(|c| c.output_verified),
        ..newest.clone()
    }
}
