//! A plan is runtimes x workloads x settings (or one shard of those cells);
//! it becomes jobs, one per (runtime, workload, process), in a shuffled order
//! fixed by the seed.

use std::time::Duration;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use wasm_arena_adapters::{Limits, RuntimeDescriptor};

use crate::catalog::{Repetitions, Workload};
use crate::results::Settings;
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

    /// Every job, shuffled so that no runtime always runs on a cold (or warm)
    /// machine; the same seed gives the same order.
    pub fn jobs(&self) -> Vec<JobSpec> {
        if !self.scenarios.contains(&Scenario::Run) {
            return Vec::new();
        }
        let mut jobs: Vec<JobSpec> = self
            .cells()
            .flat_map(|(runtime, workload)| {
                (0..self.repetitions(workload).processes).map(move |process| JobSpec {
                    runtime,
                    workload,
                    process,
                })
            })
            .collect();
        jobs.shuffle(&mut ChaCha8Rng::seed_from_u64(self.settings.seed));
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

    /// What the run asks, capped by what the workload allows.
    pub fn repetitions(&self, workload: usize) -> Repetitions {
        let s = &self.settings;
        Repetitions {
            processes: s.processes,
            iterations: s.iterations,
            warmup: s.warmup,
        }
        .capped(self.workloads[workload].repetitions)
    }

    /// Iterations, warm-ups included, of one worker process of `workload`.
    pub fn iterations_per_process(&self, workload: usize) -> u64 {
        let r = self.repetitions(workload);
        u64::from(r.warmup + r.iterations)
    }

    /// Every iteration the plan will run: what the progress bar counts (a
    /// warm host's request and a density level count as one each).
    pub fn total_iterations(&self) -> u64 {
        let iterations: u64 = self
            .cells()
            .map(|(_, w)| u64::from(self.repetitions(w).processes) * self.iterations_per_process(w))
            .sum();
        let cells = self.cells().count() as u64;
        self.scenarios
            .iter()
            .map(|scenario| match scenario {
                Scenario::Run => iterations,
                Scenario::Cold => {
                    self.cells()
                        .map(|(r, _)| crate::cold::variants(&self.runtimes[r]).len() as u64)
                        .sum::<u64>()
                        * u64::from(self.scenario_settings.requests)
                }
                Scenario::Warm => cells * self.scenario_settings.warm_requests(),
                Scenario::Density => cells * self.scenario_settings.levels.len() as u64,
            })
            .sum()
    }

    /// The host job of one cell's warm or density scenario.
    pub fn host_job(&self, runtime: usize, workload: usize) -> HostJob {
        HostJob {
            job: self.job(JobSpec {
                runtime,
                workload,
                process: 0,
            }),
            requests: self.scenario_settings.requests,
            levels: self.scenario_settings.levels.clone(),
            threads: self.scenario_settings.threads.clone(),
        }
    }

    /// The job a worker runs for `spec`: the workload's grants, and limits
    /// (memory cap; the time budget doubles as the in-runtime interruption).
    pub fn job(&self, spec: JobSpec) -> Job {
        let workload = &self.workloads[spec.workload];
        let limits = Limits {
            max_memory_bytes: Some(self.settings.max_memory_bytes),
            time_budget: Some(self.timeout()),
        };
        Job {
            runtime: self.runtimes[spec.runtime].id.to_string(),
            wasm: workload.wasm.clone(),
            wasi: workload.wasi(limits),
            output: workload.output,
            plugin: workload.plugin.clone(),
            expect: workload.expect.clone(),
            warmup: self.repetitions(spec.workload).warmup,
            iterations: self.repetitions(spec.workload).iterations,
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
                processes: 3,
                iterations: 1,
                warmup: 0,
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

    #[test]
    fn every_job_once_in_an_order_fixed_by_the_seed() {
        let (a, b, c) = (plan(1).jobs(), plan(1).jobs(), plan(2).jobs());
        let p = plan(1);
        let processes: usize = (0..p.workloads.len())
            .map(|w| p.repetitions(w).processes as usize)
            .sum();
        assert_eq!(a.len(), p.runtimes.len() * processes);
        assert_eq!(a, b, "same seed, same order");
        assert_ne!(a, c, "another seed, another order");
        let mut sorted = a.clone();
        sorted.sort_by_key(|j| (j.runtime, j.workload, j.process));
        sorted.dedup();
        assert_eq!(sorted.len(), a.len(), "no job twice");
    }

    #[test]
    fn shards_split_the_jobs_and_iterations_without_overlap() {
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
            .flat_map(|p| p.jobs().iter().map(|j| key(p, j)).collect::<Vec<_>>())
            .collect();
        let mut all: Vec<_> = whole.jobs().iter().map(|j| key(&whole, j)).collect();
        joined.sort();
        all.sort();
        assert_eq!(joined, all, "every job in exactly one shard");
        assert!(shards.iter().all(|p| !p.jobs().is_empty()));
        assert_eq!(
            shards.iter().map(Plan::total_iterations).sum::<u64>(),
            whole.total_iterations()
        );
    }

    #[test]
    fn jobs_carry_the_limits_and_grants() {
        let p = plan(1);
        let wordfreq = p.workloads.iter().position(|w| w.id == "wordfreq").unwrap();
        let job = p.job(JobSpec {
            runtime: 0,
            workload: wordfreq,
            process: 0,
        });
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
    }
}
