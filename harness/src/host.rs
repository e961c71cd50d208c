//! The machine a run was measured on, as sysinfo sees it.

use serde::{Deserialize, Serialize};
use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Host {
    pub cpu_model: String,
    /// Logical CPUs.
    pub cores: usize,
    pub physical_cores: Option<usize>,
    pub memory_bytes: u64,
    pub os: String,
    pub kernel: String,
    pub arch: String,
    pub hostname: String,
    /// Hardware counters (cycles, instructions): whether the kernel offers them.
    pub perf_counters: String,
}

impl Host {
    pub fn detect() -> Host {
        let sys = System::new_with_specifics(
            RefreshKind::nothing()
                .with_cpu(CpuRefreshKind::nothing())
                .with_memory(MemoryRefreshKind::nothing().with_ram()),
        );
        Host {
            cpu_model: sys
                .cpus()
                .first()
                .map_or_else(|| "unknown".into(), |c| c.brand().trim().to_string()),
            cores: sys.cpus().len(),
            physical_cores: System::physical_core_count(),
            memory_bytes: sys.total_memory(),
            os: System::long_os_version().unwrap_or_else(|| "unknown".into()),
            kernel: System::kernel_version().unwrap_or_else(|| "unknown".into()),
            arch: System::cpu_arch(),
            hostname: System::host_name().unwrap_or_default(),
            perf_counters: perf_counters(),
        }
    }
}

impl Host {
    /// What makes two hosts the same machine to measure on: its hardware,
    /// OS and kernel, but not its name, so that the identical machines of a
    /// CI fleet count as one host while a new kernel or CPU does not; nor
    /// whether perf counters opened, which depends on the user asking.
    /// Field names as in `results.json`.
    pub fn fingerprint_fields(&self) -> [(&'static str, String); 7] {
        [
            ("cpu_model", self.cpu_model.clone()),
            ("cores", self.cores.to_string()),
            (
                "physical_cores",
                self.physical_cores
                    .map_or_else(|| "unknown".into(), |n| n.to_string()),
            ),
            ("memory_bytes", self.memory_bytes.to_string()),
            ("os", self.os.clone()),
            ("kernel", self.kernel.clone()),
            ("arch", self.arch.clone()),
        ]
    }

    /// [`Host::fingerprint_fields`] as one line: the key that says which
    /// runs were measured on the same machine.
    pub fn fingerprint(&self) -> String {
        self.fingerprint_fields()
            .iter()
            .map(|(_, value)| value.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    }

    /// Every fingerprint field that differs from `other`'s, as
    /// `field: this vs other`.
    pub fn differences(&self, other: &Host) -> Vec<String> {
        self.fingerprint_fields()
            .into_iter()
            .zip(other.fingerprint_fields())
            .filter(|((_, a), (_, b))| a != b)
            .map(|((field, a), (_, b))| format!("host {field}: {a} vs {b}"))
            .collect()
    }
}

/// Asks the kernel for a hardware instruction counter, the way `perf stat`
/// does; VMs without a virtual PMU refuse, and that is recorded as such.
fn perf_counters() -> String {
    // SAFETY: perf_event_attr is a plain C struct; zero is its default.
    let mut attr: PerfEventAttr = unsafe { std::mem::zeroed() };
    attr.type_ = 0; // PERF_TYPE_HARDWARE
    attr.size = std::mem::size_of::<PerfEventAttr>() as u32;
    attr.config = 1; // PERF_COUNT_HW_INSTRUCTIONS
    attr.flags = 1 | (1 << 5) | (1 << 6); // disabled, exclude_kernel, exclude_hv
    // SAFETY: a valid attr pointer; measures this thread on any CPU.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &attr as *const PerfEventAttr,
            0,
            -1,
            -1,
            0,
        )
    };
    if fd >= 0 {
        // SAFETY: closing the descriptor we just opened.
        unsafe { libc::close(fd as i32) };
        "supported".into()
    } else {
        format!("unsupported ({})", std::io::Error::last_os_error())
    }
}

/// The leading part of `struct perf_event_attr` (PERF_ATTR_SIZE_VER0 plus
/// padding to VER1); the kernel accepts any size it knows.
#[repr(C)]
struct PerfEventAttr {
    type_: u32,
    size: u32,
    config: u64,
    sample_period: u64,
    sample_type: u64,
    read_format: u64,
    flags: u64,
    wakeup_events: u32,
    bp_type: u32,
    config1: u64,
}
