use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::Duration;

use tempfile::TempDir;

use super::component;
use super::node::{self, Launcher, Node, Reply, json, json_path, other};
use crate::{
    Capability, Instance, Interface, Module, PluginCalls, Resident, RunError, RunOutcome, Runtime,
    RuntimeDescriptor, RuntimeInfo, StdinEnd, TimedRegion, WasiSpec,
};

const WASM_PAGE: u64 = 64 << 10;

pub(super) struct V8 {
    descriptor: RuntimeDescriptor,
    launcher: Launcher,
    threads: std::num::NonZero<usize>,
    /// Whether node's V8 has JavaScript Promise Integration.
    jspi: bool,
}

/// Why a node without JavaScript Promise Integration runs no WASI 0.3
/// component (found with node 20.19, V8 11.3: the transpiled code stops at
/// "WebAssembly.promising is not a function", also with
/// `--experimental-wasm-stack-switching`).
const NO_JSPI: &str = "jco turns a WASI 0.3 component's async calls into JavaScript Promise \
    Integration (WebAssembly.promising, WebAssembly.Suspending), which this node's V8 lacks";

impl V8 {
    pub(super) fn boxed(descriptor: &RuntimeDescriptor) -> Result<Box<dyn Runtime>, RunError> {
        let found = node::probe()
            .as_ref()
            .map_err(|e| RunError::Unsupported(format!("node not found on PATH: {e}")))?;
        let threads = crate::compile_threads();
        let flags = vec![
            // node:wasi's ExperimentalWarning would only clutter node's stderr.
            "--no-warnings".into(),
            // %SerializeWasmModule and %DeserializeWasmModule, for precompile.
            "--allow-natives-syntax".into(),
            // TurboFan only, every function compiled in the compile phase: the
            // optimising tier this id stands for, with no tier-up during runs.
            "--no-liftoff".into(),
            "--no-wasm-lazy-compilation".into(),
            // node:wasi's fast API calls may start a GC that frees the WASI
            // object under the call and crashes node (nodejs/node#46777).
            "--no-turbo-fast-api-calls".into(),
            // Wasm compile tasks run on V8's worker pool: both sized by the
            // compile-thread setting every adapter shares.
            format!("--v8-pool-size={threads}"),
            format!("--wasm-num-compilation-tasks={threads}"),
        ];
        Ok(Box::new(V8 {
            descriptor: *descriptor,
            launcher: Launcher {
                node: found.path.clone(),
                flags,
            },
            threads,
            jspi: found.jspi,
        }))
    }

