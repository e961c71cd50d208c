use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::child::{self, Input, Options, Output, ReportPipe, Status, Waited};
use crate::{
    Capability, Instance, Module, PluginCalls, Resident, RunError, RunOutcome, Runtime,
    RuntimeDescriptor, RuntimeInfo, TimedRegion, WasiSpec,
};

mod built {
    include!(concat!(env!("OUT_DIR"), "/native_twins.rs"));
}

pub(super) struct Native {
    descriptor: RuntimeDescriptor,
}

impl Native {
    pub(super) fn boxed(descriptor: &RuntimeDescriptor) -> Result<Box<dyn Runtime>, RunError> {
        Ok(Box::new(Native {
            descriptor: *descriptor,
        }))
    }
}

impl Runtime for Native {
    fn info(&self) -> RuntimeInfo {
        let mut settings: BTreeMap<String, String> = built::TOOLCHAIN
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        settings.insert("process".into(), "one per run (out of process)".into());
        settings.insert("time_budget".into(), "SIGKILL at the deadline".into());
        let mut info = self.descriptor.info(settings);
        info.unsupported = BTreeMap::from([
            (
                Capability::MemoryCap,
                "native code has no sandbox to cap its memory".into(),
            ),
            (
                Capability::ReadOnlyPreopens,
                "native code has no sandbox: a grant is a symlink to the host directory".into(),
            ),
            (
                Capability::Precompile,
                "native twins are built by cargo; there is no artifact to load".into(),
            ),
            (
                Capability::SharedHost,
                "a native twin is a program, one process per run: it has no instances to keep \
                 in a host"
                    .into(),
            ),
        ]);
        info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Module>, RunError> {
        Ok(Box::new(Twin { path: path(wasm)? }))
    }

    fn precompile(&self, _wasm: &[u8]) -> Result<Option<Vec<u8>>, RunError> {
        Ok(None)
    }

    fn load_precompiled(&self, _artifact: &[u8]) -> Result<Box<dyn Module>, RunError> {
        Err(RunError::Unsupported(
            "native twins are built by cargo; there is no artifact to load".into(),
        ))
    }
}

/// Whether cargo built the twins.
fn built() -> Result<(), RunError> {
    match built::BUILD_ERROR {
        Some(error) => Err(RunError::Unsupported(format!(
            "the native twins were not built when cargo built wasm-arena: {error}"
        ))),
        None => Ok(()),
    }
}

/// The twin built for this module.
pub(crate) fn path(wasm: &[u8]) -> Result<PathBuf, RunError> {
    built()?;
    let digest = hex::encode(Sha256::digest(wasm));
    built::TWINS
        .iter()
        .find(|(sha, _)| *sha == digest)
        .map(|(_, path)| PathBuf::from(path))
        .ok_or_else(|| {
            RunError::Unsupported(format!(
                "no native twin for this module (sha256 {digest}): only the catalog's C and \
                 Rust workloads, as committed, have one"
            ))
        })
}

/// A program built with the twins that is not one (`escape`), and its
/// statically linked copy.
pub(crate) fn companion(name: &str) -> Result<(PathBuf, PathBuf), RunError> {
    built()?;
    let dir = built::TWINS
        .first()
        .and_then(|(_, path)| Path::new(path).parent())
        .ok_or_else(|| RunError::Unsupported("no native twins were built".into()))?;
    let (program, fixed) = (dir.join(name), dir.join("static").join(name));
    match program.is_file() && fixed.is_file() {
        true => Ok((program, fixed)),
        false => Err(RunError::Unsupported(format!(
            "{} was not built with the twins (scripts/build-workloads.sh --native builds it)",
            program.display()
        ))),
    }
}

struct Twin {
    path: PathBuf,
}

impl Module for Twin {
    fn instantiate(&self, wasi: &WasiSpec) -> Result<Box<dyn Instance>, RunError> {
        let workdir = tempfile::tempdir()
            .map_err(|e| RunError::Instantiate(format!("cannot make a working directory: {e}")))?;
        for preopen in &wasi.preopens {
            let relative = preopen.guest.trim_start_matches('/');
            if relative.is_empty() || relative.split('/').any(|part| part == "..") {
                return Err(RunError::Unsupported(format!(
                    "a native twin cannot be granted `{}`: preopens become directories under \
                     its working directory",
                    preopen.guest
                )));
            }
            let link = workdir.path().join(relative);
            let made = link
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::os::unix::fs::symlink(&preopen.host, &link));
            made.map_err(|e| {
                RunError::Instantiate(format!(
                    "cannot map {} to {}: {e}",
                    preopen.guest,
                    link.display()
                ))
            })?;
        }
        Ok(Box::new(TwinInstance {
            path: self.path.clone(),
            wasi: wasi.clone(),
            workdir,
        }))
    }
}

