//! Granted directories as `wasmer run --volume HOST:GUEST` (wasmer-wasix's
//! `WasiRunner` with mapped directories) sets them up: each is mounted at its
//! guest path in a virtual root (Wasmer's in-memory /bin, /dev, /etc, /tmp),
//! or, granted as `/`, laid under that root (an overlay whose writes stay in
//! memory), and the root is preopened as `.` and `/`. wasmer-wasix's own root stays at fd 3, named
//! `/`, as under Wasmer's CLI. One file for the adapter and the cold-start
//! host (`hosts/wasmer.rs` includes it by path: the hosts link nothing of
//! wasm-arena), so both give a guest what Wasmer's users give it.
//!
//! A read-only grant ([`ReadOnly`]) is what `wasmer run` has no way to ask
//! for: opening for writing, creating, removing and renaming fail with EPERM.

use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use wasmer_wasix::WasiEnvBuilder;
use wasmer_wasix::virtual_fs::{
    self, ArcFileSystem, FileOpener, FileSystem, FsError, MountFileSystem, OpenOptions,
    OpenOptionsConfig, OverlayFileSystem, RootFileSystemBuilder, VirtualFile, host_fs,
};

/// A host directory granted to the guest at `guest`.
pub struct Grant<'a> {
    pub host: &'a Path,
    pub guest: &'a str,
    pub read_only: bool,
}

/// `builder` with the grants mounted and preopened as `wasmer run` does.
pub fn mount(
    builder: WasiEnvBuilder,
    grants: &[Grant],
    tokio: &tokio::runtime::Handle,
) -> Result<WasiEnvBuilder, String> {
    let mut mounts: Vec<(PathBuf, Arc<dyn FileSystem + Send + Sync>)> = Vec::new();
    for grant in grants {
        let host = host_fs::FileSystem::new(tokio.clone(), grant.host)
            .map_err(|e| format!("cannot preopen {}: {e}", grant.host.display()))?;
        let fs: Arc<dyn FileSystem + Send + Sync> = if grant.read_only {
            Arc::new(ReadOnly(host))
        } else {
            Arc::new(host)
        };
        mounts.push((guest_path(grant.guest), fs));
    }
    // Wasmer's usual root (/bin, /dev, /etc, /tmp...), with a directory
    // granted as `/` laid under it: the guest sees both, and what it writes
    // there stays in the in-memory layer, as under `wasmer run` (its
    // `prepare_filesystem`).
    let (layers, mounts): (Vec<_>, Vec<_>) =
        mounts.into_iter().partition(|(g, _)| g == Path::new("/"));
    let guests: Vec<&str> = mounts.iter().filter_map(|(g, _)| g.to_str()).collect();
    let base: Arc<dyn FileSystem + Send + Sync> =
        Arc::new(RootFileSystemBuilder::default().build_tmp_ext(&guests));
    let layers: Vec<Arc<dyn FileSystem + Send + Sync>> =
        layers.into_iter().map(|(_, fs)| fs).collect();
    let root: Arc<dyn FileSystem + Send + Sync> = if layers.is_empty() {
        base
    } else {
        Arc::new(OverlayFileSystem::new(ArcFileSystem::new(base), layers))
    };
    let fs = MountFileSystem::new();
    fs.mount("/", root)
        .map_err(|e| format!("cannot mount /: {e}"))?;
    for (guest, dir) in mounts {
        fs.mount(&guest, dir)
            .map_err(|e| format!("cannot mount {}: {e}", guest.display()))?;
    }
    let mut builder = builder.mount_fs(fs);
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
