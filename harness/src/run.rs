//! Runs a plan: one worker per job, results updated and saved after each,
//! so an interrupted or killed run keeps every finished cell; the ETA is
//! updated as cells say what they cost.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::catalog::Workload;
use crate::cold;
use crate::eta::{Eta, Group};
use crate::export::{self, Exporter};
use crate::host::Host;
use crate::output::progress::Progress;
use crate::phase::Phase;
use crate::plan::{JobSpec, Plan};
use crate::results::{self, Cell, ProcessRun, Results, Status, WorkloadRecord};
use crate::sampling::{Sampling, Stop};
use crate::scenario::{self, Scenario, ScenarioCell};
use crate::verify::sha256_hex;
use crate::worker;
use crate::worker::protocol::{Event, Task};
use anyhow::Result;
use wasm_arena_adapters::{RunError, RuntimeDescriptor};

pub struct Runner<'a> {
    pub plan: &'a Plan,
    /// Where its worker processes come from.
    pub workers: &'a worker::Workers,
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
            sandbox: None,
        };
        std::fs::create_dir_all(self.out_dir)?;
        export::write(self.out_dir, &results, &self.exporters)?;

        let mut eta = Eta::default();
        let mut cells: HashMap<(usize, usize), CellState> = HashMap::new();
        for job in plan.first_jobs() {
            let key = (job.runtime, job.workload);
            let entry = eta.add(Group::Runtime(job.runtime), plan.prior(job.workload));
            cells.insert(key, CellState::new(entry, plan.sampling(job.workload)));
        }
        let scenarios = self.scenario_entries(&mut eta);
        progress.estimate(&eta);

        let mut sequence = 0;
        let first = plan.first_jobs();
        for spec in first {
            if !self.measure(
                spec,
                &mut sequence,
                &mut cells,
                &mut eta,
                &mut results,
                progress,
            )? {
                return self.finish(results, progress);
            }
        }
        let planned: Vec<((usize, usize), Sampling)> = plan
            .first_jobs()
            .into_iter()
            .map(|j| (j.runtime, j.workload))
            .filter_map(|key| {
                let failed = results
                    .cell(plan.runtimes[key.0].id, &plan.workloads[key.1].id)
                    .is_some_and(|c| c.status != Status::Ok);
                let sampling = cells[&key].sampling.filter(|_| !failed)?;
                Some((key, sampling))
            })
            .collect();
        for spec in plan.later_jobs(&planned) {
            if !self.measure(
                spec,
                &mut sequence,
                &mut cells,
                &mut eta,
                &mut results,
                progress,
            )? {
                return self.finish(results, progress);
            }
        }
        self.scenarios(&mut results, &mut eta, &scenarios, progress)?;
        self.finish(results, progress)
    }

    fn finish(&self, mut results: Results, progress: &Progress) -> Result<Results> {
        if self.interrupted.load(Ordering::SeqCst) {
            results.interrupted = true;
        } else {
            results.finished_at = Some(chrono::Utc::now());
        }
        export::write(self.out_dir, &results, &self.exporters)?;
        progress.finish();
        Ok(results)
    }

    /// Runs one worker process of a cell, a probe or a measured process, and
    /// updates the cell; false when the run was interrupted.
    fn measure(
        &self,
        spec: JobSpec,
        sequence: &mut u32,
        cells: &mut HashMap<(usize, usize), CellState>,
        eta: &mut Eta,
        results: &mut Results,
        progress: &Progress,
    ) -> Result<bool> {
        let plan = self.plan;
        if self.interrupted.load(Ordering::SeqCst) {
            return Ok(false);
        }
        let runtime = &plan.runtimes[spec.runtime];
        let workload = &plan.workloads[spec.workload];
        let state = cells
            .get_mut(&(spec.runtime, spec.workload))
            .expect("every job's cell is planned");
        if state.precise {
            // Its median is known well enough: the process is not started.
            return Ok(true);
        }
        let started = Instant::now();
        let unmeasured = skipped(runtime, workload).or_else(|| {
            // Once per cell, before its first process, untimed.
            if std::mem::replace(&mut state.set_up, true) || !runtime.needs_setup() {
                return None;
            }
            progress.start(&format!("{} · {} · setting up", runtime.id, workload.id));
            set_up(runtime, workload)
        });
        if let Some((status, reason)) = unmeasured {
            let cell = unmeasured_cell(runtime.id, &workload.id, status, reason);
            eta.done(state.entry, started.elapsed());
            upsert(results, plan, cell);
            progress.estimate(eta);
            export::write(self.out_dir, results, &self.exporters)?;
            return Ok(true);
        }
        progress.start(&format!(
            "{} · {} · process {}",
            runtime.id,
            workload.id,
            spec.process + 1
        ));
        let probing = state.sampling.is_none();
        let started = Instant::now();
        let run = worker::run_worker(
            self.workers,
            &Task::Measure(plan.job(spec, state.sampling.as_ref())),
            plan.kill_after(spec.workload),
            self.interrupted,
            |event| {
                match event {
                    Event::Sample(_) => state.done += 1,
                    Event::Probed { wall_ns } => {
                        let probe = Duration::from_nanos(*wall_ns);
                        state.sampling = Some(plan.sampling_after(spec.workload, probe));
                    }
                    _ => return,
                }
                state.estimate(started.elapsed(), eta);
                progress.estimate(eta);
            },
        )?;
        if run.exit == worker::Exit::Interrupted {
            return Ok(false);
        }
        state.spent += started.elapsed();
        if probing && state.sampling.is_some() && results::diagnose(&run).is_none() {
            // The probe's process is not one of the measured ones: its one
            // iteration was a warm-up. A failed probe is the cell's record.
            state.estimate(Duration::ZERO, eta);
            progress.estimate(eta);
            return Ok(true);
        }
        state.processes_run += u32::from(!probing);
        let entry = state.runs.entry_for(spec, *sequence, run);
        *sequence += 1;
        let mut cell = results::cell_from_runs(runtime.id, &workload.id, entry, plan.settings.seed);
        let planned = state
            .sampling
            .is_some_and(|s| state.processes_run >= s.processes);
        if cell.status == Status::Ok && !planned {
            state.precise = precise(plan, state.sampling, &cell, state.processes_run);
            if state.precise {
                state.sampling = state.sampling.map(|s| Sampling {
                    processes: state.processes_run,
                    samples: cell
                        .phases
                        .get(&Phase::Execute)
                        .map_or(0, |p| p.samples_ns.len() as u32),
                    stop: Stop::Precise,
                    ..s
                });
            }
        }
        cell.sampling = state.sampling;
        // A failed cell's other processes would only fail again.
        let finished = cell.status != Status::Ok || planned || state.precise;
        if finished {
            eta.done(state.entry, state.spent);
        } else {
            state.estimate(Duration::ZERO, eta);
        }
        upsert(results, plan, cell);
        progress.estimate(eta);
        export::write(self.out_dir, results, &self.exporters)?;
        Ok(true)
    }

    /// An ETA entry for every start-up scenario cell, in the order they run.
    fn scenario_entries(&self, eta: &mut Eta) -> Vec<usize> {
        let plan = self.plan;
        let mut entries = Vec::new();
        for &scenario in plan.scenarios.iter().filter(|s| **s != Scenario::Run) {
            for (r, _) in plan.cells() {
                let units = self.units(scenario, r) as u32;
                entries.push(eta.add(Group::Scenario(scenario), scenario.prior_per_unit() * units));
            }
        }
        entries
    }

    /// A start-up scenario cell's units: requests, or density levels.
    fn units(&self, scenario: Scenario, runtime: usize) -> u64 {
        let settings = &self.plan.scenario_settings;
        match scenario {
            Scenario::Cold => {
                cold::variants(&self.plan.runtimes[runtime]).len() as u64
                    * u64::from(settings.requests)
            }
            Scenario::Warm => settings.warm_requests(),
            _ => settings.levels.len() as u64,
        }
    }
}

