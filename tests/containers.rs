//! The container ids end to end: real runc, real OCI images built by umoci,
//! against the bare native twin and a Wasm runtime; and the ways a container
//! cell can fail, each recorded with its reason while the run goes on. As
//! root with runc, umoci and debootstrap installed (CI is); elsewhere the
//! cells must say what is missing.

mod common;

use std::path::Path;
use std::process::Command;

use common::{BIN, cell, read_results, text};
use serde_json::Value;

fn can_run_containers() -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let on_path = |tool: &str| {
        std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .any(|dir| dir.join(tool).is_file())
    };
    if root {
        for tool in ["runc", "umoci", "debootstrap"] {
            assert!(
                on_path(tool),
                "running as root without {tool}: apt-get install runc umoci debootstrap"
            );
        }
    }
    root
}

/// `wasm-arena run` of hello with quick settings, `env` added; a failed cell
/// is no usage error.
fn run_hello(out: &Path, runtimes: &str, extra: &[&str], env: &[(&str, &str)]) -> Value {
    let output = Command::new(BIN)
        .args(["run", "--runtime", runtimes, "--workload", "hello"])
        .args(["--processes", "1", "--iterations", "2", "--warmup", "0"])
        .args(["--seed", "7", "--out"])
        .arg(out)
        .args(extra)
        .envs(env.iter().copied())
        .output()
        .expect("running wasm-arena");
    assert_ne!(output.status.code(), Some(2), "{}", text(&output));
    read_results(out)
}

fn cold<'a>(results: &'a Value, runtime: &str) -> &'a Value {
    results["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .find(|c| c["runtime"] == runtime && c["scenario"] == "cold")
        .unwrap_or_else(|| panic!("no cold cell of {runtime} in {results:#}"))
}

fn reason(c: &Value) -> &str {
    c["error"].as_str().unwrap_or("")
}

#[test]
fn hello_runs_in_both_images_beside_native_and_wasm() {
    let dir = tempfile::tempdir().unwrap();
    let results = run_hello(
        dir.path(),
        "native,container-debian,container-minimal,wasmtime-cranelift",
        &["--scenario", "run,cold", "--requests", "3"],
        &[],
    );
    if !can_run_containers() {
        for id in ["container-debian", "container-minimal"] {
            let c = cell(&results, id, "hello");
            assert_eq!(c["status"], "unsupported", "{c:#}");
            assert!(reason(c).contains("need root"), "{c:#}");
        }
        return;
    }
    let wasm_bytes = results["workloads"][0]["size_bytes"].as_u64().unwrap();
    let mut compressed = Vec::new();
    for id in ["container-debian", "container-minimal"] {
        let c = cell(&results, id, "hello");
        assert_eq!(c["status"], "ok", "{c:#}");
        assert_eq!(c["output_verified"], true, "{c:#}");
        assert!(c["phases"]["execute"]["median_ns"].as_f64().unwrap() > 0.0);

        let start = cold(&results, id);
        assert_eq!(start["status"], "ok", "{start:#}");
        let record = &start["cold"];
        assert_eq!(record["variant"], "image");
        let samples = record["first_byte"]["samples_ns"].as_array().unwrap();
        assert_eq!(samples.len(), 3);
        assert!(
            samples.iter().all(|s| s.as_u64().unwrap() > 0),
            "{record:#}"
        );
        let image = &record["image"];
        assert!(image["digest"].as_str().unwrap().starts_with("sha256:"));
        assert!(image["unpacked_bytes"].as_u64().unwrap() > wasm_bytes);
        compressed.push(image["compressed_bytes"].as_u64().unwrap());
        let namespaces = &record["isolation"]["namespaces"];
        for ns in ["mnt", "pid"] {
            assert!(
                namespaces.as_array().unwrap().iter().any(|n| n == ns),
                "{record:#}"
            );
        }
        // Kept in: no probe read the host file.
        let escapes = record["escapes"].as_array().unwrap();
        assert_eq!(escapes.len(), 3);
        assert!(escapes.iter().all(|e| e["reached"] == false), "{record:#}");
    }
    assert!(
        compressed[0] > compressed[1] && compressed[1] > wasm_bytes,
        "debian image > minimal image > .wasm: {compressed:?} vs {wasm_bytes}"
    );
    let native = cold(&results, "native");
    let escapes = native["cold"]["escapes"].as_array().unwrap();
    assert!(
        escapes.iter().all(|e| e["reached"] == true),
        "native code reaches the host: {native:#}"
    );
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        report.contains("Containers, native and WebAssembly (the seed's table, measured)")
            && report.contains("claim: 100s MB — measured:")
            && report.contains("Execute inside the container against the bare twin"),
        "{report}"
    );
}

