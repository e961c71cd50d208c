//! Resident memory of the process that runs a guest, read by that process
//! itself from `/proc/self/status`.
//!
//! Not `wait4`'s `ru_maxrss`: at `execve` the kernel folds the forking
//! process's high-water mark into the child's, so every worker of a large
//! harness (and every twin or node of a large worker) started with the
//! parent's size as its floor. `VmHWM` and `VmRSS` belong to the address
//! space, which starts afresh at exec. Writing `5` to `/proc/self/clear_refs`
//! resets `VmHWM` to the current `VmRSS`, so a phase's own peak can be read.
//! The native shim (workloads/native/shim.c) and the V8 driver read the same
//! two lines in their own processes.

use serde::{Deserialize, Serialize};

/// What the process that ran a guest used, in bytes. A figure is `None`
/// where the process has no such phase (a native twin is compiled before the
/// harness sees it) or could not read it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resident {
    /// Resident size once the module was compiled (or loaded).
    pub after_compile: Option<u64>,
    /// Resident size once it was instantiated.
    pub after_instantiate: Option<u64>,
    /// The highest resident size while the guest ran.
    pub execute_peak: Option<u64>,
    /// The highest resident size of the process since it started.
    pub peak: Option<u64>,
}

/// This process's `VmRSS` and `VmHWM`, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub rss: u64,
    pub hwm: u64,
}

/// Reads this process's [`Status`]; `None` where `/proc` cannot tell.
pub fn status() -> Option<Status> {
    parse_status(&std::fs::read_to_string("/proc/self/status").ok()?)
}

/// Lowers this process's `VmHWM` to its current `VmRSS`, so the next
/// [`status`] tells the peak since now. Whether it worked is for the caller
/// to see: a peak below an earlier reading means it did.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The `VmRSS:` and `VmHWM:` lines of a `/proc/PID/status` text (in kB there).
pub fn parse_status(text: &str) -> Option<Status> {
    let kib = |name: &str| {
        let line = text.lines().find_map(|l| l.strip_prefix(name))?;
        let number = line.trim().strip_suffix("kB")?.trim();
        number.parse::<u64>().ok().map(|k| k * 1024)
    };
    Some(Status {
        rss: kib("VmRSS:")?,
        hwm: kib("VmHWM:")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_lines_are_read_in_bytes() {
        let text = "Name:\tcat\nVmPeak:\t    8000 kB\nVmHWM:\t    1708 kB\nVmRSS:\t    1700 kB\n";
        assert_eq!(
            parse_status(text),
            Some(Status {
                rss: 1700 * 1024,
                hwm: 1708 * 1024
            })
        );
        assert_eq!(parse_status("VmRSS:\t12 kB\n"), None);
        assert_eq!(parse_status("VmRSS:\tx kB\nVmHWM:\t1 kB\n"), None);
    }

    #[test]
    fn this_process_reads_itself_and_resets_its_peak() {
        let before = status().expect("/proc/self/status");
        assert!(before.rss > 0 && before.hwm >= before.rss);
        // A page-touching allocation well above the current size raises the
        // peak; after a reset and the free, the peak is back near the size.
        let big = vec![1u8; 64 << 20];
        std::hint::black_box(&big);
        let high = status().unwrap().hwm;
        assert!(high >= before.rss + (60 << 20), "{high} vs {before:?}");
        drop(big);
        assert!(reset_peak());
        let after = status().unwrap();
        assert!(after.hwm < high - (32 << 20), "{after:?} vs {high}");
    }
}
