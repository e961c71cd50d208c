//! The node process behind the `v8` adapter: finding node, starting it with
//! `driver.mjs`, and the request/reply lines it speaks (described there).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::RunError;
use crate::child::{self, Child, Ended, Input, Options, Output, ReportPipe, Status, Waited};

/// The script node runs: a request per line on stdin, a reply line for each
/// on the report pipe, [`child::REPORT_FD`].
const DRIVER: &str = include_str!("driver.mjs");

/// The node found on PATH, its version line, and whether its V8 has
/// JavaScript Promise Integration (`WebAssembly.promising`), which the code
/// jco makes of a WASI 0.3 component suspends Wasm with.
pub(super) struct Found {
    pub path: PathBuf,
    pub version: &'static str,
    pub jspi: bool,
}

/// Finds node on PATH and asks its versions, once per process.
pub(super) fn probe() -> &'static Result<Found, String> {
    static PROBE: OnceLock<Result<Found, String>> = OnceLock::new();
    PROBE.get_or_init(|| {
        let path = std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .map(|dir| dir.join("node"))
            .find(|p| p.is_file())
            .ok_or_else(|| "no `node` in any directory of PATH".to_string())?;
        let output = Command::new(&path)
            .args([
                "-p",
                "[process.versions.node, process.versions.v8, \
                  typeof WebAssembly.promising === 'function'].join(' ')",
            ])
            .env_clear()
            .output()
            .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&output.stdout);
        let [node, v8, jspi] = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .try_into()
            .ok()
            .filter(|_| output.status.success())
            .ok_or_else(|| format!("{} did not report its versions", path.display()))?;
        // Digits first, as every runtime's version is.
        let version = format!("{node} (node; V8 {v8})");
        Ok(Found {
            path,
            version: Box::leak(version.into_boxed_str()),
            jspi: jspi == "true",
        })
    })
}

/// How to start node: which binary, with which flags.
#[derive(Clone)]
pub(super) struct Launcher {
    pub node: PathBuf,
    pub flags: Vec<String>,
}

impl Launcher {
    /// A node process that has loaded a module (`request` is its `compile` or
    /// `load`), and the time that took inside node.
    pub(super) fn start(&self, request: &str) -> Result<(Node, Duration), RunError> {
        let mut node = self.spawn()?;
        let reply = node.request(request, None)?;
        Ok((node, reply.nanos("compile")?))
    }

    fn spawn(&self) -> Result<Node, RunError> {
        let replies = ReportPipe::new().map_err(|e| other("cannot make the reply pipe", e))?;
        let mut command = Command::new(&self.node);
        command
            .args(&self.flags)
            .args(["--input-type=module", "-e", DRIVER])
            // Nothing from the host (NODE_OPTIONS...) changes how node runs.
            .env_clear();
        let options = Options {
            stdin: Input::Pipe,
            stdout: Output::Null,
            report: Some(replies),
            // Node dies with the thread that owns it (modules and instances
            // stay on one): a worker the harness kills leaves no guest running.
            die_with_parent: true,
        };
        child::spawn(command, options)
            .map(|child| Node { child })
            .map_err(|e| other(&format!("cannot start {}", self.node.display()), e))
    }
}

/// One running node, its requests on stdin and its replies on the report
/// pipe; killed and reaped when dropped unfinished.
pub(super) struct Node {
    child: Child,
}

impl Node {
    /// Sends one request line and waits for its reply. With a budget, node is
    /// killed when the reply has not come by then: it cannot interrupt
    /// synchronous Wasm itself.
    pub(super) fn request(
        &mut self,
        request: &str,
        budget: Option<Duration>,
    ) -> Result<Reply, RunError> {
        let deadline = budget.map(|b| Instant::now() + b);
        // Only a node that has exited closes its stdin: its status says why.
        if let Some(pipe) = self.child.stdin()
            && pipe.write_all(format!("{request}\n").as_bytes()).is_err()
        {
            return Err(self.died());
        }
        let line = match self.child.report().next_line(deadline) {
            Ok(Some(line)) => line,
            Ok(None) => return Err(self.died()),
            Err(Waited::Deadline) => {
                self.child.kill();
                self.reap()?;
                // Only a request with a budget has a deadline.
                return Err(RunError::TimeBudget(budget.unwrap_or_default()));
            }
            Err(Waited::Io(e)) => return Err(other("cannot read node's reply", e)),
        };
        Reply::parse(&String::from_utf8_lossy(&line))
    }

