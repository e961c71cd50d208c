//! A guest stdin that stays open: its bytes, and then nothing, ever, and no
//! end of file ([`crate::StdinEnd::Open`]), for every WASI version the
//! Wasmtime ids run. In memory, as wasmtime-wasi's own `MemoryInputPipe`,
//! and to the guest the same as a pipe nobody writes to: a read waits, a
//! poll for it never ends.
//!
//! Not a tokio stream over a pipe: that would put a task on wasmtime-wasi's
//! runtime for every instance, to wait on a pipe nobody writes; this needs
//! no task, no thread and no fd.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::{AsyncRead, ReadBuf};
use wasmtime_wasi::cli::{IsTerminal, StdinStream};
use wasmtime_wasi::p2::{InputStream, Pollable, StreamResult};

/// What is left of the bytes, shared by every handle the guest opens to
/// stdin, as WASI wants (one stream, however many handles).
#[derive(Clone)]
pub(super) struct OpenStdin(Arc<Mutex<Bytes>>);

impl OpenStdin {
    pub(super) fn new(bytes: Vec<u8>) -> OpenStdin {
        OpenStdin(Arc::new(Mutex::new(bytes.into())))
    }

    /// Up to `size` of the bytes left; empty once they are all read.
    fn take(&self, size: usize) -> Bytes {
        let mut left = self.0.lock().expect("not poisoned");
        let size = size.min(left.len());
        left.split_to(size)
    }

    fn is_empty(&self) -> bool {
        self.0.lock().expect("not poisoned").is_empty()
    }
}

impl IsTerminal for OpenStdin {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdinStream for OpenStdin {
    fn p2_stream(&self) -> Box<dyn InputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncRead + Send + Sync> {
        Box::new(self.clone())
    }
}

impl InputStream for OpenStdin {
    /// The bytes left, then nothing ready (never `Closed`).
    fn read(&mut self, size: usize) -> StreamResult<Bytes> {
        Ok(self.take(size))
    }
}

impl Pollable for OpenStdin {
    /// Ready while bytes are left; after them, never.
    fn ready<'a, 'b>(&'a mut self) -> Pin<Box<dyn Future<Output = ()> + Send + 'b>>
    where
        'a: 'b,
    {
        let ready = !self.is_empty();
        Box::pin(async move {
            if !ready {
                std::future::pending::<()>().await;
            }
        })
    }
}

impl AsyncRead for OpenStdin {
    /// The bytes left, then pending for ever (nothing will wake it).
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let bytes = self.take(buf.remaining());
        if bytes.is_empty() {
            return Poll::Pending;
        }
        buf.put_slice(&bytes);
        Poll::Ready(Ok(()))
    }
}
