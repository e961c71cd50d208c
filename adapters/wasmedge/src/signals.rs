//! LLVM's signal handlers, undone. WasmEdge's AOT compiler lets LLVM install
//! process-wide handlers on first use; the adapter puts back the ones the
//! process had, so other runtimes in it keep theirs.

/// The signals LLVM's `RegisterHandlers` takes over on first use
/// (llvm/lib/Support/Unix/Signals.inc: its interrupt, kill and info signals).
const LLVM_SIGNALS: [libc::c_int; 15] = [
    libc::SIGHUP,
    libc::SIGINT,
    libc::SIGTERM,
    libc::SIGUSR2,
    libc::SIGUSR1,
    libc::SIGILL,
    libc::SIGTRAP,
    libc::SIGABRT,
    libc::SIGFPE,
    libc::SIGBUS,
    libc::SIGSEGV,
    libc::SIGQUIT,
    libc::SIGSYS,
    libc::SIGXCPU,
    libc::SIGXFSZ,
];

/// Runs `body`, then puts back the process's signal handlers as they were.
/// WasmEdge's AOT compiler lets LLVM install process-wide handlers, and
/// LLVM's SIGUSR1 handler never passes the signal on: in a process that also
/// runs Wasmer (the adapter suite), Wasmer's SIGUSR1 interrupts would then
/// stop nothing and a guest past its time budget would run on.
pub(crate) fn keeping_signal_handlers<R>(body: impl FnOnce() -> R) -> R {
    // SAFETY: sigaction only reads and writes the structs passed to it; an
    // all-zero sigaction is a valid value to be overwritten.
    let saved: Vec<(libc::c_int, libc::sigaction)> = LLVM_SIGNALS
        .iter()
        .filter_map(|&signal| unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            (libc::sigaction(signal, std::ptr::null(), &mut old) == 0).then_some((signal, old))
        })
        .collect();
    let result = body();
    for (signal, old) in &saved {
        // SAFETY: restores a disposition read from the kernel above.
        unsafe { libc::sigaction(*signal, old, std::ptr::null_mut()) };
    }
    result
}
