//! End to end: the whole workload suite at `small` on Wasmtime's Cranelift
//! and on the native twins, and what happens when an oracle or a module is
//! wrong or missing.

mod common;

use std::process::Output;

use common::*;
use serde_json::Value;
use tempfile::TempDir;

const CATALOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/workloads");

#[test]
fn every_workload_is_verified_on_cranelift_and_native() {
    let dir = tempfile::tempdir().unwrap();
    let (output, results) = run(dir.path(), &["--runtime", "wasmtime-cranelift,native"]);
    let workloads = results["workloads"].as_array().unwrap();
    let categories: Vec<&str> = workloads
        .iter()
        .map(|w| w["category"].as_str().unwrap())
        .collect();
    for category in [
        "startup",
        "compute",
        "edge",
        "plugin",
        "data",
        "wasi-io",
        "real-world",
    ] {
        assert!(categories.contains(&category), "no {category} workload");
    }

    let mut unavailable = 0;
    for w in workloads {
        let id = w["id"].as_str().unwrap();
        let wasm = cell(&results, "wasmtime-cranelift", id);
        let native = cell(&results, "native", id);
        if w["category"] == "real-world" {
            if wasm["status"] == "unavailable" {
                // Not fetched: both cells say how to fetch, neither is a failure in disguise.
                unavailable += 1;
                for c in [wasm, native] {
                    assert_eq!(c["status"], "unavailable", "{c:#}");
                    let reason = c["error"].as_str().unwrap();
                    assert!(reason.contains("scripts/fetch-real-world.sh"), "{reason}");
                }
                continue;
            }
            assert_verified(wasm);
            // Third-party programs come as .wasm only.
            assert_eq!(native["status"], "unsupported", "{native:#}");
            assert!(
                native["error"].as_str().unwrap().contains("no native twin"),
                "{native:#}"
            );
            continue;
        }
        if id.ends_with("-p2") {
            // A component of a catalog module: no twin of its own.
            assert_eq!(native["status"], "unsupported", "{native:#}");
            if id == "edge-p2" {
                // Found here: once edge's heap has grown a few MiB, the next
                // write trips an assertion of Wasmtime's preview-1 adapter
                // inside the component (on V8 through jco too).
                assert_eq!(wasm["status"], "failed", "{wasm:#}");
                let reason = wasm["error"].as_str().unwrap();
                assert!(
                    reason.contains("assertion failed at adapter line"),
                    "{reason}"
                );
                continue;
            }
            assert_verified(wasm);
            assert_eq!(wasm["region"], "markers", "{id}");
            continue;
        }
        assert_verified(wasm);
        if w["language"] == "wasm" {
            // Generated as Wasm: no source to build a twin from.
            assert_eq!(native["status"], "unsupported", "{native:#}");
            continue;
        }
        assert_verified(native);
        // The twin has no compile or instantiate phase the harness could see.
        let phases: Vec<&String> = native["phases"].as_object().unwrap().keys().collect();
        assert_eq!(phases, ["execute"], "{id}");
        assert_eq!(native["region"], wasm["region"], "{id}: same region timed");
        assert!(native["peak_rss_bytes"].as_u64().unwrap() > 0);
    }
    // Unsupported and unavailable cells are reported, not failures.
    assert!(output.status.success(), "{}", text(&output));
    if unavailable > 0 {
        eprintln!(
            "{unavailable} real-world workloads not fetched: run scripts/fetch-real-world.sh"
        );
    }

    let native = results["runtimes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "native")
        .unwrap();
    for key in ["c_compiler", "c_flags", "rust_compiler", "rust_flags"] {
        assert!(
            !native["settings"][key].as_str().unwrap_or("").is_empty(),
            "native.settings.{key}: {native:#}"
        );
    }
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for section in [
        "## Relative to native",
        "## Plugin calls",
        "## Compile throughput",
    ] {
        assert!(report.contains(section), "{section} missing");
    }
    memory_has_no_floor(&results);
}

/// Memory is read inside the process that ran the guest, so a cell's figure
/// is its own in a run of every workload (`large` and the real-world
/// programs among them) as in a run of its own. `wait4` would have put the
/// size of the forking process under each: for a native twin, its worker's.
fn memory_has_no_floor(all: &Value) {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--runtime",
        "wasmtime-cranelift,native",
        "--workload",
        "empty,hello",
    ];
    let (output, alone) = run(dir.path(), &args);
    assert!(output.status.success(), "{}", text(&output));
    let peak = |r: &Value, runtime, workload| {
        let c = cell(r, runtime, workload);
        c["peak_rss_bytes"]
            .as_u64()
            .unwrap_or_else(|| panic!("{c:#}"))
    };
    for (runtime, workload) in [("wasmtime-cranelift", "empty"), ("native", "hello")] {
        let (in_all, on_its_own) = (
            peak(all, runtime, workload),
            peak(&alone, runtime, workload),
        );
        assert!(
            in_all.abs_diff(on_its_own) < 4 << 20,
            "{runtime} {workload}: {in_all} bytes among every workload, {on_its_own} alone"
        );
    }
    let twin = cell(all, "native", "hello");
    let own = peak(all, "native", "hello");
    let worker = twin["processes"][0]["usage"]["max_rss_bytes"]
        .as_u64()
        .unwrap();
    assert!(
        own < 8 << 20 && worker > own + (8 << 20),
        "the twin's own peak ({own} bytes) is a small C program's, far below its worker's ({worker})"
    );
}

