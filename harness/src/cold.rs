//! The cold-start scenario: the serverless path, a fresh process per request
//! that loads the function, instantiates it, runs it, and writes the first
//! byte of the response. Timed from just before the spawn until that first
//! byte reaches the harness, and until the process has exited.
//!
//! The process is never wasm-arena: each runtime id names its host program
//! ([`ColdHost`]): one of `hosts/` (one runtime linked, nothing else), node
//! with `hosts/node.mjs`, or the workload's native twin. Where the runtime
//! has a precompiled artifact, the `precompiled` variant loads it as a
//! platform would (made once, beforehand, untimed); the `source` variant
//! compiles the `.wasm` at every start. The host's own report adds where the
//! time went (spawn to its `main`, load, instantiate) and its own peak
//! resident size.
//!
//! Spawns use `posix_spawn` with a [`ReportPipe::named`] pipe: a `fork` of the
//! harness would copy its page tables, a cost that grows with the harness and
//! that no platform pays. Requests run one after another from this thread.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use wasm_arena_adapters::child::{self, Input, Options, Output, ReportPipe, Status as Exit};
use wasm_arena_adapters::container::{
    self, Container, Escape, Grant, ImageRecord, Isolation, Place,
};
use wasm_arena_adapters::registry::{ColdHost, RuntimeDescriptor};
use wasm_arena_adapters::{Interface, RunError, native, v8};

use crate::catalog::{OUTPUT_DIR, Workload};
use crate::results::{MemoryFigure, Status};
use crate::scenario::{Latency, Scenario, ScenarioCell};

/// The node host, written next to the artifacts of each cell that uses it.
const NODE_HOST: &str = include_str!("../../hosts/node.mjs");

/// How the module reaches the fresh process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// The runtime's precompiled artifact (made once beforehand, untimed).
    Precompiled,
    /// The `.wasm`, compiled (or translated) at every start.
    Source,
    /// A native program: the workload's twin.
    Binary,
    /// The twin in a container image, started by runc.
    Image,
}

impl Variant {
    pub fn name(self) -> &'static str {
        match self {
            Variant::Precompiled => "precompiled",
            Variant::Source => "source",
            Variant::Binary => "binary",
            Variant::Image => "image",
        }
    }
}

/// One (runtime, workload, variant) cold-start measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColdResult {
    pub variant: Variant,
    /// The command started per request (the harness's temporary paths
    /// shortened to their file names).
    pub command: String,
    /// The program started: the host binary, node or the twin, and its size.
    pub program: String,
    pub program_bytes: u64,
    /// The file loaded at each start (artifact, `.wasm` or twin) and its size.
    pub loaded_bytes: u64,
    /// Requests served, each checked against the workload's oracle.
    pub requests: u32,
    /// Spawn until the first byte of stdout reached the harness.
    pub first_byte: Latency,
    /// Spawn until the process had exited and was reaped.
    pub exit: Latency,
    /// Where the time went, from the host's own report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stages: Option<Stages>,
    /// The process's own peak resident size (VmHWM) per request.
    pub peak_rss: Option<MemoryFigure>,
    /// The container image the requests ran (variant `image`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageRecord>,
    /// What the container got, read back from a created one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolation: Option<Isolation>,
    /// The escape probes run as native code the way this variant runs the
    /// twin (variants `binary` and `image`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escapes: Option<Vec<Escape>>,
}

/// The host's own clock readings against the spawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stages {
    /// Spawn until the host's code began (exec, dynamic loading, the
    /// runtime's start-up; for a twin, its first constructor).
    pub start: Latency,
    /// Its code began until the module was ready (artifact mapped, or
    /// `.wasm` compiled); none for a twin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<Latency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instantiate: Option<Latency>,
}

/// What one cell's cold starts need from the run.
pub struct Job<'a> {
    pub runtime: &'a RuntimeDescriptor,
    pub workload: &'a Workload,
    pub requests: u32,
    /// The longest one start, or the artifact's compile, may take.
    pub timeout: Duration,
}

/// The variants an id is measured in, in report order.
pub fn variants(runtime: &RuntimeDescriptor) -> Vec<Variant> {
    match runtime.cold {
        ColdHost::Program {
            artifact: Ok(()), ..
        } => vec![Variant::Precompiled, Variant::Source],
        ColdHost::Program { .. } | ColdHost::Node => vec![Variant::Source],
        ColdHost::Twin => vec![Variant::Binary],
        ColdHost::Container(_) => vec![Variant::Image],
    }
}

