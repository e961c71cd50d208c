//! Runs a plan: one worker per job, results updated and saved after each,
//! so an interrupted or killed run keeps every finished cell.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::catalog::Workload;
use crate::cold;
use crate::export::{self, Exporter};
use crate::host::Host;
use crate::output::progress::Progress;
use crate::plan::Plan;
use crate::results::{self, Cell, ProcessRun, Results, Status, WorkloadRecord};
use crate::scenario::{self, Scenario, ScenarioCell};
use crate::verify::sha256_hex;
use crate::worker;
use crate::worker::protocol::{Event, Task};
use anyhow::Result;
use wasm_arena_adapters::RuntimeDescriptor;

pub struct Runner<'a> {
    pub plan: &'a Plan,
    /// The `wasm-arena` binary to start workers from.
    pub exe: &'a Path,
    pub out_dir: &'a Path,
    pub command: Vec<String>,
    pub exporters: Vec<Box<dyn Exporter>>,
    pub interrupted: &'a AtomicBool,
}

impl Runner<'_> {
    pub fn run(&self, progress: &Progress) -> Result<Results> {
        let plan = self.plan;
        let mut results = Results {
            schema_version: results::SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            started_at: chrono::Utc::now(),
            finished_at: None,
            interrupted: false,
            command: self.command.clone(),
            shard: plan.shard,
            merged_from: Vec::new(),
            settings: plan.settings.clone(),
            host: Host::detect(),
            runtimes: plan.runtimes.iter().map(|d| d.configured_info()).collect(),
            workloads: plan.workloads.iter().map(workload_record).collect(),
            cells: Vec::new(),
            scenario_settings: plan
                .scenarios
                .iter()
                .any(|s| *s != Scenario::Run)
                .then(|| plan.scenario_settings.clone()),
            scenarios: Vec::new(),
        };
        std::fs::create_dir_all(self.out_dir)?;
        export::write(self.out_dir, &results, &self.exporters)?;

        let mut runs: HashMap<(usize, usize), Vec<ProcessRun>> = HashMap::new();
        for (sequence, spec) in plan.jobs().into_iter().enumerate() {
            if self.interrupted.load(Ordering::SeqCst) {
                break;
            }
            let key = (spec.runtime, spec.workload);
            let runtime = &plan.runtimes[spec.runtime];
            let workload = &plan.workloads[spec.workload];
            let iterations = plan.iterations_per_process(spec.workload);
            // Once a cell has failed, its other processes would only fail again.
            if results
                .cell(runtime.id, &workload.id)
                .is_some_and(|c| c.status != Status::Ok)
            {
                progress.advance(iterations);
                continue;
            }
            let cell = if let Some((status, reason)) = skipped(runtime, workload) {
                progress.advance(iterations);
                unmeasured_cell(runtime.id, &workload.id, status, reason)
            } else {
                progress.start(&format!(
                    "{} · {} · process {}",
                    runtime.id,
                    workload.id,
                    spec.process + 1
                ));
                let run = worker::run_worker(
                    self.exe,
                    &Task::Measure(plan.job(spec)),
                    plan.kill_after(spec.workload),
                    self.interrupted,
                    |event| {
                        if matches!(event, Event::Sample(_)) {
                            progress.advance(1);
                        }
                    },
                )?;
                if run.exit == worker::Exit::Interrupted {
                    break;
                }
                let done = run
                    .events
                    .iter()
                    .filter(|e| matches!(e, Event::Sample(_)))
                    .count() as u64;
                progress.advance(iterations.saturating_sub(done));
                let entry = runs.entry(key).or_default();
                entry.push(ProcessRun {
                    index: spec.process,
                    sequence: sequence as u32,
                    run,
                });
                entry.sort_by_key(|p| p.index);
                results::cell_from_runs(runtime.id, &workload.id, entry, plan.settings.seed)
            };
            upsert(&mut results, plan, cell);
            export::write(self.out_dir, &results, &self.exporters)?;
        }
        self.scenarios(&mut results, progress)?;
        if self.interrupted.load(Ordering::SeqCst) {
            results.interrupted = true;
        } else {
            results.finished_at = Some(chrono::Utc::now());
        }
        export::write(self.out_dir, &results, &self.exporters)?;
        progress.finish();
        Ok(results)
    }
}

