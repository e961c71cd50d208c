//! Wasmer with `wasmer-wasix` for WASI: `wasmer-cranelift` (optimising),
//! `wasmer-singlepass` (baseline) and `wasmer-llvm` (optimising, LLVM 22; its
//! own feature, `wasmer-llvm`, because it needs Debian's `llvm-22-dev`).
//!
//! What the ids are; the engine is the crate `wasm-arena-wasmer`
//! (`adapters/wasmer/`), which only the binaries that run Wasmer link: its
//! LLVM costs every process that loads it milliseconds (see [`Worker`]).

use crate::Tier;
use crate::registry::{ColdHost, RuntimeDescriptor, Version, Worker};

/// The compiler a Wasmer runtime id uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compiler {
    Cranelift,
    Singlepass,
    Llvm,
}

impl Compiler {
    pub const fn id(self) -> &'static str {
        match self {
            Compiler::Cranelift => "wasmer-cranelift",
            Compiler::Singlepass => "wasmer-singlepass",
            Compiler::Llvm => "wasmer-llvm",
        }
    }

    const fn tier(self) -> Tier {
        match self {
            Compiler::Cranelift | Compiler::Llvm => Tier::Optimizing,
            Compiler::Singlepass => Tier::Baseline,
        }
    }

    const fn feature(self) -> &'static str {
        match self {
            Compiler::Llvm => "wasmer-llvm",
            Compiler::Cranelift | Compiler::Singlepass => "wasmer",
        }
    }

    const fn descriptor(self) -> RuntimeDescriptor {
        RuntimeDescriptor {
            id: self.id(),
            family: "wasmer",
            tier: self.tier(),
            feature: self.feature(),
            version: Version::Built(env!("WASMER_VERSION")),
            factory: None,
            worker: Worker::Wasmer,
            setup: None,
            cold: ColdHost::Program {
                bin: "wasm-arena-cold-wasmer",
                options: match self {
                    Compiler::Cranelift => &["--compiler", "cranelift"],
                    Compiler::Singlepass => &["--compiler", "singlepass"],
                    Compiler::Llvm => &["--compiler", "llvm"],
                },
                artifact: Ok(()),
            },
        }
    }
}

/// Every Wasmer id, in report order.
pub(crate) const DESCRIPTORS: [RuntimeDescriptor; 3] = [
    Compiler::Cranelift.descriptor(),
    Compiler::Singlepass.descriptor(),
    Compiler::Llvm.descriptor(),
];
