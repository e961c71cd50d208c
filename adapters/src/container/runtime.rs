//! The container ids as a [`Runtime`]: "compile" finds the image (built by
//! the id's setup before any measured process), "instantiate" writes the
//! bundle with the run's grants, and each run is one `runc run`.

use std::collections::BTreeMap;

use super::bundle::{Container, Grant};
use super::image::Built;
use super::{Kind, prepare};
use crate::native::twin::{plugin_args, plugin_outcome, run};
use crate::registry::ColdHost;
use crate::{
    Capability, Instance, Module, PluginCalls, RunError, RunOutcome, Runtime, RuntimeDescriptor,
    RuntimeInfo, WasiSpec,
};

pub(super) struct Containers {
    descriptor: RuntimeDescriptor,
    kind: Kind,
}

impl Containers {
    pub(super) fn boxed(descriptor: &RuntimeDescriptor) -> Result<Box<dyn Runtime>, RunError> {
        let ColdHost::Container(kind) = descriptor.cold else {
            unreachable!("a container id's cold host names its image");
        };
        Ok(Box::new(Containers {
            descriptor: *descriptor,
            kind,
        }))
    }
}

impl Runtime for Containers {
    fn info(&self) -> RuntimeInfo {
        let image = match self.kind {
            Kind::Debian => {
                "Debian 12 (bookworm) minbase root from debootstrap, apt caches removed, plus the \
                 native twin (dynamically linked)"
            }
            Kind::Minimal => "the statically linked native twin alone",
        };
        let settings = BTreeMap::from([
            ("image".to_string(), image.to_string()),
            ("built_with".to_string(), "umoci (OCI image layout)".into()),
            (
                "process".to_string(),
                "one container per run: runc run with umoci's runtime config, root read-only, \
                 grants as bind mounts"
                    .into(),
            ),
            (
                "time_budget".to_string(),
                "SIGKILL of runc at the deadline, then runc delete".into(),
            ),
        ]);
        let mut info = self.descriptor.info(settings);
        info.unsupported = BTreeMap::from([
            (
                Capability::MemoryCap,
                "a cgroup memory limit kills the process; it does not refuse a growth, so none \
                 is set"
                    .into(),
            ),
            (
                Capability::Precompile,
                "the image is built before the run; there is no artifact to load".into(),
            ),
            (
                Capability::SharedHost,
                "one container per run: it has no instances to keep in a host".into(),
            ),
        ]);
        info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Module>, RunError> {
        Ok(Box::new(Image {
            built: prepare(self.kind, wasm)?,
        }))
    }

    fn precompile(&self, _wasm: &[u8]) -> Result<Option<Vec<u8>>, RunError> {
        Ok(None)
    }

    fn load_precompiled(&self, _artifact: &[u8]) -> Result<Box<dyn Module>, RunError> {
        Err(RunError::Unsupported(
            "the image is built before the run; there is no artifact to load".into(),
        ))
    }
}

struct Image {
    built: Built,
}

impl Module for Image {
    fn instantiate(&self, wasi: &WasiSpec) -> Result<Box<dyn Instance>, RunError> {
        Ok(Box::new(Run {
            built: self.built.clone(),
            wasi: wasi.clone(),
        }))
    }
}

struct Run {
    built: Built,
    wasi: WasiSpec,
}

impl Run {
    fn run(&self, args: &[String], stdin: &[u8]) -> Result<RunOutcome, RunError> {
        let grants: Vec<Grant> = self
            .wasi
            .preopens
            .iter()
            .map(|p| Grant {
                host: &p.host,
                guest: &p.guest,
                read_only: p.read_only,
            })
            .collect();
        let container = Container::new(&self.built, args, &self.wasi.env, &grants)?;
        let budget = self.wasi.limits.time_budget;
        run(container.command(), stdin, budget, "the container")
    }
}

impl Instance for Run {
    fn run(&mut self) -> Result<RunOutcome, RunError> {
        Run::run(self, &self.wasi.args, &self.wasi.stdin)
    }

    fn call_plugin(&mut self, plugin: &PluginCalls) -> Result<RunOutcome, RunError> {
        let args = plugin_args(&self.wasi, plugin);
        Run::run(self, &args, &plugin.input).map(plugin_outcome)
    }
}