impl Runner<'_> {
    /// The start-up scenarios, after the iteration cells: cold start from
    /// this process, warm and density in one host worker per cell.
    fn scenarios(&self, results: &mut Results, progress: &Progress) -> Result<()> {
        let plan = self.plan;
        let cells: Vec<(usize, usize)> = plan.cells().collect();
        for &scenario in plan.scenarios.iter().filter(|s| **s != Scenario::Run) {
            for &(r, w) in &cells {
                if self.interrupted.load(Ordering::SeqCst) {
                    return Ok(());
                }
                let runtime = &plan.runtimes[r];
                let workload = &plan.workloads[w];
                let units = match scenario {
                    Scenario::Cold => {
                        cold::variants(runtime).len() as u64
                            * u64::from(plan.scenario_settings.requests)
                    }
                    Scenario::Warm => plan.scenario_settings.warm_requests(),
                    _ => plan.scenario_settings.levels.len() as u64,
                };
                let cells = match skipped(runtime, workload) {
                    Some((status, reason)) => {
                        progress.advance(units);
                        vec![ScenarioCell {
                            runtime: runtime.id.into(),
                            workload: workload.id.clone(),
                            scenario,
                            status,
                            error: Some(reason),
                            warm: None,
                            density: None,
                            cold: None,
                            peak_rss_bytes: None,
                        }]
                    }
                    None if scenario == Scenario::Cold => {
                        progress.start(&format!("{} · {} · cold", runtime.id, workload.id));
                        let job = cold::Job {
                            runtime,
                            workload,
                            requests: plan.scenario_settings.requests,
                            timeout: plan.kill_after(w),
                        };
                        let mut done = 0;
                        let cells = cold::measure(&job, &mut || {
                            done += 1;
                            progress.advance(1);
                        });
                        progress.advance(units.saturating_sub(done));
                        cells
                    }
                    None => {
                        progress.start(&format!(
                            "{} · {} · {}",
                            runtime.id,
                            workload.id,
                            scenario.name()
                        ));
                        let job = plan.host_job(r, w);
                        let task = match scenario {
                            Scenario::Warm => Task::Warm(job),
                            _ => Task::Density(job),
                        };
                        let mut done = 0;
                        let run = worker::run_worker(
                            self.exe,
                            &task,
                            plan.kill_after(w),
                            self.interrupted,
                            |event| {
                                let served = match event {
                                    Event::Request(_) | Event::Level(_) => 1,
                                    Event::Concurrency(c) => c.request_ns.len() as u64,
                                    _ => 0,
                                };
                                done += served;
                                progress.advance(served);
                            },
                        )?;
                        progress.advance(units.saturating_sub(done));
                        if run.exit == worker::Exit::Interrupted {
                            return Ok(());
                        }
                        vec![scenario::cell_from_run(
                            runtime.id,
                            &workload.id,
                            scenario,
                            &plan.scenario_settings,
                            &run,
                        )]
                    }
                };
                results.scenarios.extend(cells);
                export::write(self.out_dir, results, &self.exporters)?;
            }
        }
        Ok(())
    }
}

/// Why a cell cannot be measured here at all, if it cannot.
fn skipped(runtime: &RuntimeDescriptor, workload: &Workload) -> Option<(Status, String)> {
    if !runtime.compiled_in() {
        return Some((
            Status::Unsupported,
            format!(
                "{} is not compiled into this binary; rebuild with `--features {}`",
                runtime.id, runtime.feature
            ),
        ));
    }
    workload
        .unavailable()
        .map(|reason| (Status::Unavailable, reason))
}

/// Replaces or inserts `cell`, keeping cells in plan order.
fn upsert(results: &mut Results, plan: &Plan, cell: Cell) {
    let order = |c: &Cell| {
        let r = plan.runtimes.iter().position(|d| d.id == c.runtime);
        let w = plan.workloads.iter().position(|w| w.id == c.workload);
        (r, w)
    };
    results
        .cells
        .retain(|c| !(c.runtime == cell.runtime && c.workload == cell.workload));
    results.cells.push(cell);
    results.cells.sort_by_key(order);
}

fn workload_record(w: &crate::catalog::Workload) -> WorkloadRecord {
    let bytes = std::fs::read(&w.wasm).ok();
    WorkloadRecord {
        id: w.id.clone(),
        category: w.category.clone(),
        language: w.language.clone(),
        description: w.description.clone(),
        origin: w.origin,
        path: w.wasm.display().to_string(),
        sha256: bytes.as_deref().map(sha256_hex),
        size_bytes: bytes.as_ref().map(|b| b.len() as u64),
        args: w.args.clone(),
        verification: w.expect.describe(),
        calls: w.plugin.as_ref().map(|p| p.calls),
        repetitions: w.repetitions,
        timeout_s: w.timeout_s,
    }
}

/// A cell that could not be measured at all, and why.
fn unmeasured_cell(runtime: &str, workload: &str, status: Status, reason: String) -> Cell {
    Cell {
        runtime: runtime.into(),
        workload: workload.into(),
        status,
        error: Some(reason),
        failed_stage: None,
        phases: Default::default(),
        peak_rss_bytes: None,
        memory: None,
        output_verified: false,
        region: None,
        processes: Vec::new(),
    }
}
