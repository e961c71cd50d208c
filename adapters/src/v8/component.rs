//! WASI components on V8, through jco: the component is transpiled to
//! JavaScript and core modules (the compile phase), and each instance is a
//! node that imports them with jco's WASI shims as its host
//! (`component.mjs`), as the official wasi-testsuite's jco adapter does.
//! jco is an npm package: `scripts/install-jco.sh` puts it in `target/jco`,
//! or where `WASM_ARENA_JCO` says.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::node::{Launcher, other};
use crate::child::{self, Input, Options, Output, ReportPipe, Status, Waited};
use crate::{Instance, Module, PluginCalls, RunError, RunOutcome, StdinEnd, TimedRegion, WasiSpec};

/// The script each node runs, written beside the transpiled component.
const RUNNER: &str = include_str!("component.mjs");

/// The environment variable naming the directory whose `node_modules` holds
/// jco and its shims.
pub const JCO_ENV: &str = "WASM_ARENA_JCO";

/// Where jco is installed, or why it cannot be used.
pub(super) fn jco() -> Result<PathBuf, String> {
    let dir = std::env::var_os(JCO_ENV).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/jco"),
        PathBuf::from,
    );
    let modules = dir.join("node_modules");
    if modules.join("@bytecodealliance/jco-transpile").is_dir() {
        Ok(modules)
    } else {
        Err(format!(
            "jco is not installed in {} (run scripts/install-jco.sh, or set {JCO_ENV})",
            dir.display()
        ))
    }
}

/// Transpiles `wasm` with jco in a directory of its own, which every
/// instance's node then runs from.
pub(super) fn compile(launcher: &Launcher, wasm: &[u8]) -> Result<Box<dyn Module>, RunError> {
    let modules = jco().map_err(RunError::Unsupported)?;
    let dir = tempfile::tempdir().map_err(|e| other("cannot make a directory for jco", e))?;
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.path().join(name), bytes)
            .map_err(|e| other(&format!("cannot write {name} for jco"), e))
    };
    write("component.wasm", wasm)?;
    write("component.mjs", RUNNER.as_bytes())?;
    // The transpiled modules import the shims by package name.
    write("package.json", br#"{"type":"module"}"#)?;
    std::os::unix::fs::symlink(&modules, dir.path().join("node_modules"))
        .map_err(|e| other("cannot link jco's node_modules", e))?;

    let began = Instant::now();
    let mut command = launcher.command(&dir);
    command.args(["transpile", "component.wasm"]);
    let transpiled = command
        .output()
        .map_err(|e| other("cannot start node to transpile", e))?;
    let compiled = began.elapsed();
    if !transpiled.status.success() {
        // Node's last words name the error; above them is the stack.
        let said = String::from_utf8_lossy(&transpiled.stderr);
        let error = said
            .lines()
            .find(|l| l.contains("Error"))
            .unwrap_or(said.trim());
        return Err(RunError::Other(format!("jco cannot transpile it: {error}")));
    }
    Ok(Box::new(Transpiled {
        launcher: launcher.clone(),
        dir: Arc::new(dir),
        compiled,
    }))
}

impl Launcher {
    /// A node that runs `component.mjs` in `dir`, with nothing from the
    /// host's environment (the guest's is set inside).
    fn command(&self, dir: &TempDir) -> Command {
        let mut command = Command::new(&self.node);
        command
            .arg("--no-warnings")
            .arg(dir.path().join("component.mjs"))
            .current_dir(dir.path())
            .env_clear();
        command
    }
}

struct Transpiled {
    launcher: Launcher,
    /// The transpiled component, which instances run from and keep.
    dir: Arc<TempDir>,
    compiled: Duration,
}

impl Module for Transpiled {
    /// Nothing happens before the run: each run is a node of its own.
    fn instantiate(&self, wasi: &WasiSpec) -> Result<Box<dyn Instance>, RunError> {
        Ok(Box::new(ComponentRun {
            command: self.run_command(wasi)?,
            _dir: self.dir.clone(),
            stdin: wasi.stdin.clone(),
            stdin_end: wasi.stdin_end,
            budget: wasi.limits.time_budget,
            output: Default::default(),
        }))
    }

    fn compile_time(&self) -> Option<Duration> {
        Some(self.compiled)
    }
}

