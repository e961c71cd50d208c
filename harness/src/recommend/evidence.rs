//! What the results say about each candidate runtime, metric by metric: the
//! cells (or scenario figures) behind a metric, with their samples grouped
//! by process, and the conformance findings behind each requirement.

use std::collections::BTreeMap;

use super::profile::{Metric, Requirement};
use crate::analysis::Metric as CellMetric;
use crate::analysis::bootstrap::by_process;
use crate::cold::Variant;
use crate::conformance::{SandboxRate, SandboxRates, Verdict};
use crate::results::{Results, Status};
use crate::scenario::{Scenario, ScenarioCell};

/// One measurement behind a metric for one runtime: a cell or a scenario's
/// figure, paired across runtimes by its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// What was measured: a workload (and size), a scenario's variant.
    pub label: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Samples grouped by the process that took them (a single figure is
    /// one process of one sample).
    Measured(Vec<Vec<f64>>),
    /// The runtime did not produce the figure: its status and reason.
    Failed(String),
}

/// A metric's units per runtime, or why the results cannot give it.
pub type Gathered = Result<BTreeMap<String, Vec<Unit>>, String>;

/// Everything `recommend` reads: one or more runs (iteration cells and
/// start-up scenarios may come from different directories) and the
/// conformance findings, if any.
pub struct Evidence<'a> {
    pub runs: Vec<&'a Results>,
    pub conformance: Option<&'a SandboxRates>,
}

