//! WasmEdge through `wasmedge-sdk` (libwasmedge 0.14): `wasmedge-interp`, its
//! interpreter, and `wasmedge-aot`, its LLVM ahead-of-time compiler.

#[cfg(feature = "wasmedge")]
mod affinity;
#[cfg(feature = "wasmedge")]
mod engine;
#[cfg(feature = "wasmedge")]
mod handles;
#[cfg(feature = "wasmedge")]
mod log;
#[cfg(feature = "wasmedge")]
mod signals;
#[cfg(feature = "wasmedge")]
mod stdio;

use crate::Tier;
use crate::registry::{Factory, RuntimeDescriptor};

/// How a WasmEdge runtime id runs the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Interpreter,
    Aot,
}

impl Mode {
    const ALL: [Mode; 2] = [Mode::Interpreter, Mode::Aot];

    fn id(self) -> &'static str {
        match self {
            Mode::Interpreter => "wasmedge-interp",
            Mode::Aot => "wasmedge-aot",
        }
    }

    fn tier(self) -> Tier {
        match self {
            Mode::Interpreter => Tier::Interpreter,
            Mode::Aot => Tier::Aot,
        }
    }
}

pub(crate) fn descriptors() -> Vec<RuntimeDescriptor> {
    Mode::ALL
        .iter()
        .map(|&mode| RuntimeDescriptor {
            id: mode.id(),
            family: "wasmedge",
            tier: mode.tier(),
            feature: "wasmedge",
            version: env!("WASMEDGE_SDK_VERSION"),
            factory: factory(mode),
        })
        .collect()
}

#[cfg(feature = "wasmedge")]
fn factory(mode: Mode) -> Option<Factory> {
    Some(match mode {
        Mode::Interpreter => || engine::WasmEdge::boxed(Mode::Interpreter),
        Mode::Aot => || engine::WasmEdge::boxed(Mode::Aot),
    })
}

#[cfg(not(feature = "wasmedge"))]
fn factory(_: Mode) -> Option<Factory> {
    None
}
