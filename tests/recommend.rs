//! `wasm-arena recommend` end to end, on results directories written here
//! for the purpose: a clear winner, a tie within the uncertainty, a runtime
//! excluded by a hard requirement, and the bad inputs.

mod common;

use std::path::Path;

use serde_json::{Value, json};

use common::{steady, text, wasm_arena, write_run};

/// Two optimising runtimes on w1 and w2: `fast` and `slow` execute samples.
fn two_runtimes(dir: &Path, fast: Vec<Vec<u64>>, slow: Vec<Vec<u64>>) {
    write_run(
        dir,
        &[
            ("wasmtime-cranelift", "w1", fast.clone()),
            ("wasmtime-cranelift", "w2", fast),
            ("wasmtime-winch", "w1", slow.clone()),
            ("wasmtime-winch", "w2", slow),
        ],
        |run| {
            let winch = json!({"id": "wasmtime-winch", "family": "wasmtime", "version": "48.0.0",
                               "tier": "baseline", "settings": {"compiler": "winch"}});
            run["runtimes"].as_array_mut().unwrap().push(winch);
        },
    );
}

fn profile(dir: &Path, body: &str) -> String {
    let path = dir.join("p.toml");
    std::fs::write(
        &path,
        format!("name = \"p\"\ndescription = \"a test\"\n{body}"),
    )
    .unwrap();
    path.display().to_string()
}

fn recommend(args: &[&str]) -> (i32, String) {
    let out = wasm_arena(&[&["recommend"], args].concat());
    (out.status.code().unwrap(), text(&out))
}

#[test]
fn a_clear_winner_is_recommended_with_its_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    two_runtimes(&run, steady(100_000), steady(200_000));
    let p = profile(tmp.path(), "[weights]\nexecute = 1\n");
    let (code, out) = recommend(&[run.to_str().unwrap(), "--profile", &p]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Recommended: wasmtime-cranelift, score 100 [100–100]"),
        "{out}"
    );
    // Twice as slow on every cell: half the score, in every resample.
    assert!(out.contains("wasmtime-winch"), "{out}");
    assert!(out.contains("50 [50–50]"), "{out}");
    assert!(
        out.contains("scores above wasmtime-winch in 100.0% of resamples"),
        "{out}"
    );
    assert!(out.contains("2 cell(s): w1 (small), w2 (small)"), "{out}");
}

#[test]
fn a_tie_within_the_uncertainty_is_not_called() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    // The same spread processes on both sides, one 2% apart: no separation.
    let noisy = |ns: u64| {
        vec![
            vec![ns, ns * 13 / 10, ns * 8 / 10],
            vec![ns * 7 / 10, ns, ns * 14 / 10],
        ]
    };
    two_runtimes(&run, noisy(100_000), noisy(102_000));
    let p = profile(tmp.path(), "[weights]\nexecute = 1\n");
    let (code, out) = recommend(&[run.to_str().unwrap(), "--profile", &p]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("The data does not separate wasmtime-cranelift and wasmtime-winch"),
        "{out}"
    );
    assert!(!out.contains("Recommended:"), "{out}");
}

/// A conformance results directory in which `escaping` escapes the sandbox
/// and the other runtime holds.
fn conformance(dir: &Path, escaping: &str, holding: &str) {
    let result = |runtime: &str, escaped: bool| {
        json!({"suite": "sandbox", "test": "escape_symlink", "runtime": runtime,
               "verdict": if escaped { "fail" } else { "pass" },
               "reason": if escaped { Value::from("exit code 2, expected 0") } else { Value::Null },
               "observed": if escaped { "exited with code 2" } else { "exited with code 0" },
               "stdout": "", "stderr": if escaped { "ESCAPED: open up/passwd: succeeded\n" } else { "" },
               "seconds": 0.1})
    };
    let runtime = |id: &str| {
        json!({"id": id, "family": "wasmtime", "version": "48.0.0",
                                    "tier": "optimizing", "settings": {}})
    };
    let matrix = json!({
        "schema_version": 1, "tool_version": "0.1.0", "started_at": "2026-12-01T00:00:00Z",
        "finished_at": "2026-12-01T00:01:00Z", "interrupted": false,
        "command": ["wasm-arena", "conformance"],
        "settings": {"timeout_s": 10.0, "max_memory_bytes": 268435456u64, "jobs": 2,
                     "expectations_dir": "workloads/conformance/expectations"},
        "host": {"cpu_model": "Test CPU", "cores": 2, "physical_cores": 2,
                 "memory_bytes": 8589934592u64, "os": "Linux", "kernel": "6.1", "arch": "x86_64",
                 "hostname": "runner-1", "perf_counters": "unsupported"},
        "runtimes": [runtime(escaping), runtime(holding)],
        "suites": [],
        "results": [result(escaping, true), result(holding, false)],
    });
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("conformance.json"), matrix.to_string()).unwrap();
}

