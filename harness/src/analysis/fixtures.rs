//! Small `results.json` documents built in code, for the tests of comparisons
//! and of the formats that render a run.

use serde_json::{Value, json};

/// A run of `cells` (runtime, workload, per-process execute samples),
/// every process peaking at 50 MB, as `results.json` spells it (the summary
/// fields other than the median and its interval are left at zero).
pub fn results(cells: &[(&str, &str, Vec<Vec<u64>>)]) -> Value {
    let cells: Vec<Value> = cells
        .iter()
        .map(|(runtime, workload, processes)| {
            let samples: Vec<u64> = processes.concat();
            let median =
                crate::stats::median(&samples.iter().map(|&s| s as f64).collect::<Vec<_>>());
            json!({
                "runtime": runtime, "workload": workload, "status": "ok", "error": null,
                "failed_stage": null, "peak_rss_bytes": 50_000_000u64, "output_verified": true,
                "region": "markers",
                "phases": {"execute": {
                    "samples_ns": samples, "median_ns": median, "mean_ns": median,
                    "stddev_ns": null, "cv": null, "min_ns": 0.0, "max_ns": 0.0,
                    "p5_ns": 0.0, "p95_ns": 0.0, "ci95_ns": [median - 10.0, median + 10.0]}},
                "processes": processes.iter().enumerate().map(|(i, p)| json!({
                    "index": i, "sequence": i, "samples": p.len(), "warmups": 0,
                    "spawn_ns": null, "exit": {"kind": "code", "code": 0},
                    "usage": {"user_ns": 0, "sys_ns": 0, "max_rss_bytes": 50_000_000u64,
                              "minor_faults": 0, "major_faults": 0},
                    "peak_rss_bytes": 50_000_000u64})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "schema_version": 2, "tool_version": "0.1.0",
        "started_at": "2026-12-01T00:00:00Z", "finished_at": "2026-12-01T00:01:00Z",
        "interrupted": false, "command": ["wasm-arena", "run"],
        "settings": {"processes": 3, "iterations": 5, "warmup": 1, "timeout_s": 60.0,
                     "seed": 1, "size": "small", "max_memory_bytes": 1u64 << 31},
        "host": {"cpu_model": "cpu", "cores": 2, "physical_cores": 2,
                 "memory_bytes": 1u64 << 34, "os": "Linux", "kernel": "6.1", "arch": "x86_64",
                 "hostname": "a", "perf_counters": "unsupported"},
        "runtimes": [{"id": "rt", "family": "f", "version": "1.0", "tier": "optimizing",
                      "settings": {"opt": "speed"}}],
        "workloads": [
            {"id": "w1", "category": "compute", "language": "c", "description": "",
             "origin": "catalog", "path": "w1.wasm", "sha256": "aa", "size_bytes": 1,
             "args": [], "verification": "exit code"},
            {"id": "w2", "category": "compute", "language": "c", "description": "",
             "origin": "catalog", "path": "w2.wasm", "sha256": "bb", "size_bytes": 1,
             "args": [], "verification": "exit code"}],
        "cells": cells,
    })
}

/// 3 processes x 5 iterations around `ns`, within 1% of it.
pub fn steady(ns: u64) -> Vec<Vec<u64>> {
    (0..3)
        .map(|p| {
            (0..5)
                .map(|i| ns + ns / 100 * ((p * 5 + i) % 3) / 2)
                .collect()
        })
        .collect()
}
