//! What every cold-start host shares (each includes this file with `#[path]`):
//! its command line and the report it writes for the harness.
//!
//! ```text
//! HOST compile [--OPTION VALUE]... MODULE.wasm ARTIFACT
//! HOST run [--OPTION VALUE]... [--precompiled] [--dir HOST::GUEST[::ro]]...
//!          [--env KEY=VALUE]... FILE [ARGV0 ARGS...]
//! ```
//!
//! `compile` writes the runtime's precompiled artifact of a module; `run`
//! runs a module (or, with `--precompiled`, such an artifact) as a WASI
//! command with the guest's stdio on the host's own, and exits with the
//! guest's exit code. `--OPTION VALUE` pairs are the host's engine settings
//! (`--strategy winch`); a host refuses one it does not know.
//!
//! When `WASM_ARENA_REPORT_FD` names an open descriptor, the host writes one
//! line there as it exits, CLOCK_MONOTONIC readings and its own peak
//! resident size (VmHWM starts afresh at exec; the `wait4` figure of a
//! process spawned by a large one would carry the spawner's size):
//!
//! ```text
//! main=NS loaded=NS instantiated=NS hwm=BYTES
//! ```
//!
//! A descriptor named in the environment rather than a fixed fd 3 lets the
//! harness spawn with `posix_spawn` (vfork): a `fork` of the harness would
//! copy its page tables, and that copy would be timed as the runtime's.

use std::io::Write;
use std::os::fd::FromRawFd;
use std::path::PathBuf;

/// The environment variable naming the report descriptor.
pub const REPORT_FD_VAR: &str = "WASM_ARENA_REPORT_FD";

/// A host directory granted to the guest.
pub struct Dir {
    pub host: PathBuf,
    pub guest: String,
    pub read_only: bool,
}

/// What `run` was asked to run.
pub struct Run {
    pub options: Options,
    pub precompiled: bool,
    pub file: PathBuf,
    pub dirs: Vec<Dir>,
    pub env: Vec<(String, String)>,
    /// `argv`, `argv[0]` included (the file's name when none is given).
    pub args: Vec<String>,
}

pub enum Command {
    Compile {
        options: Options,
        module: PathBuf,
        artifact: PathBuf,
    },
    Run(Run),
}

/// The `--OPTION VALUE` engine settings, each read once by the host.
pub struct Options(Vec<(String, String)>);

impl Options {
    /// The value of `--name`, taken so that [`Options::done`] can refuse
    /// what no one read.
    pub fn take(&mut self, name: &str) -> Option<String> {
        let at = self.0.iter().position(|(n, _)| n == name)?;
        Some(self.0.remove(at).1)
    }

    /// Refuses settings this host does not have.
    pub fn done(self) {
        if let Some((name, _)) = self.0.first() {
            usage(&format!("unknown option --{name}"));
        }
    }
}

/// The CLOCK_MONOTONIC readings of the report.
pub struct Clock {
    main: u64,
    loaded: u64,
    instantiated: u64,
}

impl Clock {
    /// Read first thing in `main`.
    pub fn start() -> Clock {
        Clock {
            main: now(),
            loaded: 0,
            instantiated: 0,
        }
    }

    /// The module (or artifact) is ready to instantiate.
    pub fn loaded(&mut self) {
        self.loaded = now();
    }

    /// The instance exists; its `_start` is next.
    pub fn instantiated(&mut self) {
        self.instantiated = now();
    }

    /// Writes the report, flushes stdout and exits with `code`.
    pub fn exit(self, code: i32) -> ! {
        drop(std::io::stdout().flush());
        if let Some(fd) = std::env::var(REPORT_FD_VAR)
            .ok()
            .and_then(|v| v.parse::<i32>().ok())
        {
            // SAFETY: the harness opened this descriptor for us and nothing
            // else in this process uses it; it is written once, then closed.
            let mut report = unsafe { std::fs::File::from_raw_fd(fd) };
            let line = format!(
                "main={} loaded={} instantiated={} hwm={}\n",
                self.main,
                self.loaded,
                self.instantiated,
                peak_resident()
            );
            drop(report.write_all(line.as_bytes()));
        }
        std::process::exit(code)
    }
}

/// The host's own failure (not the guest's): the message on stderr, exit 70.
pub fn fail(clock: Clock, what: &str, error: impl std::fmt::Display) -> ! {
    eprintln!("{}: {what}: {error:#}", host_name());
    clock.exit(70)
}

fn host_name() -> String {
    std::env::args()
        .next()
        .map(|a| a.rsplit('/').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "{}: {problem}\nusage: {0} compile [--OPTION VALUE]... MODULE.wasm ARTIFACT\n       \
         {0} run [--OPTION VALUE]... [--precompiled] [--dir HOST::GUEST[::ro]]... \
         [--env KEY=VALUE]... FILE [ARGV0 ARGS...]",
        host_name()
    );
    std::process::exit(2)
}

/// Parses the command line; a malformed one exits 2 with the usage.
pub fn command() -> Command {
    let mut args = std::env::args().skip(1);
    let verb = args.next().unwrap_or_default();
    let mut options = Vec::new();
    let mut precompiled = false;
    let mut dirs = Vec::new();
    let mut env = Vec::new();
    let mut positional = Vec::new();
    while let Some(arg) = args.next() {
        let Some(name) = arg.strip_prefix("--").filter(|_| positional.is_empty()) else {
            positional.push(arg);
            if verb == "run" {
                // FILE, then the guest's argv as given.
                positional.extend(args.by_ref());
            }
            continue;
        };
        if name == "precompiled" {
            precompiled = true;
            continue;
        }
        let Some(value) = args.next() else {
            usage(&format!("--{name} needs a value"));
        };
        match name {
            "dir" => dirs.push(dir(&value)),
            "env" => match value.split_once('=') {
                Some((k, v)) => env.push((k.to_string(), v.to_string())),
                None => usage(&format!("--env {value}: expected KEY=VALUE")),
            },
            _ => options.push((name.to_string(), value)),
        }
    }
    let options = Options(options);
    match verb.as_str() {
        "compile" if positional.len() == 2 && dirs.is_empty() && env.is_empty() => {
            let artifact = positional.pop().map(PathBuf::from).unwrap_or_default();
            let module = positional.pop().map(PathBuf::from).unwrap_or_default();
            Command::Compile {
                options,
                module,
                artifact,
            }
        }
        "run" if !positional.is_empty() => {
            let file = PathBuf::from(positional.remove(0));
            let args = if positional.is_empty() {
                vec![file.display().to_string()]
            } else {
                positional
            };
            Command::Run(Run {
                options,
                precompiled,
                file,
                dirs,
                env,
                args,
            })
        }
        _ => usage("expected `compile MODULE ARTIFACT` or `run FILE [ARGS...]`"),
    }
}

fn dir(value: &str) -> Dir {
    let mut parts = value.split("::");
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(host), Some(guest), mode, None) if mode.is_none_or(|m| m == "ro") => Dir {
            host: host.into(),
            guest: guest.into(),
            read_only: mode.is_some(),
        },
        _ => usage(&format!(
            "--dir {value}: expected HOST::GUEST or HOST::GUEST::ro"
        )),
    }
}

/// CLOCK_MONOTONIC in nanoseconds, the harness's clock too.
fn now() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is handed.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// VmHWM from /proc/self/status in bytes; 0 when it cannot be read.
fn peak_resident() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        })
        .unwrap_or(0)
}
