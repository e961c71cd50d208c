//! `container-debian` and `container-minimal`: the workload's native twin in
//! a real OCI container started by runc, one container per run, as a
//! container platform starts a function. The images are real OCI images
//! built with umoci (see [`image`]); the container is umoci's runtime
//! configuration for the image with the run's arguments, environment and
//! grants as bind mounts (see [`bundle`]). The twin's timing shim reports
//! through fd 3, which runc passes in, so the execute time is the same
//! region the bare twin and the `.wasm` time.
//!
//! Needs root, runc and umoci (and debootstrap for the Debian image); where
//! one is missing the cells are `unsupported`, with the command that
//! installs it.

mod bundle;
mod escape;
mod image;
#[cfg(feature = "container")]
mod runtime;

use serde::{Deserialize, Serialize};

use crate::registry::{ColdHost, Factory, RuntimeDescriptor, Setup, Version, Worker};
use crate::{RunError, Tier};

pub use bundle::{Container, Grant, Isolation, isolation};
pub use escape::{Escape, Place, escapes};
pub use image::{Built, CACHE_ENV, ImageRecord, MIRROR_ENV};

/// Which image a container id runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A Debian minimal root file system with the twin added: what most
    /// teams ship.
    Debian,
    /// Only the statically linked twin: the least a container can hold.
    Minimal,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Debian => "debian",
            Kind::Minimal => "minimal",
        }
    }
}

pub(crate) const DESCRIPTORS: [RuntimeDescriptor; 2] = [
    descriptor("container-debian", Kind::Debian),
    descriptor("container-minimal", Kind::Minimal),
];

const fn descriptor(id: &'static str, kind: Kind) -> RuntimeDescriptor {
    RuntimeDescriptor {
        id,
        family: "container",
        tier: Tier::Container,
        feature: "container",
        version: VERSION,
        factory: FACTORY,
        worker: Worker::Shared,
        setup: SETUP[kind as usize],
        cold: ColdHost::Container(kind),
    }
}

/// runc's version, asked only where it is shown or recorded.
const VERSION: Version = Version::Probe(runc_version);

#[cfg(feature = "container")]
const FACTORY: Option<Factory> = Some(runtime::Containers::boxed);

#[cfg(not(feature = "container"))]
const FACTORY: Option<Factory> = None;

const SETUP: [Option<Setup>; 2] = [
    Some(|wasm| prepare(Kind::Debian, wasm).map(drop)),
    Some(|wasm| prepare(Kind::Minimal, wasm).map(drop)),
];

/// The image of `kind` for this module's twin, built (once; then from the
/// cache) and unpacked, after checking that containers can run here.
pub fn prepare(kind: Kind, wasm: &[u8]) -> Result<Built, RunError> {
    if !cfg!(feature = "container") {
        return Err(RunError::Unsupported(
            "containers are not compiled into this binary; rebuild with `--features container`"
                .into(),
        ));
    }
    can_run()?;
    let twin = crate::native::twin(wasm)?;
    let name = twin
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let program = match kind {
        Kind::Debian => twin,
        Kind::Minimal => {
            let fixed = twin.with_file_name("static").join(&name);
            if !fixed.is_file() {
                return Err(RunError::Unsupported(format!(
                    "no statically linked twin at {}: scripts/build-workloads.sh --native builds it",
                    fixed.display()
                )));
            }
            fixed
        }
    };
    image::build(kind, &name, &program)
}

/// What runc needs here: root (rootless containers are not set up) and the
/// runc and umoci programs.
fn can_run() -> Result<(), RunError> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err(RunError::Unsupported(
            "containers need root here: runc runs them as root (rootless containers would \
             need a user namespace setup wasm-arena does not make)"
                .into(),
        ));
    }
    for tool in ["runc", "umoci"] {
        if which(tool).is_none() {
            return Err(RunError::Unsupported(format!(
                "no `{tool}` on PATH: apt-get install runc umoci debootstrap"
            )));
        }
    }
    Ok(())
}

/// The runc on PATH, which starts every container.
pub fn runc() -> Result<std::path::PathBuf, RunError> {
    can_run()?;
    which("runc").ok_or_else(|| RunError::Unsupported("no `runc` on PATH".into()))
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// `runc --version`'s first line, once per process.
fn runc_version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        std::process::Command::new("runc")
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| {
                let text = String::from_utf8_lossy(&o.stdout);
                let line = text.lines().next()?.trim_start_matches("runc version ");
                Some(format!("{line} (runc)"))
            })
            .unwrap_or_else(|| "runc not found".into())
    })
}
