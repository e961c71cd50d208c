//! The cold-start host of the Wasmer ids: Wasmer's default configuration (no
//! host interrupts, no memory caps: what its own command-line tool runs),
//! with the compiler of the id.
//!
//! Options: `--compiler cranelift|singlepass|llvm` (default cranelift), each
//! with its own defaults (Cranelift: opt level speed; LLVM: aggressive,
//! only in a build with the `wasmer-llvm` feature). The engine enables every
//! proposal the compiler supports, as `wasmer run` does: with bare defaults,
//! Cranelift and LLVM would refuse exception handling, which they implement.
//! A precompiled artifact is what `Module::serialize` writes (`compile` with
//! the same options); `Module::deserialize_from_file` maps it and compiles
//! nothing.
//!
//! WASI is wasmer-wasix's, set up as `wasmer run` sets it up: the guest's
//! stdio is the host's own (wasmer-wasix's default stdio is the process's
//! fds 0/1/2, through tokio, on which wasmer-wasix does its I/O: a runtime
//! of one worker here), and each `--dir HOST::GUEST` is mounted at GUEST in
//! a virtual root (Wasmer's in-memory /bin, /dev, /etc, /tmp) preopened as
//! `.` and `/`, as `wasmer run --volume`/`--mapdir` mount them (its
//! `WasiRunner`); a grant of `/` replaces that root. `::ro` mounts it
//! read-only, which `wasmer run` has no way to ask for: opening for writing,
//! creating, removing and renaming fail with EPERM.

#[path = "common.rs"]
mod common;

use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use common::{Clock, Command, Dir, Options};
use wasmer::sys::{CompilerConfig, NativeEngineExt, Target};
use wasmer::{Engine, Function, Imports, Instance, Module, Store};
use wasmer_wasix::virtual_fs::{
    self, FileOpener, FileSystem, FsError, MountFileSystem, OpenOptions, OpenOptionsConfig,
    RootFileSystemBuilder, VirtualFile, host_fs,
};
use wasmer_wasix::{WasiEnv, WasiEnvBuilder, WasiError};

fn main() {
    let mut clock = Clock::start();
    match common::command() {
        Command::Compile {
            options,
            module,
            artifact,
        } => {
            let engine = match engine(options) {
                Ok(engine) => engine,
                Err(e) => common::fail(clock, "engine", e),
            };
            let compiled = Module::from_file(&engine, &module)
                .map_err(|e| e.to_string())
                .and_then(|module| module.serialize().map_err(|e| e.to_string()))
                .and_then(|bytes| std::fs::write(&artifact, bytes).map_err(|e| e.to_string()));
            if let Err(e) = compiled {
                common::fail(clock, &format!("compile {}", module.display()), e);
            }
            clock.exit(0)
        }
        Command::Run(run) => {
            let engine = match engine(run.options) {
                Ok(engine) => engine,
                Err(e) => common::fail(clock, "engine", e),
            };
            let module = if run.precompiled {
                // SAFETY: the artifact is one this host's `compile` wrote;
                // Wasmer checks its header, version and target (the code in
                // it runs whichever compiler this engine has).
                unsafe { Module::deserialize_from_file(&engine, &run.file) }
                    .map_err(|e| e.to_string())
            } else {
                Module::from_file(&engine, &run.file).map_err(|e| e.to_string())
            };
            let module = match module {
                Ok(module) => module,
                Err(e) => common::fail(clock, &format!("load {}", run.file.display()), e),
            };
            clock.loaded();
            // Never dropped: the process exits without waiting for tokio to
            // shut down (the guest's output is flushed at each write).
            let tokio = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
            {
                Ok(tokio) => tokio,
                Err(e) => common::fail(clock, "tokio", e),
            };
            let _tokio = tokio.enter();
            let builder = match wasi(&run.args, &run.env, &run.dirs, &engine, tokio.handle()) {
                Ok(builder) => builder,
                Err(e) => common::fail(clock, "wasi", e),
            };
            let mut store = Store::new(engine);
            let mut env = match builder.finalize(&mut store) {
                Ok(env) => env,
                Err(e) => common::fail(clock, "wasi", e),
            };
            // A module with no WASI imports runs without them.
            let mut imports = env
                .import_object(&mut store, &module)
                .unwrap_or_else(|_| Imports::new());
            bench_imports(&mut store, &mut imports);
            let instance = match Instance::new(&mut store, &module, &imports) {
                Ok(instance) => instance,
                Err(e) => common::fail(clock, "instantiate", e),
            };
            if instance.exports.get_memory("memory").is_ok()
                && let Err(e) = env.initialize(&mut store, instance.clone())
            {
                common::fail(clock, "instantiate", e);
            }
            clock.instantiated();
            let start = match instance.exports.get_function("_start") {
                Ok(start) => start,
                Err(e) => common::fail(clock, "_start", e),
            };
            let code = match start.call(&mut store, &[]) {
                Ok(_) => 0,
                Err(e) => match e.downcast::<WasiError>() {
                    Ok(WasiError::Exit(code)) => code.raw(),
                    Ok(e) => common::fail(clock, "_start", e),
                    Err(e) => common::fail(clock, "_start", e),
                },
            };
            // Closes the guest's files, flushing what tokio still holds of
            // their writes (as `wasmer run` does at the guest's exit).
            env.on_exit(&mut store, Some(code.into()));
            clock.exit(code)
        }
    }
}

