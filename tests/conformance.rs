//! `wasm-arena conformance` end to end: the project's suites on every
//! compiled-in runtime, verdicts against expectations, and bad input.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn conformance_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("workloads/conformance")
}

/// Every compiled-in runtime that runs WebAssembly (not the native twins).
fn wasm_runtimes() -> Vec<String> {
    wasm_arena_engines::link();
    wasm_arena_adapters::descriptors()
        .into_iter()
        .filter(|d| d.compiled_in() && d.tier.has_load_phases())
        .map(|d| d.id.to_string())
        .collect()
}

fn read_matrix(dir: &Path) -> Value {
    let text =
        std::fs::read_to_string(dir.join("conformance.json")).expect("conformance.json written");
    serde_json::from_str(&text).expect("conformance.json is JSON")
}

/// Every file under `dir` with its bytes (symlinks as their targets).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            let path = entry.path();
            if kind.is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                files.insert(path, target.into_os_string().into_encoded_bytes());
            } else if kind.is_dir() {
                files.insert(path.clone(), Vec::new());
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn sources(suite: &str, extension: &str) -> usize {
    std::fs::read_dir(conformance_dir().join("src").join(suite))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == extension)
        })
        .count()
}

#[test]
fn the_project_suites_give_a_complete_matrix_that_matches_the_expectations() {
    let fixtures_before = snapshot(&conformance_dir());
    let out = tempfile::tempdir().unwrap();
    let output = wasm_arena(&["conformance", "--out", &out.path().display().to_string()]);
    let m = read_matrix(out.path());
    let results = m["results"].as_array().unwrap();

    // Every result agrees with its runtime's expectations file: exit 0.
    let unexpected: Vec<String> = results
        .iter()
        .filter(|r| r["verdict"] == "fail" || r["verdict"] == "unexpected-pass")
        .map(|r| {
            format!(
                "{}/{} on {}: {}",
                r["suite"], r["test"], r["runtime"], r["reason"]
            )
        })
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));

    let runtimes: Vec<&str> = m["runtimes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(runtimes, wasm_runtimes());

    // The suites: at least 40 behaviour tests, in C and in Rust, over every
    // area the suite promises; the sandbox tests by name.
    let suite_tests = |name: &str| -> Vec<(String, String)> {
        let suite = m["suites"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no suite {name}"));
        suite["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap().to_string(),
                    t["category"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let wasi = suite_tests("wasi");
    assert!(wasi.len() >= 40, "{} behaviour tests", wasi.len());
    assert!(sources("wasi", "c") >= 20 && sources("wasi", "rs") >= 10);
    let categories: BTreeSet<&str> = wasi.iter().map(|(_, c)| c.as_str()).collect();
    for area in [
        "args", "environ", "clock", "random", "fd", "readdir", "path", "dir", "symlink",
        "filestat", "fdstat", "poll", "sched", "stdin", "proc",
    ] {
        assert!(
            categories.contains(area),
            "no {area} tests in {categories:?}"
        );
    }
    let sandbox: BTreeSet<String> = suite_tests("sandbox").into_iter().map(|(n, _)| n).collect();
    for test in [
        "escape_dotdot",
        "escape_absolute",
        "escape_symlink",
        "escape_nopreopen",
        "env_ungranted",
        "limit_memory",
        "limit_loop",
        "limit_recursion",
        "grant_readonly",
    ] {
        assert!(sandbox.contains(test), "no sandbox/{test}");
    }

    // Complete: one result per runtime and test, none silently missing.
    let mut seen = BTreeMap::new();
    for r in results {
        let key = (
            r["runtime"].as_str().unwrap().to_string(),
            format!(
                "{}/{}",
                r["suite"].as_str().unwrap(),
                r["test"].as_str().unwrap()
            ),
        );
        *seen.entry(key).or_insert(0) += 1;
        // Anything but a pass says why; anything that ran says how it ended.
        if r["verdict"] != "pass" {
            assert!(r["reason"].as_str().is_some_and(|s| !s.is_empty()), "{r:#}");
        }
        if r["verdict"] != "skip" {
            assert!(r["observed"].is_string(), "{r:#}");
        }
    }
    // The component twin: the same tests, as components.
    let components = suite_tests("wasi-p2");
    assert_eq!(components, wasi, "wasi-p2 is wasi's twin");
    let p3 = suite_tests("wasi-p3");
    assert_eq!(p3.len(), sources("wasi-p3", "wat"));
    for rt in &runtimes {
        for (suite, tests) in [
            ("wasi", &wasi),
            ("wasi-p2", &components),
            ("wasi-p3", &p3),
            ("sandbox", &suite_tests("sandbox")),
        ] {
            for (test, _) in tests {
                let key = (rt.to_string(), format!("{suite}/{test}"));
                assert_eq!(seen.get(&key), Some(&1), "{key:?}");
            }
        }
    }
    assert_eq!(
        results.len(),
        runtimes.len() * (wasi.len() + components.len() + p3.len() + sandbox.len())
    );

    // The reference runtime holds the sandbox, and fails no behaviour test
    // but those its expectations file lists; it runs every component.
    for r in results
        .iter()
        .filter(|r| r["runtime"] == "wasmtime-cranelift")
    {
        let known = r["suite"] != "sandbox" && r["verdict"] == "expected-fail";
        assert!(r["verdict"] == "pass" || known, "{r:#}");
    }
    // A runtime without components, or without WASI 0.3, skips each with
    // the reason, and is judged on the other suites all the same. v8 runs
    // 0.3 components only where node's V8 has JavaScript Promise Integration
    // (node 20, Debian's, has not).
    for r in results.iter().filter(|r| r["suite"] != "wasi") {
        let (suite, family) = (
            r["suite"].as_str().unwrap(),
            r["runtime"].as_str().unwrap().split('-').next().unwrap(),
        );
        let version = match suite {
            "wasi-p2" => "0.2",
            "wasi-p3" => "0.3",
            _ => continue,
        };
        let skips = ["wasmer", "wasmi", "wasmedge"].contains(&family);
        let runs = family == "wasmtime" || (family == "v8" && version == "0.2");
        if r["verdict"] == "skip" {
            assert!(!runs, "{r:#}");
            let reason = r["reason"].as_str().unwrap();
            assert!(
                reason.starts_with(&format!("needs WASI {version} components, which")),
                "{reason}"
            );
        } else {
            assert!(!skips, "{r:#}");
        }
    }
    // Renderings: every runtime in the Markdown and the heat map.
    let md = std::fs::read_to_string(out.path().join("conformance.md")).unwrap();
    let svg = std::fs::read_to_string(out.path().join("conformance.svg")).unwrap();
    for rt in &runtimes {
        assert!(md.contains(&format!("`{rt}`")) && svg.contains(*rt), "{rt}");
    }
    assert!(md.contains("## Pass rate per runtime") && md.contains("| `sandbox/escape_dotdot` |"));
    // The terminal shows the matrix and the pass rates too.
    assert!(text(&output).contains("sandbox/limit_loop") && text(&output).contains("pass rate"));

    // Tests wrote into copies: the committed suites are untouched.
    assert!(
        snapshot(&conformance_dir()) == fixtures_before,
        "a test changed the suites"
    );
}

/// A module that prints `hi` and exits with `code`, in the text format.
fn printing_wat(code: u32) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const {code}))))"#
    )
}