struct TwinInstance {
    path: PathBuf,
    wasi: WasiSpec,
    workdir: tempfile::TempDir,
}

impl Instance for TwinInstance {
    fn run(&mut self) -> Result<RunOutcome, RunError> {
        let command = self.command(&self.wasi.args);
        run(
            command,
            &self.wasi.stdin,
            self.wasi.limits.time_budget,
            "the twin",
        )
    }

    fn call_plugin(&mut self, plugin: &PluginCalls) -> Result<RunOutcome, RunError> {
        let command = self.command(&plugin_args(&self.wasi, plugin));
        let outcome = run(
            command,
            &plugin.input,
            self.wasi.limits.time_budget,
            "the twin",
        );
        outcome.map(plugin_outcome)
    }
}

impl TwinInstance {
    fn command(&self, args: &[String]) -> Command {
        let mut command = Command::new(&self.path);
        if let Some(argv0) = args.first() {
            command.arg0(argv0);
        }
        command
            .args(args.iter().skip(1))
            .env_clear()
            .envs(self.wasi.env.iter().map(|(k, v)| (k, v)))
            .current_dir(self.workdir.path());
        command
    }
}

/// The twin of a plugin workload runs the host's loop itself, with `memcpy`
/// in and out: `argv[1]` is the number of calls and stdin the first input.
pub(crate) fn plugin_args(wasi: &WasiSpec, plugin: &PluginCalls) -> Vec<String> {
    let argv0 = wasi.args.first().cloned().unwrap_or_default();
    vec![argv0, plugin.calls.to_string()]
}

/// A plugin twin's outcome: its markers bracket exactly the loop of calls.
pub(crate) fn plugin_outcome(mut outcome: RunOutcome) -> RunOutcome {
    if outcome.region == TimedRegion::Markers {
        outcome.region = TimedRegion::PluginCalls;
    }
    outcome
}

/// Runs a twin's `command` (the twin itself, or a container that runs it)
/// with the report pipe as its fd 3, and reads the shim's report: the
/// execute time, the twin's own peak, its output and exit code. `what` names
/// the process in errors.
pub(crate) fn run(
    command: Command,
    stdin: &[u8],
    budget: Option<Duration>,
    what: &str,
) -> Result<RunOutcome, RunError> {
    let report = ReportPipe::new().map_err(|e| other("cannot make the timing pipe", e))?;
    let program = command.get_program().to_string_lossy().into_owned();
    let options = Options {
        stdin: Input::Bytes(stdin.to_vec()),
        stdout: Output::Collect,
        report: Some(report),
        die_with_parent: false,
    };
    let begin = Instant::now();
    let mut twin =
        child::spawn(command, options).map_err(|e| other(&format!("cannot start {program}"), e))?;

    let line = match twin.report().read_to_end(budget.map(|b| begin + b)) {
        Ok(line) => line,
        Err(Waited::Deadline) => {
            twin.kill();
            twin.reap()
                .map_err(|e| other(&format!("cannot wait for {what}"), e))?;
            // Only a budget sets a deadline.
            return Err(RunError::TimeBudget(budget.unwrap_or_default()));
        }
        Err(Waited::Io(e)) => return Err(other("cannot read the timing report", e)),
    };
    let ended = twin
        .reap()
        .map_err(|e| other(&format!("cannot wait for {what}"), e))?;
    let stdout = twin.take_stdout();
    let stderr = twin.take_stderr();

    let exit_code = match ended.status {
        Status::Signal(signal) => {
            return Err(RunError::Trap(format!(
                "{what} was killed by {}",
                crate::signal_name(signal)
            )));
        }
        Status::Code(code) => code,
    };
    let report = Report::parse(&line).ok_or_else(|| {
        RunError::Other(format!(
            "{what} exited with code {exit_code} without a timing report from the shim \
             (got {:?}; stderr: {})",
            String::from_utf8_lossy(&line),
            String::from_utf8_lossy(&stderr).trim()
        ))
    })?;
    let (region, execute) = report.region();
    Ok(RunOutcome {
        exit_code,
        stdout,
        stderr,
        execute,
        region,
        memory_refused: None,
        // The twin's own VmHWM: it has no compile or instantiate phase, and
        // it ran nothing before the program.
        resident: Some(Resident {
            execute_peak: report.hwm,
            peak: report.hwm,
            ..Resident::default()
        }),
        linear_memory_bytes: None,
    })
}

