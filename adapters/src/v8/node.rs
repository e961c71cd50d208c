//! The node process behind the `v8` adapter: finding node, starting it with
//! `driver.mjs`, and the request/reply lines it speaks (described there).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::RunError;

const DRIVER: &str = include_str!("driver.mjs");

/// The descriptor node writes its replies to.
const REPLY_FD: i32 = 3;

/// The node found on PATH and its version line.
pub(super) struct Found {
    pub path: PathBuf,
    pub version: &'static str,
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
            .args(["-p", "process.versions.node + ' ' + process.versions.v8"])
            .env_clear()
            .output()
            .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&output.stdout);
        let (node, v8) = text
            .trim()
            .split_once(' ')
            .filter(|_| output.status.success())
            .ok_or_else(|| format!("{} did not report its versions", path.display()))?;
        // Digits first, as every runtime's version is.
        let version = format!("{node} (node; V8 {v8})");
        Ok(Found {
            path,
            version: Box::leak(version.into_boxed_str()),
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
        let (replies, writer) =
            std::io::pipe().map_err(|e| other("cannot make the reply pipe", e))?;
        let writer_fd = writer.as_raw_fd();
        let mut command = Command::new(&self.node);
        command
            .args(&self.flags)
            .args(["--input-type=module", "-e", DRIVER])
            // Nothing from the host (NODE_OPTIONS...) changes how node runs.
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let parent = std::process::id();
        // SAFETY: dup2, fcntl, prctl and getppid are async-signal-safe, as
        // pre_exec requires.
        unsafe {
            command.pre_exec(move || {
                // dup2 onto itself keeps close-on-exec, so clear it by hand.
                let piped = if writer_fd == REPLY_FD {
                    libc::fcntl(REPLY_FD, libc::F_SETFD, 0) == 0
                } else {
                    libc::dup2(writer_fd, REPLY_FD) == REPLY_FD
                };
                // Node dies with the thread that owns it (modules and instances
                // stay on one): a worker the harness kills leaves no guest
                // running. Checking the parent closes the race with its death.
                let tied = libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == 0
                    && libc::getppid() as u32 == parent;
                if piped && tied {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        let mut child = command
            .spawn()
            .map_err(|e| other(&format!("cannot start {}", self.node.display()), e))?;
        drop(writer);
        let stderr = child.stderr.take().map(|mut pipe| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                drop(pipe.read_to_end(&mut bytes));
                bytes
            })
        });
        Ok(Node {
            pid: child.id() as libc::pid_t,
            requests: child.stdin.take(),
            replies,
            buffered: Vec::new(),
            stderr,
            reaped: false,
        })
    }
}

/// One running node; killed and reaped when dropped unfinished.
pub(super) struct Node {
    pid: libc::pid_t,
    requests: Option<ChildStdin>,
    replies: std::io::PipeReader,
    buffered: Vec<u8>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    reaped: bool,
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
        let deadline = budget.map(|b| (Instant::now() + b, b));
        // Only a node that has exited closes its stdin: its status says why.
        if let Some(pipe) = self.requests.as_mut()
            && pipe.write_all(format!("{request}\n").as_bytes()).is_err()
        {
            return Err(self.died());
        }
        let line = match self.read_line(deadline) {
            Ok(Some(line)) => line,
            Ok(None) => return Err(self.died()),
            Err(Waited::Deadline(budget)) => {
                // SAFETY: the child is ours and not yet reaped.
                unsafe { libc::kill(self.pid, libc::SIGKILL) };
                self.reap().map_err(|e| other("cannot wait for node", e))?;
                return Err(RunError::TimeBudget(budget));
            }
            Err(Waited::Io(e)) => return Err(other("cannot read node's reply", e)),
        };
        Reply::parse(&line)
    }

    /// Lets node exit and reaps it: its peak RSS in bytes.
    pub(super) fn finish(mut self) -> Result<u64, RunError> {
        drop(self.requests.take());
        self.reap()
            .map(|(_, peak)| peak)
            .map_err(|e| other("cannot wait for node", e))
    }

    /// The error for a node that closed its replies without answering.
    fn died(&mut self) -> RunError {
        let status = match self.reap() {
            Ok((status, _)) => status,
            Err(e) => return other("cannot wait for node", e),
        };
        let stderr = self
            .stderr
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default();
        let stderr = String::from_utf8_lossy(&stderr);
        let said = match stderr.trim() {
            "" => String::new(),
            text => format!(": {}", tail(text)),
        };
        if libc::WIFSIGNALED(status) {
            RunError::Trap(format!(
                "node was killed by {}{said}",
                crate::signal_name(libc::WTERMSIG(status))
            ))
        } else {
            RunError::Other(format!(
                "node exited with code {} without replying{said}",
                libc::WEXITSTATUS(status)
            ))
        }
    }

    /// The next reply line; `None` once node has closed the pipe.
    fn read_line(
        &mut self,
        deadline: Option<(Instant, Duration)>,
    ) -> Result<Option<String>, Waited> {
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = self.buffered.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buffered.drain(..=end).collect();
                return Ok(Some(String::from_utf8_lossy(&line[..end]).into_owned()));
            }
            if let Some((at, budget)) = deadline {
                let left = at.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(Waited::Deadline(budget));
                }
                let mut poll = libc::pollfd {
                    fd: self.replies.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                };
                let millis = i32::try_from(left.as_millis().max(1)).unwrap_or(i32::MAX);
                // SAFETY: one valid pollfd.
                let ready = unsafe { libc::poll(&mut poll, 1, millis) };
                if ready < 0 {
                    let error = std::io::Error::last_os_error();
                    if error.kind() == std::io::ErrorKind::Interrupted {
                        continue;
                    }
                    return Err(Waited::Io(error));
                }
                if ready == 0 {
                    continue;
                }
            }
            match self.replies.read(&mut chunk) {
                Ok(0) => return Ok(None),
                Ok(n) => self.buffered.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Waited::Io(e)),
            }
        }
    }

    /// Waits for node to end: its wait status and peak RSS in bytes.
    fn reap(&mut self) -> std::io::Result<(i32, u64)> {
        let mut status = 0;
        // SAFETY: zeroed rusage is a valid value for wait4 to fill.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        loop {
            // SAFETY: valid pointers to locals; pid is our unreaped child.
            if unsafe { libc::wait4(self.pid, &mut status, 0, &mut usage) } == self.pid {
                self.reaped = true;
                return Ok((status, usage.ru_maxrss as u64 * 1024));
            }
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::Interrupted {
                return Err(error);
            }
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if !self.reaped {
            // SAFETY: the child is ours and not yet reaped.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            drop(self.reap());
        }
    }
}

enum Waited {
    Deadline(Duration),
    Io(std::io::Error),
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
