//! Runs every test of every suite on every runtime, each in its own worker
//! process with its own fresh copy of its directories, several at a time:
//! conformance is about behaviour, not speed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use wasm_arena_adapters::{Limits, Preopen, RuntimeInfo, WasiSpec};

use super::expectations::{Expectations, ExpectedVerdict};
use super::matrix::{
    Matrix, SCHEMA_VERSION, Settings, SuiteRecord, TestRecord, TestResult, repository_relative,
};
use super::spec::{Suite, TestCase};
use super::verdict::{self, Observed, Verdict};
use crate::host::Host;
use crate::output::progress::Progress;
use crate::phase::Stage;
use crate::verify::sha256_hex;
use crate::worker::protocol::{Event, Observation, Task};
use crate::worker::{self, Exit};

/// How long past the time limit a worker may go silent before the harness
/// kills it: room for compiling and instantiating a test module (WasmEdge's
/// AOT compiler takes seconds for a Rust test) on a busy machine.
const KILL_GRACE: Duration = Duration::from_secs(30);
/// Most of a test's stdout or stderr kept in the matrix.
const STREAM_KEEP: usize = 4096;

pub struct Conformance<'a> {
    /// Where its worker processes come from.
    pub workers: &'a worker::Workers,
    pub suites: &'a [Suite],
    pub runtimes: Vec<RuntimeInfo>,
    /// Per runtime id.
    pub expectations: BTreeMap<String, Expectations>,
    pub settings: Settings,
    pub command: Vec<String>,
    pub interrupted: &'a AtomicBool,
}

/// One (runtime, test) to run.
struct Case<'a> {
    runtime: &'a RuntimeInfo,
    suite: &'a Suite,
    test: &'a TestCase,
}

