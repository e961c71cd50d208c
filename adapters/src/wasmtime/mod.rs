//! Wasmtime: one engine, three compilers. `wasmtime-cranelift` (optimising),
//! `wasmtime-winch` (baseline) and `wasmtime-pulley` (the portable interpreter),
//! and `wasmtime-cranelift-pooling`: Cranelift with the pooling instance
//! allocator, which keeps memories and instances reserved and reuses them, so
//! instantiation costs less than with the default on-demand allocator.

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

/// One Wasmtime runtime id: a compiler and an instance allocator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    pub compiler: Compiler,
    pub pooling: bool,
}

impl Variant {
    const ALL: [Variant; 4] = [
        Variant::on_demand(Compiler::Cranelift),
        Variant::on_demand(Compiler::Winch),
        Variant::on_demand(Compiler::Pulley),
        Variant {
            compiler: Compiler::Cranelift,
            pooling: true,
        },
    ];

    const fn on_demand(compiler: Compiler) -> Variant {
        Variant {
            compiler,
            pooling: false,
        }
    }

    fn id(self) -> &'static str {
        match (self.compiler, self.pooling) {
            (Compiler::Cranelift, false) => "wasmtime-cranelift",
            (Compiler::Cranelift, true) => "wasmtime-cranelift-pooling",
            (Compiler::Winch, _) => "wasmtime-winch",
            (Compiler::Pulley, _) => "wasmtime-pulley",
        }
    }

    fn tier(self) -> Tier {
        match self.compiler {
            Compiler::Cranelift => Tier::Optimizing,
            Compiler::Winch => Tier::Baseline,
            Compiler::Pulley => Tier::Interpreter,
        }
    }
}

pub(crate) fn descriptors() -> Vec<RuntimeDescriptor> {
    Variant::ALL
        .iter()
        .map(|&variant| RuntimeDescriptor {
            id: variant.id(),
            family: "wasmtime",
            tier: variant.tier(),
            feature: "wasmtime",
            version: env!("WASMTIME_VERSION"),
            factory: factory(variant),
        })
        .collect()
}

#[cfg(feature = "wasmtime")]
fn factory(variant: Variant) -> Option<Factory> {
    const ALL: [Factory; 4] = [
        || engine::Wasmtime::boxed(Variant::ALL[0]),
        || engine::Wasmtime::boxed(Variant::ALL[1]),
        || engine::Wasmtime::boxed(Variant::ALL[2]),
        || engine::Wasmtime::boxed(Variant::ALL[3]),
    ];
    let index = Variant::ALL.iter().position(|v| *v == variant)?;
    Some(ALL[index])
}

#[cfg(not(feature = "wasmtime"))]
fn factory(_: Variant) -> Option<Factory> {
    None
}