    /// Lets node exit and reaps it.
    pub(super) fn finish(mut self) -> Result<(), RunError> {
        self.child.close_stdin();
        self.reap().map(drop)
    }

    fn reap(&mut self) -> Result<Ended, RunError> {
        self.child
            .reap()
            .map_err(|e| other("cannot wait for node", e))
    }

    /// The error for a node that closed its replies without answering.
    fn died(&mut self) -> RunError {
        let status = match self.reap() {
            Ok(ended) => ended.status,
            Err(e) => return e,
        };
        let stderr = self.child.take_stderr();
        let stderr = String::from_utf8_lossy(&stderr);
        let said = match stderr.trim() {
            "" => String::new(),
            text => format!(": {}", tail(text)),
        };
        match status {
            Status::Signal(signal) => RunError::Trap(format!(
                "node was killed by {}{said}",
                crate::signal_name(signal)
            )),
            Status::Code(code) => RunError::Other(format!(
                "node exited with code {code} without replying{said}"
            )),
        }
    }
}

/// A successful reply's `key=integer` fields.
#[derive(Debug, PartialEq)]
pub(super) struct Reply(BTreeMap<String, i64>);

impl Reply {
    /// `ok k=v...` or `error KIND MESSAGE`, the latter as its [`RunError`].
    fn parse(line: &str) -> Result<Reply, RunError> {
        let malformed = || RunError::Other(format!("node's reply is malformed: {line:?}"));
        if let Some(error) = line.strip_prefix("error ") {
            let (kind, message) = error.split_once(' ').unwrap_or((error, ""));
            let message = message.to_string();
            return Err(match kind {
                "invalid" => RunError::rejected(message),
                "instantiate" => RunError::Instantiate(message),
                "trap" => RunError::Trap(message),
                _ => RunError::Other(message),
            });
        }
        let fields = line
            .strip_prefix("ok")
            .filter(|rest| rest.is_empty() || rest.starts_with(' '))
            .ok_or_else(malformed)?;
        fields
            .split_whitespace()
            .map(|pair| {
                let (key, value) = pair.split_once('=')?;
                Some((key.to_string(), value.parse().ok()?))
            })
            .collect::<Option<_>>()
            .map(Reply)
            .ok_or_else(malformed)
    }

    pub(super) fn get(&self, key: &str) -> Result<i64, RunError> {
        self.0
            .get(key)
            .copied()
            .ok_or_else(|| RunError::Other(format!("node's reply has no `{key}`")))
    }

    pub(super) fn nanos(&self, key: &str) -> Result<Duration, RunError> {
        let ns = self.get(key)?;
        u64::try_from(ns)
            .map(Duration::from_nanos)
            .map_err(|_| RunError::Other(format!("node reported a negative `{key}`: {ns}")))
    }
}

/// A JSON string literal.
pub(super) fn json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A path as a JSON string: node takes paths as strings.
pub(super) fn json_path(path: &Path) -> Result<String, RunError> {
    path.to_str().map(json).ok_or_else(|| {
        RunError::Unsupported(format!(
            "node takes paths as UTF-8 strings; {} is not one",
            path.display()
        ))
    })
}

/// The end of node's stderr: where a crash says what happened.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(5)..].join(" | ")
}

pub(super) fn other(what: &str, error: impl std::fmt::Display) -> RunError {
    RunError::Other(format!("{what}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_fields_or_the_error_they_name() {
        let ok = Reply::parse("ok exit=3 execute=120").unwrap();
        assert_eq!(
            (ok.get("exit"), ok.nanos("execute")),
            (Ok(3), Ok(Duration::from_nanos(120)))
        );
        assert_eq!(Reply::parse("ok ").unwrap(), Reply(BTreeMap::new()));
        assert_eq!(
            Reply::parse("error trap RuntimeError: unreachable"),
            Err(RunError::Trap("RuntimeError: unreachable".into()))
        );
        assert_eq!(
            Reply::parse("error invalid CompileError: bad"),
            Err(RunError::InvalidModule("CompileError: bad".into()))
        );
        for line in ["", "ok exit", "ok exit=x", "okay", "garbage"] {
            assert!(
                matches!(Reply::parse(line), Err(RunError::Other(_))),
                "{line:?}"
            );
        }
    }

    #[test]
    fn json_strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(json("a\"b\\c\nd\u{1}é"), r#""a\"b\\c\u000ad\u0001é""#);
    }
}
