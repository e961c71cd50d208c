//! The `native` runtime: twins found by their module, grants mapped onto a
//! process, the shim's region, exit codes and the time budget.
#![cfg(feature = "native")]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wasm_arena_adapters::{
    Limits, Preopen, RunError, RunOutcome, Runtime, TimedRegion, WasiSpec, native,
};

fn workloads() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../workloads")
}

fn module(path: &str) -> Vec<u8> {
    let path = workloads().join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn runtime() -> Box<dyn Runtime> {
    wasm_arena_adapters::create(native::ID).expect("native is compiled in")
}

fn run(wasm: &str, wasi: &WasiSpec) -> Result<RunOutcome, RunError> {
    runtime().compile(&module(wasm))?.instantiate(wasi)?.run()
}

fn args(args: &[&str]) -> WasiSpec {
    WasiSpec {
        args: args.iter().map(|s| s.to_string()).collect(),
        ..WasiSpec::default()
    }
}

#[test]
fn a_twin_prints_what_its_wasm_prints_and_times_the_marked_region() {
    let o = run("wasm/fib.wasm", &args(&["fib.wasm", "20"])).unwrap();
    assert_eq!(o.exit_code, 0);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "fib(20)=6765 ack(2,800)=1603\n"
    );
    assert_eq!(o.region, TimedRegion::Markers);
    assert!(o.execute > Duration::ZERO);
    // The twin's own peak, read by the shim: a small C program is well
    // under the size of this test process, which forked it.
    let peak = o.resident.and_then(|r| r.peak).expect("the shim's hwm");
    assert!(peak > 0 && peak < 16 << 20, "{peak}");
}

#[test]
fn preopens_become_directories_of_the_twin() {
    let output = tempfile::tempdir().unwrap();
    let wasi = WasiSpec {
        preopens: vec![
            Preopen {
                host: workloads().join("inputs/wordfreq"),
                guest: "/input".into(),
                read_only: true,
            },
            Preopen {
                host: output.path().to_path_buf(),
                guest: "/output".into(),
                read_only: false,
            },
        ],
        ..args(&["wordfreq.wasm", "1", "corpus-a.txt"])
    };
    let o = run("wasm/wordfreq.wasm", &wasi).unwrap();
    assert_eq!(o.exit_code, 0, "{}", String::from_utf8_lossy(&o.stderr));
    let summary = std::fs::read(output.path().join("summary.txt")).unwrap();
    assert_eq!(summary, o.stdout);
}

#[test]
fn an_exit_code_and_stderr_come_back() {
    // No /input granted: the twin cannot open its file and says so.
    let o = run(
        "wasm/wordfreq.wasm",
        &args(&["wordfreq.wasm", "1", "x.txt"]),
    )
    .unwrap();
    assert_eq!(o.exit_code, 1);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("input/x.txt"),
        "{o:?}"
    );
}

#[test]
fn the_time_budget_kills_the_twin() {
    let wasi = WasiSpec {
        limits: Limits {
            time_budget: Some(Duration::from_millis(200)),
            ..Limits::default()
        },
        ..args(&["fib.wasm", "60"])
    };
    let begin = Instant::now();
    let error = run("wasm/fib.wasm", &wasi).unwrap_err();
    assert_eq!(error, RunError::TimeBudget(Duration::from_millis(200)));
    assert!(begin.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_module_without_a_twin_is_unsupported() {
    let Err(RunError::Unsupported(reason)) = runtime().compile(&module("fixtures/probe.wasm"))
    else {
        panic!("a fixture has no twin");
    };
    assert!(reason.contains("no native twin"), "{reason}");
}
