//! Test suites in the layout of the WebAssembly wasi-testsuite: a directory
//! with `manifest.json` and tests `NAME.wasm` (or `NAME.wat`), each with an
//! optional `NAME.json` saying how to run it and what it must produce.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use wasm_arena_adapters::{Capability, Interface, StdinEnd};

/// A loaded suite: its manifest and its tests, sorted by name.
#[derive(Debug, Clone)]
pub struct Suite {
    pub name: String,
    pub version: Option<String>,
    pub dir: PathBuf,
    pub tests: Vec<TestCase>,
}

#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    /// The `.wasm` or `.wat` file.
    pub module: PathBuf,
    /// What the module is written against, which decides the runtimes that
    /// can run it.
    pub interface: Interface,
    pub spec: TestSpec,
}

impl TestCase {
    /// What the runtime must be able to do: what the module's interface
    /// needs (WASI 0.3, a component: a skip names the first one lacking),
    /// then what the spec asks.
    pub fn required(&self) -> Vec<Capability> {
        let mut all = self.interface.needs().to_vec();
        for capability in self.spec.required() {
            if !all.contains(&capability) {
                all.push(capability);
            }
        }
        all
    }

    /// The group a pass rate is given for: the name up to its first `_` or
    /// `-` (`fd_seek` is in `fd`), as the wasi-testsuite names its tests.
    pub fn category(&self) -> &str {
        self.name
            .split(['_', '-'])
            .next()
            .filter(|c| !c.is_empty())
            .unwrap_or(&self.name)
    }
}

#[derive(Debug, Deserialize)]
struct Manifest {
    name: String,
    #[serde(default)]
    version: Option<String>,
    /// wasm-arena's addition: compare stdout and stderr whole. Without it
    /// the official runner's rule holds: the output must begin with the
    /// expected text (it compares that many bytes).
    #[serde(default)]
    exact_output: bool,
}

/// How the program ends when it behaves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It exits; `exit_code`, `stdout` and `stderr` are checked.
    #[default]
    Exit,
    /// The runtime stops it with a trap (a stack overflow, say), and lives.
    Trap,
    /// The runtime's time budget stops it.
    Timeout,
}

/// `NAME.json`. Every field is optional; a missing file means all defaults.
/// `stdin`, `outcome`, `read_only` and `requires` are wasm-arena's additions
/// for what the wasi-testsuite format cannot say.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    /// Arguments after `argv[0]`.
    #[serde(default)]
    pub args: Vec<String>,
    /// The whole guest environment.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// A directory (relative to the json file) preopened as guest `/`.
    #[serde(default)]
    pub root: Option<PathBuf>,
    /// Directories (relative to the json file) preopened under their own names.
    #[serde(default)]
    pub dirs: Vec<String>,
    #[serde(default)]
    pub exit_code: i32,
    #[serde(default)]
    pub stdout: Option<String>,
    #[serde(default)]
    pub stderr: Option<String>,
    #[serde(default)]
    pub stdin: Option<String>,
    #[serde(default)]
    pub outcome: Outcome,
    /// Grant `root` and `dirs` read-only.
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub requires: Vec<Capability>,
    /// Why no runtime can run the test here: it uses a field of the official
    /// format that this runner does not implement (it is then a `skip`).
    #[serde(skip)]
    pub unsupported: Option<String>,
    /// Whether stdout and stderr must equal the expected text, not merely
    /// begin with it (the suite's manifest says; see [`Manifest`]).
    #[serde(skip)]
    pub exact_output: bool,
}

/// Every field a test's json may have here (the struct's own).
const FIELDS: [&str; 11] = [
    "args",
    "env",
    "root",
    "dirs",
    "exit_code",
    "stdout",
    "stderr",
    "stdin",
    "outcome",
    "read_only",
    "requires",
];

/// Fields of the official wasi-testsuite format this runner does not
/// implement: a test that has one is skipped, with the field named.
const OFFICIAL_UNSUPPORTED: [&str; 3] = ["operations", "proposals", "world"];

