//! Bad input: every case is a recorded cell with its reason, the run goes on
//! (a good workload in the same run is measured), and `run` exits 1. A results
//! directory that cannot be created is refused before anything runs: exit 2,
//! with the directory named.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// Runs `module` next to the `empty` workload on wasmtime-cranelift and
/// returns the module's cell, after checking that the good cell survived.
fn bad_cell(module: &str, extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let workloads = format!("empty,{module}");
    let mut args = vec!["--runtime", "wasmtime-cranelift", "--workload", &workloads];
    args.extend_from_slice(extra);
    let (output, results) = run(dir.path(), &args);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let good = cell(&results, "wasmtime-cranelift", "empty");
    assert_eq!(
        (&good["status"], &good["output_verified"]),
        (&Value::from("ok"), &Value::from(true))
    );
    let bad = cell(&results, "wasmtime-cranelift", module).clone();
    assert_eq!(bad["output_verified"], false, "{bad:#}");
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(report.contains("## Failures"), "{report}");
    bad
}

fn reason(cell: &Value) -> &str {
    cell["error"].as_str().unwrap_or_default()
}

#[test]
fn a_file_that_is_not_wasm_fails_at_compile() {
    let c = bad_cell(&fixture("not-wasm.wasm"), &[]);
    assert_eq!(c["status"], "failed");
    assert_eq!(c["failed_stage"], "compile");
    assert!(
        reason(&c).starts_with("compile: not a valid WebAssembly module"),
        "{c:#}"
    );
}

#[test]
fn a_missing_file_fails_with_its_path() {
    let missing = fixture("does-not-exist.wasm");
    let c = bad_cell(&missing, &[]);
    assert_eq!(c["status"], "failed");
    assert!(
        reason(&c).contains(&format!("cannot read {missing}")),
        "{c:#}"
    );
    assert!(reason(&c).contains("No such file"), "{c:#}");
}

#[test]
fn a_trap_fails_with_the_trap_message() {
    let c = bad_cell(&fixture("trap.wasm"), &[]);
    assert_eq!(
        (&c["status"], &c["failed_stage"]),
        (&Value::from("failed"), &Value::from("execute"))
    );
    assert!(
        reason(&c).contains("trap: wasm `unreachable` instruction executed"),
        "{c:#}"
    );
    // A failed assertion says why on stderr before it aborts.
    assert!(
        reason(&c).contains("the guest's last stderr line: assertion failed: trap.c"),
        "{c:#}"
    );
}

