//! Runs the real `wasm-arena` binary and reads what it wrote.
// Not every test file uses every helper.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_wasm-arena");

pub fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("workloads/fixtures")
        .join(name)
        .display()
        .to_string()
}

pub fn wasm_arena(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("running wasm-arena")
}

/// `wasm-arena run ARGS --out DIR` with quick defaults; returns the output and results.json.
pub fn run(out: &Path, args: &[&str]) -> (Output, Value) {
    let mut all = vec![
        "run",
        "--size",
        "small",
        "--processes",
        "1",
        "--iterations",
        "2",
        "--warmup",
        "0",
        "--seed",
        "7",
    ];
    // Before `args`, which may end with `-- ARGS` for a user's module.
    let out_str = out.display().to_string();
    all.extend_from_slice(&["--out", &out_str]);
    all.extend_from_slice(args);
    let output = wasm_arena(&all);
    let results = read_results(out);
    (output, results)
}

pub fn read_results(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("results.json")).expect("results.json written");
    serde_json::from_str(&text).expect("results.json is JSON")
}

pub fn cell<'a>(results: &'a Value, runtime: &str, workload: &str) -> &'a Value {
    results["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["runtime"] == runtime && c["workload"] == workload)
        .unwrap_or_else(|| panic!("no cell {runtime} x {workload} in {results:#}"))
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A results directory `dir` holding one run of `cells` (runtime, workload,
/// per-process execute and compile samples), every process peaking at 50 MB
/// (`rss` overrides that for `w2`), as `wasm-arena run` writes it.
pub fn write_run(dir: &Path, cells: &[(&str, &str, Vec<Vec<u64>>)], edit: impl FnOnce(&mut Value)) {
    let phase = |samples: &[u64]| {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        let median = sorted[sorted.len() / 2] as f64;
        json!({"samples_ns": samples, "median_ns": median, "mean_ns": median,
               "stddev_ns": null, "cv": null, "min_ns": median, "max_ns": median,
               "p5_ns": median, "p95_ns": median, "ci95_ns": null})
    };
    let cells: Vec<Value> = cells
        .iter()
        .map(|(runtime, workload, processes)| {
            let samples = processes.concat();
            let compile: Vec<u64> = samples.iter().map(|_| 5_000_000).collect();
            json!({
                "runtime": runtime, "workload": workload, "status": "ok", "error": null,
                "failed_stage": null, "peak_rss_bytes": 50_000_000u64, "output_verified": true,
                "region": "markers",
                "phases": {"compile": phase(&compile), "execute": phase(&samples)},
                "processes": processes.iter().enumerate().map(|(i, p)| json!({
                    "index": i, "sequence": i, "samples": p.len(), "warmups": 1,
                    "spawn_ns": 1_000_000, "exit": {"kind": "code", "code": 0},
                    "usage": {"user_ns": 0, "sys_ns": 0, "max_rss_bytes": 50_000_000u64,
                              "minor_faults": 0, "major_faults": 0},
                    "peak_rss_bytes": 50_000_000u64})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let workload = |id: &str| {
        json!({"id": id, "category": "compute", "language": "c", "description": "",
               "origin": "catalog", "path": format!("{id}.wasm"), "sha256": format!("{id}-sha"),
               "size_bytes": 1000, "args": [id], "verification": "exit code 0, stdout"})
    };
    let mut run = json!({
        "schema_version": 2, "tool_version": "0.1.0",
        "started_at": "2026-12-01T00:00:00Z", "finished_at": "2026-12-01T00:10:00Z",
        "interrupted": false, "command": ["wasm-arena", "run"],
        "settings": {"processes": 3, "iterations": 5, "warmup": 1, "timeout_s": 60.0,
                     "seed": 1, "size": "small", "max_memory_bytes": 2147483648u64},
        "host": {"cpu_model": "Test CPU", "cores": 2, "physical_cores": 2,
                 "memory_bytes": 8589934592u64, "os": "Linux", "kernel": "6.1", "arch": "x86_64",
                 "hostname": "runner-1", "perf_counters": "unsupported"},
        "runtimes": [{"id": "wasmtime-cranelift", "family": "wasmtime", "version": "48.0.0",
                      "tier": "optimizing", "settings": {"compiler": "cranelift"}}],
        "workloads": [workload("w1"), workload("w2")],
        "cells": cells,
    });
    edit(&mut run);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("results.json"),
        serde_json::to_vec_pretty(&run).unwrap(),
    )
    .unwrap();
}

/// 3 processes x 5 iterations within ±1% of `ns`.
pub fn steady(ns: u64) -> Vec<Vec<u64>> {
    (0..3u64)
        .map(|p| {
            (0..5u64)
                .map(|i| ns - ns / 100 + ns / 100 * ((p * 5 + i) % 5) / 2)
                .collect()
        })
        .collect()
}
