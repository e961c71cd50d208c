use std::io::{self, PipeReader, PipeWriter, Write};
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Everything a WASI command is granted. Nothing else reaches the guest: no
/// host environment variable, no directory that is not preopened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WasiSpec {
    /// `argv`, including `argv[0]`.
    pub args: Vec<String>,
    /// The whole guest environment.
    pub env: Vec<(String, String)>,
    pub preopens: Vec<Preopen>,
    /// Bytes the guest reads from stdin; then [`WasiSpec::stdin_end`].
    #[serde(default)]
    pub stdin: Vec<u8>,
    #[serde(default)]
    pub stdin_end: StdinEnd,
    #[serde(default)]
    pub limits: Limits,
}

/// What the guest's stdin does once its bytes are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StdinEnd {
    /// End of file, as from a file or a closed pipe.
    #[default]
    Eof,
    /// Nothing more, ever, and no end of file: a pipe that stays open, never
    /// written to, until the guest is done, as the official wasi-testsuite
    /// runner gives every test (`Popen(stdin=PIPE)`). A read waits; a poll
    /// for it times out.
    Open,
}

/// The reading end of a real pipe that holds `bytes` (written by a thread,
/// so any amount fits) and then ends as `end` says: with
/// [`StdinEnd::Open`], the writing end the caller must hold for as long as
/// the guest may read. For runtimes whose guest stdin is an fd.
pub fn stdin_pipe(bytes: Vec<u8>, end: StdinEnd) -> io::Result<(PipeReader, Option<PipeWriter>)> {
    let (reader, mut writer) = io::pipe()?;
    let held = match end {
        StdinEnd::Eof => None,
        StdinEnd::Open => Some(writer.try_clone()?),
    };
    if !bytes.is_empty() {
        // Ends when all is written, or when the reading end closes on a
        // guest that never read it all.
        std::thread::spawn(move || writer.write_all(&bytes));
    }
    Ok((reader, held))
}

/// A host directory granted to the guest under `guest` (e.g. `/input`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preopen {
    pub host: PathBuf,
    pub guest: String,
    #[serde(default)]
    pub read_only: bool,
}

/// Resource limits enforced inside the runtime.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest linear memory the guest may grow to; growth past it fails in the guest.
    pub max_memory_bytes: Option<u64>,
    /// Longest `_start` may run before the runtime interrupts it.
    pub time_budget: Option<Duration>,
}
