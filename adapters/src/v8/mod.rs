//! `v8`: Node.js running the module with `node:wasi`, out of process.

use crate::Tier;
use crate::registry::{Factory, RuntimeDescriptor};

pub const ID: &str = "v8";

pub(crate) fn descriptors() -> Vec<RuntimeDescriptor> {
    vec![RuntimeDescriptor {
        id: ID,
        family: "v8",
        tier: Tier::Optimizing,
        feature: "v8",
        version: "node",
        factory: factory(),
    }]
}

fn factory() -> Option<Factory> {
    None
}