impl Conformance<'_> {
    pub fn run(&self) -> Result<Matrix> {
        let started_at = chrono::Utc::now();
        let cases: Vec<Case> = self
            .suites
            .iter()
            .flat_map(|suite| suite.tests.iter().map(move |test| (suite, test)))
            .flat_map(|(suite, test)| {
                self.runtimes.iter().map(move |runtime| Case {
                    runtime,
                    suite,
                    test,
                })
            })
            .collect();
        let progress = Progress::counting(cases.len() as u64, "tests");
        let next = AtomicUsize::new(0);
        let results = Mutex::new(Vec::with_capacity(cases.len()));
        let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
        std::thread::scope(|scope| {
            for _ in 0..self.settings.jobs.max(1) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(case) = cases.get(i) else { break };
                        if self.interrupted.load(Ordering::SeqCst) {
                            break;
                        }
                        progress.start(&format!(
                            "{} · {}/{}",
                            case.runtime.id, case.suite.name, case.test.name
                        ));
                        match self.run_case(case) {
                            Ok(Some(result)) => results.lock().expect("results").push((i, result)),
                            Ok(None) => {}
                            Err(e) => {
                                failure.lock().expect("failure").get_or_insert(e);
                                self.interrupted.store(true, Ordering::SeqCst);
                            }
                        }
                        progress.advance(1);
                    }
                });
            }
        });
        progress.finish();
        if let Some(e) = failure.into_inner().expect("failure") {
            return Err(e);
        }
        let mut results = results.into_inner().expect("results");
        results.sort_by_key(|(i, _)| *i);
        let interrupted = self.interrupted.load(Ordering::SeqCst);
        Ok(Matrix {
            schema_version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            started_at,
            finished_at: (!interrupted).then(chrono::Utc::now),
            interrupted,
            command: self.command.clone(),
            settings: self.settings.clone(),
            host: Host::detect(),
            runtimes: self.runtimes.clone(),
            suites: self.suites.iter().map(suite_record).collect(),
            results: results.into_iter().map(|(_, r)| r).collect(),
        })
    }

    /// The case's result; `None` when the run was interrupted under it.
    fn run_case(&self, case: &Case) -> Result<Option<TestResult>> {
        let test_id = format!("{}/{}", case.suite.name, case.test.name);
        let result = |verdict, reason| TestResult {
            suite: case.suite.name.clone(),
            test: case.test.name.clone(),
            runtime: case.runtime.id.clone(),
            verdict,
            reason,
            observed: None,
            stdout: None,
            stderr: None,
            seconds: None,
        };
        if let Some(reason) = &case.test.spec.unsupported {
            return Ok(Some(result(Verdict::Skip, Some(reason.clone()))));
        }
        let lacking = case
            .test
            .required()
            .into_iter()
            .find_map(|c| case.runtime.unsupported.get(&c).map(|why| (c, why)));
        if let Some((capability, why)) = lacking {
            let reason = format!("needs {capability}, which {} lacks: {why}", case.runtime.id);
            return Ok(Some(result(Verdict::Skip, Some(reason))));
        }
        let expected = self
            .expectations
            .get(&case.runtime.id)
            .map_or(ExpectedVerdict::Pass, |e| e.get(&test_id));
        if let ExpectedVerdict::Skip(reason) = expected {
            return Ok(Some(result(Verdict::Skip, Some(reason.to_string()))));
        }

        let Some((observed, seconds)) = self.observe(case)? else {
            return Ok(None);
        };
        let (verdict, reason) =
            verdict::verdict(verdict::check(&case.test.spec, &observed), expected);
        let (stdout, stderr) = match &observed {
            Observed::Exited { stdout, stderr, .. }
            | Observed::Stopped {
                stage: Stage::Execute,
                stdout,
                stderr,
                ..
            } => (Some(keep(stdout)), Some(keep(stderr))),
            _ => (None, None),
        };
        Ok(Some(TestResult {
            observed: Some(observed.describe()),
            stdout,
            stderr,
            seconds,
            ..result(verdict, reason)
        }))
    }

    /// Runs the test once in a worker, in a scratch directory of its own:
    /// how it ended, and the worker's wall time (copying the directories
    /// beforehand not included; none when no worker ran).
    fn observe(&self, case: &Case) -> Result<Option<(Observed, Option<f64>)>> {
        let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
        let spec = &case.test.spec;
        let mut preopens = Vec::new();
        for (i, (host, guest)) in spec.grants(&case.suite.dir).into_iter().enumerate() {
            let copy = scratch.path().join(format!("grant-{i}"));
            copy_tree(&host, &copy).with_context(|| {
                format!("cannot copy {} for {}", host.display(), case.test.name)
            })?;
            preopens.push(Preopen {
                host: copy,
                guest,
                read_only: spec.read_only,
            });
        }
        let wasm = match module_file(&case.test.module, scratch.path()) {
            Ok(path) => path,
            Err(message) => return Ok(Some((Observed::Lost { message }, None))),
        };
        let mut args = vec![format!("{}.wasm", case.test.name)];
        args.extend(spec.args.iter().cloned());
        let (stdin, stdin_end) = spec.stdin();
        let task = Task::Observe(Observation {
            runtime: case.runtime.id.clone(),
            wasm,
            wasi: WasiSpec {
                args,
                env: spec.env.clone().into_iter().collect(),
                preopens,
                stdin,
                stdin_end,
                limits: Limits {
                    max_memory_bytes: Some(self.settings.max_memory_bytes),
                    time_budget: Some(Duration::from_secs_f64(self.settings.timeout_s)),
                },
            },
        });
        let limit = Duration::from_secs_f64(self.settings.timeout_s) + KILL_GRACE;
        let began = Instant::now();
        let run = worker::run_worker(self.workers, &task, limit, self.interrupted, |_| {})?;
        let seconds = began.elapsed().as_secs_f64();
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut ended = None;
        for event in run.events {
            match event {
                Event::Wrote {
                    stdout: out,
                    stderr: err,
                } => (stdout, stderr) = (out, err),
                Event::Exited { .. } | Event::Failed { .. } => ended = Some(event),
                _ => {}
            }
        }
        let observed = match (ended, run.exit) {
            (_, Exit::Interrupted) => return Ok(None),
            (Some(Event::Exited { code }), _) => Observed::Exited {
                code,
                stdout,
                stderr,
            },
            (Some(Event::Failed { stage, error }), _) => Observed::Stopped {
                stage,
                error,
                stdout,
                stderr,
            },
            (_, Exit::Signal { name, .. }) => Observed::Crashed { signal: name },
            (_, Exit::TimedOut { after_ns }) => Observed::Killed {
                after_s: after_ns as f64 / 1e9,
            },
            (_, Exit::Code { code }) => Observed::Lost {
                message: format!("worker exited with code {code}: {}", run.stderr),
            },
        };
        Ok(Some((observed, Some(seconds))))
    }
}

