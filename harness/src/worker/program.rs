//! Which program a worker process runs: the runtime id's own worker binary
//! beside wasm-arena's ([`Worker`]), which links only what that id needs
//! and so starts in a millisecond where wasm-arena's binary with every
//! runtime takes about ten; or, when that binary is missing or from another
//! build, wasm-arena itself as `wasm-arena worker`, which runs every id it
//! links.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use wasm_arena_adapters::registry::{self, Worker};

/// The argument a worker binary answers with its build id ([`Workers::new`])
/// and the runtime ids it links, on one line.
pub const BUILD_ARG: &str = "--build";

/// Where the workers of one wasm-arena process come from.
pub struct Workers {
    /// wasm-arena's own binary.
    exe: PathBuf,
    /// Its build id; a worker binary must answer with the same.
    build: &'static str,
    /// The ids each worker binary runs, asked once; none when it is
    /// missing or from another build.
    runs: Mutex<BTreeMap<&'static str, Vec<String>>>,
}

impl Workers {
    /// `exe` is wasm-arena's binary; `build` its `WASM_ARENA_BUILD`, which
    /// every binary of the package is built with.
    pub fn new(exe: PathBuf, build: &'static str) -> Workers {
        Workers {
            exe,
            build,
            runs: Mutex::new(BTreeMap::new()),
        }
    }

    /// The command that starts a worker for `runtime`, without its stdio.
    pub fn command(&self, runtime: &str) -> Command {
        let worker = registry::find(runtime).map_or(Worker::Shared, |d| d.worker);
        let program = self.exe.with_file_name(worker.program());
        if self.runs(worker.program(), &program, runtime) {
            Command::new(program)
        } else {
            let mut command = Command::new(&self.exe);
            command.arg("worker");
            command
        }
    }

    /// Whether `program` exists, is from this build and runs `runtime`;
    /// says once why not when wasm-arena's own workers start slower.
    fn runs(&self, name: &'static str, program: &Path, runtime: &str) -> bool {
        let mut runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        let ids = runs.entry(name).or_insert_with(|| {
            let answer = Command::new(program).arg(BUILD_ARG).output();
            let line = answer.as_ref().ok().filter(|out| out.status.success());
            let line = line.map(|out| String::from_utf8_lossy(&out.stdout).into_owned());
            let mut words = line.as_deref().unwrap_or_default().split_whitespace();
            if words.next() == Some(self.build) {
                return words.map(str::to_owned).collect();
            }
            if registry::links_engine_crates() {
                let why = if answer.is_err() {
                    "missing"
                } else {
                    "from another build"
                };
                eprintln!(
                    "note: the worker binary {} is {why}: its runtime ids run in `{} worker`, \
                     which loads every runtime it links at each start (about 10 ms more per \
                     process); `cargo build --release --bins` with the same features builds it",
                    program.display(),
                    self.exe.display()
                );
            }
            Vec::new()
        });
        ids.iter().any(|id| id == runtime)
    }
}

/// The `main` of a worker binary: answers [`BUILD_ARG`] with `build` and
/// the ids it links, or serves one task from stdin to stdout.
pub fn main(build: &str) -> std::process::ExitCode {
    if std::env::args().nth(1).as_deref() == Some(BUILD_ARG) {
        let ids: Vec<&str> = registry::descriptors()
            .iter()
            .filter(|d| d.compiled_in())
            .map(|d| d.id)
            .collect();
        println!("{build} {}", ids.join(" "));
        return std::process::ExitCode::SUCCESS;
    }
    match super::serve(std::io::stdin().lock(), std::io::stdout().lock()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