#[test]
fn an_endless_loop_is_a_timeout() {
    let began = Instant::now();
    // Wasmtime in its default configuration, without epochs: the harness
    // kills the worker.
    let c = bad_cell(&fixture("spin.wasm"), &["--timeout", "2"]);
    assert_eq!(c["status"], "timeout", "{c:#}");
    assert!(
        reason(&c).starts_with("killed by the harness after 3.0 s"),
        "{c:#}"
    );
    assert_eq!(c["processes"][0]["exit"]["kind"], "timed-out");
    // With the in-runtime budget, Wasmtime's epoch interruption stops it,
    // so the worker itself reports it.
    let c = bad_cell(
        &fixture("spin.wasm"),
        &["--timeout", "2", "--in-runtime-budget"],
    );
    assert_eq!(c["status"], "timeout", "{c:#}");
    assert_eq!(
        reason(&c),
        "execute: time budget of 2.000 s exceeded (stopped inside the runtime)"
    );
    assert_eq!(c["processes"][0]["exit"]["kind"], "code");
    assert!(began.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_module_blocked_in_a_wasi_call_is_killed_at_the_timeout() {
    // sleep() sits in poll_oneoff, out of reach of in-runtime interruption:
    // the harness kills the worker.
    let c = bad_cell(&fixture("sleep.wasm"), &["--timeout", "2"]);
    assert_eq!(c["status"], "timeout", "{c:#}");
    assert!(
        reason(&c).starts_with("killed by the harness after 3.0 s"),
        "{c:#}"
    );
    assert_eq!(c["processes"][0]["exit"]["kind"], "timed-out");
}

#[test]
fn proc_exit_3_when_0_was_expected_fails() {
    let c = bad_cell(&fixture("exit3.wasm"), &[]);
    assert_eq!(
        (&c["status"], &c["failed_stage"]),
        (&Value::from("failed"), &Value::from("verify"))
    );
    assert!(
        reason(&c).starts_with("verify: exit code 3, expected 0"),
        "{c:#}"
    );
}

#[test]
fn growing_memory_past_the_cap_fails_and_says_so() {
    let c = bad_cell(&fixture("grow.wasm"), &["--max-memory", "64"]);
    assert_eq!(c["status"], "failed");
    let r = reason(&c);
    assert!(
        r.contains("malloc failed after"),
        "the guest saw the refusal: {r}"
    );
    assert!(
        r.contains("memory cap exceeded") && r.contains("the cap is 67108864 bytes"),
        "{r}"
    );
}

/// Starts `wasm-arena run` on wasmtime-cranelift in the background, with
/// `seed` and a long timeout, so the test decides how the run ends.
fn spawn_run(out: &str, workloads: &str, seed: &str) -> Child {
    Command::new(BIN)
        .args([
            "run",
            "--runtime",
            "wasmtime-cranelift",
            "--workload",
            workloads,
            "--size",
            "small",
        ])
        .args([
            "--processes",
            "1",
            "--iterations",
            "1",
            "--warmup",
            "0",
            "--timeout",
            "120",
        ])
        .args(["--seed", seed, "--out", out])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting wasm-arena run")
}

/// The pids of `parent`'s direct children.
fn children(parent: u32) -> Vec<u32> {
    let path = format!("/proc/{parent}/task/{parent}/children");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

#[test]
fn a_worker_killed_by_a_signal_is_a_crash_and_the_run_goes_on() {
    // What a runtime bug does: the worker dies by a signal in the middle of a
    // job. Here a real SIGABRT is sent to the real worker. (Not SIGSEGV: Wasmtime
    // handles that one itself, to turn wasm faults into traps.)
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let spin = fixture("spin.wasm");
    let workloads = format!("{spin},empty");
    // Seed 3 runs `empty` first.
    let parent = spawn_run(&out, &workloads, "3");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut killed = false;
    while Instant::now() < deadline && !killed {
        // The spin worker is the one still running after a moment.
        for pid in children(parent.id()) {
            std::thread::sleep(Duration::from_millis(500));
            if children(parent.id()).contains(&pid) {
                // SAFETY: signalling a process this test started (its child).
                unsafe { libc::kill(pid as i32, libc::SIGABRT) };
                killed = true;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(killed, "never saw the worker");
    let output = parent.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let results = read_results(Path::new(&out));
    let crashed = cell(&results, "wasmtime-cranelift", &spin);
    assert_eq!(crashed["status"], "crashed", "{crashed:#}");
    assert!(
        crashed["error"]
            .as_str()
            .unwrap()
            .contains("worker died by SIGABRT"),
        "{crashed:#}"
    );
    assert_eq!(crashed["processes"][0]["exit"]["name"], "SIGABRT");
    assert_eq!(
        cell(&results, "wasmtime-cranelift", "empty")["status"],
        "ok"
    );
}

#[test]
fn ctrl_c_keeps_finished_cells_and_marks_the_run_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let sleep = fixture("sleep.wasm");
    let workloads = format!("empty,{sleep}");
    // Seed 1 runs `empty` first (the order is recorded as each process's `sequence`).
    let parent = spawn_run(&out, &workloads, "1");
    // Wait until the empty cell is saved and the sleeping worker is running.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "the empty cell never finished");
        let saved = std::fs::read_to_string(dir.path().join("results.json")).unwrap_or_default();
        if saved.contains("\"workload\": \"empty\"") && !children(parent.id()).is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: signalling the process this test started.
    unsafe { libc::kill(parent.id() as i32, libc::SIGINT) };
    let output = parent.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", text(&output));
    let results = read_results(dir.path());
    assert_eq!(results["interrupted"], true);
    assert!(results["finished_at"].is_null());
    assert_eq!(
        cell(&results, "wasmtime-cranelift", "empty")["status"],
        "ok"
    );
    assert_eq!(
        cell(&results, "wasmtime-cranelift", "empty")["processes"][0]["sequence"],
        0
    );
    assert_eq!(
        results["cells"].as_array().unwrap().len(),
        1,
        "the unfinished cell is not recorded"
    );
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(report.contains("**Interrupted.**"), "{report}");
}

/// A results directory under a regular file, which cannot be created.
fn uncreatable_out() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let out = file.join("results").display().to_string();
    (dir, out)
}

/// Checks that `args` were refused with exit 2, naming `out`, before any work.
fn refused_for_its_out_dir(args: &[&str], out: &str) {
    let output = wasm_arena(args);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains(&format!("cannot create the results directory {out}: ")),
        "{err}"
    );
    assert!(output.stdout.is_empty(), "nothing ran: {}", text(&output));
}

#[test]
fn run_refuses_an_out_dir_that_cannot_be_created_naming_it() {
    let (_dir, out) = uncreatable_out();
    refused_for_its_out_dir(
        &[
            "run",
            "--runtime",
            "wasmtime-cranelift",
            "--workload",
            "empty",
            "--size",
            "small",
            "--out",
            &out,
        ],
        &out,
    );
}

#[test]
fn conformance_refuses_an_out_dir_that_cannot_be_created_before_testing() {
    let (_dir, out) = uncreatable_out();
    refused_for_its_out_dir(
        &[
            "conformance",
            "--runtime",
            "wasmtime-cranelift",
            "--out",
            &out,
        ],
        &out,
    );
}

#[test]
fn budget_bounds_that_cannot_hold_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out").display().to_string();
    let cases: [(&[&str], &str); 3] = [
        (
            &["--min-samples", "5", "--max-samples", "3"],
            "--min-samples (5) is above --max-samples (3)",
        ),
        (&["--budget", "1", "--processes", "2"], "--budget"),
        (&["--budget", "0"], "--budget"),
    ];
    for (extra, says) in cases {
        let mut args = vec!["run", "--workload", "hello", "--out", &out];
        args.extend_from_slice(extra);
        let output = wasm_arena(&args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{extra:?}: {}",
            text(&output)
        );
        assert!(text(&output).contains(says), "{extra:?}: {}", text(&output));
    }
    assert!(!dir.path().join("out").exists(), "nothing written");
}

#[test]
fn density_levels_that_do_not_ascend_are_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out").display().to_string();
    let output = wasm_arena(&[
        "run",
        "--scenario",
        "density",
        "--density-levels",
        "10,1",
        "--out",
        &out,
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("--density-levels must ascend"));
    let output = wasm_arena(&["run", "--scenario", "coffee", "--out", &out]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("unknown scenario `coffee`"),
        "{}",
        text(&output)
    );
    assert!(!dir.path().join("out").exists(), "nothing written");
}

/// A user's module or catalog that cannot be what it says: exit 2, the
/// message names the problem, and nothing is written.
#[test]
fn bad_user_modules_and_catalogs_are_usage_errors_that_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out").display().to_string();
    let edge = format!("{}/workloads/wasm/edge.wasm", env!("CARGO_MANIFEST_DIR"));
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let reused = write(
        "reused.toml",
        "[[workload]]\nid = \"hello\"\ncategory = \"mine\"\nlanguage = \"c\"\n\
         description = \"d\"\nwasm = \"x.wasm\"\nsizes.small = { args = [] }\n\
         sizes.default = { args = [] }\n",
    );
    let garbled = write("garbled.toml", "[[workload]\nid = ");
    let cases: [(Vec<&str>, &str); 6] = [
        (
            vec!["--workload", &edge, "--dir", "/no/such/dir::/input"],
            "cannot open the host directory /no/such/dir",
        ),
        (
            vec!["--workload", &edge, "--dir", "/tmp:/input"],
            "expected HOST::GUEST or HOST::GUEST::ro",
        ),
        (
            vec!["--workload", &edge, "--env", "NOEQUALS"],
            "expected KEY=VALUE",
        ),
        (
            vec!["--workload", "hello", "--arg", "1"],
            "are for a .wasm given by path",
        ),
        (vec!["--catalog", &reused], "`hello` in"),
        (vec!["--catalog", &garbled], "invalid workload catalog"),
    ];
    for (args, problem) in cases {
        let mut all = vec!["run", "--runtime", "wasmtime-cranelift", "--out", &out];
        all.extend(args);
        let output = wasm_arena(&all);
        assert_eq!(output.status.code(), Some(2), "{all:?}: {}", text(&output));
        assert!(
            text(&output).contains(problem),
            "{all:?}: {}",
            text(&output)
        );
    }
    assert!(!dir.path().join("out").exists(), "nothing written");
}

/// A guest that says why on stderr and then traps (as a failed Rust
/// assertion or a C `abort` does): the failure gives the trap and that last
/// line.
#[test]
fn a_trap_after_a_message_on_stderr_keeps_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("abort.wasm");
    let wasm = wat::parse_str(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "working\nassertion failed: left == right\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 40))
    (drop (call $write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
    unreachable))"#,
    )
    .unwrap();
    std::fs::write(&module, wasm).unwrap();
    let bad = bad_cell(&module.display().to_string(), &[]);
    assert_eq!(bad["status"], "failed", "{bad:#}");
    let reason = reason(&bad);
    assert!(
        reason.contains("unreachable")
            && reason.contains("the guest's last stderr line: assertion failed: left == right"),
        "{reason}"
    );
}