/// The shim's line: `loaded=NS start=NS end=NS exited=NS` (CLOCK_MONOTONIC)
/// `hwm=BYTES` (0: the twin could not read it).
#[derive(Debug, PartialEq)]
struct Report {
    loaded: u64,
    start: u64,
    end: u64,
    exited: u64,
    hwm: Option<u64>,
}

impl Report {
    fn parse(line: &[u8]) -> Option<Report> {
        let text = std::str::from_utf8(line).ok()?.trim_end();
        let mut fields = BTreeMap::new();
        for pair in text.split(' ') {
            let (key, value) = pair.split_once('=')?;
            fields.insert(key, value.parse::<u64>().ok()?);
        }
        let report = Report {
            loaded: *fields.get("loaded")?,
            start: *fields.get("start")?,
            end: *fields.get("end")?,
            exited: *fields.get("exited")?,
            hwm: Some(*fields.get("hwm")?).filter(|&bytes| bytes > 0),
        };
        (fields.len() == 5).then_some(report)
    }

    /// The markers' region when both were reached in order, else the whole
    /// life of the program from load to exit, as the Wasm adapters do.
    fn region(&self) -> (TimedRegion, Duration) {
        if self.start != 0 && self.end >= self.start {
            (
                TimedRegion::Markers,
                Duration::from_nanos(self.end - self.start),
            )
        } else {
            (
                TimedRegion::WholeStart,
                Duration::from_nanos(self.exited.saturating_sub(self.loaded)),
            )
        }
    }
}

fn other(what: &str, error: impl std::fmt::Display) -> RunError {
    RunError::Other(format!("{what}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shim_report_is_parsed_and_its_region_chosen() {
        let marked = Report::parse(b"loaded=100 start=150 end=400 exited=500 hwm=4096\n").unwrap();
        assert_eq!(
            marked.region(),
            (TimedRegion::Markers, Duration::from_nanos(250))
        );
        assert_eq!(marked.hwm, Some(4096));
        let unmarked = Report::parse(b"loaded=100 start=0 end=0 exited=500 hwm=0\n").unwrap();
        assert_eq!(unmarked.hwm, None, "0: unknown");
        assert_eq!(
            unmarked.region(),
            (TimedRegion::WholeStart, Duration::from_nanos(400))
        );
        // A twin that called start but never end is timed whole.
        let unfinished = Report::parse(b"loaded=100 start=150 end=0 exited=500 hwm=1").unwrap();
        assert_eq!(unfinished.region().0, TimedRegion::WholeStart);
    }

    #[test]
    fn anything_but_a_complete_report_is_refused() {
        for line in [
            &b""[..],
            b"loaded=1 start=2 end=3",
            b"loaded=1 start=2 end=3 exited=x",
            b"loaded=1 start=2 end=3 exited=4",
            b"loaded=1 start=2 end=3 exited=4 hwm=5 extra=6",
            b"garbage",
        ] {
            assert_eq!(Report::parse(line), None, "{line:?}");
        }
    }
}
