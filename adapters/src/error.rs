use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Why a phase did not produce a result. The variants are what the harness
/// needs to tell apart (a timeout is not a trap); the text says the rest.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", content = "message", rename_all = "kebab-case")]
pub enum RunError {
    #[error("not a valid WebAssembly module: {0}")]
    InvalidModule(String),
    #[error("instantiation failed: {0}")]
    Instantiate(String),
    #[error("trap: {0}")]
    Trap(String),
    #[error("time budget of {} exceeded (stopped inside the runtime)", fmt_duration(*.0))]
    TimeBudget(#[serde(with = "duration_ns")] Duration),
    #[error("unsupported: {0}")]
    Unsupported(String),
    #[error("{0}")]
    Other(String),
}

impl RunError {
    /// A module the runtime's validator refused. A module that is valid but
    /// uses a proposal the runtime does not enable (wasmparser and V8 say so
    /// in so many words) is `unsupported`, not invalid: another runtime may run it.
    pub fn rejected(message: String) -> RunError {
        const PROPOSAL_OFF: [&str; 5] = [
            "not supported without the",
            "support is not enabled",
            "proposal not enabled",
            "requires the",
            "enable with --experimental-wasm-",
        ];
        if PROPOSAL_OFF.iter().any(|p| message.contains(p)) {
            RunError::Unsupported(format!("a proposal it does not enable: {message}"))
        } else {
            RunError::InvalidModule(message)
        }
    }
}

impl RunError {
    /// A trap with the last line the guest wrote to stderr before it: a Rust
    /// or C program that aborts says why there (a failed assertion, a panic),
    /// and the trap alone ("unreachable") does not. Other errors are left as
    /// they are.
    pub fn with_last_stderr_line(self, stderr: &[u8]) -> RunError {
        let RunError::Trap(message) = self else {
            return self;
        };
        let text = String::from_utf8_lossy(stderr);
        match text.lines().rev().map(str::trim).find(|l| !l.is_empty()) {
            Some(line) => {
                RunError::Trap(format!("{message}; the guest's last stderr line: {line}"))
            }
            None => RunError::Trap(message),
        }
    }
}

fn fmt_duration(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

mod duration_ns {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disabled_proposal_is_unsupported_and_garbage_is_invalid() {
        let eh =
            "exception refs not supported without the exception handling feature (at offset 0x5)";
        assert!(
            matches!(RunError::rejected(eh.into()), RunError::Unsupported(m) if m.contains(eh))
        );
        let simd = "SIMD support is not enabled (at offset 0x3a)";
        assert!(matches!(
            RunError::rejected(simd.into()),
            RunError::Unsupported(_)
        ));
        let v8 = "CompileError: WebAssembly.Module(): invalid value type 'noexternref', \
                  enable with --experimental-wasm-gc @+267";
        assert!(matches!(
            RunError::rejected(v8.into()),
            RunError::Unsupported(_)
        ));
        let bad = "magic header not detected: bad magic number";
        assert_eq!(
            RunError::rejected(bad.into()),
            RunError::InvalidModule(bad.into())
        );
    }
}
