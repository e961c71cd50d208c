//! Child processes, in one place: spawning one with its pipes (a report pipe
//! on fd 3 among them), reading what it writes until a deadline, reaping it
//! with what the kernel counted (`wait4`'s rusage), and killing it when it is
//! dropped unreaped. The native twins, the V8 adapter's node and the harness's
//! workers all run through it, so this is the only module with `wait4`,
//! rusage or `poll` code.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{ChildStdin, Command, Stdio};
use std::thread::JoinHandle;
use std::time::Instant;

use serde::{Deserialize, Serialize};

/// The descriptor a child writes its report on.
pub const REPORT_FD: RawFd = 3;

/// The environment variable that names the report descriptor of a child
/// given a [`ReportPipe::named`] pipe (`hosts/common.rs` and the native
/// twins' shim read it).
pub const REPORT_FD_VAR: &str = "WASM_ARENA_REPORT_FD";

/// A pipe the child reports on: a channel of its own, apart from the stdout
/// the guest writes. Made before the spawn, so that failing to make it has
/// its own message.
pub struct ReportPipe {
    reader: io::PipeReader,
    writer: io::PipeWriter,
    /// Whether the child finds it by [`REPORT_FD_VAR`] rather than as fd 3.
    named: bool,
}

impl ReportPipe {
    /// A pipe the child gets as [`REPORT_FD`]. Moving it there takes code in
    /// the child before exec, so the spawn forks (copies the parent's page
    /// tables) instead of using `posix_spawn`.
    pub fn new() -> io::Result<ReportPipe> {
        let (reader, writer) = io::pipe()?;
        Ok(ReportPipe {
            reader,
            writer,
            named: false,
        })
    }

    /// A pipe the child inherits under whatever number it has, named in its
    /// [`REPORT_FD_VAR`]: nothing runs in the child before exec, so the spawn
    /// is a `posix_spawn` (vfork), whose cost does not grow with the parent's
    /// size. For timing a process start. While such a spawn is under way,
    /// a child spawned by another thread would inherit the pipe too, so
    /// only a caller that spawns from one thread uses it.
    pub fn named() -> io::Result<ReportPipe> {
        Ok(ReportPipe {
            named: true,
            ..ReportPipe::new()?
        })
    }
}

/// What the child's stdin is.
pub enum Input {
    Null,
    /// These bytes, written from a thread so that a large input cannot block
    /// the parent, whose clock has to keep running. A child that exits
    /// without reading them all closes the pipe: not an error.
    Bytes(Vec<u8>),
    /// These bytes, written as with [`Input::Bytes`], and then no end of
    /// file: the pipe stays open, never written to again, until the child
    /// is dropped (the official wasi-testsuite runner's stdin).
    Open(Vec<u8>),
    /// A pipe the parent writes with [`Child::stdin`].
    Pipe,
}

/// What becomes of the child's stdout.
pub enum Output {
    Null,
    /// Read to the end by a thread; [`Child::take_stdout`] hands it over.
    Collect,
    /// Read by the parent with [`Child::stdout`].
    Read,
}

/// How to start a child. Its stderr is always collected (see
/// [`Child::take_stderr`]): it says why a child died.
pub struct Options {
    pub stdin: Input,
    pub stdout: Output,
    pub report: Option<ReportPipe>,
    /// SIGKILL the child when the thread that spawned it ends
    /// (`PR_SET_PDEATHSIG`), so a parent that is killed leaves nothing running.
    pub die_with_parent: bool,
}

/// What the kernel counted for a reaped child (`wait4`'s rusage).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub user_ns: u64,
    pub sys_ns: u64,
    pub max_rss_bytes: u64,
    pub minor_faults: u64,
    pub major_faults: u64,
}

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// It exited with this code.
    Code(i32),
    /// This signal killed it ([`crate::signal_name`] names it).
    Signal(i32),
}

/// A reaped child: how it ended and what it used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ended {
    pub status: Status,
    pub usage: Usage,
}

/// Why a read returned without what it waited for.
#[derive(Debug)]
pub enum Waited {
    /// The deadline passed first.
    Deadline,
    Io(io::Error),
}

/// A pipe from the child, read in the parent's thread; `poll` bounds each
/// wait by a deadline.
pub struct Reader {
    file: File,
    /// Read but not yet returned: the start of the next line.
    buffered: Vec<u8>,
}

