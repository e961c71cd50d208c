//! Wasmtime: one engine, three compilers. `wasmtime-cranelift` (optimising),
//! `wasmtime-winch` (baseline) and `wasmtime-pulley` (the portable interpreter).

#[cfg(feature = "wasmtime")]
mod engine;

use crate::Tier;
use crate::registry::{Factory, RuntimeDescriptor};

/// The compiler a Wasmtime runtime id uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compiler {
    Cranelift,
    Winch,
    Pulley,
}

impl Compiler {
    const ALL: [Compiler; 3] = [Compiler::Cranelift, Compiler::Winch, Compiler::Pulley];

    fn id(self) -> &'static str {
        match self {
            Compiler::Cranelift => "wasmtime-cranelift",
            Compiler::Winch => "wasmtime-winch",
            Compiler::Pulley => "wasmtime-pulley",
        }
    }

    fn tier(self) -> Tier {
        match self {
            Compiler::Cranelift => Tier::Optimizing,
            Compiler::Winch => Tier::Baseline,
            Compiler::Pulley => Tier::Interpreter,
        }
    }
}

pub(crate) fn descriptors() -> Vec<RuntimeDescriptor> {
    Compiler::ALL
        .iter()
        .map(|&compiler| RuntimeDescriptor {
            id: compiler.id(),
            family: "wasmtime",
            tier: compiler.tier(),
            feature: "wasmtime",
            version: env!("WASMTIME_VERSION"),
            factory: factory(compiler),
        })
        .collect()
}

#[cfg(feature = "wasmtime")]
fn factory(compiler: Compiler) -> Option<Factory> {
    Some(match compiler {
        Compiler::Cranelift => || engine::Wasmtime::boxed(Compiler::Cranelift),
        Compiler::Winch => || engine::Wasmtime::boxed(Compiler::Winch),
        Compiler::Pulley => || engine::Wasmtime::boxed(Compiler::Pulley),
    })
}

#[cfg(not(feature = "wasmtime"))]
fn factory(_: Compiler) -> Option<Factory> {
    None
}