impl TestSpec {
    /// What the runtime must be able to do for the test to mean anything:
    /// the listed capabilities and those the spec implies.
    pub fn required(&self) -> Vec<Capability> {
        let mut all = self.requires.clone();
        if self.outcome == Outcome::Timeout {
            all.push(Capability::TimeBudget);
        }
        if self.read_only {
            all.push(Capability::ReadOnlyPreopens);
        }
        all.sort();
        all.dedup();
        all
    }

    /// Parses a test's json; errors name the file. A field nobody knows is
    /// warned about (on stderr) and ignored, as the official runner ignores
    /// it; a field of the official format this runner lacks makes the test a
    /// skip.
    pub fn parse(path: &Path, text: &str) -> Result<TestSpec> {
        let invalid = || format!("{} is not a valid test specification", path.display());
        let mut fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).with_context(invalid)?;
        let official: Vec<&str> = OFFICIAL_UNSUPPORTED
            .into_iter()
            .filter(|name| fields.remove(*name).is_some())
            .collect();
        fields.retain(|name, _| {
            let known = FIELDS.contains(&name.as_str());
            if !known {
                eprintln!(
                    "warning: {}: unknown field `{name}` ignored (known: {})",
                    path.display(),
                    FIELDS.join(", ")
                );
            }
            known
        });
        let mut spec: TestSpec =
            serde_json::from_value(serde_json::Value::Object(fields)).with_context(invalid)?;
        spec.unsupported = (!official.is_empty()).then(|| {
            format!(
                "uses the official format's `{}`, which wasm-arena's runner does not implement",
                official.join("`, `")
            )
        });
        if spec.root.is_some() && !spec.dirs.is_empty() {
            bail!(
                "{}: `root` and `dirs` both set; a test has one guest `/` or named directories",
                path.display()
            );
        }
        Ok(spec)
    }

    /// The guest's stdin: the test's `stdin` and then end of file; without
    /// that field (the official format has none), what the official runner
    /// gives: a pipe that stays open and is never written to.
    pub fn stdin(&self) -> (Vec<u8>, StdinEnd) {
        match &self.stdin {
            Some(text) => (text.clone().into_bytes(), StdinEnd::Eof),
            None => (Vec::new(), StdinEnd::Open),
        }
    }

    /// The host directories to copy for the test, with their guest names.
    pub fn grants(&self, suite_dir: &Path) -> Vec<(PathBuf, String)> {
        match &self.root {
            Some(root) => vec![(suite_dir.join(root), "/".to_string())],
            None => self
                .dirs
                .iter()
                .map(|d| (suite_dir.join(d), d.clone()))
                .collect(),
        }
    }
}

impl Suite {
    /// Loads the suite in `dir`; every error names the file at fault.
    pub fn load(dir: &Path) -> Result<Suite> {
        if !dir.is_dir() {
            bail!("no test suite directory at {}", dir.display());
        }
        let manifest_path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&manifest_path).with_context(|| {
            format!(
                "{} has no readable manifest.json (a wasi-testsuite directory names itself there)",
                dir.display()
            )
        })?;
        let manifest: Manifest = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid manifest", manifest_path.display()))?;
        if manifest.name.trim().is_empty() || manifest.name.contains(['/', '\\']) {
            bail!(
                "{}: the suite name must be non-empty and have no slashes",
                manifest_path.display()
            );
        }

        let mut modules: BTreeMap<String, PathBuf> = BTreeMap::new();
        for entry in
            std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?
        {
            let path = entry?.path();
            let is_module = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("wasm" | "wat")
            );
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if !is_module || !path.is_file() {
                continue;
            }
            if let Some(other) = modules.insert(stem.to_string(), path.clone()) {
                bail!(
                    "{} and {} are the same test; keep one",
                    other.display(),
                    path.display()
                );
            }
        }
        if modules.is_empty() {
            bail!("{} holds no .wasm or .wat tests", dir.display());
        }

        // As the official runner: the manifest's version, else the
        // directory's name when it is one (`tests/rust/wasm32-wasip3`).
        let version = manifest.version.or_else(|| {
            let name = dir.file_name()?.to_str()?;
            name.starts_with("wasm32-wasip").then(|| name.to_string())
        });
        let mut tests = Vec::with_capacity(modules.len());
        for (name, module) in modules {
            let json = dir.join(format!("{name}.json"));
            let spec = if json.exists() {
                let text = std::fs::read_to_string(&json)
                    .with_context(|| format!("cannot read {}", json.display()))?;
                TestSpec::parse(&json, &text)?
            } else {
                TestSpec::default()
            };
            for (host, _) in spec.grants(dir) {
                if !host.is_dir() {
                    bail!(
                        "{}: the directory {} does not exist",
                        json.display(),
                        host.display()
                    );
                }
            }
            let spec = TestSpec {
                exact_output: manifest.exact_output,
                ..spec
            };
            let interface = interface(&module);
            tests.push(TestCase {
                name,
                module,
                interface,
                spec,
            });
        }
        Ok(Suite {
            name: manifest.name,
            version,
            dir: dir.to_path_buf(),
            tests,
        })
    }
}