impl Reader {
    fn new(fd: OwnedFd) -> Reader {
        Reader {
            file: File::from(fd),
            buffered: Vec::new(),
        }
    }

    /// The next line, without its `\n`; `None` once the child has closed the
    /// pipe. A last line without `\n` is still a line.
    pub fn next_line(&mut self, deadline: Option<Instant>) -> Result<Option<Vec<u8>>, Waited> {
        loop {
            if let Some(end) = self.buffered.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buffered.drain(..=end).collect();
                line.pop();
                return Ok(Some(line));
            }
            if self.fill(deadline)? == 0 {
                let rest = std::mem::take(&mut self.buffered);
                return Ok((!rest.is_empty()).then_some(rest));
            }
        }
    }

    /// Waits until the child has written something (true) or closed the
    /// pipe without a byte (false).
    pub fn wait_output(&mut self, deadline: Option<Instant>) -> Result<bool, Waited> {
        Ok(!self.buffered.is_empty() || self.fill(deadline)? > 0)
    }

    /// Everything until every writer has closed the pipe (the child exited).
    pub fn read_to_end(&mut self, deadline: Option<Instant>) -> Result<Vec<u8>, Waited> {
        while self.fill(deadline)? != 0 {}
        Ok(std::mem::take(&mut self.buffered))
    }

    /// One read, once there is something to read: how many bytes it added
    /// (0 at the end).
    fn fill(&mut self, deadline: Option<Instant>) -> Result<usize, Waited> {
        if let Some(at) = deadline {
            self.wait_readable(at)?;
        }
        let mut chunk = [0u8; 4096];
        loop {
            match self.file.read(&mut chunk) {
                Ok(n) => {
                    self.buffered.extend_from_slice(&chunk[..n]);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Waited::Io(e)),
            }
        }
    }

    fn wait_readable(&self, at: Instant) -> Result<(), Waited> {
        loop {
            let left = at.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Waited::Deadline);
            }
            let mut poll = libc::pollfd {
                fd: self.file.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let millis = i32::try_from(left.as_millis().max(1)).unwrap_or(i32::MAX);
            // SAFETY: one valid pollfd, for a descriptor this reader owns.
            let ready = unsafe { libc::poll(&mut poll, 1, millis) };
            if ready > 0 {
                return Ok(());
            }
            if ready < 0 {
                let error = io::Error::last_os_error();
                if error.kind() != io::ErrorKind::Interrupted {
                    return Err(Waited::Io(error));
                }
            }
        }
    }
}

/// A running child; SIGKILLed and reaped if dropped before [`Child::reap`].
pub struct Child {
    pid: libc::pid_t,
    ended: Option<Ended>,
    stdin: Option<ChildStdin>,
    feeder: Option<JoinHandle<()>>,
    stdout: Option<Reader>,
    collected_stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    report: Option<Reader>,
}

