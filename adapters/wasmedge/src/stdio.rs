//! WasmEdge's built-in WASI has no virtual stdio: the guest reads fd 0 and
//! writes fds 1 and 2 of the process itself, and WasmEdge's own log (spdlog)
//! writes there too. So around each run the adapter points those fds at
//! pipes ([`Capture`]), as a shell would (WasmEdge's `poll_oneoff` watches
//! them with epoll, which refuses regular files), and afterwards takes
//! WasmEdge's log lines back out of what the guest wrote.
//!
//! The fds are swapped in a file descriptor table private to the calling
//! thread (`unshare(CLONE_FILES)`), so no other thread of the process (the
//! harness's own output, other tests of a parallel `cargo test`) writes into a
//! guest's stdout or loses its own output while a guest runs.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, PipeWriter, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use wasm_arena_adapters::{StdinEnd, stdin_pipe};

use super::log::LogWindow;

thread_local! {
    static PRIVATE_TABLE: Cell<bool> = const { Cell::new(false) };
}

/// Gives the calling thread a file descriptor table of its own, a copy of the
/// process's, once per thread. Every fd WasmEdge opens for this thread's
/// instances (preopens, guest files) and the stdio swap then stay in it. The
/// fds open now stay open in both tables; threads this thread spawns later
/// share its table.
pub(crate) fn private_fd_table() -> io::Result<()> {
    PRIVATE_TABLE.with(|private| {
        if !private.get() {
            // SAFETY: unshare(CLONE_FILES) only gives this thread a copy of
            // the fd table; every fd number stays valid in it.
            if unsafe { libc::unshare(libc::CLONE_FILES) } != 0 {
                return Err(io::Error::last_os_error());
            }
            private.set(true);
        }
        Ok(())
    })
}

/// What the guest wrote, without WasmEdge's log lines, and those lines.
#[derive(Default)]
pub(crate) struct Output {
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
    pub(crate) log: Vec<String>,
}

/// The guest's stdin: the reading end of a pipe that holds its bytes, made
/// at the first run (instantiation is timed), and then end of file or a pipe
/// held open ([`StdinEnd`]). A pipe, as a shell or the official
/// wasi-testsuite runner gives a program: WasmEdge's `poll_oneoff` watches
/// fd 0 with epoll, which refuses a regular file (a test then sees EPERM).
/// Every run of the instance reads fd 0 on from where the last one stopped,
/// as from one stream.
pub(crate) struct Stdin {
    bytes: Vec<u8>,
    end: StdinEnd,
    file: Option<File>,
    /// The writing end, held while the instance lives ([`StdinEnd::Open`]).
    _held: Option<PipeWriter>,
}

impl Stdin {
    pub(crate) fn new(bytes: Vec<u8>, end: StdinEnd) -> Stdin {
        Stdin {
            bytes,
            end,
            file: None,
            _held: None,
        }
    }

    fn file(&mut self) -> io::Result<&File> {
        let file = match self.file.take() {
            Some(file) => file,
            None => {
                let (reader, held) = stdin_pipe(std::mem::take(&mut self.bytes), self.end)?;
                self._held = held;
                File::from(OwnedFd::from(reader))
            }
        };
        Ok(self.file.insert(file))
    }
}

/// A run's stdio captured and WasmEdge's error log on, from
/// [`Capture::begin`] to [`Capture::finish`]: outside whatever the run times.
pub(crate) struct Capture {
    // Before `redirect`: a capture dropped unfinished turns the log off
    // before it puts the fds back, as `finish` does.
    log: LogWindow,
    redirect: Redirect,
}

impl Capture {
    /// Points fds 0, 1 and 2 at `stdin` and empty temp files; call it on a
    /// thread that has [`private_fd_table`].
    pub(crate) fn begin(stdin: &mut Stdin) -> io::Result<Capture> {
        let redirect = Redirect::begin(stdin.file()?)?;
        Ok(Capture {
            log: LogWindow::open(),
            redirect,
        })
    }

