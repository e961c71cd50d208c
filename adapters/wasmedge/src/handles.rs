//! The lifetimes of WasmEdge's FFI handles. The sdk's store holds the module
//! instances it imports from as `&'static mut`, and an instance's exports are
//! handles that point into it: here those borrows are made, and the order
//! in which they must end is kept.

use std::mem::ManuallyDrop;

use wasmedge_sdk::plugin::ffi::WasmEdge_ModuleInstanceContext;
use wasmedge_sdk::vm::SyncInst;
use wasmedge_sdk::{AsInstance, Store};

/// A module instance the store imports from; owned elsewhere.
pub(crate) struct Handle(*const WasmEdge_ModuleInstanceContext);

impl AsInstance for Handle {
    unsafe fn as_ptr(&self) -> *const WasmEdge_ModuleInstanceContext {
        self.0
    }
}

impl SyncInst for Handle {}

/// Boxed [`Handle`]s lent to a store as `&'static mut`; freed when dropped.
#[derive(Default)]
pub(crate) struct Handles(Vec<*mut Handle>);

impl Handles {
    /// A handle to `module` for a store to register.
    ///
    /// # Safety
    /// `module` must outlive the store the handle is lent to, and that store
    /// must be dropped before `self`.
    pub(crate) unsafe fn lend(
        &mut self,
        module: *const WasmEdge_ModuleInstanceContext,
    ) -> &'static mut Handle {
        let handle = Box::into_raw(Box::new(Handle(module)));
        self.0.push(handle);
        // SAFETY: freshly boxed, freed only when `self` is dropped, which the
        // caller does after the store.
        unsafe { &mut *handle }
    }
}

impl Drop for Handles {
    fn drop(&mut self) {
        for handle in self.0.drain(..) {
            // SAFETY: boxed in `lend`; the store that borrowed it is gone.
            drop(unsafe { Box::from_raw(handle) });
        }
    }
}

/// The instance and the store it lives in, dropped before the import modules
/// and the handles they were registered through.
pub(crate) struct Live {
    pub(crate) instance: wasmedge_sdk::Instance,
    pub(crate) store: Store<'static, Handle>,
    /// An AOT instance runs code the module's shared object holds.
    pub(crate) _module: wasmedge_sdk::Module,
}

/// A copy of the handle `found` borrows (an exported function or memory: one
/// pointer to what its module instance owns). It is never dropped, so never
/// deletes what it points to; it is used only while the instance lives.
pub(crate) fn handle<T>(found: &T) -> ManuallyDrop<T> {
    // SAFETY: a bitwise copy of a handle that owns nothing it would free.
    ManuallyDrop::new(unsafe { std::ptr::read(found) })
}