/// A test module's interface, as its binary says, whatever its suite's
/// version: the official runner gives a `wasm32-wasip3` folder to Wasmtime's
/// CLI with WASI 0.3 switched on, and the CLI runs a component through the
/// `wasi:cli/run` it exports, 0.2 or 0.3. A module that cannot be read or
/// assembled is taken for preview 1: running it says what is wrong with it.
fn interface(module: &Path) -> Interface {
    let bytes = match module.extension().and_then(|e| e.to_str()) {
        Some("wat") => wat::parse_file(module).ok(),
        _ => std::fs::read(module).ok(),
    };
    bytes.map_or(Interface::Preview1, |b| Interface::of(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<TestSpec> {
        TestSpec::parse(Path::new("suite/t.json"), text)
    }

    #[test]
    fn stdin_is_the_given_bytes_then_eof_else_the_official_runners_open_pipe() {
        let given = parse(r#"{"stdin": "in"}"#).unwrap();
        assert_eq!(given.stdin(), (b"in".to_vec(), StdinEnd::Eof));
        let empty = parse(r#"{"stdin": ""}"#).unwrap();
        assert_eq!(empty.stdin(), (Vec::new(), StdinEnd::Eof));
        let official = parse(r#"{"exit_code": 0}"#).unwrap();
        assert_eq!(official.stdin(), (Vec::new(), StdinEnd::Open));
    }

    #[test]
    fn every_field_is_read() {
        let spec = parse(
            r#"{"args": ["a", "b c"], "env": {"K": "v=1"}, "root": "fixtures/r",
                "exit_code": 3, "stdout": "out\n", "stderr": "", "stdin": "in",
                "outcome": "exit", "read_only": true, "requires": ["memory-cap"]}"#,
        )
        .unwrap();
        assert_eq!(spec.args, ["a", "b c"]);
        assert_eq!(spec.env.get("K").map(String::as_str), Some("v=1"));
        assert_eq!(spec.root, Some(PathBuf::from("fixtures/r")));
        assert_eq!(spec.exit_code, 3);
        assert_eq!(spec.stdout.as_deref(), Some("out\n"));
        assert_eq!(spec.stderr.as_deref(), Some(""));
        assert_eq!(spec.stdin.as_deref(), Some("in"));
        assert!(spec.read_only);
        assert_eq!(
            spec.required(),
            [Capability::MemoryCap, Capability::ReadOnlyPreopens]
        );
        assert_eq!(
            spec.grants(Path::new("/s")),
            [(PathBuf::from("/s/fixtures/r"), "/".to_string())]
        );
    }

    #[test]
    fn an_unknown_field_is_ignored_and_the_test_still_runs() {
        let spec = parse(r#"{"args": ["x"], "flaky_on": "tuesdays"}"#).unwrap();
        assert_eq!(spec.args, ["x"]);
        assert_eq!(spec.unsupported, None);
        // A known field of the wrong type is still an error naming the file.
        let error = parse(r#"{"stdout": 7}"#).unwrap_err().to_string();
        assert!(
            error.contains("suite/t.json is not a valid test specification"),
            "{error}"
        );
    }

    #[test]
    fn an_official_field_this_runner_lacks_makes_the_test_a_skip() {
        let spec =
            parse(r#"{"operations": [{"type": "wait"}], "world": "wasi:cli/command"}"#).unwrap();
        let reason = spec.unsupported.unwrap();
        assert!(
            reason.contains("`operations`, `world`") && reason.contains("does not implement"),
            "{reason}"
        );
    }

    #[test]
    fn missing_fields_take_the_defaults() {
        let spec = parse("{}").unwrap();
        assert_eq!(spec, TestSpec::default());
        assert!(
            spec.args.is_empty() && spec.env.is_empty() && spec.grants(Path::new(".")).is_empty()
        );
        assert_eq!(spec.exit_code, 0);
        assert!(spec.stdout.is_none() && spec.stderr.is_none());
        assert_eq!(spec.outcome, Outcome::Exit);
        assert!(spec.required().is_empty());
    }

    #[test]
    fn legacy_dirs_are_preopened_under_their_own_names() {
        let spec = parse(r#"{"dirs": ["fs-tests.dir", "other"]}"#).unwrap();
        assert_eq!(
            spec.grants(Path::new("/s")),
            [
                (PathBuf::from("/s/fs-tests.dir"), "fs-tests.dir".to_string()),
                (PathBuf::from("/s/other"), "other".to_string())
            ]
        );
    }

    #[test]
    fn outcomes_imply_what_they_need() {
        let spec = parse(r#"{"outcome": "timeout"}"#).unwrap();
        assert_eq!(spec.required(), [Capability::TimeBudget]);
        assert_eq!(
            parse(r#"{"outcome": "trap"}"#).unwrap().outcome,
            Outcome::Trap
        );
    }

    #[test]
    fn bad_json_names_the_file() {
        for bad in [
            "{",
            r#"{"args": "not a list"}"#,
            r#"{"exit_code": "zero"}"#,
            r#"{"outcome": "explode"}"#,
            r#"{"requires": ["teleport"]}"#,
            "[1, 2]",
        ] {
            let message = format!("{:#}", parse(bad).unwrap_err());
            assert!(message.contains("suite/t.json"), "{bad}: {message}");
        }
        let both = format!(
            "{:#}",
            parse(r#"{"root": "a", "dirs": ["b"]}"#).unwrap_err()
        );
        assert!(
            both.contains("suite/t.json") && both.contains("both"),
            "{both}"
        );
    }

    #[test]
    fn a_suite_loads_with_defaults_for_tests_without_json() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join("manifest.json"),
            r#"{"name": "mini", "version": "wasm32-wasip1"}"#,
        )
        .unwrap();
        std::fs::write(d.join("b_two.wasm"), b"\0asm").unwrap();
        std::fs::write(d.join("a_one.wat"), "(module)").unwrap();
        std::fs::create_dir(d.join("root")).unwrap();
        std::fs::write(d.join("b_two.json"), r#"{"root": "root", "exit_code": 1}"#).unwrap();
        std::fs::write(d.join("notes.txt"), "not a test").unwrap();
        let suite = Suite::load(d).unwrap();
        assert_eq!(suite.name, "mini");
        assert_eq!(suite.version.as_deref(), Some("wasm32-wasip1"));
        let names: Vec<_> = suite.tests.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a_one", "b_two"]);
        assert_eq!(suite.tests[0].spec, TestSpec::default());
        assert_eq!(suite.tests[0].category(), "a");
        assert_eq!(suite.tests[1].spec.exit_code, 1);
    }

    #[test]
    fn suite_errors_name_the_file_at_fault() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let error = |d: &Path| format!("{:#}", Suite::load(d).unwrap_err());
        assert!(error(d).contains("manifest.json"));
        std::fs::write(d.join("manifest.json"), "{").unwrap();
        assert!(error(d).contains("not a valid manifest"));
        std::fs::write(d.join("manifest.json"), r#"{"name": "s"}"#).unwrap();
        assert!(error(d).contains("no .wasm or .wat tests"));
        std::fs::write(d.join("t.wasm"), b"\0asm").unwrap();
        std::fs::write(d.join("t.json"), r#"{"root": "missing"}"#).unwrap();
        let message = error(d);
        assert!(
            message.contains("t.json") && message.contains("missing"),
            "{message}"
        );
        assert!(error(&d.join("nowhere")).contains("no test suite directory"));
    }
}