#[test]
fn a_runtime_that_breaks_a_hard_requirement_is_excluded_with_the_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    let conf = tmp.path().join("conformance");
    // The faster runtime escapes: it must not win.
    two_runtimes(&run, steady(100_000), steady(200_000));
    conformance(&conf, "wasmtime-cranelift", "wasmtime-winch");
    let p = profile(
        tmp.path(),
        "[weights]\nexecute = 1\n[requirements]\nno_sandbox_escape = true\n",
    );
    let args = [
        run.to_str().unwrap(),
        "--conformance",
        conf.to_str().unwrap(),
        "--profile",
        &p,
    ];
    let (code, out) = recommend(&args);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("wasmtime-winch is the only runtime that meets the requirements"),
        "{out}"
    );
    assert!(
        out.contains(
            "wasmtime-cranelift — no_sandbox_escape: sandbox test escape_symlink: ESCAPED"
        ),
        "{out}"
    );
    // Without conformance results the requirement is said to be unchecked, not met.
    let (code, out) = recommend(&[run.to_str().unwrap(), "--profile", &p]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("no_sandbox_escape unchecked for wasmtime-cranelift, wasmtime-winch"),
        "{out}"
    );
}

#[test]
fn a_profile_with_an_unknown_metric_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    two_runtimes(&run, steady(100_000), steady(200_000));
    let p = profile(tmp.path(), "[weights]\nexecute = 1\nthroughput = 2\n");
    let (code, out) = recommend(&[run.to_str().unwrap(), "--profile", &p]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown metric \"throughput\""), "{out}");
    let (code, out) = recommend(&[run.to_str().unwrap(), "--profile", "gaming"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown profile \"gaming\""), "{out}");
}

#[test]
fn metrics_the_results_do_not_hold_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    two_runtimes(&run, steady(100_000), steady(200_000));
    // None of the edge profile's metrics: no ranking, each named with why.
    let (code, out) = recommend(&[run.to_str().unwrap(), "--profile", "edge"]);
    assert_eq!(code, 2, "{out}");
    for missing in [
        "cold_start: no cold-start scenario",
        "warm_start: no warm-start scenario",
        "memory_per_instance: no density scenario",
        "execute.edge: no measured cell of a workload in category \"edge\"",
        "wasi_pass_rate: no conformance results",
    ] {
        assert!(out.contains(missing), "{missing}: {out}");
    }
    // Most of the weight: ranked on what there is, the rest named.
    let p = profile(tmp.path(), "[weights]\nexecute = 3\ncold_start = 1\n");
    let (code, out) = recommend(&[run.to_str().unwrap(), "--profile", &p]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Not weighed: cold_start (no cold-start scenario"),
        "{out}"
    );
    assert!(out.contains("Recommended: wasmtime-cranelift"), "{out}");
    assert!(out.contains("cold_start (25% of the weight)"), "{out}");
    // Too little of it: ranked, but nothing recommended.
    let p = profile(tmp.path(), "[weights]\nexecute = 1\ncold_start = 3\n");
    let (code, out) = recommend(&[run.to_str().unwrap(), "--profile", &p]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("No recommendation: only 25% of the profile's weight was measured"),
        "{out}"
    );
    assert!(!out.contains("Recommended:"), "{out}");
}

#[test]
fn runs_from_different_hosts_are_warned_about() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    two_runtimes(&a, steady(100_000), steady(200_000));
    write_run(
        &b,
        &[("wasmtime-cranelift", "w1", steady(100_000))],
        |run| {
            run["host"]["cpu_model"] = json!("Other CPU");
        },
    );
    let out = wasm_arena(&[
        "recommend",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--profile",
        "batch",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("was measured on another host")
            && stderr.contains("cpu_model: Test CPU vs Other CPU"),
        "{stderr}"
    );
}
