//! A read-only view of a preopened directory. wasi-common has no permission
//! bits on a preopen, but a preopen is any [`WasiDir`], so this one forwards
//! the reads and refuses the rest.
//!
//! What it refuses: opening with write access, create, truncate, exclusive or
//! append (so a file is only ever opened read-only by the OS, and wasi-common
//! refuses `fd_write` on it); and, through the trait's defaults
//! (`ENOTSUP`), mkdir, unlink, rmdir, rename, link, symlink and setting times
//! by path. Subdirectories opened through it are read-only too. One thing
//! remains: `fd_filestat_set_times` on a file opened for reading can change
//! that file's timestamps (never its contents or name).

use std::any::Any;
use std::future::Future;
use std::pin::Pin;

use wasmi_wasi::wasi_common::dir::{OpenResult, ReaddirCursor, ReaddirEntity};
use wasmi_wasi::wasi_common::file::{FdFlags, Filestat, OFlags};
use wasmi_wasi::wasi_common::{Error, ErrorExt, WasiDir};

/// What an `async_trait` method returns, which is how wasi-common declares them.
type Fut<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

type Entries = Box<dyn Iterator<Item = Result<ReaddirEntity, Error>> + Send>;

pub(super) struct ReadOnlyDir(pub(super) Box<dyn WasiDir>);

impl WasiDir for ReadOnlyDir {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn open_file<'s, 'p, 'f>(
        &'s self,
        symlink_follow: bool,
        path: &'p str,
        oflags: OFlags,
        read: bool,
        write: bool,
        fdflags: FdFlags,
    ) -> Fut<'f, OpenResult>
    where
        's: 'f,
        'p: 'f,
        Self: 'f,
    {
        Box::pin(async move {
            if write
                || oflags.intersects(OFlags::CREATE | OFlags::EXCLUSIVE | OFlags::TRUNCATE)
                || fdflags.contains(FdFlags::APPEND)
            {
                // As Wasmtime answers a write to a read-only preopen.
                return Err(Error::perm());
            }
            let opened = self
                .0
                .open_file(symlink_follow, path, oflags, read, false, fdflags)
                .await?;
            Ok(match opened {
                OpenResult::Dir(dir) => OpenResult::Dir(Box::new(ReadOnlyDir(dir))),
                file => file,
            })
        })
    }

    fn readdir<'s, 'f>(&'s self, cursor: ReaddirCursor) -> Fut<'f, Entries>
    where
        's: 'f,
        Self: 'f,
    {
        self.0.readdir(cursor)
    }

    fn read_link<'s, 'p, 'f>(&'s self, path: &'p str) -> Fut<'f, std::path::PathBuf>
    where
        's: 'f,
        'p: 'f,
        Self: 'f,
    {
        self.0.read_link(path)
    }

    fn get_filestat<'s, 'f>(&'s self) -> Fut<'f, Filestat>
    where
        's: 'f,
        Self: 'f,
    {
        self.0.get_filestat()
    }

    fn get_path_filestat<'s, 'p, 'f>(&'s self, path: &'p str, follow: bool) -> Fut<'f, Filestat>
    where
        's: 'f,
        'p: 'f,
        Self: 'f,
    {
        self.0.get_path_filestat(path, follow)
    }
}