/// A suite of four `.wat` tests: a pass, a wrong stdout, an expected trap and
/// an expected exit code.
fn mini_suite(dir: &Path) {
    std::fs::write(dir.join("manifest.json"), r#"{"name": "mini"}"#).unwrap();
    std::fs::write(dir.join("io_pass.wat"), printing_wat(0)).unwrap();
    std::fs::write(dir.join("io_pass.json"), r#"{"stdout": "hi\n"}"#).unwrap();
    std::fs::write(dir.join("io_wrong.wat"), printing_wat(0)).unwrap();
    std::fs::write(dir.join("io_wrong.json"), r#"{"stdout": "hello\n"}"#).unwrap();
    std::fs::write(dir.join("proc_code.wat"), printing_wat(3)).unwrap();
    std::fs::write(dir.join("proc_code.json"), r#"{"exit_code": 3}"#).unwrap();
    std::fs::write(
        dir.join("trap_unreachable.wat"),
        r#"(module (func (export "_start") unreachable))"#,
    )
    .unwrap();
    std::fs::write(dir.join("trap_unreachable.json"), r#"{"outcome": "trap"}"#).unwrap();
}

fn mini_run(suite: &Path, expectations: &Path) -> (std::process::Output, BTreeMap<String, Value>) {
    let out = tempfile::tempdir().unwrap();
    let output = wasm_arena(&[
        "conformance",
        "--runtime",
        "wasmtime-cranelift",
        "--suite",
        &suite.display().to_string(),
        "--expectations",
        &expectations.display().to_string(),
        "--out",
        &out.path().display().to_string(),
    ]);
    let m = read_matrix(out.path());
    let by_test = m["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["test"].as_str().unwrap().to_string(), r.clone()))
        .collect();
    (output, by_test)
}

#[test]
fn verdicts_and_the_exit_status_follow_the_expectations_files() {
    let suite = tempfile::tempdir().unwrap();
    mini_suite(suite.path());
    let expectations = tempfile::tempdir().unwrap();

    // No expectations: the wrong stdout is a failure, named, and the run exits 1.
    let (output, r) = mini_run(suite.path(), expectations.path());
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert_eq!(r["io_pass"]["verdict"], "pass");
    assert_eq!(r["io_pass"]["stdout"], "hi\n");
    assert_eq!(r["proc_code"]["verdict"], "pass");
    assert_eq!(r["trap_unreachable"]["verdict"], "pass");
    assert_eq!(r["io_wrong"]["verdict"], "fail");
    let reason = r["io_wrong"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("output mismatch on stdout at byte 1"),
        "{reason}"
    );
    assert!(text(&output).contains("mini/io_wrong on wasmtime-cranelift: fail"));

    // Known: an expected failure, with the file's reason; the run exits 0.
    let file = expectations.path().join("wasmtime-cranelift.toml");
    std::fs::write(
        &file,
        "[fail]\n\"mini/io_wrong\" = \"the spec is wrong on purpose\"\n",
    )
    .unwrap();
    let (output, r) = mini_run(suite.path(), expectations.path());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(r["io_wrong"]["verdict"], "expected-fail");
    let reason = r["io_wrong"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("known: the spec is wrong on purpose"),
        "{reason}"
    );

    // A stale entry on a passing test is an unexpected pass (exit 1); a skip is not run.
    std::fs::write(
        &file,
        "[fail]\n\"mini/io_wrong\" = \"wrong on purpose\"\n\"mini/io_pass\" = \"stale\"\n\
         [skip]\n\"mini/proc_code\" = \"not today\"\n",
    )
    .unwrap();
    let (output, r) = mini_run(suite.path(), expectations.path());
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert_eq!(r["io_pass"]["verdict"], "unexpected-pass");
    assert_eq!(r["proc_code"]["verdict"], "skip");
    assert_eq!(r["proc_code"]["reason"], "not today");
    assert!(r["proc_code"]["observed"].is_null());
}

#[test]
fn a_trapped_test_keeps_its_output_and_its_last_stderr_line_is_the_reason() {
    let suite = tempfile::tempdir().unwrap();
    std::fs::write(suite.path().join("manifest.json"), r#"{"name": "mini"}"#).unwrap();
    // Prints `hi` on stdout and a Rust-like panic on stderr, then aborts.
    let aborting = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\n")
  (data (i32.const 32) "assertion failed: left == right\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 0) (i32.const 32))
    (i32.store (i32.const 4) (i32.const 32))
    (drop (call $write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
    unreachable))"#;
    std::fs::write(suite.path().join("proc_abort.wat"), aborting).unwrap();
    let expectations = tempfile::tempdir().unwrap();
    let (output, r) = mini_run(suite.path(), expectations.path());
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let result = &r["proc_abort"];
    assert_eq!(result["verdict"], "fail");
    let reason = result["reason"].as_str().unwrap();
    assert!(
        reason.contains("the guest's last stderr line: assertion failed: left == right"),
        "{reason}"
    );
    assert_eq!(result["stdout"], "hi\n");
    assert_eq!(result["stderr"], "assertion failed: left == right\n");
}

#[test]
fn components_of_either_wasi_version_run_in_the_official_layout() {
    // Suites in the official layout: folders named for their version, with
    // manifests that do not say it. The wasm32-wasip3 folder holds the
    // project's WASI 0.3 tests and, as the official runner allows, a 0.2
    // component, which Wasmtime runs through the `wasi:cli/run` it exports.
    let official = tempfile::tempdir().unwrap();
    let conformance = conformance_dir();
    let layout: [(&str, &str, &[&str]); 3] = [
        (
            "wasm32-wasip2",
            "wasi-p2",
            &["args_count", "proc_exit_zero"],
        ),
        (
            "wasm32-wasip3",
            "wasi-p3",
            &["args_environ", "fd_stdout_stream", "proc_exit_code"],
        ),
        ("wasm32-wasip3", "wasi-p2", &["proc_exit_zero"]),
    ];
    for (version, suite, tests) in layout {
        let dir = official.path().join(version);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("manifest.json"),
            format!(r#"{{"name": "{version}"}}"#),
        )
        .unwrap();
        for test in tests {
            for extension in ["wasm", "json"] {
                let file = format!("{test}.{extension}");
                let source = conformance.join(suite).join(&file);
                if source.exists() {
                    std::fs::copy(source, dir.join(file)).unwrap();
                }
            }
        }
    }
    let out = tempfile::tempdir().unwrap();
    let dir = |v: &str| official.path().join(v).display().to_string();
    let output = wasm_arena(&[
        "conformance",
        "--runtime",
        "wasmtime-cranelift",
        "--suite",
        &dir("wasm32-wasip2"),
        "--suite",
        &dir("wasm32-wasip3"),
        "--out",
        &out.path().display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let m = read_matrix(out.path());
    for r in m["results"].as_array().unwrap() {
        assert_eq!(r["verdict"], "pass", "{r:#}");
    }
    let interfaces: BTreeMap<String, &str> = m["suites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            let suite = s["name"].as_str().unwrap();
            s["tests"].as_array().unwrap().iter().map(move |t| {
                (
                    format!("{suite}/{}", t["name"].as_str().unwrap()),
                    t["interface"].as_str().unwrap(),
                )
            })
        })
        .collect();
    assert_eq!(
        interfaces.into_iter().collect::<Vec<_>>(),
        [
            ("wasm32-wasip2/args_count".into(), "wasi-0.2"),
            ("wasm32-wasip2/proc_exit_zero".into(), "wasi-0.2"),
            ("wasm32-wasip3/args_environ".into(), "wasi-0.3"),
            ("wasm32-wasip3/fd_stdout_stream".into(), "wasi-0.3"),
            ("wasm32-wasip3/proc_exit_code".into(), "wasi-0.3"),
            ("wasm32-wasip3/proc_exit_zero".into(), "wasi-0.2"),
        ]
    );
}

#[test]
fn bad_suites_runtimes_and_expectations_are_refused_with_the_culprit_named() {
    let suite = tempfile::tempdir().unwrap();
    mini_suite(suite.path());
    let suite_arg = suite.path().display().to_string();
    let refused = |args: &[&str], needle: &str| {
        let mut all = vec!["conformance"];
        all.extend_from_slice(args);
        let output = wasm_arena(&all);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output));
        assert!(
            text(&output).contains(needle),
            "{args:?}: {}",
            text(&output)
        );
    };
    refused(
        &["--suite", "/nonexistent/suite"],
        "no test suite directory at /nonexistent/suite",
    );
    refused(
        &["--runtime", "no-such-runtime", "--suite", &suite_arg],
        "unknown runtime id",
    );
    refused(
        &["--runtime", "native", "--suite", &suite_arg],
        "runs native twins",
    );
    refused(
        &["--suite", &suite_arg, "--suite", &suite_arg],
        "two suites are named `mini`",
    );

    std::fs::write(suite.path().join("io_pass.json"), r#"{"stdout": 7}"#).unwrap();
    refused(
        &["--suite", &suite_arg],
        "io_pass.json is not a valid test specification",
    );
    std::fs::write(suite.path().join("io_pass.json"), "{}").unwrap();

    let expectations = tempfile::tempdir().unwrap();
    std::fs::write(
        expectations.path().join("wasmtime-cranelift.toml"),
        "[fail\n",
    )
    .unwrap();
    refused(
        &[
            "--runtime",
            "wasmtime-cranelift",
            "--suite",
            &suite_arg,
            "--expectations",
            &expectations.path().display().to_string(),
        ],
        "wasmtime-cranelift.toml is not a valid expectations file",
    );
}
