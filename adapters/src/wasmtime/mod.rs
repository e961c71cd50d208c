//! Wasmtime: one engine, three compilers. `wasmtime-cranelift` (optimising),
//! `wasmtime-winch` (baseline) and `wasmtime-pulley` (the portable interpreter),
//! and `wasmtime-cranelift-pooling`: Cranelift with the pooling instance
//! allocator, which keeps memories and instances reserved and reuses them, so
//! instantiation costs less than with the default on-demand allocator.

#[cfg(feature = "wasmtime")]
mod component;
#[cfg(feature = "wasmtime")]
mod engine;
#[cfg(feature = "wasmtime")]
mod stdin;

use crate::Tier;
use crate::registry::{ColdHost, Factory, RuntimeDescriptor, Version, Worker};

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

    const fn id(self) -> &'static str {
        match (self.compiler, self.pooling) {
            (Compiler::Cranelift, false) => "wasmtime-cranelift",
            (Compiler::Cranelift, true) => "wasmtime-cranelift-pooling",
            (Compiler::Winch, _) => "wasmtime-winch",
            (Compiler::Pulley, _) => "wasmtime-pulley",
        }
    }

    /// The cold-start host's options for this id (`hosts/wasmtime.rs`).
    const fn cold(self) -> ColdHost {
        ColdHost::Program {
            bin: "wasm-arena-cold-wasmtime",
            options: match (self.compiler, self.pooling) {
                (Compiler::Cranelift, false) => &["--strategy", "cranelift"],
                (Compiler::Cranelift, true) => {
                    &["--strategy", "cranelift", "--allocator", "pooling"]
                }
                (Compiler::Winch, _) => &["--strategy", "winch"],
                (Compiler::Pulley, _) => &["--strategy", "pulley"],
            },
            artifact: Ok(()),
        }
    }

    const fn tier(self) -> Tier {
        match self.compiler {
            Compiler::Cranelift => Tier::Optimizing,
            Compiler::Winch => Tier::Baseline,
            Compiler::Pulley => Tier::Interpreter,
        }
    }
}

/// Every Wasmtime id, in report order.
pub(crate) const DESCRIPTORS: [RuntimeDescriptor; 4] =
    [descriptor(0), descriptor(1), descriptor(2), descriptor(3)];

const fn descriptor(index: usize) -> RuntimeDescriptor {
    let variant = Variant::ALL[index];
    RuntimeDescriptor {
        id: variant.id(),
        family: "wasmtime",
        tier: variant.tier(),
        feature: "wasmtime",
        version: Version::Built(env!("WASMTIME_VERSION")),
        factory: FACTORIES[index],
        worker: Worker::Shared,
        setup: None,
        cold: variant.cold(),
    }
}

/// The factory of each of [`Variant::ALL`].
#[cfg(feature = "wasmtime")]
const FACTORIES: [Option<Factory>; 4] = [
    Some(|_| engine::Wasmtime::boxed(Variant::ALL[0])),
    Some(|_| engine::Wasmtime::boxed(Variant::ALL[1])),
    Some(|_| engine::Wasmtime::boxed(Variant::ALL[2])),
    Some(|_| engine::Wasmtime::boxed(Variant::ALL[3])),
];

#[cfg(not(feature = "wasmtime"))]
const FACTORIES: [Option<Factory>; 4] = [None; 4];
