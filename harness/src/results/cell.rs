//! Turning the worker processes of one (runtime, workload) pair into a [`Cell`].

use std::collections::BTreeMap;
use std::time::Duration;

use wasm_arena_adapters::RunError;

use super::model::{Cell, MemoryFigure, MemoryResult, PhaseResult, ProcessRecord, Status};
use crate::phase::{Phase, Stage};
use crate::stats;
use crate::worker::protocol::{Event, Failure, Sample};
use crate::worker::{Exit, WorkerRun};

/// One finished worker process of a cell.
pub struct ProcessRun {
    /// Which of the cell's processes this was.
    pub index: u32,
    /// Its position in the run's shuffled job order.
    pub sequence: u32,
    pub run: WorkerRun,
}

/// Builds the cell from its finished processes (in process-index order).
/// The first process that went wrong decides the status and the reason.
pub fn cell_from_runs(runtime: &str, workload: &str, runs: &[ProcessRun], seed: u64) -> Cell {
    let mut samples: Vec<Sample> = Vec::new();
    let mut processes = Vec::new();
    let mut problem: Option<(Status, String, Option<Stage>)> = None;
    for ProcessRun {
        index,
        sequence,
        run,
    } in runs
    {
        let measured: Vec<Sample> = run
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Sample(s) if !s.warmup => Some(*s),
                _ => None,
            })
            .collect();
        let warmups = run
            .events
            .iter()
            .filter(|e| matches!(e, Event::Sample(s) if s.warmup))
            .count();
        let peak_rss_bytes = run
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Sample(s) => s.resident.peak,
                _ => None,
            })
            .max();
        processes.push(ProcessRecord {
            index: *index,
            sequence: *sequence,
            samples: measured.len() as u32,
            warmups: warmups as u32,
            spawn_ns: run.spawn_ns,
            exit: run.exit.clone(),
            usage: run.usage,
            peak_rss_bytes,
        });
        samples.extend(measured);
        if problem.is_none() {
            problem = diagnose(run);
        }
    }

    let phases: BTreeMap<Phase, PhaseResult> = Phase::ALL
        .iter()
        .filter_map(|&phase| {
            let ns: Vec<u64> = samples.iter().filter_map(|s| s.phase_ns(phase)).collect();
            let values: Vec<f64> = ns.iter().map(|&v| v as f64).collect();
            stats::summarize(&values, seed).map(|summary| (phase, PhaseResult::new(ns, summary)))
        })
        .collect();
    let (status, error, failed_stage) = match problem {
        Some((status, error, stage)) => (status, Some(error), stage),
        None => (Status::Ok, None, None),
    };
    Cell {
        runtime: runtime.to_string(),
        workload: workload.to_string(),
        status,
        error,
        failed_stage,
        output_verified: status == Status::Ok && !samples.is_empty(),
        region: samples.first().map(|s| s.region),
        sampling: None,
        peak_rss_bytes: processes.iter().filter_map(|p| p.peak_rss_bytes).max(),
        memory: memory(&samples),
        phases,
        processes,
    }
}

/// The measured iterations' memory figures; `None` when none has any.
fn memory(samples: &[Sample]) -> Option<MemoryResult> {
    let figure = |read: fn(&Sample) -> Option<u64>| {
        MemoryFigure::new(samples.iter().filter_map(read).collect())
    };
    let memory = MemoryResult {
        after_compile: figure(|s| s.resident.after_compile),
        after_instantiate: figure(|s| s.resident.after_instantiate),
        execute_peak: figure(|s| s.resident.execute_peak),
        linear_memory: figure(|s| s.linear_memory_bytes),
    };
    let any = [
        &memory.after_compile,
        &memory.after_instantiate,
        &memory.execute_peak,
        &memory.linear_memory,
    ]
    .iter()
    .any(|f| f.is_some());
    any.then_some(memory)
}