impl Evidence<'_> {
    /// The Wasm runtimes measured, in the order the runs list them: native
    /// code and containers are what Wasm is compared with, not candidates.
    pub fn candidates(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for info in self.runs.iter().flat_map(|r| &r.runtimes) {
            let wasm = info.tier.is_wasm();
            if wasm && !ids.contains(&info.id) {
                ids.push(info.id.clone());
            }
        }
        ids
    }

    /// The units behind `metric` for every candidate that has one.
    pub fn gather(&self, metric: &Metric) -> Gathered {
        let candidates = self.candidates();
        let mut units: BTreeMap<String, Vec<Unit>> = BTreeMap::new();
        let mut add = |runtime: &str, unit: Unit| {
            if candidates.iter().any(|c| c == runtime) {
                units.entry(runtime.to_string()).or_default().push(unit);
            }
        };
        match metric {
            Metric::Execute(category) => {
                self.cells(CellMetric::Execute, category.as_deref(), &mut add)
            }
            Metric::Compile => self.cells(CellMetric::Compile, None, &mut add),
            Metric::PeakMemory => self.cells(CellMetric::Memory, None, &mut add),
            Metric::ColdStart => self.cold(&mut add),
            Metric::WarmStart | Metric::MemoryPerInstance => {
                self.scenarios(metric, &mut add);
            }
            Metric::WasiPassRate => {
                for rate in self.conformance.iter().flat_map(|c| &c.runtimes) {
                    if let Some([ran, passed]) = rate.wasi.filter(|[ran, _]| *ran > 0) {
                        let share = f64::from(passed) / f64::from(ran);
                        add(&rate.runtime, unit("wasi suite", vec![vec![share]]));
                    }
                }
            }
        }
        // A metric no candidate has a figure for cannot be weighed; say why.
        let measured = units
            .values()
            .flatten()
            .any(|u| matches!(u.outcome, Outcome::Measured(_)));
        if measured {
            Ok(units)
        } else {
            Err(self.why_missing(metric))
        }
    }

    fn cells(&self, metric: CellMetric, category: Option<&str>, add: &mut impl FnMut(&str, Unit)) {
        for r in &self.runs {
            for cell in &r.cells {
                let Some(workload) = r.workloads.iter().find(|w| w.id == cell.workload) else {
                    continue;
                };
                if category.is_some_and(|c| c != workload.category) {
                    continue;
                }
                let label = format!("{} ({})", cell.workload, r.settings.size);
                let outcome = if cell.status == Status::Ok {
                    // A phase the runtime does not have (native: compile) is no figure.
                    let Some(samples) = metric.samples(cell) else {
                        continue;
                    };
                    match by_process(&samples.values, &samples.per_process) {
                        Some(groups) => {
                            Outcome::Measured(groups.into_iter().map(<[f64]>::to_vec).collect())
                        }
                        None => Outcome::Measured(vec![samples.values]),
                    }
                } else {
                    Outcome::Failed(failure(cell.status, cell.error.as_deref()))
                };
                add(&cell.runtime, Unit { label, outcome });
            }
        }
    }

    /// First byte of a fresh process per workload: the precompiled variant
    /// where the runtime has one, as a serverless platform would deploy it.
    fn cold(&self, add: &mut impl FnMut(&str, Unit)) {
        for r in &self.runs {
            let cold = |c: &&ScenarioCell| c.scenario == Scenario::Cold;
            for cell in r.scenarios.iter().filter(cold) {
                let variant = cell.cold.as_ref().map(|c| c.variant);
                let has_precompiled = r.scenarios.iter().filter(cold).any(|o| {
                    o.runtime == cell.runtime
                        && o.workload == cell.workload
                        && o.cold.as_ref().map(|c| c.variant) == Some(Variant::Precompiled)
                });
                let chosen = match variant {
                    Some(Variant::Precompiled) => true,
                    Some(Variant::Source) => !has_precompiled,
                    // A failed cell without a result: counted when it is the only one.
                    None => !has_precompiled,
                    Some(Variant::Binary | Variant::Image) => false,
                };
                if !chosen {
                    continue;
                }
                // Paired by workload across runtimes, whichever variant each has.
                let label = cell.workload.clone();
                let outcome = match (&cell.cold, cell.status) {
                    (Some(c), Status::Ok) => Outcome::Measured(vec![
                        c.first_byte
                            .samples_ns
                            .iter()
                            .map(|&ns| ns as f64)
                            .collect(),
                    ]),
                    _ => Outcome::Failed(failure(cell.status, cell.error.as_deref())),
                };
                add(&cell.runtime, Unit { label, outcome });
            }
        }
    }

    fn scenarios(&self, metric: &Metric, add: &mut impl FnMut(&str, Unit)) {
        let scenario = match metric {
            Metric::WarmStart => Scenario::Warm,
            _ => Scenario::Density,
        };
        for r in &self.runs {
            for cell in r.scenarios.iter().filter(|c| c.scenario == scenario) {
                // A runtime that cannot do the scenario in-process has no figure,
                // which is not a failure of this metric.
                if cell.status == Status::Unsupported {
                    continue;
                }
                let figure = match metric {
                    Metric::WarmStart => cell.warm.as_ref().map(|w| {
                        w.total
                            .samples_ns
                            .iter()
                            .map(|&ns| ns as f64)
                            .collect::<Vec<_>>()
                    }),
                    _ => cell
                        .density
                        .as_ref()
                        .and_then(|d| d.marginal_bytes_per_instance)
                        .map(|b| vec![b]),
                };
                let outcome = match figure.filter(|f| cell.status == Status::Ok && !f.is_empty()) {
                    Some(samples) => Outcome::Measured(vec![samples]),
                    None => Outcome::Failed(failure(cell.status, cell.error.as_deref())),
                };
                add(
                    &cell.runtime,
                    Unit {
                        label: cell.workload.clone(),
                        outcome,
                    },
                );
            }
        }
    }

    fn why_missing(&self, metric: &Metric) -> String {
        let runs = self.runs.len();
        match metric {
            Metric::ColdStart => format!("no cold-start scenario in the {runs} run(s) (`run --scenario cold`)"),
            Metric::WarmStart => format!("no warm-start scenario in the {runs} run(s) (`run --scenario warm`)"),
            Metric::MemoryPerInstance => {
                format!("no density scenario in the {runs} run(s) (`run --scenario density`)")
            }
            Metric::PeakMemory if self.runs.iter().all(|r| r.schema_version < 2) => {
                "the runs' memory figures are wait4's (results schema 1), which carry the harness's \
                 own size; re-measure with this version"
                    .to_string()
            }
            Metric::WasiPassRate if self.conformance.is_none() => {
                "no conformance results (`--conformance DIR`)".to_string()
            }
            Metric::Execute(Some(category)) => {
                format!("no measured cell of a workload in category {category:?}")
            }
            other => format!("no measured cell gives {other}"),
        }
    }

    /// The findings that break `requirement` for `runtime`: `Ok(findings)`
    /// (empty when it holds), or `Err(why)` when it could not be checked.
    pub fn check(&self, requirement: Requirement, runtime: &str) -> Result<Vec<String>, String> {
        let crashed_cells: Vec<String> = self
            .runs
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|c| c.runtime == runtime && c.status == Status::Crashed)
            .map(|c| {
                format!(
                    "crashed on {}: {}",
                    c.workload,
                    c.error.as_deref().unwrap_or("")
                )
            })
            .collect();
        let rate = self
            .conformance
            .and_then(|c| c.runtimes.iter().find(|r| r.runtime == runtime));
        let Some(rate) = rate else {
            // A crash in a run is enough to fail; holding needs the suite.
            return match (requirement, crashed_cells.is_empty()) {
                (Requirement::NoHostCrash, false) => Ok(crashed_cells),
                _ => Err(not_checked(self.conformance.is_some())),
            };
        };
        let stale = || STALE.to_string();
        match requirement {
            Requirement::NoSandboxEscape => {
                let escaped = rate.escaped.as_ref().ok_or_else(stale)?;
                Ok(escaped
                    .iter()
                    .map(|t| format!("sandbox test {t}: ESCAPED"))
                    .collect())
            }
            Requirement::MemoryCapEnforced => held(rate, &["limit_memory", "limit_memory_exhaust"]),
            Requirement::TimeBudgetEnforced => held(rate, &["limit_loop"]),
            Requirement::NoHostCrash => {
                let crashed = rate.crashed.as_ref().ok_or_else(stale)?;
                Ok(crashed
                    .iter()
                    .map(|t| format!("crashed the host process in the test {t}"))
                    .chain(crashed_cells)
                    .collect())
            }
        }
    }
}

