//! `wasmi`: the pure-Rust interpreter, with `wasmi_wasi` for WASI. Its time
//! budget is fuel, the only way to stop a wasmi guest from outside.

#[cfg(feature = "wasmi")]
mod engine;

use crate::Tier;
use crate::registry::{Factory, RuntimeDescriptor};

pub const ID: &str = "wasmi";

pub(crate) fn descriptors() -> Vec<RuntimeDescriptor> {
    vec![RuntimeDescriptor {
        id: ID,
        family: "wasmi",
        tier: Tier::Interpreter,
        feature: "wasmi",
        version: env!("WASMI_VERSION"),
        factory: factory(),
    }]
}

#[cfg(feature = "wasmi")]
fn factory() -> Option<Factory> {
    Some(engine::Wasmi::boxed)
}

#[cfg(not(feature = "wasmi"))]
fn factory() -> Option<Factory> {
    None
}