fn engine(mut options: Options) -> Result<Engine, String> {
    let config: Box<dyn CompilerConfig> = match options.take("compiler").as_deref() {
        None | Some("cranelift") => Box::new(wasmer::sys::Cranelift::new()),
        Some("singlepass") => Box::new(wasmer::sys::Singlepass::new()),
        Some("llvm") => llvm()?,
        Some(other) => {
            return Err(format!(
                "unknown --compiler {other} (cranelift, singlepass, llvm)"
            ));
        }
    };
    options.done();
    let target = Target::default();
    let features = config.supported_features_for_target(&target);
    Ok(<Engine as NativeEngineExt>::new(config, target, features))
}

#[cfg(feature = "wasmer-llvm")]
fn llvm() -> Result<Box<dyn CompilerConfig>, String> {
    Ok(Box::new(wasmer::sys::LLVM::new()))
}

#[cfg(not(feature = "wasmer-llvm"))]
fn llvm() -> Result<Box<dyn CompilerConfig>, String> {
    Err(
        "--compiler llvm: this host was built without Wasmer's LLVM backend \
         (cargo feature wasmer-llvm, which needs LLVM 22)"
            .into(),
    )
}

/// The guest's WASI: its argv and environment, and the granted directories
/// mounted in a virtual root, as `wasmer run` mounts its volumes.
fn wasi(
    args: &[String],
    env: &[(String, String)],
    dirs: &[Dir],
    engine: &Engine,
    tokio: &tokio::runtime::Handle,
) -> Result<WasiEnvBuilder, String> {
    let mut mounts: Vec<(PathBuf, Arc<dyn FileSystem + Send + Sync>)> = Vec::new();
    for dir in dirs {
        let host = host_fs::FileSystem::new(tokio.clone(), &dir.host)
            .map_err(|e| format!("preopen {}: {e}", dir.host.display()))?;
        let fs: Arc<dyn FileSystem + Send + Sync> = if dir.read_only {
            Arc::new(ReadOnly(host))
        } else {
            Arc::new(host)
        };
        mounts.push((guest_path(&dir.guest), fs));
    }
    // Wasmer's usual root (/bin, /dev, /etc, /tmp...), unless a directory is
    // granted as the root itself.
    let root = match mounts.iter().rposition(|(g, _)| g == Path::new("/")) {
        Some(at) => mounts.remove(at).1,
        None => {
            let guests: Vec<&str> = mounts.iter().filter_map(|(g, _)| g.to_str()).collect();
            Arc::new(RootFileSystemBuilder::default().build_tmp_ext(&guests))
        }
    };
    let fs = MountFileSystem::new();
    fs.mount("/", root).map_err(|e| format!("mount /: {e}"))?;
    for (guest, dir) in mounts {
        fs.mount(&guest, dir)
            .map_err(|e| format!("mount {}: {e}", guest.display()))?;
    }
    let mut builder = WasiEnv::builder(args[0].clone())
        .args(&args[1..])
        .envs(env.iter().cloned())
        .engine(engine.clone())
        .mount_fs(fs);
    builder
        .add_preopen_build(|p| {
            p.directory("/")
                .alias(".")
                .read(true)
                .write(true)
                .create(true)
        })
        .map_err(|e| e.to_string())?;
    builder.add_preopen_dir("/").map_err(|e| e.to_string())?;
    Ok(builder)
}

