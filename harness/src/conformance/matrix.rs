//! The conformance contract (`conformance.json`): tests × runtimes, one
//! verdict each, and the pass rates derived from them. Fields may be added;
//! none renamed.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use wasm_arena_adapters::{Interface, RuntimeInfo};

use super::verdict::{Observed, Verdict};
use crate::host::Host;

pub const SCHEMA_VERSION: u32 = 1;

/// The sandbox suite's outcome per runtime, as a run's report quotes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SandboxRates {
    /// The conformance results directory, as given.
    pub source: String,
    pub measured_at: DateTime<Utc>,
    pub runtimes: Vec<SandboxRate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SandboxRate {
    pub runtime: String,
    pub version: String,
    /// Tests of the sandbox suite that ran, and those that passed.
    pub ran: u32,
    pub passed: u32,
    /// The `escape_*` tests among them.
    pub escapes_ran: u32,
    pub escapes_passed: u32,
    /// The tests that failed (as expected or not), by name.
    pub failed: Vec<String>,
    /// Every test's verdict, skips included, by `suite/test`: the matrix.
    /// Unset in results rendered before it was kept: then nothing can be
    /// said of a particular test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdicts: Option<BTreeMap<String, Verdict>>,
    /// Sandbox tests in which the guest reached what it must not (the
    /// suite's `ESCAPED:` on stderr, exit status 2), by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escaped: Option<Vec<String>>,
    /// Tests of any suite in which the runtime crashed its host process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crashed: Option<Vec<String>>,
    /// The `wasi` suite's tests that ran and those that passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasi: Option<[u32; 2]>,
}

