//! `v8`: Node.js running the module with `node:wasi`, out of process. The
//! adapter starts a node on PATH with `driver.mjs` for each module, sends it
//! requests (compile, instantiate, run) and reads the phase times node
//! measured itself, so node's start-up is in none of them. The time budget
//! is a SIGKILL of that node; its peak RSS is read when it is reaped.

#[cfg(feature = "v8")]
mod engine;
#[cfg(feature = "v8")]
mod node;

use crate::Tier;
use crate::registry::{Factory, RuntimeDescriptor, Version};

pub const ID: &str = "v8";

pub(crate) const DESCRIPTORS: [RuntimeDescriptor; 1] = [RuntimeDescriptor {
    id: ID,
    family: "v8",
    tier: Tier::Optimizing,
    feature: "v8",
    version: VERSION,
    factory: FACTORY,
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

#[cfg(feature = "v8")]
const FACTORY: Option<Factory> = Some(engine::V8::boxed);

#[cfg(not(feature = "v8"))]
const FACTORY: Option<Factory> = None;
