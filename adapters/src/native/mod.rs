//! `native`: the workload's own C or Rust source built for the host with the
//! same compiler and optimisation flags as its `.wasm`, and linked with the
//! timing shim (`workloads/native/shim.c`) so that it times the same
//! `bench.start`..`bench.end` region. It is the baseline of every Wasm/native
//! ratio. Cargo builds the twins (`build.rs` runs
//! `scripts/build-workloads.sh --native`); a module is matched to its twin by
//! the sha256 of the committed `.wasm`, so any other module has none.
//!
//! A twin runs as a process of its own, with the grants mapped onto the host:
//! args and the whole env as given, stdin bytes, and each preopen as a symlink
//! in its working directory (`/input` -> `./input`; the workloads open
//! relative paths, which wasi-libc resolves against the preopens). Native code
//! has no sandbox: read-only grants and the memory cap are not enforced, and
//! `info()` says so.

#[cfg(feature = "native")]
pub(crate) mod twin;

use crate::Tier;
use crate::registry::{ColdHost, Factory, RuntimeDescriptor, Version, Worker};

pub const ID: &str = "native";

pub(crate) const DESCRIPTORS: [RuntimeDescriptor; 1] = [RuntimeDescriptor {
    id: ID,
    family: "native",
    tier: Tier::Native,
    feature: "native",
    version: Version::Built(env!("NATIVE_TOOLCHAIN")),
    factory: FACTORY,
    worker: Worker::Shared,
    setup: None,
    cold: ColdHost::Twin,
}];

/// The native twin of a module, to run as a program of its own (the
/// cold-start scenario does).
#[cfg(feature = "native")]
pub fn twin(wasm: &[u8]) -> Result<std::path::PathBuf, crate::RunError> {
    twin::path(wasm)
}

#[cfg(not(feature = "native"))]
pub fn twin(_: &[u8]) -> Result<std::path::PathBuf, crate::RunError> {
    Err(crate::RunError::Unsupported(
        "native is not compiled into this binary; rebuild with `--features native`".into(),
    ))
}

#[cfg(feature = "native")]
const FACTORY: Option<Factory> = Some(twin::Native::boxed);

#[cfg(not(feature = "native"))]
const FACTORY: Option<Factory> = None;
