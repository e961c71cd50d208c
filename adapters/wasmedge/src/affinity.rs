//! The calling thread's CPU affinity, which is how the AOT compiler's thread
//! count is set: WasmEdge has no setting of its own, and LLVM sizes its pool
//! by the CPUs the compiling thread may use.

/// The CPUs the calling thread may run on (its affinity mask).
pub(crate) fn usable_cpus() -> Vec<usize> {
    // SAFETY: an all-zero cpu_set_t is an empty set; sched_getaffinity fills
    // at most its size.
    let mut mask: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    if unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut mask) } != 0
    {
        return vec![0];
    }
    (0..libc::CPU_SETSIZE as usize)
        // SAFETY: `cpu` is below CPU_SETSIZE.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &mask) })
        .collect()
}

/// Runs `body` with the calling thread allowed only `n` of its CPUs (all of
/// them if it has no more), then gives them back. WasmEdge's AOT compiler
/// compiles on a pool of as many threads as the compiling thread has CPUs
/// (LLVM counts the affinity mask), and has no setting of its own.
pub(crate) fn with_cpus<R>(n: usize, body: impl FnOnce() -> R) -> R {
    struct Restore(libc::cpu_set_t);
    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: sets this thread's affinity back to the mask it had.
            unsafe {
                libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &self.0);
            }
        }
    }
    let cpus = usable_cpus();
    if n == 0 || n >= cpus.len() {
        return body();
    }
    // SAFETY: as in `usable_cpus`; every index is below CPU_SETSIZE.
    let (mut all, mut narrow): (libc::cpu_set_t, libc::cpu_set_t) =
        unsafe { (std::mem::zeroed(), std::mem::zeroed()) };
    for (i, &cpu) in cpus.iter().enumerate() {
        unsafe {
            libc::CPU_SET(cpu, &mut all);
            if i < n {
                libc::CPU_SET(cpu, &mut narrow);
            }
        }
    }
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: narrows this thread's affinity to CPUs it already had.
    let _restore =
        (unsafe { libc::sched_setaffinity(0, size, &narrow) } == 0).then_some(Restore(all));
    body()
}