/// Starts `command` as `options` say; they set its stdin, stdout and stderr.
pub fn spawn(mut command: Command, options: Options) -> io::Result<Child> {
    command
        .stdin(match options.stdin {
            Input::Null => Stdio::null(),
            Input::Bytes(_) | Input::Open(_) | Input::Pipe => Stdio::piped(),
        })
        .stdout(match options.stdout {
            Output::Null => Stdio::null(),
            Output::Collect | Output::Read => Stdio::piped(),
        })
        .stderr(Stdio::piped());
    let mut report_fd = None;
    if let Some(pipe) = &options.report {
        let fd = pipe.writer.as_raw_fd();
        if pipe.named {
            // SAFETY: clears close-on-exec on a descriptor this process owns;
            // it is closed right after the spawn.
            if unsafe { libc::fcntl(fd, libc::F_SETFD, 0) } != 0 {
                return Err(io::Error::last_os_error());
            }
            command.env(REPORT_FD_VAR, fd.to_string());
        } else {
            report_fd = Some(fd);
        }
    }
    let parent = options.die_with_parent.then(std::process::id);
    if report_fd.is_some() || parent.is_some() {
        // SAFETY: `in_child` makes only async-signal-safe calls (dup2, fcntl,
        // prctl, getppid) and does not allocate, as pre_exec requires.
        unsafe { command.pre_exec(move || in_child(report_fd, parent)) };
    }
    let mut child = command.spawn()?;
    // std's Child neither waits nor kills when dropped: from here on, `Child`
    // owns the process by its pid.
    let pid = child.id() as libc::pid_t;
    // The child has its own copy of the write end; the reader sees the end
    // of the report only once ours is closed too.
    let report = options.report.map(|pipe| {
        drop(pipe.writer);
        Reader::new(pipe.reader.into())
    });
    let mut stdin = child.stdin.take();
    let feed =
        |mut pipe: File, bytes: Vec<u8>| std::thread::spawn(move || drop(pipe.write_all(&bytes)));
    let feeder = match options.stdin {
        Input::Bytes(bytes) => stdin
            .take()
            .map(|pipe| feed(File::from(OwnedFd::from(pipe)), bytes)),
        // A copy writes; `stdin` keeps the pipe open.
        Input::Open(bytes) if !bytes.is_empty() => match &stdin {
            Some(pipe) => Some(feed(File::from(pipe.as_fd().try_clone_to_owned()?), bytes)),
            None => None,
        },
        Input::Open(_) | Input::Null | Input::Pipe => None,
    };
    let (stdout, collected_stdout) = match (options.stdout, child.stdout.take()) {
        (Output::Read, Some(pipe)) => (Some(Reader::new(pipe.into())), None),
        (Output::Collect, pipe) => (None, Some(collect(pipe))),
        _ => (None, None),
    };
    Ok(Child {
        pid,
        ended: None,
        stdin,
        feeder,
        stdout,
        collected_stdout,
        stderr: Some(collect(child.stderr.take())),
        report,
    })
}

/// Runs in the child between fork and exec: no allocation, and only
/// async-signal-safe calls.
fn in_child(report_fd: Option<RawFd>, parent: Option<u32>) -> io::Result<()> {
    if let Some(fd) = report_fd {
        // SAFETY: plain calls on descriptors this process owns.
        let piped = unsafe {
            // dup2 onto itself keeps close-on-exec, so clear it by hand.
            if fd == REPORT_FD {
                libc::fcntl(REPORT_FD, libc::F_SETFD, 0) == 0
            } else {
                libc::dup2(fd, REPORT_FD) == REPORT_FD
            }
        };
        if !piped {
            return Err(io::Error::last_os_error());
        }
    }
    if let Some(parent) = parent {
        // SAFETY: prctl on this process only.
        if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // A parent that died before the tie was made sends no signal.
        // SAFETY: getppid cannot fail.
        if unsafe { libc::getppid() } as u32 != parent {
            return Err(io::Error::from_raw_os_error(libc::ESRCH));
        }
    }
    Ok(())
}

fn collect(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            drop(pipe.read_to_end(&mut bytes));
        }
        bytes
    })
}

impl Child {
    /// The stdin pipe ([`Input::Pipe`]) until [`Child::close_stdin`].
    pub fn stdin(&mut self) -> Option<&mut ChildStdin> {
        self.stdin.as_mut()
    }

    /// Closes stdin: the child sees its end.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The stdout of a child spawned with [`Output::Read`].
    pub fn stdout(&mut self) -> &mut Reader {
        self.stdout
            .as_mut()
            .expect("the child was spawned with Output::Read")
    }

    /// The report pipe of a child spawned with one.
    pub fn report(&mut self) -> &mut Reader {
        self.report
            .as_mut()
            .expect("the child was spawned with a report pipe")
    }

    /// Everything on stdout ([`Output::Collect`]), once. Call it after
    /// [`Child::reap`]: before, it waits for the child to close its stdout.
    pub fn take_stdout(&mut self) -> Vec<u8> {
        joined(self.collected_stdout.take())
    }

    /// Everything on stderr, once; as [`Child::take_stdout`].
    pub fn take_stderr(&mut self) -> Vec<u8> {
        joined(self.stderr.take())
    }

    /// SIGKILLs the child unless it is reaped already; [`Child::reap`] then
    /// says what it used.
    pub fn kill(&mut self) {
        if self.ended.is_none() {
            // SAFETY: a plain syscall; the child is not reaped, so its pid
            // cannot have been given to another process.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
        }
    }

