//! Wasmer with `wasmer-wasix` for WASI: `wasmer-cranelift` (optimising),
//! `wasmer-singlepass` (baseline) and `wasmer-llvm` (optimising, LLVM 22; its
//! own feature, `wasmer-llvm`, because it needs Debian's `llvm-22-dev`).

#[cfg(feature = "wasmer")]
mod engine;

use crate::Tier;
use crate::registry::{Factory, RuntimeDescriptor};

/// The compiler a Wasmer runtime id uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compiler {
    Cranelift,
    Singlepass,
    Llvm,
}

impl Compiler {
    const ALL: [Compiler; 3] = [Compiler::Cranelift, Compiler::Singlepass, Compiler::Llvm];

    fn id(self) -> &'static str {
        match self {
            Compiler::Cranelift => "wasmer-cranelift",
            Compiler::Singlepass => "wasmer-singlepass",
            Compiler::Llvm => "wasmer-llvm",
        }
    }

    fn tier(self) -> Tier {
        match self {
            Compiler::Cranelift | Compiler::Llvm => Tier::Optimizing,
            Compiler::Singlepass => Tier::Baseline,
        }
    }

    fn feature(self) -> &'static str {
        match self {
            Compiler::Llvm => "wasmer-llvm",
            Compiler::Cranelift | Compiler::Singlepass => "wasmer",
        }
    }
}

pub(crate) fn descriptors() -> Vec<RuntimeDescriptor> {
    Compiler::ALL
        .iter()
        .map(|&compiler| RuntimeDescriptor {
            id: compiler.id(),
            family: "wasmer",
            tier: compiler.tier(),
            feature: compiler.feature(),
            version: env!("WASMER_VERSION"),
            factory: factory(compiler),
        })
        .collect()
}

#[cfg(feature = "wasmer")]
fn factory(compiler: Compiler) -> Option<Factory> {
    Some(match compiler {
        Compiler::Cranelift => || engine::Wasmer::boxed(Compiler::Cranelift),
        Compiler::Singlepass => || engine::Wasmer::boxed(Compiler::Singlepass),
        Compiler::Llvm if cfg!(feature = "wasmer-llvm") => || engine::Wasmer::boxed(Compiler::Llvm),
        Compiler::Llvm => return None,
    })
}

#[cfg(not(feature = "wasmer"))]
fn factory(_: Compiler) -> Option<Factory> {
    None
}
