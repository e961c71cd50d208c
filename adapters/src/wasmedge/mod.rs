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
use crate::registry::{ColdHost, Factory, RuntimeDescriptor, Version};

/// How a WasmEdge runtime id runs the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Interpreter,
    Aot,
}

impl Mode {
    const fn id(self) -> &'static str {
        match self {
            Mode::Interpreter => "wasmedge-interp",
            Mode::Aot => "wasmedge-aot",
        }
    }

    const fn tier(self) -> Tier {
        match self {
            Mode::Interpreter => Tier::Interpreter,
            Mode::Aot => Tier::Aot,
        }
    }

    const fn descriptor(self) -> RuntimeDescriptor {
        RuntimeDescriptor {
            id: self.id(),
            family: "wasmedge",
            tier: self.tier(),
            feature: "wasmedge",
            version: Version::Built(env!("WASMEDGE_SDK_VERSION")),
            factory: factory(self),
            setup: None,
            cold: ColdHost::Program {
                bin: "wasm-arena-cold-wasmedge",
                options: match self {
                    Mode::Interpreter => &["--mode", "interpreter"],
                    Mode::Aot => &["--mode", "aot"],
                },
                artifact: match self {
                    Mode::Interpreter => Err("the interpreter runs the .wasm; it has no artifact"),
                    Mode::Aot => Ok(()),
                },
            },
        }
    }
}

/// Every WasmEdge id, in report order.
pub(crate) const DESCRIPTORS: [RuntimeDescriptor; 2] =
    [Mode::Interpreter.descriptor(), Mode::Aot.descriptor()];

#[cfg(feature = "wasmedge")]
const fn factory(mode: Mode) -> Option<Factory> {
    Some(match mode {
        Mode::Interpreter => |_| engine::WasmEdge::boxed(Mode::Interpreter),
        Mode::Aot => |_| engine::WasmEdge::boxed(Mode::Aot),
    })
}

#[cfg(not(feature = "wasmedge"))]
const fn factory(_: Mode) -> Option<Factory> {
    None
}
