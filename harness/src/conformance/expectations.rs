//! What each runtime is known to get wrong: data, one TOML file per runtime
//! id (`DIR/<runtime-id>.toml`), every entry with its reason.
//!
//! ```toml
//! [fail]
//! "sandbox/grant_readonly" = "Wasmer does not enforce read-only preopens"
//! [skip]
//! "wasi/poll_stdin" = "blocks forever on this runtime"
//! [flaky]
//! "wasi/poll_clock" = "sleeps a little shorter than asked, some of the time"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// One runtime's expectations, keyed by `suite/test`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    /// Tests expected to fail, with why.
    #[serde(default)]
    pub fail: BTreeMap<String, String>,
    /// Tests not to run at all, with why (one that hangs the runtime, say).
    #[serde(default)]
    pub skip: BTreeMap<String, String>,
    /// Tests that fail only some of the time, with why: a pass is a pass, a
    /// failure is expected.
    #[serde(default)]
    pub flaky: BTreeMap<String, String>,
}

/// What the expectations say about one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedVerdict<'a> {
    Pass,
    Fail(&'a str),
    Skip(&'a str),
    Flaky(&'a str),
}

impl Expectations {
    /// Reads `dir/<runtime>.toml`; no file means no expected failures.
    pub fn load(dir: &Path, runtime: &str) -> Result<Expectations> {
        let path = dir.join(format!("{runtime}.toml"));
        if !path.exists() {
            return Ok(Expectations::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Expectations::parse(&text)
            .with_context(|| format!("{} is not a valid expectations file", path.display()))
    }

    pub fn parse(text: &str) -> Result<Expectations> {
        let parsed: Expectations = toml::from_str(text)?;
        let mut seen = std::collections::BTreeSet::new();
        for id in parsed.ids() {
            if !seen.insert(id) {
                anyhow::bail!(
                    "{id} is listed in more than one of [fail], [skip], [flaky]; pick one"
                );
            }
        }
        Ok(parsed)
    }

    pub fn get(&self, test_id: &str) -> ExpectedVerdict<'_> {
        if let Some(reason) = self.skip.get(test_id) {
            ExpectedVerdict::Skip(reason)
        } else if let Some(reason) = self.fail.get(test_id) {
            ExpectedVerdict::Fail(reason)
        } else if let Some(reason) = self.flaky.get(test_id) {
            ExpectedVerdict::Flaky(reason)
        } else {
            ExpectedVerdict::Pass
        }
    }

    /// Every test id the file names.
    fn ids(&self) -> impl Iterator<Item = &str> {
        self.fail
            .keys()
            .chain(self.skip.keys())
            .chain(self.flaky.keys())
            .map(String::as_str)
    }

    /// Entries for a loaded suite that name no test in it: stale data that
    /// would otherwise hide nothing and mislead readers.
    pub fn unknown<'a>(
        &'a self,
        suites: &'a [(String, Vec<String>)],
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.ids().filter(move |id| {
            let Some((suite, test)) = id.split_once('/') else {
                return true;
            };
            suites
                .iter()
                .find(|(name, _)| name == suite)
                .is_some_and(|(_, tests)| !tests.iter().any(|t| t == test))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_read_with_their_reasons() {
        let e =
            Expectations::parse("[fail]\n\"s/a\" = \"known bug\"\n[skip]\n\"s/b\" = \"hangs\"\n")
                .unwrap();
        assert_eq!(e.get("s/a"), ExpectedVerdict::Fail("known bug"));
        assert_eq!(e.get("s/b"), ExpectedVerdict::Skip("hangs"));
        assert_eq!(e.get("s/c"), ExpectedVerdict::Pass);
    }

    #[test]
    fn bad_files_are_refused() {
        assert!(Expectations::parse("[fail]\n\"s/a\" = 3\n").is_err());
        assert!(Expectations::parse("[oops]\n").is_err());
        let both = Expectations::parse("[fail]\n\"s/a\" = \"x\"\n[skip]\n\"s/a\" = \"y\"\n");
        assert!(format!("{:#}", both.unwrap_err()).contains("s/a"));
        let both = Expectations::parse("[skip]\n\"s/a\" = \"x\"\n[flaky]\n\"s/a\" = \"y\"\n");
        assert!(format!("{:#}", both.unwrap_err()).contains("more than one"));
    }

    #[test]
    fn a_missing_file_expects_everything_to_pass_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Expectations::load(dir.path(), "wasmi").unwrap(),
            Expectations::default()
        );
        std::fs::write(dir.path().join("wasmi.toml"), "[fail\n").unwrap();
        let message = format!("{:#}", Expectations::load(dir.path(), "wasmi").unwrap_err());
        assert!(message.contains("wasmi.toml"), "{message}");
    }

    #[test]
    fn entries_naming_no_loaded_test_are_reported() {
        let e = Expectations::parse(
            "[fail]\n\"s/a\" = \"x\"\n\"s/gone\" = \"y\"\n\"other/z\" = \"not loaded\"\n",
        )
        .unwrap();
        let suites = vec![("s".to_string(), vec!["a".to_string()])];
        assert_eq!(e.unknown(&suites).collect::<Vec<_>>(), ["s/gone"]);
    }
}
