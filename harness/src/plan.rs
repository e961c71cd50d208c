//! A plan is runtimes x workloads x settings (or one shard of those cells);
//! it becomes jobs, one per (runtime, workload, process), in a shuffled order
//! fixed by the seed: every cell's first process, then the others, whose
//! number the first ones' probes decide in a budgeted run.

use std::time::Duration;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use wasm_arena_adapters::{Limits, RuntimeDescriptor};

use crate::catalog::{Repetitions, Workload};
use crate::results::Settings;
use crate::sampling::{Budget, Sampling, Stop};
use crate::scenario::{Scenario, ScenarioSettings};
use crate::shard::Shard;
use crate::worker::protocol::{HostJob, Job};

/// See [`Plan::kill_after`].
const KILL_GRACE: Duration = Duration::from_secs(1);

pub struct Plan {
    pub runtimes: Vec<RuntimeDescriptor>,
    pub workloads: Vec<Workload>,
    pub settings: Settings,
    /// Only this shard's cells, when the run is split across machines.
    pub shard: Option<Shard>,
    /// What to measure on each cell: the iterations (`run`), and the warm and
    /// density scenarios, each one worker per cell.
    pub scenarios: Vec<Scenario>,
    pub scenario_settings: ScenarioSettings,
}

/// One worker process to run: indices into the plan's runtimes and workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSpec {
    pub runtime: usize,
    pub workload: usize,
    pub process: u32,
}