fn unit(label: &str, groups: Vec<Vec<f64>>) -> Unit {
    Unit {
        label: label.to_string(),
        outcome: Outcome::Measured(groups),
    }
}

fn failure(status: Status, error: Option<&str>) -> String {
    match error {
        Some(e) => format!("{status}: {e}"),
        None => status.to_string(),
    }
}

/// Why a finding is missing from conformance rates kept by an older version.
const STALE: &str = "conformance findings rendered before this check was kept; re-render with \
                     `report DIR --conformance CDIR`";

fn not_checked(have_conformance: bool) -> String {
    if have_conformance {
        "not in the conformance results".to_string()
    } else {
        "not checked: no conformance results (`--conformance DIR`)".to_string()
    }
}

/// The named sandbox tests that ran and did not hold; `Err` when none of
/// them ran.
fn held(rate: &SandboxRate, tests: &[&str]) -> Result<Vec<String>, String> {
    let verdicts = rate.verdicts.as_ref().ok_or(STALE)?;
    let ran: Vec<(&&str, bool)> = tests
        .iter()
        .filter_map(|t| {
            let verdict = verdicts.get(&format!("sandbox/{t}"))?;
            (*verdict != Verdict::Skip).then(|| (t, verdict.passed()))
        })
        .collect();
    if ran.is_empty() {
        return Err(format!(
            "the sandbox tests {} did not run",
            tests.join(", ")
        ));
    }
    Ok(ran
        .into_iter()
        .filter(|(_, held)| !held)
        .map(|(t, _)| format!("sandbox test {t} failed"))
        .collect())
}