/// The binary module to run: the test's `.wasm`, or its `.wat` assembled
/// into `scratch`.
fn module_file(module: &Path, scratch: &Path) -> Result<PathBuf, String> {
    if module.extension().and_then(|e| e.to_str()) != Some("wat") {
        return Ok(module.to_path_buf());
    }
    let binary = wat::parse_file(module).map_err(|e| format!("{}: {e}", module.display()))?;
    let path = scratch.join("module.wasm");
    std::fs::write(&path, binary).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Copies a directory tree; symlinks stay symlinks (pointing where they
/// pointed: sandbox tests rely on links that lead outside). A `*.cleanup`
/// file, which a test run in place by the official runner leaves behind and
/// that runner deletes before the next run, is not copied: the test starts
/// without it, and the suite directory is left as it is.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().ends_with(".cleanup") {
            continue;
        }
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn keep(bytes: &[u8]) -> String {
    let end = bytes.len().min(STREAM_KEEP);
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

fn suite_record(suite: &Suite) -> SuiteRecord {
    SuiteRecord {
        name: suite.name.clone(),
        version: suite.version.clone(),
        dir: repository_relative(&suite.dir),
        tests: suite
            .tests
            .iter()
            .map(|t| TestRecord {
                name: t.name.clone(),
                category: t.category().to_string(),
                module: repository_relative(&t.module),
                sha256: std::fs::read(&t.module).ok().map(|b| sha256_hex(&b)),
                interface: t.interface,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_are_copied_with_symlinks_as_symlinks() {
        let from = tempfile::tempdir().unwrap();
        std::fs::create_dir(from.path().join("sub")).unwrap();
        std::fs::write(from.path().join("sub/f.txt"), "hi").unwrap();
        std::os::unix::fs::symlink("/etc", from.path().join("out")).unwrap();
        std::fs::write(from.path().join("sub/left.cleanup"), "old").unwrap();
        let to = tempfile::tempdir().unwrap();
        let dest = to.path().join("copy");
        copy_tree(from.path(), &dest).unwrap();
        assert!(
            !dest.join("sub/left.cleanup").exists(),
            "leftovers stay behind"
        );
        assert!(
            from.path().join("sub/left.cleanup").exists(),
            "the suite is untouched"
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("sub/f.txt")).unwrap(),
            "hi"
        );
        assert_eq!(
            std::fs::read_link(dest.join("out")).unwrap(),
            Path::new("/etc")
        );
    }

    #[test]
    fn wat_modules_are_assembled_and_bad_ones_named() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("t.wat");
        std::fs::write(&good, "(module)").unwrap();
        let path = module_file(&good, dir.path()).unwrap();
        assert!(std::fs::read(path).unwrap().starts_with(b"\0asm"));
        let bad = dir.path().join("bad.wat");
        std::fs::write(&bad, "(module").unwrap();
        assert!(
            module_file(&bad, dir.path())
                .unwrap_err()
                .contains("bad.wat")
        );
        let wasm = dir.path().join("t.wasm");
        assert_eq!(module_file(&wasm, dir.path()).unwrap(), wasm);
    }
}