/// Whether a budgeted cell's median is known to the run's `--precision`
/// after `processes` of its processes.
fn precise(plan: &Plan, sampling: Option<Sampling>, cell: &Cell, processes: u32) -> bool {
    let budgeted = sampling.is_some_and(|s| s.probe_ns.is_some());
    let Some(execute) = cell.phases.get(&Phase::Execute).filter(|_| budgeted) else {
        return false;
    };
    plan.budget().precise_enough(
        processes,
        execute.samples_ns.len(),
        execute.median_ns,
        execute.ci95_ns,
    )
}

/// What the runner knows of one iteration cell while it runs.
struct CellState {
    /// Its entry in the ETA.
    entry: usize,
    /// Known from the plan, or once its probe has run.
    sampling: Option<Sampling>,
    runs: Runs,
    processes_run: u32,
    /// Iterations done, warm-ups included.
    done: u64,
    /// Wall time of its finished processes.
    spent: Duration,
    /// Whether its runtime's setup for the module has been done.
    set_up: bool,
    /// Stopped early: its median was known to the run's precision.
    precise: bool,
}

impl CellState {
    fn new(entry: usize, sampling: Option<Sampling>) -> CellState {
        CellState {
            entry,
            sampling,
            runs: Runs::default(),
            processes_run: 0,
            done: 0,
            spent: Duration::ZERO,
            set_up: false,
            precise: false,
        }
    }