/// Measures every variant of the cell; `served` is told of each request.
pub fn measure(job: &Job, served: &mut dyn FnMut()) -> Vec<ScenarioCell> {
    variants(job.runtime)
        .into_iter()
        .map(|variant| {
            let (status, error, cold) = match measure_variant(job, variant, served) {
                Ok(result) => (Status::Ok, None, Some(result)),
                Err((status, reason)) => (status, Some(reason), None),
            };
            ScenarioCell {
                runtime: job.runtime.id.into(),
                workload: job.workload.id.clone(),
                scenario: Scenario::Cold,
                status,
                error,
                warm: None,
                density: None,
                peak_rss_bytes: cold
                    .as_ref()
                    .and_then(|c| c.peak_rss.as_ref())
                    .map(|m| m.max_bytes),
                cold,
            }
        })
        .collect()
}

type Failure = (Status, String);

fn unsupported(reason: impl Into<String>) -> Failure {
    (Status::Unsupported, reason.into())
}

fn failed(reason: impl Into<String>) -> Failure {
    (Status::Failed, reason.into())
}

fn measure_variant(
    job: &Job,
    variant: Variant,
    served: &mut dyn FnMut(),
) -> Result<ColdResult, Failure> {
    if job.workload.plugin.is_some() {
        return Err(unsupported(
            "a plugin is a reactor the host calls, not a command a process runs: cold start \
             runs commands",
        ));
    }
    let interface =
        std::fs::read(&job.workload.wasm).map_or(Interface::Preview1, |w| Interface::of(&w));
    if interface != Interface::Preview1 {
        return Err(unsupported(format!(
            "a {interface} component: the cold-start hosts (hosts/) load core modules only"
        )));
    }
    let scratch = tempfile::tempdir()
        .map_err(|e| failed(format!("cannot make a temporary directory: {e}")))?;
    let launch = Launch::new(job, variant, scratch.path())?;
    let mut first_byte = Vec::new();
    let mut exit = Vec::new();
    let mut peaks = Vec::new();
    let mut stages: Vec<Report> = Vec::new();
    for _ in 0..job.requests {
        let sample = launch.request(job)?;
        first_byte.push(sample.first_byte_ns);
        exit.push(sample.exit_ns);
        peaks.extend(sample.report.hwm.filter(|&b| b > 0));
        stages.push(sample.report);
        served();
    }
    Ok(ColdResult {
        variant,
        command: launch.describe(job.workload, scratch.path()),
        program: launch.program.display().to_string(),
        program_bytes: file_size(&launch.program),
        loaded_bytes: file_size(&launch.file),
        requests: job.requests,
        first_byte: Latency::new(first_byte).ok_or_else(|| failed("no request was served"))?,
        exit: Latency::new(exit).ok_or_else(|| failed("no request was served"))?,
        stages: Stages::new(&stages),
        peak_rss: (peaks.len() == stages.len())
            .then(|| MemoryFigure::new(peaks))
            .flatten(),
        image: launch.image().map(|built| built.record.clone()),
        // Where it cannot be read, the report says so.
        isolation: launch
            .image()
            .and_then(|built| container::isolation(built).ok()),
        escapes: launch
            .place()
            .and_then(|place| container::escapes(place).ok()),
    })
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| failed(format!("cannot read {}: {e}", path.display())))
}