    /// Puts the original fds back and adds to `output` what the run wrote and
    /// WasmEdge logged.
    pub(crate) fn finish(self, output: &mut Output) -> io::Result<()> {
        let Capture { log, redirect } = self;
        drop(log);
        let (stdout, stderr) = redirect.finish()?;
        let (stdout, mut log) = split_log(stdout);
        let (stderr, more) = split_log(stderr);
        log.extend(more);
        output.stdout.extend(stdout);
        output.stderr.extend(stderr);
        output.log.extend(log);
        Ok(())
    }
}

/// fds 0, 1 and 2 of this thread pointed at pipes: stdin at the guest's,
/// stdout and stderr at pipes that threads read to the end. Dropping it puts
/// the originals back.
struct Redirect {
    /// The original fds 0, 1, 2 (`None`: that fd was closed).
    saved: [Option<OwnedFd>; 3],
    /// Taken by [`Redirect::finish`].
    stdout: Option<Collector>,
    stderr: Option<Collector>,
    restored: bool,
}

/// A thread that reads a pipe until every writing end is closed.
type Collector = std::thread::JoinHandle<io::Result<Vec<u8>>>;

/// A pipe's writing end, and the thread that collects what is written.
fn collector() -> io::Result<(OwnedFd, Collector)> {
    let (mut reader, writer) = io::pipe()?;
    let thread = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map(|_| bytes)
    });
    Ok((OwnedFd::from(writer), thread))
}

impl Redirect {
    /// Swaps the fds; call it on a thread that has [`private_fd_table`].
    fn begin(stdin: &File) -> io::Result<Redirect> {
        let (stdout_end, stdout) = collector()?;
        let (stderr_end, stderr) = collector()?;
        flush_all();
        let redirect = Redirect {
            saved: [save(0)?, save(1)?, save(2)?],
            stdout: Some(stdout),
            stderr: Some(stderr),
            restored: false,
        };
        // From here on, dropping `redirect` restores whatever was swapped.
        // The writing ends then live only as fds 1 and 2: putting the
        // originals back ends the collectors' reads.
        dup2(stdin.as_raw_fd(), 0)?;
        dup2(stdout_end.as_raw_fd(), 1)?;
        dup2(stderr_end.as_raw_fd(), 2)?;
        Ok(redirect)
    }

    /// Puts the original fds back and returns what the run wrote to stdout
    /// and stderr.
    fn finish(mut self) -> io::Result<(Vec<u8>, Vec<u8>)> {
        self.restore()?;
        let collected = |thread: Option<Collector>| match thread.map(|t| t.join()) {
            Some(Ok(bytes)) => bytes,
            Some(Err(_)) => Err(io::Error::other("a stdio collector panicked")),
            None => Ok(Vec::new()),
        };
        Ok((
            collected(self.stdout.take())?,
            collected(self.stderr.take())?,
        ))
    }

    fn restore(&mut self) -> io::Result<()> {
        if self.restored {
            return Ok(());
        }
        self.restored = true;
        flush_all();
        let mut result = Ok(());
        for (fd, saved) in self.saved.iter_mut().enumerate() {
            let fd = fd as RawFd;
            let restored = match saved.take() {
                Some(original) => dup2(original.as_raw_fd(), fd),
                // SAFETY: closing an fd this thread's table holds; it was
                // closed before the swap too.
                None => match unsafe { libc::close(fd) } {
                    0 => Ok(()),
                    _ => Err(io::Error::last_os_error()),
                },
            };
            result = result.and(restored);
        }
        result
    }
}

impl Drop for Redirect {
    fn drop(&mut self) {
        let _ = self.restore();
    }
}