    /// Tells the ETA what the cell has cost, `current` of it in a process
    /// still running, and what its iterations left will cost at the rate so far.
    fn estimate(&self, current: Duration, eta: &mut Eta) {
        let Some(sampling) = self.sampling.filter(|_| self.done > 0) else {
            return;
        };
        let total = sampling.iterations();
        let spent = self.spent + current;
        eta.going(
            self.entry,
            spent,
            spent / u32::try_from(self.done).unwrap_or(u32::MAX),
            total.saturating_sub(self.done),
        );
    }
}

/// A cell's finished worker processes, in process order.
#[derive(Default)]
struct Runs(Vec<ProcessRun>);

impl Runs {
    fn entry_for(&mut self, spec: JobSpec, sequence: u32, run: worker::WorkerRun) -> &[ProcessRun] {
        self.0.push(ProcessRun {
            index: spec.process,
            sequence,
            run,
        });
        self.0.sort_by_key(|p| p.index);
        &self.0
    }
}

impl Runner<'_> {
    /// The start-up scenarios, after the iteration cells: cold start from
    /// this process, warm and density in one host worker per cell.
    fn scenarios(
        &self,
        results: &mut Results,
        eta: &mut Eta,
        entries: &[usize],
        progress: &Progress,
    ) -> Result<()> {
        let plan = self.plan;
        let cells: Vec<(usize, usize)> = plan.cells().collect();
        let mut entries = entries.iter().copied();
        for &scenario in plan.scenarios.iter().filter(|s| **s != Scenario::Run) {
            for &(r, w) in &cells {
                if self.interrupted.load(Ordering::SeqCst) {
                    return Ok(());
                }
                let entry = entries.next().expect("an entry per scenario cell");
                let runtime = &plan.runtimes[r];
                let workload = &plan.workloads[w];
                let units = self.units(scenario, r);
                let started = Instant::now();
                let mut done = 0;
                let mut served = |n: u64, eta: &mut Eta| {
                    done += n;
                    let spent = started.elapsed();
                    let per = spent / u32::try_from(done.max(1)).unwrap_or(u32::MAX);
                    eta.going(entry, spent, per, units.saturating_sub(done));
                    progress.estimate(eta);
                };
                let cells = match skipped(runtime, workload) {
                    Some((status, reason)) => vec![ScenarioCell {
                        runtime: runtime.id.into(),
                        workload: workload.id.clone(),
                        scenario,
                        status,
                        error: Some(reason),
                        warm: None,
                        density: None,
                        cold: None,
                        peak_rss_bytes: None,
                    }],
                    None if scenario == Scenario::Cold => {
                        progress.start(&format!("{} · {} · cold", runtime.id, workload.id));
                        let job = cold::Job {
                            runtime,
                            workload,
                            requests: plan.scenario_settings.requests,
                            timeout: plan.kill_after(w),
                        };
                        cold::measure(&job, &mut || served(1, eta))
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
                        let run = worker::run_worker(
                            self.workers,
                            &task,
                            plan.kill_after(w),
                            self.interrupted,
                            |event| {
                                let n = match event {
                                    Event::Request(_) | Event::Level(_) => 1,
                                    Event::Concurrency(c) => c.request_ns.len() as u64,
                                    _ => return,
                                };
                                served(n, eta);
                            },
                        )?;
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
                eta.done(entry, started.elapsed());
                progress.estimate(eta);
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

/// The runtime's setup for the workload's module (a container image is
/// built), or why it failed.
fn set_up(runtime: &RuntimeDescriptor, workload: &Workload) -> Option<(Status, String)> {
    let wasm = match std::fs::read(&workload.wasm) {
        Ok(wasm) => wasm,
        Err(e) => {
            let reason = format!("cannot read {}: {e}", workload.wasm.display());
            return Some((Status::Failed, reason));
        }
    };
    match runtime.set_up(&wasm) {
        Ok(()) => None,
        Err(RunError::Unsupported(reason)) => Some((Status::Unsupported, reason)),
        Err(error) => Some((Status::Failed, format!("setup failed: {error}"))),
    }
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
        sampling: None,
        processes: Vec::new(),
    }
}