impl Transpiled {
    fn run_command(&self, wasi: &WasiSpec) -> Result<Command, RunError> {
        let json = |value: serde_json::Value| value.to_string();
        let mut preopens = serde_json::Map::new();
        for p in &wasi.preopens {
            let host = p.host.to_str().ok_or_else(|| {
                RunError::Instantiate(format!("{} is not UTF-8", p.host.display()))
            })?;
            preopens.insert(p.guest.clone(), host.into());
        }
        let mut command = self.launcher.command(&self.dir);
        command.args([
            "run".to_string(),
            json(wasi.args.clone().into()),
            json(serde_json::Value::Object(
                wasi.env
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().into()))
                    .collect(),
            )),
            json(serde_json::Value::Object(preopens)),
        ]);
        Ok(command)
    }
}

struct ComponentRun {
    command: Command,
    _dir: Arc<TempDir>,
    stdin: Vec<u8>,
    stdin_end: StdinEnd,
    budget: Option<Duration>,
    /// What the guest wrote, once it has run.
    output: (Vec<u8>, Vec<u8>),
}

impl Instance for ComponentRun {
    /// Runs the node; the execute time is between the guest's markers, or
    /// its call of `wasi:cli/run`, or the whole node when the guest exits
    /// through `wasi:cli/exit`.
    fn run(&mut self) -> Result<RunOutcome, RunError> {
        let report = ReportPipe::new().map_err(|e| other("cannot make the report pipe", e))?;
        let options = Options {
            stdin: match self.stdin_end {
                StdinEnd::Eof => Input::Bytes(std::mem::take(&mut self.stdin)),
                StdinEnd::Open => Input::Open(std::mem::take(&mut self.stdin)),
            },
            stdout: Output::Collect,
            report: Some(report),
            die_with_parent: true,
        };
        let command = std::mem::replace(&mut self.command, Command::new("false"));
        let began = Instant::now();
        let mut node = child::spawn(command, options).map_err(|e| other("cannot start node", e))?;
        let line = match node.report().read_to_end(self.budget.map(|b| began + b)) {
            Ok(line) => line,
            Err(Waited::Deadline) => {
                node.kill();
                node.reap().map_err(|e| other("cannot wait for node", e))?;
                return Err(RunError::TimeBudget(self.budget.unwrap_or_default()));
            }
            Err(Waited::Io(e)) => return Err(other("cannot read node's report", e)),
        };
        let ended = node.reap().map_err(|e| other("cannot wait for node", e))?;
        let whole = began.elapsed();
        self.output = (node.take_stdout(), node.take_stderr());
        let code = match ended.status {
            Status::Code(code) => code,
            Status::Signal(signal) => {
                return Err(RunError::Other(format!(
                    "node was killed by {}",
                    crate::signal_name(signal)
                )));
            }
        };
        let whole = (TimedRegion::WholeStart, whole);
        let (exit_code, (region, execute)) =
            match serde_json::from_slice::<serde_json::Value>(&line) {
                // The guest exited through wasi:cli/exit: node ended at once.
                Err(_) if line.is_empty() => (code, whole),
                Err(e) => return Err(other("node's report is not JSON", e)),
                Ok(report) => {
                    let region = match report["markers"].as_bool() {
                        Some(true) => TimedRegion::Markers,
                        _ => TimedRegion::WholeStart,
                    };
                    let timed = (
                        region,
                        Duration::from_nanos(report["nanos"].as_u64().unwrap_or_default()),
                    );
                    let message = report["message"].as_str().unwrap_or("").to_string();
                    match report["ended"].as_str() {
                        Some("ok") => (0, timed),
                        // `run` returned its error: the program failed.
                        Some("error") => (1, timed),
                        Some("trap") => {
                            let trap = RunError::Trap(message);
                            return Err(trap.with_last_stderr_line(&self.output.1));
                        }
                        _ => return Err(RunError::Other(format!("node or jco failed: {message}"))),
                    }
                }
            };
        Ok(RunOutcome {
            exit_code,
            stdout: self.output.0.clone(),
            stderr: self.output.1.clone(),
            execute,
            region,
            memory_refused: None,
            resident: Some(crate::Resident {
                peak: Some(ended.usage.max_rss_bytes),
                ..crate::Resident::default()
            }),
            linear_memory_bytes: None,
        })
    }

    fn call_plugin(&mut self, _plugin: &PluginCalls) -> Result<RunOutcome, RunError> {
        Err(RunError::Unsupported(
            "a plugin is a core module reactor; this is a command component".into(),
        ))
    }

    fn output(&mut self) -> (Vec<u8>, Vec<u8>) {
        self.output.clone()
    }
}