/// A close-on-exec copy of `fd`, above the stdio fds; `None` if it is closed.
fn save(fd: RawFd) -> io::Result<Option<OwnedFd>> {
    // SAFETY: F_DUPFD_CLOEXEC makes a new fd; nothing else owns it.
    match unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) } {
        -1 => match io::Error::last_os_error() {
            e if e.raw_os_error() == Some(libc::EBADF) => Ok(None),
            e => Err(e),
        },
        // SAFETY: `copy` is a fresh fd owned by nothing else.
        copy => Ok(Some(unsafe { OwnedFd::from_raw_fd(copy) })),
    }
}

fn dup2(from: RawFd, to: RawFd) -> io::Result<()> {
    loop {
        // SAFETY: both are fds of this thread's table; dup2 replaces `to`.
        if unsafe { libc::dup2(from, to) } != -1 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// Flushes what Rust and C stdio buffered for the fds about to be swapped
/// (WasmEdge's log writes through C stdio).
fn flush_all() {
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    // SAFETY: fflush(NULL) flushes every open C stdio output stream.
    unsafe {
        libc::fflush(std::ptr::null_mut());
    }
}

/// Takes the lines WasmEdge logged (spdlog's default format,
/// `[2025-01-31 12:00:00.000] [error] message`, possibly with colour codes)
/// out of a captured stream: returns the guest's own bytes and the messages.
fn split_log(captured: Vec<u8>) -> (Vec<u8>, Vec<String>) {
    let mut guest = Vec::with_capacity(captured.len());
    let mut log = Vec::new();
    let mut rest = captured.as_slice();
    while let Some(at) = rest.iter().position(|&b| b == b'[') {
        match log_line(&rest[at..]) {
            Some((message, len)) => {
                guest.extend_from_slice(&rest[..at]);
                log.push(message);
                rest = &rest[at + len..];
            }
            None => {
                guest.extend_from_slice(&rest[..=at]);
                rest = &rest[at + 1..];
            }
        }
    }
    guest.extend_from_slice(rest);
    if log.is_empty() {
        // Nothing taken out: hand back the very buffer.
        return (captured, log);
    }
    (guest, log)
}

/// A log line at the start of `bytes`: its message and its length with the
/// newline.
fn log_line(bytes: &[u8]) -> Option<(String, usize)> {
    // `[YYYY-MM-DD HH:MM:SS.mmm] [`
    const STAMP: &[u8] = b"[0000-00-00 00:00:00.000] [";
    if bytes.len() < STAMP.len() {
        return None;
    }
    let stamp_matches = STAMP.iter().zip(bytes).all(|(&pattern, &b)| match pattern {
        b'0' => b.is_ascii_digit(),
        other => other == b,
    });
    if !stamp_matches {
        return None;
    }
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| n + 1);
    let line = strip_colours(&bytes[STAMP.len()..end]);
    let (level, message) = line.split_once("] ")?;
    const LEVELS: [&str; 7] = [
        "trace", "debug", "info", "warning", "error", "critical", "off",
    ];
    if !LEVELS.contains(&level) {
        return None;
    }
    Some((message.trim_end().to_string(), end))
}

/// The text without ANSI colour sequences (`ESC [ ... m`).
fn strip_colours(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_are_taken_out_of_guest_output() {
        let captured = b"guest line\n[2025-01-31 12:00:00.123] [error] Memory grow page failed\n\
                         partial[2025-01-31 12:00:00.124] [\x1b[31m\x1b[1merror\x1b[m] execution failed: unreachable, Code: 0x89\n\
                         [not a log] [error] x\n"
            .to_vec();
        let (guest, log) = split_log(captured);
        assert_eq!(
            String::from_utf8(guest).unwrap(),
            "guest line\npartial[not a log] [error] x\n"
        );
        assert_eq!(
            log,
            [
                "Memory grow page failed",
                "execution failed: unreachable, Code: 0x89"
            ]
        );
    }

    #[test]
    fn output_without_log_lines_is_untouched() {
        let captured = b"[1] [2]\n[2025-01-31] plain\n".to_vec();
        let (guest, log) = split_log(captured.clone());
        assert_eq!((guest, log.len()), (captured, 0));
    }
}
