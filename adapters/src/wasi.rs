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
    /// Bytes the guest reads from stdin; it then sees end of file.
    #[serde(default)]
    pub stdin: Vec<u8>,
    #[serde(default)]
    pub limits: Limits,
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