/// What went wrong in one worker process, if anything: the status, the
/// reason, and the stage it stopped at when the worker said.
pub fn diagnose(run: &WorkerRun) -> Option<(Status, String, Option<Stage>)> {
    let failed = run.events.iter().find_map(|e| match e {
        Event::Failed { stage, error } => Some((*stage, error)),
        _ => None,
    });
    if let Some((stage, error)) = failed {
        let status = match error {
            Failure::Runtime {
                error: RunError::TimeBudget(_),
            } => Status::Timeout,
            Failure::Runtime {
                error: RunError::Unsupported(_),
            } => Status::Unsupported,
            _ => Status::Failed,
        };
        return Some((status, format!("{}: {error}", stage.name()), Some(stage)));
    }
    let with_stderr = |message: String| {
        if run.stderr.is_empty() {
            message
        } else {
            format!("{message}; stderr: {}", run.stderr)
        }
    };
    match &run.exit {
        Exit::TimedOut { after_ns } => Some((
            Status::Timeout,
            format!(
                "killed by the harness after {:.1} s without finishing an iteration (--timeout + 1 s grace)",
                Duration::from_nanos(*after_ns).as_secs_f64()
            ),
            None,
        )),
        Exit::Signal { name, .. } => Some((
            Status::Crashed,
            with_stderr(format!("worker died by {name}")),
            None,
        )),
        Exit::Code { code } if *code != 0 => Some((
            Status::Failed,
            with_stderr(format!("worker exited with status {code}")),
            None,
        )),
        Exit::Interrupted => Some((Status::Failed, "interrupted".into(), None)),
        Exit::Code { .. } if !run.events.contains(&Event::Done) => Some((
            Status::Failed,
            with_stderr("worker ended without finishing its job".into()),
            None,
        )),
        Exit::Code { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::Usage;
    use wasm_arena_adapters::{Resident, TimedRegion};

    /// A worker's iteration: phase times from `ns`, resident sizes from `ns`
    /// too, and the process peak `peak`.
    fn sample(iteration: u32, warmup: bool, ns: u64, peak: u64) -> Event {
        Event::Sample(Sample {
            iteration,
            warmup,
            compile_ns: Some(ns),
            instantiate_ns: Some(ns * 2),
            execute_ns: ns * 3,
            region: TimedRegion::Markers,
            resident: Resident {
                after_compile: Some(ns),
                after_instantiate: Some(ns + 1),
                execute_peak: Some(ns + 2),
                peak: Some(peak),
            },
            linear_memory_bytes: Some(65536),
        })
    }

    fn process(index: u32, events: Vec<Event>, exit: Exit, rss: u64) -> ProcessRun {
        let usage = Usage {
            max_rss_bytes: rss,
            ..Usage::default()
        };
        let run = WorkerRun {
            events,
            exit,
            usage,
            spawn_ns: Some(1_000_000),
            stderr: String::new(),
        };
        ProcessRun {
            index,
            sequence: index,
            run,
        }
    }

    #[test]
    fn warmups_are_dropped_and_processes_pooled() {
        let ok = Exit::Code { code: 0 };
        let runs = vec![
            process(
                0,
                vec![
                    Event::Ready,
                    sample(0, true, 1000, 5),
                    sample(1, false, 10, 4),
                    Event::Done,
                ],
                ok.clone(),
                500,
            ),
            process(
                1,
                vec![
                    Event::Ready,
                    sample(0, true, 1000, 9),
                    sample(1, false, 20, 9),
                    Event::Done,
                ],
                ok,
                900,
            ),
        ];
        let cell = cell_from_runs("rt", "wl", &runs, 1);
        assert_eq!(cell.status, Status::Ok);
        assert!(cell.output_verified);
        assert_eq!(cell.phases[&Phase::Compile].samples_ns, [10, 20]);
        assert_eq!(cell.phases[&Phase::Execute].samples_ns, [30, 60]);
        assert_eq!(cell.phases[&Phase::Execute].median_ns, 45.0);
        // The processes' own peaks (warm-ups included), never wait4's.
        assert_eq!(cell.peak_rss_bytes, Some(9));
        assert_eq!(cell.processes[0].peak_rss_bytes, Some(5));
        assert_eq!(cell.processes[1].warmups, 1);
        // Phase figures over the measured iterations only.
        let memory = cell.memory.unwrap();
        assert_eq!(memory.after_compile.unwrap().samples_bytes, [10, 20]);
        let peak = memory.execute_peak.unwrap();
        assert_eq!((peak.median_bytes, peak.max_bytes), (17.0, 22));
        assert_eq!(memory.linear_memory.unwrap().max_bytes, 65536);
    }

    #[test]
    fn an_out_of_process_guest_has_only_execute_and_its_own_rss() {
        let native = |iteration, rss| {
            Event::Sample(Sample {
                iteration,
                warmup: false,
                compile_ns: None,
                instantiate_ns: None,
                execute_ns: 7,
                region: TimedRegion::Markers,
                resident: Resident {
                    execute_peak: Some(rss),
                    peak: Some(rss),
                    ..Resident::default()
                },
                linear_memory_bytes: None,
            })
        };
        let events = vec![Event::Ready, native(0, 3), native(1, 4), Event::Done];
        let runs = [process(0, events, Exit::Code { code: 0 }, 100)];
        let cell = cell_from_runs("native", "wl", &runs, 1);
        assert_eq!(cell.status, Status::Ok);
        assert_eq!(
            cell.phases.keys().copied().collect::<Vec<_>>(),
            [Phase::Execute]
        );
        assert_eq!(cell.phases[&Phase::Execute].samples_ns, [7, 7]);
        assert_eq!(
            cell.peak_rss_bytes,
            Some(4),
            "the guest's RSS, not the worker's"
        );
        let memory = cell.memory.unwrap();
        assert!(memory.after_compile.is_none() && memory.linear_memory.is_none());
    }

    #[test]
    fn a_budget_failure_is_a_timeout_and_a_signal_a_crash() {
        let failed = Event::Failed {
            stage: Stage::Execute,
            error: Failure::Runtime {
                error: RunError::TimeBudget(Duration::from_secs(2)),
            },
        };
        let cell = cell_from_runs(
            "rt",
            "wl",
            &[process(
                0,
                vec![Event::Ready, failed],
                Exit::Code { code: 0 },
                1,
            )],
            1,
        );
        assert_eq!(cell.status, Status::Timeout);
        assert!(
            cell.error
                .unwrap()
                .starts_with("execute: time budget of 2.000 s exceeded")
        );

        let signal = Exit::Signal {
            signal: 11,
            name: "SIGSEGV".into(),
        };
        let cell = cell_from_runs("rt", "wl", &[process(0, vec![Event::Ready], signal, 1)], 1);
        assert_eq!(
            (cell.status, cell.error.as_deref()),
            (Status::Crashed, Some("worker died by SIGSEGV"))
        );
        assert!(!cell.output_verified);
    }

    #[test]
    fn a_worker_that_stops_without_done_is_a_failure() {
        let cell = cell_from_runs(
            "rt",
            "wl",
            &[process(0, vec![Event::Ready], Exit::Code { code: 0 }, 1)],
            1,
        );
        assert_eq!(cell.status, Status::Failed);
    }
}
