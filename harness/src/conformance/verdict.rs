//! Judging one test run: did it do what its spec says, and is that what the
//! runtime's expectations say it does?

use serde::{Deserialize, Serialize};
use wasm_arena_adapters::RunError;

use super::expectations::ExpectedVerdict;
use super::spec::{Outcome, TestSpec};
use crate::phase::Stage;
use crate::verify::{self, tail_text};
use crate::worker::protocol::Failure;

/// How a test run ended, as the harness saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum Observed {
    /// The program ran to an exit (returned from `_start` or `proc_exit`).
    Exited {
        code: i32,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    /// The runtime stopped it at `stage`: a trap, the time budget, a module
    /// it refused; with what the guest wrote before (nothing when it never
    /// ran).
    Stopped {
        stage: Stage,
        error: Failure,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    /// The worker process died of a signal: the runtime crashed.
    Crashed { signal: String },
    /// No result within the time limit: the harness killed the worker, so
    /// the runtime did not stop the guest itself.
    Killed { after_s: f64 },
    /// The worker ended without a result (an exit status, its stderr).
    Lost { message: String },
}

/// How [`Observed::describe`] begins its lines, read back by
/// [`Observed::is_crash`] and [`Observed::exit_code`] from stored results.
const EXITED: &str = "exited with code ";
const CRASHED: &str = "the runtime crashed";

impl Observed {
    /// Whether a stored description (from [`Observed::describe`]) is of a crash.
    pub fn is_crash(description: &str) -> bool {
        description.starts_with(CRASHED)
    }

    /// The exit code in a stored description of an exit.
    pub fn exit_code(description: &str) -> Option<i32> {
        description.strip_prefix(EXITED)?.parse().ok()
    }

    /// One line for reports.
    pub fn describe(&self) -> String {
        match self {
            Observed::Exited { code, .. } => format!("{EXITED}{code}"),
            Observed::Stopped { stage, error, .. } => {
                format!("stopped at {}: {error}", stage.name())
            }
            Observed::Crashed { signal } => format!("{CRASHED} ({signal})"),
            Observed::Killed { after_s } => format!(
                "still running after {after_s:.0} s: the runtime did not stop it, the harness killed it"
            ),
            Observed::Lost { message } => format!("the worker gave no result: {message}"),
        }
    }

    fn trap(&self) -> Option<&str> {
        match self {
            Observed::Stopped {
                stage: Stage::Execute,
                error:
                    Failure::Runtime {
                        error: RunError::Trap(message),
                    },
                ..
            } => Some(message),
            _ => None,
        }
    }

    fn timed_out(&self) -> bool {
        matches!(
            self,
            Observed::Stopped {
                error: Failure::Runtime {
                    error: RunError::TimeBudget(_)
                },
                ..
            }
        )
    }
}

/// Checks a run against its spec; the error says everything that differed.
pub fn check(spec: &TestSpec, observed: &Observed) -> Result<(), String> {
    match (spec.outcome, observed) {
        (
            Outcome::Exit,
            Observed::Exited {
                code,
                stdout,
                stderr,
            },
        ) => {
            let mut differences = Vec::new();
            if *code != spec.exit_code {
                let mut d = format!("exit code {code}, expected {}", spec.exit_code);
                let tail = tail_text(stderr, 300);
                if !tail.is_empty() {
                    d.push_str(&format!(" (stderr: {tail})"));
                }
                differences.push(d);
            }
            for (what, want, got) in [
                ("stdout", &spec.stdout, stdout),
                ("stderr", &spec.stderr, stderr),
            ] {
                if let Some(want) = want {
                    // The official rule: as many bytes as were expected.
                    let got = match spec.exact_output {
                        false if got.len() > want.len() => &got[..want.len()],
                        _ => &got[..],
                    };
                    let want = verify::ExpectedBytes::Text(want.clone());
                    if let Err(d) = verify::compare(what, &want, got) {
                        differences.push(d);
                    }
                }
            }
            if differences.is_empty() {
                Ok(())
            } else {
                Err(differences.join("; "))
            }
        }
        (Outcome::Trap, o) if o.trap().is_some() => Ok(()),
        (Outcome::Timeout, o) if o.timed_out() => Ok(()),
        (outcome, o) => {
            let wanted = match outcome {
                Outcome::Exit => format!("expected exit code {}", spec.exit_code),
                Outcome::Trap => "expected a trap".to_string(),
                Outcome::Timeout => "expected the time budget to stop it".to_string(),
            };
            let mut d = format!("{}, {wanted}", o.describe());
            if let Observed::Exited { stderr, .. } = o {
                let tail = tail_text(stderr, 300);
                if !tail.is_empty() {
                    d.push_str(&format!(" (stderr: {tail})"));
                }
            }
            Err(d)
        }
    }
}

/// A test's result on one runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    Fail,
    /// Not run: the runtime lacks what the test needs, or its expectations say so.
    Skip,
    /// Failed, as the runtime's expectations file says it does.
    ExpectedFail,
    /// Passed, though the expectations file says it fails: the entry is stale.
    UnexpectedPass,
}