    /// Writes `bytes` where node reads them, and starts a node that loads
    /// them with `op` (`compile` or `load`).
    fn start(&self, op: &str, bytes: &[u8]) -> Result<Loaded, RunError> {
        let dir = tempdir()?;
        let path = dir.path().join("module");
        std::fs::write(&path, bytes).map_err(|e| other("cannot write the module for node", e))?;
        let request = format!(r#"{{"op":"{op}","path":{}}}"#, json_path(&path)?);
        let (node, compiled) = self.launcher.start(&request)?;
        Ok(Loaded {
            dir,
            request,
            node,
            compiled,
        })
    }

    fn module(&self, op: &str, bytes: &[u8]) -> Result<Box<dyn Module>, RunError> {
        let loaded = self.start(op, bytes)?;
        Ok(Box::new(V8Module {
            launcher: self.launcher.clone(),
            _dir: loaded.dir,
            load: loaded.request,
            compiled: loaded.compiled,
            spare: RefCell::new(Some(loaded.node)),
        }))
    }
}

struct Loaded {
    dir: TempDir,
    request: String,
    node: Node,
    compiled: Duration,
}

impl Runtime for V8 {
    fn info(&self) -> RuntimeInfo {
        let settings = BTreeMap::from([
            (
                "process".into(),
                format!(
                    "one node per instance, out of process ({})",
                    self.launcher.node.display()
                ),
            ),
            ("node_flags".into(), self.launcher.flags.join(" ")),
            (
                "compiler".into(),
                "turbofan, eager (no liftoff, no lazy compilation)".into(),
            ),
            ("compile_threads".into(), self.threads.to_string()),
            ("proposals".into(), "V8 defaults".into()),
            (
                "wasi".into(),
                "node:wasi preview1 for modules; components transpiled by jco \
                 (jco-transpile 0.15.0) on its WASI shims (preview2-shim 0.26.1, \
                 preview3-shim 0.7.0)"
                    .into(),
            ),
            (
                "timing".into(),
                "phases timed inside node with process.hrtime".into(),
            ),
            (
                "time_budget".into(),
                "SIGKILL of node at the deadline".into(),
            ),
            (
                "memory_cap".into(),
                "--wasm-max-mem-pages, set per instance".into(),
            ),
            (
                "precompile".into(),
                "V8's Wasm serializer (%SerializeWasmModule) plus the wire bytes; loads only \
                 into the same node with the same flags, compile threads included"
                    .into(),
            ),
        ]);
        let mut info = self.descriptor.info(settings);
        info.unsupported = BTreeMap::from([
            (
                Capability::ReadOnlyPreopens,
                "node:wasi has no read-only grant: the directory is granted read-write".into(),
            ),
            (
                Capability::SharedHost,
                "the v8 adapter runs each instance in a node process of its own, so it has no \
                 warm host or density of its own to measure"
                    .into(),
            ),
            (
                Capability::RefusedGrowthReport,
                "V8 refuses growth past the cap, but a refused memory.grow is not visible to \
                 JS, so results cannot say what the guest asked for"
                    .into(),
            ),
        ]);
        match component::jco() {
            Err(why) => info.without_components(&why),
            Ok(_) if !self.jspi => {
                info.unsupported.insert(Capability::WasiP3, NO_JSPI.into());
                info
            }
            Ok(_) => info,
        }
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Module>, RunError> {
        if Interface::of(wasm) != Interface::Preview1 {
            return component::compile(&self.launcher, wasm);
        }
        self.module("compile", wasm)
    }

    fn precompile(&self, wasm: &[u8]) -> Result<Option<Vec<u8>>, RunError> {
        if Interface::of(wasm) != Interface::Preview1 {
            return Err(RunError::Unsupported(
                "a component has no V8 artifact: jco transpiles it at each compile".into(),
            ));
        }
        let mut loaded = self.start("compile", wasm)?;
        let path = loaded.dir.path().join("artifact");
        let request = format!(r#"{{"op":"precompile","path":{}}}"#, json_path(&path)?);
        loaded.node.request(&request, None)?;
        std::fs::read(&path)
            .map(Some)
            .map_err(|e| other("cannot read node's artifact", e))
    }

    fn load_precompiled(&self, artifact: &[u8]) -> Result<Box<dyn Module>, RunError> {
        self.module("load", artifact)
    }
}

struct V8Module {
    launcher: Launcher,
    /// Holds the module file that `load` names.
    _dir: TempDir,
    /// The request that loads this module into a node.
    load: String,
    compiled: Duration,
    /// The node that compiled the module, until the first instance takes it.
    spare: RefCell<Option<Node>>,
}

impl Module for V8Module {
    fn instantiate(&self, wasi: &WasiSpec) -> Result<Box<dyn Instance>, RunError> {
        let dir = tempdir()?;
        let stdin_held = stdin(wasi, &dir.path().join("stdin"))
            .map_err(|e| other("cannot make the guest's stdin", e))?;
        let request = instantiate_request(wasi, dir.path())?;
        // An instance owns its node, so the budget's SIGKILL and the memory
        // are its own; later instances load the module again (not timed).
        let spare = self.spare.borrow_mut().take();
        let mut node = match spare {
            Some(node) => node,
            None => self.launcher.start(&self.load)?.0,
        };
        let reply = node.request(&request, None)?;
        Ok(Box::new(V8Instance {
            node: Some(node),
            dir,
            _stdin_held: stdin_held,
            budget: wasi.limits.time_budget,
            instantiated: reply.nanos("instantiate")?,
        }))
    }

    fn compile_time(&self) -> Option<Duration> {
        Some(self.compiled)
    }
}

/// Makes the file node's WASI opens as the guest's stdin at `path`: a file
/// of the bytes, read to its end; or, to stay open, a named pipe that this
/// process holds open for writing (returned), the bytes written into it by a
/// thread. Node opens the path itself: it runs in a process of its own.
fn stdin(wasi: &WasiSpec, path: &Path) -> std::io::Result<Option<File>> {
    if wasi.stdin_end == StdinEnd::Eof {
        return std::fs::write(path, &wasi.stdin).map(|()| None);
    }
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: `c_path` is a NUL-terminated path that outlives the call.
    if unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // Read and write: on Linux that opens a FIFO at once, with no reader
    // yet, and node's open for reading then finds a writer and returns.
    let held = OpenOptions::new().read(true).write(true).open(path)?;
    if !wasi.stdin.is_empty() {
        // Write-only, so that the thread ends (EPIPE) once no reader is left.
        let mut writer = OpenOptions::new().write(true).open(path)?;
        let bytes = wasi.stdin.clone();
        std::thread::spawn(move || writer.write_all(&bytes));
    }
    Ok(Some(held))
}

fn instantiate_request(wasi: &WasiSpec, dir: &Path) -> Result<String, RunError> {
    let args: Vec<String> = wasi.args.iter().map(|a| json(a)).collect();
    let env: Vec<String> = wasi
        .env
        .iter()
        .map(|(k, v)| format!("[{},{}]", json(k), json(v)))
        .collect();
    let preopens = wasi
        .preopens
        .iter()
        .map(|p| Ok(format!("[{},{}]", json(&p.guest), json_path(&p.host)?)))
        .collect::<Result<Vec<_>, RunError>>()?;
    let max_pages = wasi.limits.max_memory_bytes.map_or("null".into(), |cap| {
        (cap / WASM_PAGE).min(u64::from(u32::MAX)).to_string()
    });
    Ok(format!(
        r#"{{"op":"instantiate","args":[{}],"env":[{}],"preopens":[{}],"dir":{},"maxPages":{max_pages}}}"#,
        args.join(","),
        env.join(","),
        preopens.join(","),
        json_path(dir)?,
    ))
}

struct V8Instance {
    /// Until the run: node exits after it.
    node: Option<Node>,
    /// The guest's stdin, stdout, stderr and plugin input.
    dir: TempDir,
    /// An open stdin's writing end ([`StdinEnd::Open`]).
    _stdin_held: Option<File>,
    budget: Option<Duration>,
    instantiated: Duration,
}

impl V8Instance {
    /// Sends the request that runs the guest, under the time budget, and
    /// reaps node.
    fn execute(&mut self, request: &str) -> Result<Reply, RunError> {
        let mut node = self.node.take().ok_or_else(|| {
            RunError::Other("this instance has run already; its node has exited".into())
        })?;
        let reply = node.request(request, self.budget)?;
        node.finish()?;
        Ok(reply)
    }

    fn outcome(&self, reply: &Reply, region: TimedRegion) -> Result<RunOutcome, RunError> {
        let read = |name: &str| {
            std::fs::read(self.dir.path().join(name))
                .map_err(|e| other(&format!("cannot read the guest's {name}"), e))
        };
        let bytes = |key: &str| reply.get(key).map(|v| u64::try_from(v).ok());
        let exit = reply.get("exit")?;
        Ok(RunOutcome {
            exit_code: i32::try_from(exit)
                .map_err(|_| RunError::Other(format!("node reported exit code {exit}")))?,
            stdout: read("stdout")?,
            stderr: read("stderr")?,
            execute: reply.nanos("execute")?,
            region,
            memory_refused: None,
            resident: Some(Resident {
                after_compile: bytes("rss_compiled")?,
                after_instantiate: bytes("rss_instantiated")?,
                execute_peak: bytes("execute_peak")?,
                peak: bytes("peak")?,
            }),
            // -1: the module exports no memory.
            linear_memory_bytes: bytes("linear_memory")?,
        })
    }
}

impl Instance for V8Instance {
    fn run(&mut self) -> Result<RunOutcome, RunError> {
        let reply = self
            .execute(r#"{"op":"run"}"#)
            .map_err(|error| error.with_last_stderr_line(&self.output().1))?;
        let region = if reply.get("markers")? == 1 {
            TimedRegion::Markers
        } else {
            TimedRegion::WholeStart
        };
        self.outcome(&reply, region)
    }

    fn call_plugin(&mut self, plugin: &PluginCalls) -> Result<RunOutcome, RunError> {
        std::fs::write(self.dir.path().join("input"), &plugin.input)
            .map_err(|e| other("cannot write the plugin's input", e))?;
        let reply = self.execute(&format!(r#"{{"op":"plugin","calls":{}}}"#, plugin.calls))?;
        self.outcome(&reply, TimedRegion::PluginCalls)
    }

    fn instantiate_time(&self) -> Option<Duration> {
        Some(self.instantiated)
    }

    /// What the guest's files hold: node writes them as the guest writes.
    fn output(&mut self) -> (Vec<u8>, Vec<u8>) {
        let read = |name: &str| std::fs::read(self.dir.path().join(name)).unwrap_or_default();
        (read("stdout"), read("stderr"))
    }
}

fn tempdir() -> Result<TempDir, RunError> {
    tempfile::tempdir().map_err(|e| other("cannot make a directory for node", e))
}