#[test]
fn a_broken_image_or_missing_runc_is_a_cell_with_its_reason_and_the_run_goes_on() {
    if !can_run_containers() {
        return;
    }
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().display().to_string();
    // The Debian base cannot be fetched: its image fails to build; the
    // minimal image needs no fetch and runs.
    let dir = tempfile::tempdir().unwrap();
    let results = run_hello(
        dir.path(),
        "native,container-debian,container-minimal",
        &[],
        &[
            ("WASM_ARENA_CONTAINERS", &cache_dir),
            ("WASM_ARENA_DEBIAN_MIRROR", "http://127.0.0.1:9/debian"),
        ],
    );
    let debian = cell(&results, "container-debian", "hello");
    assert_eq!(debian["status"], "failed", "{debian:#}");
    assert!(
        reason(debian).contains("building the image failed: `debootstrap"),
        "{debian:#}"
    );
    assert_eq!(cell(&results, "container-minimal", "hello")["status"], "ok");
    assert_eq!(cell(&results, "native", "hello")["status"], "ok");

    // An image whose program is gone: the container exits non-zero.
    let bundles = cache.path().join("bundles");
    for bundle in std::fs::read_dir(&bundles).unwrap().flatten() {
        let _ = std::fs::remove_file(bundle.path().join("rootfs/hello"));
    }
    let dir = tempfile::tempdir().unwrap();
    let results = run_hello(
        dir.path(),
        "native,container-minimal",
        &[],
        &[("WASM_ARENA_CONTAINERS", &cache_dir)],
    );
    let minimal = cell(&results, "container-minimal", "hello");
    assert_eq!(minimal["status"], "failed", "{minimal:#}");
    assert!(
        reason(minimal).contains("the container exited with code"),
        "{minimal:#}"
    );
    assert_eq!(cell(&results, "native", "hello")["status"], "ok");

    // No runc on PATH.
    let dir = tempfile::tempdir().unwrap();
    let results = run_hello(
        dir.path(),
        "native,container-minimal",
        &[],
        &[
            ("WASM_ARENA_CONTAINERS", &cache_dir),
            ("PATH", "/nonexistent"),
        ],
    );
    let minimal = cell(&results, "container-minimal", "hello");
    assert_eq!(minimal["status"], "unsupported", "{minimal:#}");
    assert!(
        reason(minimal).contains("no `runc` on PATH: apt-get install runc umoci"),
        "{minimal:#}"
    );
    assert_eq!(cell(&results, "native", "hello")["status"], "ok");
}

#[test]
fn the_sandbox_suites_rates_join_the_table_from_a_conformance_directory() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo.join("results/2026-12-03-containers/results.json"),
        dir.path().join("results.json"),
    )
    .unwrap();
    let conformance = repo.join("results/2026-12-02-conformance-all-runtimes");
    let report = |extra: &[&Path]| {
        Command::new(BIN)
            .arg("report")
            .arg(dir.path())
            .args(extra.iter().flat_map(|p| [Path::new("--conformance"), p]))
            .output()
            .unwrap()
    };
    let missing = report(&[Path::new("/nonexistent")]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    assert!(
        text(&missing)
            .contains("cannot read the conformance results /nonexistent/conformance.json"),
        "{}",
        text(&missing)
    );
    let output = report(&[&conformance]);
    assert!(output.status.success(), "{}", text(&output));
    // Kept in results.json: a later rendering without the flag says the same.
    assert!(report(&[]).status.success());
    let rates = &read_results(dir.path())["sandbox"]["runtimes"];
    let cranelift = rates
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["runtime"] == "wasmtime-cranelift")
        .unwrap();
    assert_eq!(cranelift["escapes_passed"], cranelift["escapes_ran"]);
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        md.contains("escape tests held (the same probes, as Wasm): wasmtime-cranelift 6/6"),
        "{md}"
    );
}