impl Matrix {
    /// The sandbox suite's rates and findings per runtime, and its `wasi`
    /// suite's pass rate; skipped tests are left out.
    pub fn sandbox_rates(&self, source: &str) -> SandboxRates {
        let runtimes = self
            .runtimes
            .iter()
            .map(|info| {
                let mut rate = SandboxRate {
                    runtime: info.id.clone(),
                    version: info.version.clone(),
                    ran: 0,
                    passed: 0,
                    escapes_ran: 0,
                    escapes_passed: 0,
                    failed: Vec::new(),
                    verdicts: Some(
                        self.results
                            .iter()
                            .filter(|t| t.runtime == info.id)
                            .map(|t| (t.id(), t.verdict))
                            .collect(),
                    ),
                    escaped: Some(Vec::new()),
                    crashed: Some(Vec::new()),
                    wasi: None,
                };
                let ran = self
                    .results
                    .iter()
                    .filter(|t| t.runtime == info.id && t.verdict != Verdict::Skip);
                let (mut escaped, mut crashed) = (Vec::new(), Vec::new());
                for test in ran {
                    let passed = test.verdict.passed();
                    if test.observed.as_deref().is_some_and(Observed::is_crash) {
                        crashed.push(format!("{}/{}", test.suite, test.test));
                    }
                    match test.suite.as_str() {
                        "wasi" => {
                            let [ran, pass] = rate.wasi.get_or_insert([0, 0]);
                            *ran += 1;
                            *pass += u32::from(passed);
                        }
                        "sandbox" => {
                            let escape = test.test.starts_with("escape_");
                            rate.ran += 1;
                            rate.passed += u32::from(passed);
                            rate.escapes_ran += u32::from(escape);
                            rate.escapes_passed += u32::from(escape && passed);
                            if !passed {
                                rate.failed.push(test.test.clone());
                            }
                            // The suite's contract: an escape is reported as
                            // `ESCAPED: <what>` with exit status 2.
                            if test.observed.as_deref().and_then(Observed::exit_code) == Some(2)
                                && test
                                    .stderr
                                    .as_deref()
                                    .is_some_and(|e| e.contains("ESCAPED:"))
                            {
                                escaped.push(test.test.clone());
                            }
                        }
                        _ => {}
                    }
                }
                rate.escaped = Some(escaped);
                rate.crashed = Some(crashed);
                rate
            })
            .collect();
        SandboxRates {
            source: source.to_string(),
            measured_at: self.started_at,
            runtimes,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Matrix {
    pub schema_version: u32,
    pub tool_version: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Stopped by Ctrl-C: results present are complete, others are missing.
    pub interrupted: bool,
    pub command: Vec<String>,
    pub settings: Settings,
    pub host: Host,
    pub runtimes: Vec<RuntimeInfo>,
    pub suites: Vec<SuiteRecord>,
    /// In suite, test, runtime order.
    pub results: Vec<TestResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Seconds a test may run before the runtime must stop it.
    pub timeout_s: f64,
    pub max_memory_bytes: u64,
    /// Tests run at the same time, each in its own worker process.
    pub jobs: usize,
    /// Where the per-runtime expectations files were read from.
    pub expectations_dir: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SuiteRecord {
    pub name: String,
    pub version: Option<String>,
    pub dir: String,
    pub tests: Vec<TestRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestRecord {
    pub name: String,
    pub category: String,
    pub module: String,
    /// Unset when the module could not be read.
    pub sha256: Option<String>,
    /// A core module of preview 1 or a component of WASI 0.2 or 0.3.
    #[serde(default = "preview1")]
    pub interface: Interface,
}

/// A path as committed results should name it: relative to this repository
/// when it is inside it (`workloads/conformance/expectations`), so the same
/// run on another machine records the same text; else as given, made
/// absolute.
pub fn repository_relative(path: &std::path::Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let inside = std::fs::canonicalize(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .ok()
        .and_then(|root| Some(absolute.strip_prefix(root).ok()?.to_path_buf()));
    inside.unwrap_or(absolute).display().to_string()
}

/// What matrices written before components were tested with.
fn preview1() -> Interface {
    Interface::Preview1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    pub suite: String,
    pub test: String,
    pub runtime: String,
    pub verdict: Verdict,
    /// What differed, why it was skipped, or what the expectations say;
    /// unset for a plain pass.
    pub reason: Option<String>,
    /// How the run ended (unset when it was not run).
    pub observed: Option<String>,
    /// What the program printed, when it ran to an exit (at most 4 KiB each).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdout: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stderr: Option<String>,
    /// Wall time of the worker process, start-up included.
    pub seconds: Option<f64>,
}

impl TestResult {
    pub fn id(&self) -> String {
        format!("{}/{}", self.suite, self.test)
    }
}

/// How one runtime did on one group of tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub counts: BTreeMap<Verdict, u32>,
}

impl Tally {
    pub fn add(&mut self, verdict: Verdict) {
        *self.counts.entry(verdict).or_default() += 1;
    }

    pub fn count(&self, verdict: Verdict) -> u32 {
        self.counts.get(&verdict).copied().unwrap_or(0)
    }

    /// Tests that ran: everything but skips.
    pub fn ran(&self) -> u32 {
        self.counts.values().sum::<u32>() - self.count(Verdict::Skip)
    }

    /// Passed tests over tests that ran (an unexpected pass is a pass);
    /// `None` when none ran.
    pub fn pass_rate(&self) -> Option<f64> {
        let passed = self.count(Verdict::Pass) + self.count(Verdict::UnexpectedPass);
        (self.ran() > 0).then(|| f64::from(passed) / f64::from(self.ran()))
    }

    /// `41/44 (93%)`, with skips after it.
    pub fn describe(&self) -> String {
        let passed = self.count(Verdict::Pass) + self.count(Verdict::UnexpectedPass);
        let mut s = match self.pass_rate() {
            Some(rate) => format!("{passed}/{} ({:.0}%)", self.ran(), rate * 100.0),
            None => "none ran".to_string(),
        };
        let skipped = self.count(Verdict::Skip);
        if skipped > 0 {
            s.push_str(&format!(", {skipped} skipped"));
        }
        s
    }
}

/// A group of tests a pass rate is given for: a whole suite (`category`
/// unset) or one category in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Group {
    pub suite: String,
    pub category: Option<String>,
}

impl std::fmt::Display for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.category {
            Some(c) => write!(f, "{}/{c}", self.suite),
            None => write!(f, "{} (all)", self.suite),
        }
    }
}

impl Matrix {
    pub fn result(&self, suite: &str, test: &str, runtime: &str) -> Option<&TestResult> {
        self.results
            .iter()
            .find(|r| r.suite == suite && r.test == test && r.runtime == runtime)
    }

    /// `suite/test` ids in suite order.
    pub fn test_ids(&self) -> impl Iterator<Item = (&SuiteRecord, &TestRecord)> {
        self.suites
            .iter()
            .flat_map(|s| s.tests.iter().map(move |t| (s, t)))
    }

    /// Every (runtime, `suite/test`) pair with no result: empty for a
    /// complete, uninterrupted run.
    pub fn missing(&self) -> Vec<(String, String)> {
        let mut missing = Vec::new();
        for rt in &self.runtimes {
            for (suite, test) in self.test_ids() {
                if self.result(&suite.name, &test.name, &rt.id).is_none() {
                    missing.push((rt.id.clone(), format!("{}/{}", suite.name, test.name)));
                }
            }
        }
        missing
    }

    /// Whether every result agrees with the expectations.
    pub fn as_expected(&self) -> bool {
        self.results.iter().all(|r| r.verdict.as_expected())
    }

    /// Per group (each suite, and each category in it) and runtime id.
    pub fn tallies(&self) -> BTreeMap<Group, BTreeMap<String, Tally>> {
        let mut tallies: BTreeMap<Group, BTreeMap<String, Tally>> = BTreeMap::new();
        for (suite, test) in self.test_ids() {
            let groups = [
                Group {
                    suite: suite.name.clone(),
                    category: None,
                },
                Group {
                    suite: suite.name.clone(),
                    category: Some(test.category.clone()),
                },
            ];
            for rt in &self.runtimes {
                if let Some(r) = self.result(&suite.name, &test.name, &rt.id) {
                    for g in &groups {
                        tallies
                            .entry(g.clone())
                            .or_default()
                            .entry(rt.id.clone())
                            .or_default()
                            .add(r.verdict);
                    }
                }
            }
        }
        tallies
    }

    /// All of one runtime's results.
    pub fn tally(&self, runtime: &str) -> Tally {
        let mut tally = Tally::default();
        for r in self.results.iter().filter(|r| r.runtime == runtime) {
            tally.add(r.verdict);
        }
        tally
    }

    /// Every result that is not a plain pass or a skip, in matrix order.
    pub fn failures(&self) -> impl Iterator<Item = &TestResult> {
        self.results
            .iter()
            .filter(|r| !matches!(r.verdict, Verdict::Pass | Verdict::Skip))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn result(suite: &str, test: &str, runtime: &str, verdict: Verdict) -> TestResult {
        TestResult {
            suite: suite.into(),
            test: test.into(),
            runtime: runtime.into(),
            verdict,
            reason: (verdict != Verdict::Pass).then(|| format!("{verdict} because")),
            observed: Some("exited with code 0".into()),
            stdout: None,
            stderr: None,
            seconds: Some(0.01),
        }
    }

    /// Two runtimes, suite `s` with tests `fd_a`, `fd_b`, `clock_c`.
    pub fn sample() -> Matrix {
        let runtime = |id: &str| RuntimeInfo {
            id: id.into(),
            family: "f".into(),
            version: "1".into(),
            tier: wasm_arena_adapters::Tier::Optimizing,
            settings: BTreeMap::new(),
            unsupported: BTreeMap::new(),
        };
        let test = |name: &str, category: &str| TestRecord {
            name: name.into(),
            category: category.into(),
            module: format!("s/{name}.wasm"),
            sha256: None,
            interface: Interface::Preview1,
        };
        Matrix {
            schema_version: SCHEMA_VERSION,
            tool_version: "0".into(),
            started_at: Utc::now(),
            finished_at: Some(Utc::now()),
            interrupted: false,
            command: vec!["wasm-arena".into(), "conformance".into()],
            settings: Settings {
                timeout_s: 10.0,
                max_memory_bytes: 1 << 28,
                jobs: 2,
                expectations_dir: "e".into(),
            },
            host: Host::detect(),
            runtimes: vec![runtime("r1"), runtime("r2")],
            suites: vec![SuiteRecord {
                name: "s".into(),
                version: None,
                dir: "s".into(),
                tests: vec![
                    test("fd_a", "fd"),
                    test("fd_b", "fd"),
                    test("clock_c", "clock"),
                ],
            }],
            results: vec![
                result("s", "fd_a", "r1", Verdict::Pass),
                result("s", "fd_a", "r2", Verdict::Fail),
                result("s", "fd_b", "r1", Verdict::Pass),
                result("s", "fd_b", "r2", Verdict::Skip),
                result("s", "clock_c", "r1", Verdict::ExpectedFail),
                result("s", "clock_c", "r2", Verdict::UnexpectedPass),
            ],
        }
    }

    #[test]
    fn tallies_count_per_suite_and_category() {
        let m = sample();
        let t = m.tallies();
        let fd = Group {
            suite: "s".into(),
            category: Some("fd".into()),
        };
        let all = Group {
            suite: "s".into(),
            category: None,
        };
        assert_eq!(t[&fd]["r1"].describe(), "2/2 (100%)");
        assert_eq!(t[&fd]["r2"].describe(), "0/1 (0%), 1 skipped");
        assert_eq!(t[&all]["r1"].describe(), "2/3 (67%)");
        assert_eq!(t[&all]["r2"].pass_rate(), Some(0.5));
        assert_eq!(Tally::default().describe(), "none ran");
    }

    #[test]
    fn a_missing_result_is_found_and_expectations_judged() {
        let mut m = sample();
        assert!(m.missing().is_empty());
        assert!(!m.as_expected());
        m.results
            .retain(|r| r.verdict != Verdict::Fail && r.verdict != Verdict::UnexpectedPass);
        assert!(m.as_expected());
        assert_eq!(
            m.missing(),
            [
                ("r2".to_string(), "s/fd_a".to_string()),
                ("r2".to_string(), "s/clock_c".to_string())
            ]
        );
    }

    #[test]
    fn failures_are_everything_but_passes_and_skips() {
        let m = sample();
        let ids: Vec<_> = m.failures().map(|r| (r.id(), r.runtime.as_str())).collect();
        assert_eq!(
            ids,
            [
                ("s/fd_a".to_string(), "r2"),
                ("s/clock_c".to_string(), "r1"),
                ("s/clock_c".to_string(), "r2")
            ]
        );
    }
}
