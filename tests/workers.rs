//! End to end: which program runs a worker process. The worker binaries
//! built with wasm-arena run its jobs; one that is missing or from another
//! build never does, and the job runs in `wasm-arena worker` instead.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// The fallback's note, printed when wasm-arena links an engine crate.
const NOTE: &str = "note: the worker binary";

/// One compiled-in id per worker binary.
fn one_id_per_worker() -> Vec<&'static str> {
    wasm_arena_engines::link();
    let mut programs = Vec::new();
    let mut ids = Vec::new();
    for d in wasm_arena_adapters::descriptors() {
        if d.compiled_in() && d.tier.has_load_phases() && !programs.contains(&d.worker) {
            programs.push(d.worker);
            ids.push(d.id);
        }
    }
    ids
}

fn hello(bin: &Path, out: &Path, runtimes: &[&str]) -> (std::process::Output, serde_json::Value) {
    let output = Command::new(bin)
        .args([
            "run",
            "--workload",
            "hello",
            "--size",
            "small",
            "--processes",
            "1",
        ])
        .args([
            "--iterations",
            "1",
            "--warmup",
            "0",
            "--runtime",
            &runtimes.join(","),
        ])
        .arg("--out")
        .arg(out)
        .output()
        .expect("running wasm-arena");
    (output, read_results(out))
}

#[test]
fn the_worker_binaries_built_with_wasm_arena_run_its_jobs() {
    let ids = one_id_per_worker();
    let dir = tempfile::tempdir().unwrap();
    let (output, results) = hello(Path::new(BIN), dir.path(), &ids);
    assert!(output.status.success(), "{}", text(&output));
    for id in &ids {
        assert_eq!(cell(&results, id, "hello")["status"], "ok", "{id}");
    }
    assert!(!text(&output).contains(NOTE), "{}", text(&output));
}

#[test]
fn a_worker_binary_missing_or_from_another_build_is_not_run() {
    let ids = one_id_per_worker();
    // wasm-arena alone in a directory of its own (a hard link: the same
    // binary), beside a shared worker that answers with another build id and
    // would fail any job it were given.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let bin = dir.path().join("wasm-arena");
    std::fs::hard_link(BIN, &bin).unwrap();
    let stale = dir.path().join("wasm-arena-worker");
    std::fs::write(
        &stale,
        "#!/bin/sh\necho 0000000000000000 wasmtime-cranelift wasmi\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&stale, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();

    let out = dir.path().join("out");
    let (output, results) = hello(&bin, &out, &ids);
    assert!(output.status.success(), "{}", text(&output));
    for id in &ids {
        assert_eq!(cell(&results, id, "hello")["status"], "ok", "{id}");
    }
    // Said only where it costs start-up: wasm-arena links Wasmer or WasmEdge.
    if ids.len() > 1 {
        let said = text(&output);
        assert!(
            said.contains("wasm-arena-worker is from another build"),
            "{said}"
        );
        assert!(said.contains("is missing"), "{said}");
    }
}
