//! WasmEdge through `wasmedge-sdk` (libwasmedge 0.14): `wasmedge-interp`, its
//! interpreter, and `wasmedge-aot`, its LLVM ahead-of-time compiler.
//!
//! What the ids are; the engine is the crate `wasm-arena-wasmedge`
//! (`adapters/wasmedge/`), which only the binaries that run WasmEdge link:
//! libwasmedge and its LLVM cost every process that loads them milliseconds
//! (see [`Worker`]).

use crate::Tier;
use crate::registry::{ColdHost, RuntimeDescriptor, Version, Worker};

/// How a WasmEdge runtime id runs the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Interpreter,
    Aot,
}

impl Mode {
    pub const fn id(self) -> &'static str {
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
            factory: None,
            worker: Worker::WasmEdge,
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
