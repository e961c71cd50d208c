//! `wasmi`: the pure-Rust interpreter, with `wasmi_wasi` for WASI. Its time
//! budget is fuel, the only way to stop a wasmi guest from outside.

#[cfg(feature = "wasmi")]
mod engine;

use crate::Tier;
use crate::registry::{ColdHost, Factory, RuntimeDescriptor, Version, Worker};

pub const ID: &str = "wasmi";

pub(crate) const DESCRIPTORS: [RuntimeDescriptor; 1] = [RuntimeDescriptor {
    id: ID,
    family: "wasmi",
    tier: Tier::Interpreter,
    feature: "wasmi",
    version: Version::Built(env!("WASMI_VERSION")),
    factory: FACTORY,
    worker: Worker::Shared,
    setup: None,
    cold: ColdHost::Program {
        bin: "wasm-arena-cold-wasmi",
        options: &[],
        artifact: Err("wasmi has no precompiled artifact: it translates each function at load"),
    },
}];

#[cfg(feature = "wasmi")]
const FACTORY: Option<Factory> = Some(|_| engine::Wasmi::boxed());

#[cfg(not(feature = "wasmi"))]
const FACTORY: Option<Factory> = None;
