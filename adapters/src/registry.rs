//! Every runtime id wasm-arena knows, compiled in or not: static data, so
//! looking one up starts nothing and builds nothing. The engines of most ids
//! are in this crate; Wasmer's and WasmEdge's are crates of their own, which
//! a binary that runs them [`link`]s.

use std::collections::BTreeMap;
use std::sync::RwLock;

use crate::{RunError, Runtime, RuntimeInfo, Tier};

/// Makes the configured runtime of the descriptor it is handed; one per
/// compiled-in runtime id.
pub type Factory = fn(&RuntimeDescriptor) -> Result<Box<dyn Runtime>, RunError>;

/// Work a runtime id needs done once per module before any measured process
/// starts, untimed, in the harness's own process (a container image is
/// built): its error is the cell's reason.
pub type Setup = fn(&[u8]) -> Result<(), RunError>;

/// A runtime's version: fixed when wasm-arena was built, or asked of an
/// external program only where it is shown or recorded.
#[derive(Clone, Copy)]
pub enum Version {
    /// The runtime crate's version in Cargo.lock, or the native toolchain.
    Built(&'static str),
    /// Asks the program the adapter runs (node), once per process.
    Probe(fn() -> &'static str),
}

impl Version {
    /// The version; a probe starts its program the first time.
    pub fn resolve(self) -> &'static str {
        match self {
            Version::Built(version) => version,
            Version::Probe(probe) => probe(),
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.resolve())
    }
}

/// One runtime id: what it is, and how to make it if it is compiled in.
#[derive(Clone, Copy)]
pub struct RuntimeDescriptor {
    pub id: &'static str,
    pub family: &'static str,
    pub tier: Tier,
    /// The cargo feature that compiles this runtime in.
    pub feature: &'static str,
    /// Resolved only where it is shown or recorded.
    pub version: Version,
    /// In this crate's engines; `None` for those in crates of their own,
    /// found among the [`link`]ed ones.
    pub(crate) factory: Option<Factory>,
    /// The program that runs this id's jobs.
    pub worker: Worker,
    pub(crate) setup: Option<Setup>,
    /// How `run --scenario cold` starts it in a fresh process.
    pub cold: ColdHost,
}

/// How the cold-start scenario starts a runtime id: a fresh process per
/// request that loads the module, instantiates it and runs it, as a
/// serverless platform would. Never wasm-arena's own binary, which links
/// every runtime compiled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColdHost {
    /// One of wasm-arena's host programs (`hosts/`), built beside its binary.
    Program {
        /// The binary's name.
        bin: &'static str,
        /// Its engine options for this id.
        options: &'static [&'static str],
        /// `Ok` when the runtime has a precompiled artifact the host can load
        /// (`compile`, then `run --precompiled`); else why not.
        artifact: Result<(), &'static str>,
    },
    /// node on PATH running `hosts/node.mjs` (node's own `node:wasi`).
    Node,
    /// The workload's native twin, run as it is.
    Twin,
    /// The twin in a container of this image, started by `runc run`.
    Container(crate::container::Kind),
}

/// The worker program that runs a runtime id's jobs, one process per job,
/// found beside wasm-arena's own binary. A process pays at start for every
/// library its binary links, whether it uses it or not: libwasmedge with its
/// LLVM about 7 ms and Wasmer's LLVM about 3 ms on every spawn (measured in
/// the dynamic loader's relocations and static constructors). So Wasmer and
/// WasmEdge have workers of their own, and every other id shares one that
/// links neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worker {
    Shared,
    Wasmer,
    WasmEdge,
}

impl Worker {
    /// The binary's name.
    pub const fn program(self) -> &'static str {
        match self {
            Worker::Shared => "wasm-arena-worker",
            Worker::Wasmer => "wasm-arena-worker-wasmer",
            Worker::WasmEdge => "wasm-arena-worker-wasmedge",
        }
    }
}

/// A runtime id's factory in an engine crate of its own.
pub struct Engine {
    pub id: &'static str,
    pub factory: Factory,
}

/// The engines this process's binary links, by family.
static LINKED: RwLock<Vec<&'static [Engine]>> = RwLock::new(Vec::new());

/// Makes the runtime ids of an engine crate of their own available in this
/// process; a binary that does not call it never links that crate, nor
/// loads what it links. Linking a family twice changes nothing.
pub fn link(engines: &'static [Engine]) {
    // A panic elsewhere cannot leave the list half-written: it is only pushed to.
    let mut linked = LINKED.write().unwrap_or_else(|e| e.into_inner());
    if !linked.iter().any(|family| std::ptr::eq(*family, engines)) {
        linked.push(engines);
    }
}

/// Whether this binary links any engine crate of its own: its processes
/// then start slower than the shared worker's.
pub fn links_engine_crates() -> bool {
    !LINKED.read().unwrap_or_else(|e| e.into_inner()).is_empty()
}

