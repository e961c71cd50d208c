//! The parent side of a worker: spawn it ([`Workers`]), hand it a job,
//! collect its events, enforce the time limit by killing it, and read what
//! the kernel knows about it (exit status or signal, rusage).

use std::os::unix::process::CommandExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use wasm_arena_adapters::child::{self, Input, Options, Output, Status, Waited};

/// What the kernel counted for a finished worker, as recorded in results.
pub use wasm_arena_adapters::child::Usage;

use super::Workers;
use super::protocol::{Event, Task};

/// How often the parent looks at the interrupt flag while a worker runs.
const POLL: Duration = Duration::from_millis(50);
/// Most worker stderr kept for error messages.
const STDERR_KEEP: usize = 4096;

/// How a worker ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Exit {
    Code {
        code: i32,
    },
    Signal {
        signal: i32,
        name: String,
    },
    /// Killed by the harness: no progress within the time limit.
    TimedOut {
        after_ns: u64,
    },
    /// Killed by the harness because the run was interrupted.
    Interrupted,
}

/// Everything one worker process produced.
#[derive(Debug, Clone)]
pub struct WorkerRun {
    pub events: Vec<Event>,
    pub exit: Exit,
    pub usage: Usage,
    /// From spawn to the worker's `ready` event: process start-up, outside every phase.
    pub spawn_ns: Option<u64>,
    pub stderr: String,
}

/// Runs `task` in a worker process. The child gets `limit` to make each
/// iteration's progress; past that it is killed.
pub fn run_worker(
    workers: &Workers,
    task: &Task,
    limit: Duration,
    interrupted: &AtomicBool,
    mut on_event: impl FnMut(&Event),
) -> Result<WorkerRun> {
    let task_json = serde_json::to_vec(task)?;
    // Before the clock starts: the first command of a worker binary asks it
    // for its build id.
    let mut command = workers.command(task.runtime());
    let spawned_at = Instant::now();
    command
        // Its own process group: Ctrl-C reaches the harness only, which then
        // decides what happens to the worker.
        .process_group(0);
    let options = Options {
        // A worker that dies before reading its task shows up in its exit status.
        stdin: Input::Bytes(task_json),
        stdout: Output::Read,
        report: None,
        die_with_parent: false,
    };
    let program = command.get_program().to_owned();
    let mut child = child::spawn(command, options)
        .with_context(|| format!("cannot start the worker {}", program.display()))?;

    let mut events = Vec::new();
    let mut spawn_ns = None;
    let mut deadline = Instant::now() + limit;
    let mut killed: Option<Exit> = None;
    loop {
        if interrupted.load(Ordering::SeqCst) {
            child.kill();
            killed = Some(Exit::Interrupted);
            break;
        }
        let now = Instant::now();
        if now >= deadline {
            child.kill();
            let after = limit.as_nanos().try_into().unwrap_or(u64::MAX);
            killed = Some(Exit::TimedOut { after_ns: after });
            break;
        }
        match child
            .stdout()
            .next_line(Some(now + POLL.min(deadline - now)))
        {
            Ok(Some(line)) => {
                let event: Event = match serde_json::from_slice(&line) {
                    Ok(e) => e,
                    // Anything else on stdout is noise from a runtime library; keep going.
                    Err(_) => continue,
                };
                if event == Event::Ready {
                    spawn_ns = Some(
                        spawned_at
                            .elapsed()
                            .as_nanos()
                            .try_into()
                            .unwrap_or(u64::MAX),
                    );
                }
                // Every sign of progress restarts the clock: the limit is per iteration.
                deadline = Instant::now() + limit;
                on_event(&event);
                events.push(event);
            }
            Err(Waited::Deadline) => {}
            Ok(None) => break,
            // A worker the harness can no longer hear would wait on a full
            // pipe forever: it ends here, as at the time limit.
            Err(Waited::Io(_)) => {
                child.kill();
                break;
            }
        }
    }

    let ended = child.reap().context("waiting for the worker")?;
    let stderr_bytes = child.take_stderr();
    let exit = killed.unwrap_or_else(|| exit_of(ended.status));
    Ok(WorkerRun {
        events,
        exit,
        usage: ended.usage,
        spawn_ns,
        stderr: tail(&stderr_bytes),
    })
}

fn exit_of(status: Status) -> Exit {
    match status {
        Status::Code(code) => Exit::Code { code },
        Status::Signal(signal) => Exit::Signal {
            signal,
            name: wasm_arena_adapters::signal_name(signal),
        },
    }
}

fn tail(bytes: &[u8]) -> String {
    let start = bytes.len().saturating_sub(STDERR_KEEP);
    String::from_utf8_lossy(&bytes[start..]).trim().to_string()
}