/// An adapter's error as a cell's status and reason.
fn failure(error: RunError) -> Failure {
    match error {
        RunError::Unsupported(reason) => unsupported(reason),
        other => failed(other.to_string()),
    }
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// How each request of one variant is started.
struct Launch {
    program: PathBuf,
    /// Arguments before the grants: the host's verb and engine options.
    leading: Vec<OsString>,
    /// What the process loads: artifact, `.wasm`, or the twin itself.
    file: PathBuf,
    how: How,
}

/// What the program is.
enum How {
    /// A host program or node, given the grants as `--dir` options.
    Host,
    /// The twin, given its grants as links in its working directory.
    Twin,
    /// runc, starting the twin in a container of this image with its grants
    /// as bind mounts.
    Container(Box<container::Built>),
}

impl Launch {
    fn new(job: &Job, variant: Variant, scratch: &Path) -> Result<Launch, Failure> {
        let wasm = &job.workload.wasm;
        match job.runtime.cold {
            ColdHost::Program {
                bin,
                options,
                artifact,
            } => {
                let program = host_program(bin, job.runtime.feature)?;
                let mut leading: Vec<OsString> = vec!["run".into()];
                leading.extend(options.iter().map(OsString::from));
                let file = match variant {
                    Variant::Precompiled => {
                        artifact.map_err(unsupported)?;
                        leading.push("--precompiled".into());
                        compile(&program, options, wasm, scratch, job.timeout)?
                    }
                    _ => wasm.clone(),
                };
                Ok(Launch {
                    program,
                    leading,
                    file,
                    how: How::Host,
                })
            }
            ColdHost::Node => {
                let program = v8::node().map_err(|e| unsupported(e.to_string()))?;
                let script = scratch.join("node.mjs");
                std::fs::write(&script, NODE_HOST)
                    .map_err(|e| failed(format!("cannot write {}: {e}", script.display())))?;
                Ok(Launch {
                    program,
                    leading: vec!["--no-warnings".into(), script.into(), "run".into()],
                    file: wasm.clone(),
                    how: How::Host,
                })
            }
            ColdHost::Twin => {
                let program = native::twin(&read(wasm)?).map_err(failure)?;
                Ok(Launch {
                    file: program.clone(),
                    program,
                    leading: Vec::new(),
                    how: How::Twin,
                })
            }
            ColdHost::Container(kind) => {
                let built = container::prepare(kind, &read(wasm)?).map_err(failure)?;
                Ok(Launch {
                    program: container::runc().map_err(failure)?,
                    leading: Vec::new(),
                    file: built.rootfs.join(built.entry.trim_start_matches('/')),
                    how: How::Container(Box::new(built)),
                })
            }
        }
    }

    /// Where the twin runs, for the escape probes.
    fn place(&self) -> Option<Place> {
        match (&self.how, self.image()) {
            (How::Twin, _) => Some(Place::Native),
            (How::Container(_), Some(built)) => Some(Place::Container(built.kind)),
            _ => None,
        }
    }

    fn image(&self) -> Option<&container::Built> {
        match &self.how {
            How::Container(built) => Some(built),
            _ => None,
        }
    }

    /// The command of one request, with `output` as the guest's `/output`,
    /// and the container it starts, if it starts one.
    fn command(
        &self,
        workload: &Workload,
        workdir: &Path,
        output: Option<&Path>,
    ) -> Result<(Command, Option<Container>), Failure> {
        let grants = workload
            .dirs
            .iter()
            .map(|d| (d.host.as_path(), d.guest.as_str(), d.read_only))
            .chain(output.map(|dir| (dir, OUTPUT_DIR, false)));
        if let How::Container(built) = &self.how {
            let grants: Vec<Grant> = grants
                .map(|(host, guest, read_only)| Grant {
                    host,
                    guest,
                    read_only,
                })
                .collect();
            let container =
                Container::new(built, &workload.args, &workload.env, &grants).map_err(failure)?;
            return Ok((container.command(), Some(container)));
        }
        let mut command = Command::new(&self.program);
        command.env_clear().current_dir(workdir);
        if matches!(self.how, How::Twin) {
            // A twin has no sandbox: its grants are links in its working
            // directory, which the workloads open by relative path (as the
            // native adapter grants them).
            if let Some(argv0) = workload.args.first() {
                command.arg0(argv0);
            }
            command
                .args(workload.args.iter().skip(1))
                .envs(workload.env.iter().map(|(k, v)| (k, v)));
            return Ok((command, None));
        }
        command.args(&self.leading);
        for (host, guest, read_only) in grants {
            let mode = if read_only { "::ro" } else { "" };
            command
                .arg("--dir")
                .arg(format!("{}::{guest}{mode}", host.display()));
        }
        for (key, value) in &workload.env {
            command.arg("--env").arg(format!("{key}={value}"));
        }
        command.arg(&self.file).args(&workload.args);
        Ok((command, None))
    }

    /// The command as a user would type it, for the results.
    fn describe(&self, workload: &Workload, scratch: &Path) -> String {
        let program = self.program.file_name().unwrap_or_default();
        let Ok((command, container)) = self.command(workload, scratch, None) else {
            return program.to_string_lossy().into_owned();
        };
        if let (Some(built), Some(_)) = (self.image(), container) {
            // The bundle and the id are made afresh for every request.
            let args = workload.args.iter().skip(1).map(String::as_str);
            let program = std::iter::once(built.entry.as_str()).chain(args);
            return format!(
                "runc run --bundle BUNDLE --preserve-fds 1 ID (BUNDLE/config.json: {} in image {})",
                program.collect::<Vec<_>>().join(" "),
                built.record.tag
            );
        }
        std::iter::once(program.to_string_lossy().into_owned())
            .chain(command.get_args().map(|arg| {
                let arg = arg.to_string_lossy();
                match arg.strip_prefix(&*scratch.to_string_lossy()) {
                    Some(rest) => rest.trim_start_matches('/').to_string(),
                    None => arg.into_owned(),
                }
            }))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn request(&self, job: &Job) -> Result<Sample, Failure> {
        let workload = job.workload;
        let workdir = tempfile::tempdir()
            .map_err(|e| failed(format!("cannot make a working directory: {e}")))?;
        let output = workload.output.then(|| workdir.path().join("output"));
        if let Some(dir) = &output {
            std::fs::create_dir(dir).map_err(|e| failed(format!("cannot make /output: {e}")))?;
        }
        if matches!(self.how, How::Twin) {
            for dir in &workload.dirs {
                let link = workdir.path().join(dir.guest.trim_start_matches('/'));
                let made = link
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::os::unix::fs::symlink(&dir.host, &link));
                made.map_err(|e| failed(format!("cannot map {}: {e}", dir.guest)))?;
            }
        }
        // Kept until the request is over: dropping it removes the container.
        let (command, _container) = self.command(workload, workdir.path(), output.as_deref())?;
        // runc passes fd 3 into the container; everything else is spawned
        // without a fork of the harness, finding its pipe by name.
        let report = match self.how {
            How::Container(_) => ReportPipe::new(),
            _ => ReportPipe::named(),
        }
        .map_err(|e| failed(format!("cannot make the report pipe: {e}")))?;
        let options = Options {
            stdin: match workload.stdin.is_empty() {
                true => Input::Null,
                false => Input::Bytes(workload.stdin.clone()),
            },
            stdout: Output::Read,
            report: Some(report),
            die_with_parent: false,
        };
        let spawned_ns = monotonic_ns();
        let begin = Instant::now();
        let deadline = Some(begin + job.timeout);
        let mut process = child::spawn(command, options)
            .map_err(|e| failed(format!("cannot start {}: {e}", self.program.display())))?;
        let timed_out = || {
            (
                Status::Timeout,
                format!("no exit within {:.1} s", job.timeout.as_secs_f64()),
            )
        };
        let wrote = match process.stdout().wait_output(deadline) {
            Ok(wrote) => wrote,
            Err(child::Waited::Deadline) => return Err(timed_out()),
            Err(child::Waited::Io(e)) => return Err(failed(format!("cannot read stdout: {e}"))),
        };
        let first = begin.elapsed();
        let stdout = process.stdout().read_to_end(deadline);
        let report = process.report().read_to_end(deadline);
        let (stdout, report) = match (stdout, report) {
            (Ok(stdout), Ok(report)) => (stdout, report),
            (Err(child::Waited::Deadline), _) | (_, Err(child::Waited::Deadline)) => {
                return Err(timed_out());
            }
            (Err(child::Waited::Io(e)), _) | (_, Err(child::Waited::Io(e))) => {
                return Err(failed(format!("cannot read the process's output: {e}")));
            }
        };
        let ended = process
            .reap()
            .map_err(|e| failed(format!("cannot wait for the process: {e}")))?;
        let exited = begin.elapsed();
        let stderr = process.take_stderr();
        let code = match ended.status {
            Exit::Code(code) => code,
            Exit::Signal(signal) => {
                return Err((
                    Status::Crashed,
                    format!(
                        "killed by {}; stderr: {}",
                        wasm_arena_adapters::signal_name(signal),
                        String::from_utf8_lossy(&stderr).trim()
                    ),
                ));
            }
        };
        workload
            .expect
            .check(code, &stdout, &stderr, output.as_deref())
            .map_err(failed)?;
        if !wrote {
            return Err(unsupported(
                "the workload writes nothing to stdout: cold start is timed to the first byte \
                 of the response",
            ));
        }
        Ok(Sample {
            first_byte_ns: nanos(first),
            exit_ns: nanos(exited),
            report: Report::parse(&report, spawned_ns),
        })
    }
}

/// Finds a host program beside wasm-arena's own binary.
fn host_program(bin: &str, feature: &str) -> Result<PathBuf, Failure> {
    let exe = std::env::current_exe()
        .map_err(|e| failed(format!("cannot tell where wasm-arena runs from: {e}")))?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    let path = dir.join(bin);
    if path.is_file() {
        return Ok(path);
    }
    Err(unsupported(format!(
        "the cold-start host `{bin}` is not built beside {} (`cargo run` builds only \
         wasm-arena): build it with `cargo build --release --features {feature} --bins`",
        exe.display()
    )))
}

/// Makes the runtime's precompiled artifact with the host's own `compile`.
fn compile(
    program: &Path,
    options: &[&str],
    wasm: &Path,
    scratch: &Path,
    timeout: Duration,
) -> Result<PathBuf, Failure> {
    let artifact = scratch.join("artifact");
    let mut command = Command::new(program);
    command
        .arg("compile")
        .args(options)
        .arg(wasm)
        .arg(&artifact)
        .env_clear();
    let options = Options {
        stdin: Input::Null,
        stdout: Output::Read,
        report: None,
        die_with_parent: true,
    };
    let mut process = child::spawn(command, options)
        .map_err(|e| failed(format!("cannot start {}: {e}", program.display())))?;
    // Its stdout closes when it exits.
    match process.stdout().read_to_end(Some(Instant::now() + timeout)) {
        Ok(_) => {}
        Err(child::Waited::Deadline) => {
            return Err((
                Status::Timeout,
                format!(
                    "making the precompiled artifact took over {:.1} s",
                    timeout.as_secs_f64()
                ),
            ));
        }
        Err(child::Waited::Io(e)) => {
            return Err(failed(format!("cannot wait for the compile: {e}")));
        }
    }
    let ended = process
        .reap()
        .map_err(|e| failed(format!("cannot wait for the compile: {e}")))?;
    if ended.status == Exit::Code(0) {
        return Ok(artifact);
    }
    Err(failed(format!(
        "making the precompiled artifact failed: {}",
        String::from_utf8_lossy(&process.take_stderr()).trim()
    )))
}

struct Sample {
    first_byte_ns: u64,
    exit_ns: u64,
    report: Report,
}

/// The host's report line (hosts/common.rs; the twin's shim), against the
/// spawn. A field the host did not report, or reported as 0, is `None`.
#[derive(Debug, Default, PartialEq)]
struct Report {
    start: Option<u64>,
    load: Option<u64>,
    instantiate: Option<u64>,
    hwm: Option<u64>,
}

impl Report {
    fn parse(line: &[u8], spawned_ns: u64) -> Report {
        let text = String::from_utf8_lossy(line);
        let field = |key: &str| {
            text.split_whitespace()
                .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|&v| v > 0)
        };
        // A host reports its `main` and the stages after it; a twin's shim
        // only its first constructor, as `loaded`.
        let (main, loaded, instantiated) = match field("main") {
            Some(main) => (Some(main), field("loaded"), field("instantiated")),
            None => (field("loaded"), None, None),
        };
        Report {
            start: main.and_then(|m| m.checked_sub(spawned_ns)),
            load: main.zip(loaded).and_then(|(m, l)| l.checked_sub(m)),
            instantiate: loaded.zip(instantiated).and_then(|(l, i)| i.checked_sub(l)),
            hwm: field("hwm"),
        }
    }
}