impl RuntimeDescriptor {
    /// How to make this id in this process: its factory here, or a linked one.
    fn factory(&self) -> Option<Factory> {
        self.factory.or_else(|| {
            let linked = LINKED.read().unwrap_or_else(|e| e.into_inner());
            linked
                .iter()
                .flat_map(|family| family.iter())
                .find(|engine| engine.id == self.id)
                .map(|engine| engine.factory)
        })
    }

    pub fn compiled_in(&self) -> bool {
        self.factory().is_some()
    }

    /// What this id is, with the settings its configured runtime reports.
    pub fn info(&self, settings: BTreeMap<String, String>) -> RuntimeInfo {
        RuntimeInfo {
            id: self.id.into(),
            family: self.family.into(),
            version: self.version.resolve().into(),
            tier: self.tier,
            settings,
            unsupported: BTreeMap::new(),
        }
    }

    /// What this id is as configured: its runtime's own info (settings, what
    /// it cannot do), or the bare descriptor when it cannot be made here.
    pub fn configured_info(&self) -> RuntimeInfo {
        match self.create() {
            Ok(runtime) => runtime.info(),
            Err(_) => self.info(BTreeMap::new()),
        }
    }

    /// Whether this id has a [`Setup`] to do before it runs a module.
    pub fn needs_setup(&self) -> bool {
        self.compiled_in() && self.setup.is_some()
    }

    /// Does this id's [`Setup`] for a module, if it has one.
    pub fn set_up(&self, wasm: &[u8]) -> Result<(), RunError> {
        match self.setup {
            Some(setup) if self.compiled_in() => setup(wasm),
            _ => Ok(()),
        }
    }

    pub fn create(&self) -> Result<Box<dyn Runtime>, RunError> {
        match self.factory() {
            Some(factory) => factory(self),
            None => Err(RunError::Unsupported(format!(
                "{} is not compiled into this binary; rebuild with `--features {}`",
                self.id, self.feature
            ))),
        }
    }
}

/// Every known runtime id, in report order. One line per family.
static FAMILIES: &[&[RuntimeDescriptor]] = &[
    &crate::wasmtime::DESCRIPTORS,
    &crate::wasmer::DESCRIPTORS,
    &crate::wasmedge::DESCRIPTORS,
    &crate::wasmi::DESCRIPTORS,
    &crate::v8::DESCRIPTORS,
    &crate::native::DESCRIPTORS,
    &crate::container::DESCRIPTORS,
];

fn all() -> impl Iterator<Item = &'static RuntimeDescriptor> {
    FAMILIES.iter().flat_map(|family| family.iter())
}

/// Every known runtime id, in report order, as copies of the static data.
pub fn descriptors() -> Vec<RuntimeDescriptor> {
    all().copied().collect()
}

pub fn find(id: &str) -> Option<&'static RuntimeDescriptor> {
    all().find(|d| d.id == id)
}

/// An adapter's own [`RuntimeInfo`]: its registered id with its settings,
/// for the adapters that look their id up rather than keep the descriptor
/// their factory is handed (as `native` and `v8` do).
pub fn info(id: &str, settings: BTreeMap<String, String>) -> RuntimeInfo {
    find(id).expect("own id is registered").info(settings)
}

/// Makes the runtime with this id; the error names the valid ids.
pub fn create(id: &str) -> Result<Box<dyn Runtime>, RunError> {
    match find(id) {
        Some(descriptor) => descriptor.create(),
        None => Err(RunError::Unsupported(format!(
            "unknown runtime id `{id}`; known ids: {}",
            all().map(|d| d.id).collect::<Vec<_>>().join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_belong_to_their_family() {
        let all = descriptors();
        let mut ids: Vec<&str> = all.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
        assert!(all.iter().all(|d| d.id.starts_with(d.family)));
    }

    #[test]
    fn unknown_ids_are_refused_with_the_valid_ones() {
        let Err(RunError::Unsupported(message)) = create("wasmtime-turbo") else {
            panic!("an unknown id was accepted");
        };
        assert!(
            message.contains("unknown runtime id `wasmtime-turbo`"),
            "{message}"
        );
        assert!(
            message.contains("wasmtime-cranelift, wasmtime-winch, wasmtime-pulley"),
            "{message}"
        );
    }

    #[test]
    fn ids_not_compiled_in_name_the_feature_that_enables_them() {
        // As every descriptor of a family built without its feature is.
        let absent = RuntimeDescriptor {
            factory: None,
            ..descriptors()[0]
        };
        assert!(!absent.compiled_in());
        let Err(RunError::Unsupported(message)) = absent.create() else {
            panic!("created without its feature");
        };
        assert!(
            message.contains(&format!("rebuild with `--features {}`", absent.feature)),
            "{message}"
        );
    }
}
