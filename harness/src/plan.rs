//! A plan is runtimes x workloads x settings; it becomes jobs, one per
//! (runtime, workload, process), in a shuffled order fixed by the seed.

use std::time::Duration;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use wasm_arena_adapters::{Limits, RuntimeDescriptor};

use crate::catalog::{Repetitions, Workload};
use crate::results::Settings;
use crate::worker::protocol::Job;

/// See [`Plan::kill_after`].
const KILL_GRACE: Duration = Duration::from_secs(1);

pub struct Plan {
    pub runtimes: Vec<RuntimeDescriptor>,
    pub workloads: Vec<Workload>,
    pub settings: Settings,
}

/// One worker process to run: indices into the plan's runtimes and workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSpec {
    pub runtime: usize,
    pub workload: usize,
    pub process: u32,
}

impl Plan {
    /// Every job, shuffled so that no runtime always runs on a cold (or warm)
    /// machine; the same seed gives the same order.
    pub fn jobs(&self) -> Vec<JobSpec> {
        let mut jobs: Vec<JobSpec> = (0..self.runtimes.len())
            .flat_map(|runtime| {
                (0..self.workloads.len()).flat_map(move |workload| {
                    (0..self.repetitions(workload).processes).map(move |process| JobSpec {
                        runtime,
                        workload,
                        process,
                    })
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

    /// Every iteration the plan will run: what the progress bar counts.
    pub fn total_iterations(&self) -> u64 {
        let per_runtime: u64 = (0..self.workloads.len())
            .map(|w| u64::from(self.repetitions(w).processes) * self.iterations_per_process(w))
            .sum();
        per_runtime * self.runtimes.len() as u64
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
