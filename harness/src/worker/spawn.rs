//! The parent side of a worker: spawn `wasm-arena worker`, hand it a job,
//! collect its events, enforce the time limit by killing it, and read what
//! the kernel knows about it (exit status or signal, rusage).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::job::{Event, Task};

/// How often the parent looks at the interrupt flag while a worker runs.
const POLL: Duration = Duration::from_millis(50);
/// Most worker stderr kept for error messages.
const STDERR_KEEP: usize = 4096;

/// What the kernel reports about a finished worker (`getrusage`/`wait4`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub user_ns: u64,
    pub sys_ns: u64,
    pub max_rss_bytes: u64,
    pub minor_faults: u64,
    pub major_faults: u64,
}

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

/// Runs `task` in a child `exe worker`. The child gets `limit` to make each
/// iteration's progress; past that it is killed.
pub fn run_worker(
    exe: &Path,
    task: &Task,
    limit: Duration,
    interrupted: &AtomicBool,
    mut on_event: impl FnMut(&Event),
) -> Result<WorkerRun> {
    let spawned_at = Instant::now();
    let mut child = Command::new(exe)
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group: Ctrl-C reaches the harness only, which then
        // decides what happens to the worker.
        .process_group(0)
        .spawn()
        .with_context(|| format!("cannot start the worker {}", exe.display()))?;
    let pid = child.id() as libc::pid_t;

    let mut stdin = child.stdin.take().expect("piped stdin");
    let task_json = serde_json::to_vec(task)?;
    // From a thread: a task with large stdin bytes must not block the parent,
    // whose clock has to keep running. A worker that dies before reading its
    // task shows up in its exit status.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&task_json);
    });

    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut stderr_pipe = child.stderr.take().expect("piped stderr");
    let stderr_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut buf);
        buf
    });

    let mut events = Vec::new();
    let mut spawn_ns = None;
    let mut deadline = Instant::now() + limit;
    let mut killed: Option<Exit> = None;
    loop {
        if interrupted.load(Ordering::SeqCst) {
            kill(pid);
            killed = Some(Exit::Interrupted);
            break;
        }
        let now = Instant::now();
        if now >= deadline {
            kill(pid);
            let after = limit.as_nanos().try_into().unwrap_or(u64::MAX);
            killed = Some(Exit::TimedOut { after_ns: after });
            break;
        }
        match rx.recv_timeout(POLL.min(deadline - now)) {
            Ok(line) => {
                let event: Event = match serde_json::from_str(&line) {
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
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }

    let (status, usage) = wait4(pid)?;
    // The child is reaped; std must not wait on it again.
    std::mem::forget(child);
    let _ = reader.join();
    let _ = writer.join();
    let stderr_bytes = stderr_reader.join().unwrap_or_default();
    let exit = killed.unwrap_or_else(|| exit_of(status));
    Ok(WorkerRun {
        events,
        exit,
        usage,
        spawn_ns,
        stderr: tail(&stderr_bytes),
    })
}

fn kill(pid: libc::pid_t) {
    // SAFETY: plain syscall; `pid` is our unreaped child, so it cannot have
    // been recycled for another process.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
}

fn wait4(pid: libc::pid_t) -> Result<(ExitStatus, Usage)> {
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid value of a plain C struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals; waits for our own child.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
        if r == pid {
            break;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err).context("waiting for the worker");
        }
    }
    let tv_ns = |tv: libc::timeval| tv.tv_sec as u64 * 1_000_000_000 + tv.tv_usec as u64 * 1_000;
    let usage = Usage {
        user_ns: tv_ns(ru.ru_utime),
        sys_ns: tv_ns(ru.ru_stime),
        // Linux reports ru_maxrss in KiB.
        max_rss_bytes: ru.ru_maxrss as u64 * 1024,
        minor_faults: ru.ru_minflt as u64,
        major_faults: ru.ru_majflt as u64,
    };
    Ok((ExitStatus::from_raw(status), usage))
}

fn exit_of(status: ExitStatus) -> Exit {
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code { code },
        (None, Some(signal)) => Exit::Signal {
            signal,
            name: wasm_arena_adapters::signal_name(signal),
        },
        (None, None) => Exit::Code { code: -1 },
    }
}

fn tail(bytes: &[u8]) -> String {
    let start = bytes.len().saturating_sub(STDERR_KEEP);
    String::from_utf8_lossy(&bytes[start..]).trim().to_string()
}
