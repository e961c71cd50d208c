//! Figures derived from the measured cells: Wasm/native ratios, cost per
//! plugin call, compile throughput. Every one is computed from medians of the
//! same run, and is absent when either side did not succeed.

use super::model::{Cell, Results, Status};
use crate::phase::Phase;

/// The runtime id whose cells are the denominator of every ratio.
pub const NATIVE: &str = wasm_arena_adapters::native::ID;

fn median(cell: Option<&Cell>, phase: Phase) -> Option<f64> {
    let cell = cell.filter(|c| c.status == Status::Ok)?;
    cell.phases
        .get(&phase)
        .map(|p| p.median_ns)
        .filter(|&m| m > 0.0)
}

impl Results {
    /// Median execute time on `runtime` over the native twin's.
    pub fn native_ratio(&self, runtime: &str, workload: &str) -> Option<f64> {
        let wasm = median(self.cell(runtime, workload), Phase::Execute)?;
        let native = median(self.cell(NATIVE, workload), Phase::Execute)?;
        Some(wasm / native)
    }

    /// Geometric mean of [`Results::native_ratio`] over the workloads of
    /// `category` where both sides succeeded, and how many those were.
    pub fn geomean_native_ratio(&self, runtime: &str, category: &str) -> Option<(f64, usize)> {
        let logs: Vec<f64> = self
            .workloads
            .iter()
            .filter(|w| w.category == category)
            .filter_map(|w| self.native_ratio(runtime, &w.id))
            .map(f64::ln)
            .collect();
        let n = logs.len();
        (n > 0).then(|| ((logs.iter().sum::<f64>() / n as f64).exp(), n))
    }

    /// Median execute time divided by the number of calls of a plugin workload.
    pub fn per_call_ns(&self, runtime: &str, workload: &str) -> Option<f64> {
        let calls = self.workloads.iter().find(|w| w.id == workload)?.calls?;
        let execute = median(self.cell(runtime, workload), Phase::Execute)?;
        Some(execute / f64::from(calls.max(1)))
    }

    /// Module size over median compile time, in MB/s (10^6 bytes).
    pub fn compile_mb_per_s(&self, runtime: &str, workload: &str) -> Option<f64> {
        let bytes = self
            .workloads
            .iter()
            .find(|w| w.id == workload)?
            .size_bytes?;
        let compile = median(self.cell(runtime, workload), Phase::Compile)?;
        Some(bytes as f64 / 1e6 / (compile / 1e9))
    }
}