impl Plan {
    /// The cells the plan measures, as (runtime, workload) indices in plan
    /// order: every pair, or those of its shard.
    pub fn cells(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.runtimes.len())
            .flat_map(|runtime| (0..self.workloads.len()).map(move |workload| (runtime, workload)))
            .filter(|&(r, w)| {
                self.shard
                    .is_none_or(|s| s.contains(self.runtimes[r].id, &self.workloads[w].id))
            })
    }

    /// The first process of every cell, in rounds of one cell per runtime:
    /// each runtime's cells in a random order, each round in a random order
    /// (the same seed gives the same order). So no runtime always runs on a
    /// cold (or warm) machine, drift over the run touches every runtime
    /// alike, and the ETA sees every runtime's speed early. A budgeted
    /// cell's first job is its probe, a process of its own whose one
    /// iteration decides the cell's samples; a cell with a fixed count
    /// starts with its first measured process.
    pub fn first_jobs(&self) -> Vec<JobSpec> {
        if !self.scenarios.contains(&Scenario::Run) {
            return Vec::new();
        }
        let mut rng = ChaCha8Rng::seed_from_u64(self.settings.seed);
        let mut by_runtime: Vec<Vec<JobSpec>> = vec![Vec::new(); self.runtimes.len()];
        for (runtime, workload) in self.cells() {
            by_runtime[runtime].push(JobSpec {
                runtime,
                workload,
                process: 0,
            });
        }
        for cells in &mut by_runtime {
            cells.shuffle(&mut rng);
        }
        let mut jobs = Vec::new();
        while by_runtime.iter().any(|cells| !cells.is_empty()) {
            let mut round: Vec<JobSpec> = by_runtime.iter_mut().filter_map(Vec::pop).collect();
            round.shuffle(&mut rng);
            jobs.extend(round);
        }
        jobs
    }

    /// The measured processes not yet run of the cells whose first job went
    /// well, by their samplings, shuffled.
    pub fn later_jobs(&self, cells: &[((usize, usize), Sampling)]) -> Vec<JobSpec> {
        let mut jobs: Vec<JobSpec> = cells
            .iter()
            .flat_map(|&((runtime, workload), sampling)| {
                // A probe was the first job, else the first measured process.
                let first = u32::from(sampling.probe_ns.is_none());
                (first..sampling.processes).map(move |process| JobSpec {
                    runtime,
                    workload,
                    process,
                })
            })
            .collect();
        jobs.shuffle(&mut ChaCha8Rng::seed_from_u64(!self.settings.seed));
        jobs
    }

    /// The time budget of one iteration's execute phase, enforced inside the runtime.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.settings.timeout_s)
    }

    /// How long a worker may go without finishing an iteration before the
    /// harness kills it: the budget plus a grace second, so a runtime that can
    /// interrupt its guest reports the timeout itself (and its process lives
    /// to report rusage); the kill is for guests stuck where interruption
    /// cannot reach (a blocking WASI call, a compiler that never returns).
    /// A workload whose compile takes minutes may say it needs longer.
    pub fn kill_after(&self, workload: usize) -> Duration {
        let needs = self.workloads[workload]
            .timeout_s
            .map(Duration::from_secs_f64)
            .unwrap_or_default();
        self.timeout().max(needs) + KILL_GRACE
    }

    /// A cell's samples when they are known before it runs: fixed
    /// repetitions, or the catalog's cap; `None` when a probe decides them.
    pub fn sampling(&self, workload: usize) -> Option<Sampling> {
        let cap = self.workloads[workload].repetitions;
        let s = &self.settings;
        match (s.processes.zip(s.iterations), cap) {
            (Some((processes, iterations)), cap) => {
                let asked = Repetitions {
                    processes,
                    iterations,
                    warmup: s.warmup,
                };
                let capped = asked.capped(cap);
                let stop = if capped == asked {
                    Stop::Fixed
                } else {
                    Stop::CatalogCap
                };
                Some(Sampling::fixed(capped, stop))
            }
            (None, Some(cap)) => Some(Sampling::fixed(
                Repetitions {
                    warmup: cap.warmup.min(s.warmup),
                    ..cap
                },
                Stop::CatalogCap,
            )),
            (None, None) => None,
        }
    }

    /// The budget that decides the samples of cells with no fixed count.
    pub fn budget(&self) -> Budget {
        self.settings.budget.unwrap_or(Budget::DEFAULT)
    }

    /// A budgeted cell's samples, once its probe took `probe`.
    pub fn sampling_after(&self, workload: usize, probe: Duration) -> Sampling {
        self.budget().sampling(probe, self.warmup(workload))
    }

    /// Warm-ups of each process of `workload`: the run's, within the
    /// catalog's cap.
    fn warmup(&self, workload: usize) -> u32 {
        let cap = self.workloads[workload].repetitions;
        self.settings.warmup.min(cap.map_or(u32::MAX, |c| c.warmup))
    }

    /// What a cell is expected to cost before anything of it is known, for
    /// the ETA until the first cells have run.
    pub fn prior(&self, workload: usize) -> Duration {
        match self.sampling(workload) {
            Some(s) => {
                Duration::from_millis(200) * u32::try_from(s.iterations()).unwrap_or(u32::MAX)
            }
            None => Duration::from_secs_f64(self.budget().seconds * 1.5 + 0.5),
        }
    }

    /// The host job of one cell's warm or density scenario.
    pub fn host_job(&self, runtime: usize, workload: usize) -> HostJob {
        HostJob {
            job: self.grants(runtime, workload),
            requests: self.scenario_settings.requests,
            levels: self.scenario_settings.levels.clone(),
            threads: self.scenario_settings.threads.clone(),
        }
    }

    /// The job a worker runs for `spec`: its cell's [`Plan::grants`], and its
    /// iterations by the cell's sampling when known, else a probe.
    pub fn job(&self, spec: JobSpec, sampling: Option<&Sampling>) -> Job {
        let (warmup, iterations, probe) = match sampling {
            Some(s) => (s.warmups, s.iterations_of(spec.process), false),
            None => (1, 0, true),
        };
        Job {
            warmup,
            iterations,
            probe,
            ..self.grants(spec.runtime, spec.workload)
        }
    }

    /// A cell's job without iterations: the workload's grants and oracle,
    /// and limits (memory cap; the timeout, enforced by the runtime itself
    /// with the in-runtime budget).
    fn grants(&self, runtime: usize, workload: usize) -> Job {
        let w = &self.workloads[workload];
        let limits = Limits {
            max_memory_bytes: Some(self.settings.max_memory_bytes),
            time_budget: self.settings.in_runtime_budget.then(|| self.timeout()),
        };
        Job {
            runtime: self.runtimes[runtime].id.to_string(),
            wasm: w.wasm.clone(),
            wasi: w.wasi(limits),
            output: w.output,
            plugin: w.plugin.clone(),
            expect: w.expect.clone(),
            warmup: 0,
            iterations: 0,
            probe: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, Size};

    fn plan(seed: u64) -> Plan {
        let catalog = Catalog::load(&Catalog::default_dir()).unwrap();
        Plan {
            runtimes: wasm_arena_adapters::descriptors(),
            workloads: catalog.all(Size::Small),
            settings: Settings {
                processes: Some(3),
                iterations: Some(1),
                warmup: 0,
                budget: None,
                in_runtime_budget: true,
                timeout_s: 2.5,
                seed,
                size: Size::Small,
                max_memory_bytes: 1 << 20,
            },
            shard: None,
            scenarios: vec![Scenario::Run],
            scenario_settings: ScenarioSettings::default(),
        }
    }

    /// Every job of the plan: the first processes, then the others.
    fn all_jobs(p: &Plan) -> Vec<JobSpec> {
        let first = p.first_jobs();
        let planned: Vec<((usize, usize), Sampling)> = first
            .iter()
            .map(|j| ((j.runtime, j.workload), p.sampling(j.workload).unwrap()))
            .collect();
        first.into_iter().chain(p.later_jobs(&planned)).collect()
    }

    #[test]
    fn every_job_once_in_an_order_fixed_by_the_seed() {
        let (a, b, c) = (all_jobs(&plan(1)), all_jobs(&plan(1)), all_jobs(&plan(2)));
        let p = plan(1);
        let processes: usize = (0..p.workloads.len())
            .map(|w| p.sampling(w).unwrap().processes as usize)
            .sum();
        assert_eq!(a.len(), p.runtimes.len() * processes);
        assert_eq!(a, b, "same seed, same order");
        assert_ne!(a, c, "another seed, another order");
        let cells = p.cells().count();
        assert!(
            a[..cells].iter().all(|j| j.process == 0),
            "first processes first"
        );
        let mut sorted = a.clone();
        sorted.sort_by_key(|j| (j.runtime, j.workload, j.process));
        sorted.dedup();
        assert_eq!(sorted.len(), a.len(), "no job twice");
    }

    #[test]
    fn shards_split_the_jobs_without_overlap() {
        let whole = plan(1);
        let count = 3;
        let shards: Vec<Plan> = (1..=count)
            .map(|index| Plan {
                shard: Some(Shard { index, count }),
                ..plan(1)
            })
            .collect();
        let key = |p: &Plan, j: &JobSpec| {
            (
                p.runtimes[j.runtime].id,
                p.workloads[j.workload].id.clone(),
                j.process,
            )
        };
        let mut joined: Vec<_> = shards
            .iter()
            .flat_map(|p| all_jobs(p).iter().map(|j| key(p, j)).collect::<Vec<_>>())
            .collect();
        let mut all: Vec<_> = all_jobs(&whole).iter().map(|j| key(&whole, j)).collect();
        joined.sort();
        all.sort();
        assert_eq!(joined, all, "every job in exactly one shard");
        assert!(shards.iter().all(|p| !p.first_jobs().is_empty()));
    }

    #[test]
    fn a_budgeted_cell_probes_first_and_a_capped_one_does_not() {
        let p = Plan {
            settings: Settings {
                processes: None,
                iterations: None,
                warmup: 0,
                budget: Some(Budget::DEFAULT),
                ..plan(1).settings
            },
            ..plan(1)
        };
        let hello = p.workloads.iter().position(|w| w.id == "hello").unwrap();
        assert_eq!(p.sampling(hello), None, "a probe decides");
        let spec = JobSpec {
            runtime: 0,
            workload: hello,
            process: 0,
        };
        let probe = p.job(spec, None);
        assert_eq!(
            (probe.warmup, probe.iterations),
            (1, 0),
            "the probe is a warm-up"
        );
        assert!(probe.probe);
        let decided = p.sampling_after(hello, Duration::from_millis(100));
        assert_eq!(
            decided,
            Budget::DEFAULT.sampling(Duration::from_millis(100), 0)
        );
        let later = p.job(JobSpec { process: 1, ..spec }, Some(&decided));
        assert_eq!(
            (later.warmup, later.probe),
            (0, false),
            "no warm-ups asked for"
        );
        assert_eq!(later.iterations, decided.iterations_of(1));
        let planned = [((0, hello), decided)];
        let later = p.later_jobs(&planned);
        assert_eq!(
            later.len() as u32,
            decided.processes,
            "every measured process after the probe"
        );

        let catalog = Catalog::load(&Catalog::default_dir()).unwrap();
        let p = Plan {
            workloads: catalog.all(Size::Small),
            ..p
        };
        let capped = p.workloads.iter().position(|w| w.repetitions.is_some());
        if let Some(w) = capped {
            let s = p.sampling(w).expect("the cap is the count");
            assert_eq!((s.stop, s.probe_ns), (Stop::CatalogCap, None));
        }
    }

    #[test]
    fn jobs_carry_the_limits_and_grants() {
        let p = plan(1);
        let wordfreq = p.workloads.iter().position(|w| w.id == "wordfreq").unwrap();
        let spec = JobSpec {
            runtime: 0,
            workload: wordfreq,
            process: 0,
        };
        let job = p.job(spec, p.sampling(wordfreq).as_ref());
        assert_eq!(job.wasi.limits.max_memory_bytes, Some(1 << 20));
        assert_eq!(
            job.wasi.limits.time_budget,
            Some(Duration::from_millis(2500))
        );
        assert_eq!(p.kill_after(wordfreq), Duration::from_millis(3500));
        assert!(job.output);
        assert_eq!(job.wasi.preopens.len(), 1);
        assert_eq!(
            (
                job.wasi.preopens[0].guest.as_str(),
                job.wasi.preopens[0].read_only
            ),
            ("/input", true)
        );
        let off = Plan {
            settings: Settings {
                in_runtime_budget: false,
                ..plan(1).settings
            },
            ..plan(1)
        };
        let job = off.job(spec, off.sampling(wordfreq).as_ref());
        assert_eq!(
            job.wasi.limits.time_budget, None,
            "the worker's kill is the limit"
        );
    }
}