impl Verdict {
    pub const ALL: [Verdict; 5] = [
        Verdict::Pass,
        Verdict::Fail,
        Verdict::Skip,
        Verdict::ExpectedFail,
        Verdict::UnexpectedPass,
    ];

    /// Whether the test itself passed, whatever the expectations say.
    pub fn passed(self) -> bool {
        matches!(self, Verdict::Pass | Verdict::UnexpectedPass)
    }

    /// Whether the result agrees with the expectations (what the exit status
    /// of `wasm-arena conformance` is about).
    pub fn as_expected(self) -> bool {
        !matches!(self, Verdict::Fail | Verdict::UnexpectedPass)
    }

    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Skip => "skip",
            Verdict::ExpectedFail => "expected-fail",
            Verdict::UnexpectedPass => "unexpected-pass",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Combines a checked run with what the expectations say; the reason is
/// `None` only for a plain pass.
pub fn verdict(
    checked: Result<(), String>,
    expected: ExpectedVerdict<'_>,
) -> (Verdict, Option<String>) {
    match (checked, expected) {
        (_, ExpectedVerdict::Skip(reason)) => (Verdict::Skip, Some(reason.to_string())),
        (Ok(()), ExpectedVerdict::Pass) => (Verdict::Pass, None),
        (Err(what), ExpectedVerdict::Pass) => (Verdict::Fail, Some(what)),
        (Ok(()), ExpectedVerdict::Fail(reason)) => (
            Verdict::UnexpectedPass,
            Some(format!(
                "passed, but the expectations say it fails ({reason}); remove the entry"
            )),
        ),
        (Err(what), ExpectedVerdict::Fail(reason)) => (
            Verdict::ExpectedFail,
            Some(format!("{what} (known: {reason})")),
        ),
        (Ok(()), ExpectedVerdict::Flaky(_)) => (Verdict::Pass, None),
        (Err(what), ExpectedVerdict::Flaky(reason)) => (
            Verdict::ExpectedFail,
            Some(format!("{what} (known to be flaky: {reason})")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn exited(code: i32, stdout: &str, stderr: &str) -> Observed {
        Observed::Exited {
            code,
            stdout: stdout.into(),
            stderr: stderr.into(),
        }
    }

    #[test]
    fn output_must_begin_with_the_expected_text_unless_the_suite_asks_for_exact() {
        let mut s = spec(r#"{"stdout": "ok\n"}"#);
        // The official runner's rule: the first bytes are compared.
        assert_eq!(check(&s, &exited(0, "ok\nand more\n", "")), Ok(()));
        assert!(
            check(&s, &exited(0, "o", "")).is_err(),
            "shorter is a mismatch"
        );
        s.exact_output = true;
        let what = check(&s, &exited(0, "ok\nand more\n", "")).unwrap_err();
        assert!(what.contains("output mismatch on stdout"), "{what}");
    }

    fn stopped(stage: Stage, error: RunError) -> Observed {
        Observed::Stopped {
            stage,
            error: Failure::Runtime { error },
            stdout: Vec::new(),
            stderr: Vec::new(),
        }
    }

    fn spec(json: &str) -> TestSpec {
        TestSpec::parse(std::path::Path::new("t.json"), json).unwrap()
    }

    #[test]
    fn an_exit_passes_when_code_and_given_streams_match() {
        let s = spec(r#"{"exit_code": 3, "stdout": "ok\n"}"#);
        assert_eq!(check(&s, &exited(3, "ok\n", "anything")), Ok(()));
        // stderr is only checked when the spec gives it.
        let s = spec(r#"{"stderr": "warn\n"}"#);
        assert_eq!(check(&s, &exited(0, "any", "warn\n")), Ok(()));
    }

    #[test]
    fn every_difference_is_named() {
        // Exact, as the project's suites ask: under the official rule an
        // expected "" compares nothing.
        let mut s = spec(r#"{"exit_code": 0, "stdout": "a\n", "stderr": ""}"#);
        s.exact_output = true;
        let what = check(&s, &exited(1, "b\n", "FAIL: x\n")).unwrap_err();
        assert!(
            what.contains("exit code 1, expected 0 (stderr: FAIL: x)"),
            "{what}"
        );
        assert!(
            what.contains("output mismatch on stdout at byte 0"),
            "{what}"
        );
        assert!(what.contains("output mismatch on stderr"), "{what}");
    }

    #[test]
    fn a_trap_where_an_exit_was_expected_quotes_the_trap() {
        let s = spec("{}");
        let what = check(
            &s,
            &stopped(Stage::Execute, RunError::Trap("unreachable".into())),
        )
        .unwrap_err();
        assert_eq!(
            what,
            "stopped at execute: trap: unreachable, expected exit code 0"
        );
        let what = check(
            &s,
            &Observed::Crashed {
                signal: "SIGSEGV".into(),
            },
        )
        .unwrap_err();
        assert!(what.starts_with("the runtime crashed (SIGSEGV)"), "{what}");
    }

    #[test]
    fn trap_and_timeout_outcomes_need_exactly_that() {
        let trap = spec(r#"{"outcome": "trap"}"#);
        let overflow = stopped(
            Stage::Execute,
            RunError::Trap("call stack exhausted".into()),
        );
        assert_eq!(check(&trap, &overflow), Ok(()));
        assert!(
            check(&trap, &exited(0, "", ""))
                .unwrap_err()
                .contains("expected a trap")
        );
        let crashed = Observed::Crashed {
            signal: "SIGSEGV".into(),
        };
        assert!(check(&trap, &crashed).unwrap_err().contains("crashed"));
        // A trap while instantiating is not the runtime stopping the program.
        let early = stopped(Stage::Instantiate, RunError::Trap("start".into()));
        assert!(check(&trap, &early).is_err());

        let timeout = spec(r#"{"outcome": "timeout"}"#);
        let budget = stopped(
            Stage::Execute,
            RunError::TimeBudget(Duration::from_secs(10)),
        );
        assert_eq!(check(&timeout, &budget), Ok(()));
        let killed = check(&timeout, &Observed::Killed { after_s: 40.0 }).unwrap_err();
        assert!(killed.contains("the harness killed it"), "{killed}");
        assert!(check(&timeout, &overflow).is_err());
    }

    #[test]
    fn verdicts_follow_the_expectations() {
        let ok = || Ok(());
        let bad = || Err("exit code 1, expected 0".to_string());
        assert_eq!(verdict(ok(), ExpectedVerdict::Pass), (Verdict::Pass, None));
        assert_eq!(verdict(bad(), ExpectedVerdict::Pass).0, Verdict::Fail);
        let (v, why) = verdict(bad(), ExpectedVerdict::Fail("bug 12"));
        assert_eq!(v, Verdict::ExpectedFail);
        assert_eq!(why.unwrap(), "exit code 1, expected 0 (known: bug 12)");
        let (v, why) = verdict(ok(), ExpectedVerdict::Fail("bug 12"));
        assert_eq!(v, Verdict::UnexpectedPass);
        assert!(why.unwrap().contains("remove the entry"));
        assert_eq!(
            verdict(ok(), ExpectedVerdict::Skip("hangs")),
            (Verdict::Skip, Some("hangs".into()))
        );
        // A flaky test may go either way without breaking expectations.
        assert_eq!(
            verdict(ok(), ExpectedVerdict::Flaky("timing")),
            (Verdict::Pass, None)
        );
        let (v, why) = verdict(bad(), ExpectedVerdict::Flaky("timing"));
        assert_eq!(v, Verdict::ExpectedFail);
        assert!(why.unwrap().ends_with("(known to be flaky: timing)"));
    }

    #[test]
    fn only_fail_and_unexpected_pass_break_expectations() {
        let broken: Vec<_> = Verdict::ALL
            .into_iter()
            .filter(|v| !v.as_expected())
            .collect();
        assert_eq!(broken, [Verdict::Fail, Verdict::UnexpectedPass]);
    }
}
