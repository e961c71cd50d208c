//! A plan is runtimes x workloads x settings; it becomes jobs, one per
//! (runtime, workload, process), in a shuffled order fixed by the seed.

use std::time::Duration;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use wasm_arena_adapters::{Limits, RuntimeDescriptor};

use crate::catalog::Workload;
use crate::job::Job;
use crate::results::Settings;

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
                    (0..self.settings.processes).map(move |process| JobSpec {
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

    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.settings.timeout_s)
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
            expect: workload.expect.clone(),
            warmup: self.settings.warmup,
            iterations: self.settings.iterations,
        }
    }
}