/// Where a grant is mounted: its guest path, a relative one from the root
/// (`.` is the root itself), as `wasmer run` places its volumes.
fn guest_path(guest: &str) -> PathBuf {
    let mut path = PathBuf::from("/");
    for part in Path::new(guest).components() {
        match part {
            Component::Normal(name) => path.push(name),
            Component::ParentDir => {
                path.pop();
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    path
}

/// The timing markers some workloads call: nothing to time here.
fn bench_imports(store: &mut Store, imports: &mut Imports) {
    imports.define("bench", "start", Function::new_typed(store, || {}));
    imports.define("bench", "end", Function::new_typed(store, || {}));
}

/// A host directory granted read-only: reads go through, anything that
/// would change it fails with EPERM (wasmer-wasix's `FsError::PermissionDenied`),
/// as Wasmtime answers a write to a read-only preopen. wasmer-wasix answers
/// `path_filestat_set_times` and `path_link` from its own inode table without
/// asking the file system: the guest sees them succeed, the host directory
/// is left as it was.
#[derive(Debug)]
struct ReadOnly(host_fs::FileSystem);

type Refused<'a> = Pin<Box<dyn Future<Output = virtual_fs::Result<()>> + Send + 'a>>;

impl FileSystem for ReadOnly {
    fn readlink(&self, path: &Path) -> virtual_fs::Result<PathBuf> {
        self.0.readlink(path)
    }

    fn read_dir(&self, path: &Path) -> virtual_fs::Result<virtual_fs::ReadDir> {
        self.0.read_dir(path)
    }

    fn create_dir(&self, _: &Path) -> virtual_fs::Result<()> {
        Err(FsError::PermissionDenied)
    }

    fn create_symlink(&self, _: &Path, _: &Path) -> virtual_fs::Result<()> {
        Err(FsError::PermissionDenied)
    }

    fn hard_link(&self, _: &Path, _: &Path) -> virtual_fs::Result<()> {
        Err(FsError::PermissionDenied)
    }

    fn remove_dir(&self, _: &Path) -> virtual_fs::Result<()> {
        Err(FsError::PermissionDenied)
    }

    fn rename<'a>(&'a self, _: &'a Path, _: &'a Path) -> Refused<'a> {
        Box::pin(async { Err(FsError::PermissionDenied) })
    }

    fn metadata(&self, path: &Path) -> virtual_fs::Result<virtual_fs::Metadata> {
        self.0.metadata(path)
    }

    fn symlink_metadata(&self, path: &Path) -> virtual_fs::Result<virtual_fs::Metadata> {
        self.0.symlink_metadata(path)
    }

    fn remove_file(&self, _: &Path) -> virtual_fs::Result<()> {
        Err(FsError::PermissionDenied)
    }

    fn new_open_options(&self) -> OpenOptions<'_> {
        OpenOptions::new(self)
    }
}

impl FileOpener for ReadOnly {
    fn open(
        &self,
        path: &Path,
        conf: &OpenOptionsConfig,
    ) -> virtual_fs::Result<Box<dyn VirtualFile + Send + Sync + 'static>> {
        if conf.write || conf.append || conf.create || conf.create_new || conf.truncate {
            return Err(FsError::PermissionDenied);
        }
        self.0.new_open_options().options(conf.clone()).open(path)
    }
}
