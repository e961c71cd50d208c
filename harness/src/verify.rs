//! Output oracles: does what the guest produced match what the workload promises?

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a run must produce to count: an exit code, and optionally stdout and
/// files written to the `/output` directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expectation {
    pub exit_code: i32,
    pub stdout: Option<ExpectedBytes>,
    #[serde(default)]
    pub files: BTreeMap<String, ExpectedBytes>,
}

/// ExpectedBytes bytes: exact text, or `sha256:<hex>` for large outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ExpectedBytes {
    Text(String),
    Sha256(String),
}

impl From<String> for ExpectedBytes {
    fn from(s: String) -> Self {
        match s.strip_prefix("sha256:") {
            Some(hex) => ExpectedBytes::Sha256(hex.to_ascii_lowercase()),
            None => ExpectedBytes::Text(s),
        }
    }
}

impl From<ExpectedBytes> for String {
    fn from(e: ExpectedBytes) -> Self {
        match e {
            ExpectedBytes::Text(t) => t,
            ExpectedBytes::Sha256(h) => format!("sha256:{h}"),
        }
    }
}

impl Expectation {
    /// The oracle for a module nobody described: it must exit 0.
    pub fn exit_zero() -> Self {
        Expectation {
            exit_code: 0,
            stdout: None,
            files: BTreeMap::new(),
        }
    }

    /// One line saying what is checked, for reports.
    pub fn describe(&self) -> String {
        let mut parts = vec![format!("exit code {}", self.exit_code)];
        if self.stdout.is_some() {
            parts.push("stdout".into());
        }
        parts.extend(self.files.keys().map(|f| format!("/output/{f}")));
        parts.join(", ")
    }

    /// Checks a finished run; the error says what differed and where.
    pub fn check(
        &self,
        exit_code: i32,
        stdout: &[u8],
        stderr: &[u8],
        output_dir: Option<&Path>,
    ) -> Result<(), String> {
        if exit_code != self.exit_code {
            let mut message = format!("exit code {exit_code}, expected {}", self.exit_code);
            let tail = tail_text(stderr, 300);
            if !tail.is_empty() {
                message.push_str(&format!("; stderr: {tail}"));
            }
            return Err(message);
        }
        if let Some(expected) = &self.stdout {
            compare("stdout", expected, stdout)?;
        }
        for (name, expected) in &self.files {
            let path = output_dir.map(|d| d.join(name));
            let actual = path
                .as_ref()
                .and_then(|p| std::fs::read(p).ok())
                .ok_or_else(|| format!("output mismatch: /output/{name} was not written"))?;
            compare(&format!("/output/{name}"), expected, &actual)?;
        }
        Ok(())
    }
}

pub(crate) fn compare(what: &str, expected: &ExpectedBytes, actual: &[u8]) -> Result<(), String> {
    match expected {
        ExpectedBytes::Text(text) => {
            let want = text.as_bytes();
            if want == actual {
                return Ok(());
            }
            let at = want
                .iter()
                .zip(actual)
                .position(|(a, b)| a != b)
                .unwrap_or(want.len().min(actual.len()));
            Err(format!(
                "output mismatch on {what} at byte {at} (expected {} bytes, got {}): expected {:?}, got {:?}",
                want.len(),
                actual.len(),
                excerpt(want, at),
                excerpt(actual, at)
            ))
        }
        ExpectedBytes::Sha256(hex) => {
            let digest = sha256_hex(actual);
            if &digest == hex {
                return Ok(());
            }
            Err(format!(
                "output mismatch on {what}: sha256 {digest}, expected {hex}; it begins {:?}",
                excerpt(actual, 0)
            ))
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Up to 40 bytes from `at`, as text.
fn excerpt(bytes: &[u8], at: usize) -> String {
    let start = at.min(bytes.len());
    let end = (start + 40).min(bytes.len());
    String::from_utf8_lossy(&bytes[start..end]).into_owned()
}

pub(crate) fn tail_text(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    match text.char_indices().rev().nth(max) {
        Some((i, _)) => format!("…{}", &text[i..]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect(stdout: &str) -> Expectation {
        Expectation {
            exit_code: 0,
            stdout: Some(stdout.to_string().into()),
            files: BTreeMap::new(),
        }
    }

    #[test]
    fn exact_match_passes() {
        assert_eq!(expect("ok\n").check(0, b"ok\n", b"", None), Ok(()));
    }

    #[test]
    fn mismatch_names_the_first_differing_byte() {
        let err = expect("result=1234\n")
            .check(0, b"result=1284\n", b"", None)
            .unwrap_err();
        assert!(
            err.starts_with("output mismatch on stdout at byte 9"),
            "{err}"
        );
        assert!(
            err.contains("\"34\\n\"") && err.contains("\"84\\n\""),
            "{err}"
        );
    }

    #[test]
    fn truncated_output_is_a_mismatch_at_its_end() {
        let err = expect("abcdef").check(0, b"abc", b"", None).unwrap_err();
        assert!(err.contains("at byte 3 (expected 6 bytes, got 3)"), "{err}");
    }

    #[test]
    fn exit_code_is_checked_first_and_quotes_stderr() {
        let err = expect("x").check(3, b"x", b"boom\n", None).unwrap_err();
        assert_eq!(err, "exit code 3, expected 0; stderr: boom");
    }

    #[test]
    fn sha256_expectations_compare_digests() {
        let e: ExpectedBytes = format!("sha256:{}", sha256_hex(b"hello")).into();
        let exp = Expectation {
            exit_code: 0,
            stdout: Some(e),
            files: BTreeMap::new(),
        };
        assert_eq!(exp.check(0, b"hello", b"", None), Ok(()));
        assert!(
            exp.check(0, b"hullo", b"", None)
                .unwrap_err()
                .contains("begins \"hullo\"")
        );
    }

    #[test]
    fn files_are_read_from_the_output_directory() {
        let dir = tempfile::tempdir().unwrap();
        let exp = Expectation {
            exit_code: 0,
            stdout: None,
            files: BTreeMap::from([("out.txt".to_string(), ExpectedBytes::Text("42\n".into()))]),
        };
        assert!(
            exp.check(0, b"", b"", Some(dir.path()))
                .unwrap_err()
                .contains("was not written")
        );
        std::fs::write(dir.path().join("out.txt"), "41\n").unwrap();
        assert!(
            exp.check(0, b"", b"", Some(dir.path()))
                .unwrap_err()
                .contains("/output/out.txt at byte 1")
        );
        std::fs::write(dir.path().join("out.txt"), "42\n").unwrap();
        assert_eq!(exp.check(0, b"", b"", Some(dir.path())), Ok(()));
    }

    #[test]
    fn expected_round_trips_through_its_string_form() {
        let text: ExpectedBytes = "plain".to_string().into();
        let hash: ExpectedBytes = "sha256:ABCD".to_string().into();
        assert_eq!(hash, ExpectedBytes::Sha256("abcd".into()));
        assert_eq!(String::from(text), "plain");
        assert_eq!(String::from(hash), "sha256:abcd");
    }
}