impl Stages {
    /// The stages every request reported; `None` when any start is missing.
    fn new(reports: &[Report]) -> Option<Stages> {
        let all = |pick: fn(&Report) -> Option<u64>| {
            reports
                .iter()
                .map(pick)
                .collect::<Option<Vec<u64>>>()
                .and_then(Latency::new)
        };
        Some(Stages {
            start: all(|r| r.start)?,
            load: all(|r| r.load),
            instantiate: all(|r| r.instantiate),
        })
    }
}

/// CLOCK_MONOTONIC, the clock of the hosts' reports.
fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is handed.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_report_splits_the_start_into_stages() {
        let report = Report::parse(b"main=1100 loaded=1500 instantiated=1600 hwm=4096\n", 1000);
        assert_eq!(
            report,
            Report {
                start: Some(100),
                load: Some(400),
                instantiate: Some(100),
                hwm: Some(4096),
            }
        );
    }

    #[test]
    fn a_twin_report_gives_the_start_and_the_peak_only() {
        let report = Report::parse(b"loaded=1300 start=0 end=0 exited=1900 hwm=8192\n", 1000);
        assert_eq!(
            report,
            Report {
                start: Some(300),
                load: None,
                instantiate: None,
                hwm: Some(8192),
            }
        );
    }

    #[test]
    fn a_host_not_built_is_unsupported_with_the_command_that_builds_it() {
        let Err((status, reason)) = host_program("wasm-arena-cold-nothing", "wasmer") else {
            panic!("found a host that does not exist");
        };
        assert_eq!(status, Status::Unsupported);
        assert!(
            reason.contains("`wasm-arena-cold-nothing` is not built beside")
                && reason.contains("cargo build --release --features wasmer --bins"),
            "{reason}"
        );
    }

    #[test]
    fn a_missing_or_garbled_report_gives_nothing() {
        assert_eq!(Report::parse(b"", 1000), Report::default());
        assert_eq!(Report::parse(b"main=x hwm=0", 1000), Report::default());
        // A clock reading before the spawn is not a duration.
        assert_eq!(Report::parse(b"main=900", 1000).start, None);
    }
}
