//! Every runtime id wasm-arena knows, compiled in or not.

use crate::{RunError, Runtime, Tier};

/// Makes a configured runtime; one per compiled-in runtime id.
pub type Factory = fn() -> Result<Box<dyn Runtime>, RunError>;

/// One runtime id: what it is, and how to make it if it is compiled in.
#[derive(Clone, Copy)]
pub struct RuntimeDescriptor {
    pub id: &'static str,
    pub family: &'static str,
    pub tier: Tier,
    /// The cargo feature that compiles this runtime in.
    pub feature: &'static str,
    /// Version of the runtime crate in Cargo.lock.
    pub version: &'static str,
    pub(crate) factory: Option<Factory>,
}

impl RuntimeDescriptor {
    pub fn compiled_in(&self) -> bool {
        self.factory.is_some()
    }

    pub fn create(&self) -> Result<Box<dyn Runtime>, RunError> {
        match self.factory {
            Some(factory) => factory(),
            None => Err(RunError::Unsupported(format!(
                "{} is not compiled into this binary; rebuild with `--features {}`",
                self.id, self.feature
            ))),
        }
    }
}

/// Every known runtime id, in report order. One line per family.
pub fn descriptors() -> Vec<RuntimeDescriptor> {
    [crate::wasmtime::descriptors()].concat()
}

pub fn find(id: &str) -> Option<RuntimeDescriptor> {
    descriptors().into_iter().find(|d| d.id == id)
}

/// Makes the runtime with this id; the error names the valid ids.
pub fn create(id: &str) -> Result<Box<dyn Runtime>, RunError> {
    match find(id) {
        Some(descriptor) => descriptor.create(),
        None => Err(RunError::Unsupported(format!(
            "unknown runtime id `{id}`; known ids: {}",
            descriptors()
                .iter()
                .map(|d| d.id)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}
