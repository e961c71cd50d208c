//! `v8`: Node.js running the module with `node:wasi`, out of process. The
//! adapter starts a node on PATH with `driver.mjs` for each module, sends it
//! requests (compile, instantiate, run) and reads the phase times node
//! measured itself, so node's start-up is in none of them. The time budget
//! is a SIGKILL of that node; its peak RSS is read when it is reaped.

#[cfg(feature = "v8")]
mod component;
#[cfg(feature = "v8")]
mod engine;
#[cfg(feature = "v8")]
mod node;

use crate::Tier;
use crate::registry::{ColdHost, Factory, RuntimeDescriptor, Version, Worker};

pub const ID: &str = "v8";

pub(crate) const DESCRIPTORS: [RuntimeDescriptor; 1] = [RuntimeDescriptor {
    id: ID,
    family: "v8",
    tier: Tier::Optimizing,
    feature: "v8",
    version: VERSION,
    factory: FACTORY,
    worker: Worker::Shared,
    setup: None,
    cold: ColdHost::Node,
}];

/// The node on PATH, asked only where the version is shown or recorded: a
/// worker of another runtime never starts node.
#[cfg(feature = "v8")]
const VERSION: Version = Version::Probe(|| {
    node::probe()
        .as_ref()
        .map_or("node not found", |found| found.version)
});

#[cfg(not(feature = "v8"))]
const VERSION: Version = Version::Built("node");

/// The node on PATH, for the cold-start scenario's own node processes.
#[cfg(feature = "v8")]
pub fn node() -> Result<std::path::PathBuf, crate::RunError> {
    node::probe()
        .as_ref()
        .map(|found| found.path.clone())
        .map_err(|e| crate::RunError::Unsupported(e.clone()))
}

#[cfg(not(feature = "v8"))]
pub fn node() -> Result<std::path::PathBuf, crate::RunError> {
    Err(crate::RunError::Unsupported(
        "v8 is not compiled into this binary; rebuild with `--features v8`".into(),
    ))
}

#[cfg(feature = "v8")]
const FACTORY: Option<Factory> = Some(engine::V8::boxed);

#[cfg(not(feature = "v8"))]
const FACTORY: Option<Factory> = None;