    /// Waits for the child to end, once; later calls say the same.
    pub fn reap(&mut self) -> io::Result<Ended> {
        if let Some(ended) = self.ended {
            return Ok(ended);
        }
        let mut status = 0;
        // SAFETY: a zeroed rusage is a valid value of a plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        loop {
            // SAFETY: valid pointers to locals; pid is our unreaped child.
            if unsafe { libc::wait4(self.pid, &mut status, 0, &mut usage) } == self.pid {
                break;
            }
            let error = io::Error::last_os_error();
            if error.kind() != io::ErrorKind::Interrupted {
                return Err(error);
            }
        }
        let status = if libc::WIFSIGNALED(status) {
            Status::Signal(libc::WTERMSIG(status))
        } else {
            Status::Code(libc::WEXITSTATUS(status))
        };
        let nanos =
            |tv: libc::timeval| tv.tv_sec as u64 * 1_000_000_000 + tv.tv_usec as u64 * 1_000;
        let ended = Ended {
            status,
            usage: Usage {
                user_ns: nanos(usage.ru_utime),
                sys_ns: nanos(usage.ru_stime),
                // Linux reports ru_maxrss in KiB.
                max_rss_bytes: usage.ru_maxrss as u64 * 1024,
                minor_faults: usage.ru_minflt as u64,
                major_faults: usage.ru_majflt as u64,
            },
        };
        self.ended = Some(ended);
        // The child is gone, so its stdin is closed and the feeder is done.
        if let Some(feeder) = self.feeder.take() {
            drop(feeder.join());
        }
        Ok(ended)
    }
}

fn joined(thread: Option<JoinHandle<Vec<u8>>>) -> Vec<u8> {
    thread.and_then(|t| t.join().ok()).unwrap_or_default()
}

impl Drop for Child {
    fn drop(&mut self) {
        if self.ended.is_none() {
            self.kill();
            drop(self.reap());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn sh(script: &str, options: Options) -> Child {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        spawn(command, options).expect("sh starts")
    }

    fn options(stdin: Input, stdout: Output) -> Options {
        Options {
            stdin,
            stdout,
            report: None,
            die_with_parent: false,
        }
    }

    #[test]
    fn stdin_stdout_stderr_and_the_report_pipe_carry_their_bytes() {
        let mut child = sh(
            "cat; echo err >&2; printf 'one\\ntwo' >&3",
            Options {
                report: Some(ReportPipe::new().unwrap()),
                ..options(Input::Bytes(b"in".to_vec()), Output::Collect)
            },
        );
        let deadline = Some(Instant::now() + Duration::from_secs(30));
        assert_eq!(
            child.report().next_line(deadline).unwrap(),
            Some(b"one".to_vec())
        );
        assert_eq!(
            child.report().next_line(deadline).unwrap(),
            Some(b"two".to_vec())
        );
        assert_eq!(child.report().next_line(deadline).unwrap(), None);
        assert_eq!(child.reap().unwrap().status, Status::Code(0));
        assert_eq!(child.take_stdout(), b"in");
        assert_eq!(child.take_stderr(), b"err\n");
    }

    #[test]
    fn exit_codes_and_signals_are_told_apart() {
        let mut exited = sh("exit 3", options(Input::Null, Output::Null));
        assert_eq!(exited.reap().unwrap().status, Status::Code(3));
        // Reaping again says the same rather than waiting for another child.
        assert_eq!(exited.reap().unwrap().status, Status::Code(3));
        let mut killed = sh("kill -KILL $$", options(Input::Null, Output::Null));
        let ended = killed.reap().unwrap();
        assert_eq!(ended.status, Status::Signal(libc::SIGKILL));
        assert!(ended.usage.max_rss_bytes > 0, "{ended:?}");
    }

    #[test]
    fn a_silent_child_meets_the_deadline_and_is_killed() {
        let mut child = sh("exec sleep 30", options(Input::Pipe, Output::Read));
        let begin = Instant::now();
        let waited = child
            .stdout()
            .read_to_end(Some(begin + Duration::from_millis(100)));
        assert!(matches!(waited, Err(Waited::Deadline)), "{waited:?}");
        child.kill();
        assert_eq!(child.reap().unwrap().status, Status::Signal(libc::SIGKILL));
        assert!(begin.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn dropping_an_unreaped_child_kills_it() {
        let child = sh("exec sleep 30", options(Input::Null, Output::Null));
        let pid = child.pid;
        drop(child);
        // SAFETY: signal 0 only asks whether the pid exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        assert!(!alive, "the child outlived its drop");
    }
}