fn assert_verified(c: &Value) {
    assert_eq!(
        (&c["status"], &c["output_verified"]),
        (&"ok".into(), &true.into()),
        "{c:#}"
    );
    let execute = &c["phases"]["execute"]["samples_ns"];
    assert!(
        execute
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.as_u64().unwrap() > 0),
        "{c:#}"
    );
}

/// Runs `runtimes` on a catalog of its own holding `entry`, whose paths may
/// point into the real workloads; returns the results directory too.
fn run_catalog(entry: &str, runtimes: &str) -> (Output, Value, TempDir) {
    let catalog = tempfile::tempdir().unwrap();
    std::fs::write(catalog.path().join("catalog.toml"), entry).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let workloads = catalog.path().display().to_string();
    let (output, results) = run(
        dir.path(),
        &["--workloads-dir", &workloads, "--runtime", runtimes],
    );
    (output, results, dir)
}

#[test]
fn a_wrong_expected_output_fails_the_cell_with_the_first_differing_byte() {
    let (output, results, _dir) = run_catalog(
        &format!(
            r#"
[[workload]]
id = "sha256"
category = "compute"
language = "c"
description = "sha256 with a corrupted oracle"
wasm = "{CATALOG}/wasm/sha256.wasm"
sizes.small = {{ args = ["2"], stdout = "sha256 rounds=2 0686637bc9af306c75214e4276607b190b91e370f786c7beced8c01a705b2752\n" }}
sizes.default = {{ args = ["50"], stdout = "" }}
"#
        ),
        "wasmtime-cranelift,native",
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    for runtime in ["wasmtime-cranelift", "native"] {
        let c = cell(&results, runtime, "sha256");
        assert_eq!(c["status"], "failed", "{c:#}");
        assert_eq!(c["output_verified"], false);
        let reason = c["error"].as_str().unwrap();
        assert!(
            reason.contains("output mismatch on stdout at byte 16"),
            "{runtime}: {reason}"
        );
        // A wrong answer is never a timing.
        assert_eq!(c["phases"], serde_json::json!({}), "{c:#}");
    }
}

#[test]
fn a_module_not_fetched_is_unavailable_with_the_command_that_fetches_it() {
    let (output, results, dir) = run_catalog(
        r#"
[[workload]]
id = "third-party"
category = "real-world"
language = "c"
description = "a module that is fetched, not shipped"
wasm = "fetched/nowhere.wasm"
fetch = "scripts/fetch-real-world.sh"
sizes.small = { args = [] }
sizes.default = { args = [] }
"#,
        "wasmtime-cranelift",
    );
    assert!(output.status.success(), "{}", text(&output));
    let c = cell(&results, "wasmtime-cranelift", "third-party");
    assert_eq!(c["status"], "unavailable", "{c:#}");
    let reason = c["error"].as_str().unwrap();
    assert!(
        reason.contains("nowhere.wasm has not been fetched")
            && reason.contains("run `scripts/fetch-real-world.sh`"),
        "{reason}"
    );
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(report.contains("unavailable"), "{report}");
}
