//! `run --shard I/N` and `merge`: shards of a real run join into the cells
//! of the same run unsplit, and what is not one run is refused.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// Three cheap cells; with two shards, hello is in shard 1 and the others in 2.
const WORKLOADS: &str = "empty,sha256,hello";

/// A tiny real run of WORKLOADS on wasmtime-cranelift with `extra` flags.
fn tiny_run(out: &Path, extra: &[&str]) -> (std::process::Output, Value) {
    let out_str = out.display().to_string();
    let mut args = vec![
        "run",
        "--runtime",
        "wasmtime-cranelift",
        "--workload",
        WORKLOADS,
        "--size",
        "small",
        "--processes",
        "1",
        "--iterations",
        "1",
        "--warmup",
        "0",
        "--seed",
        "7",
        "--out",
        &out_str,
    ];
    args.extend_from_slice(extra);
    let output = wasm_arena(&args);
    assert!(output.status.success(), "{}", text(&output));
    (output, read_results(out))
}

/// What must not change when a run is split: which cells, in which order,
/// and how each went (status, phases, sample counts).
fn cell_shapes(results: &Value) -> Vec<Value> {
    results["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let phases: Vec<(String, usize)> = c["phases"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(phase, p)| (phase.clone(), p["samples_ns"].as_array().unwrap().len()))
                .collect();
            serde_json::json!([
                c["runtime"],
                c["workload"],
                c["status"],
                c["output_verified"],
                phases
            ])
        })
        .collect()
}

fn workloads_of(results: &Value) -> Vec<&str> {
    results["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["workload"].as_str().unwrap())
        .collect()
}

fn merge(dirs: &[&Path], out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<String> = vec!["merge".into()];
    args.extend(dirs.iter().map(|d| d.display().to_string()));
    args.extend(["--out".into(), out.display().to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    wasm_arena(&args)
}

#[test]
fn merged_shards_are_the_unsharded_run_and_unlike_shards_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let whole_dir = tmp.path().join("whole");
    let shard_dirs = [tmp.path().join("shard-1"), tmp.path().join("shard-2")];
    let (_, whole) = tiny_run(&whole_dir, &[]);
    let (first_out, first) = tiny_run(&shard_dirs[0], &["--shard", "1/2"]);
    let (_, second) = tiny_run(&shard_dirs[1], &["--shard", "2/2"]);

    assert_eq!(
        whole.get("shard"),
        None,
        "an unsharded run records no shard"
    );
    assert_eq!(first["shard"], serde_json::json!({"index": 1, "count": 2}));
    assert_eq!(workloads_of(&first), ["hello"]);
    assert_eq!(workloads_of(&second), ["empty", "sha256"]);
    assert_eq!(
        first["workloads"], whole["workloads"],
        "a shard lists the whole plan"
    );
    assert!(
        text(&first_out).contains("shard 1/2: 1 of 3 cells"),
        "{}",
        text(&first_out)
    );

    // Given in any order, the shards merge into the cells of the whole run.
    let merged_dir = tmp.path().join("merged");
    let output = merge(&[&shard_dirs[1], &shard_dirs[0]], &merged_dir, &[]);
    assert!(output.status.success(), "{}", text(&output));
    let merged = read_results(&merged_dir);
    assert_eq!(cell_shapes(&merged), cell_shapes(&whole));
    assert_eq!(merged.get("shard"), None);
    assert_eq!(merged["settings"], whole["settings"]);
    let from: Vec<&Value> = merged["merged_from"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["shard"]["index"])
        .collect();
    assert_eq!(from, [1, 2]);
    for file in ["report.md", "samples.csv", "charts/execute.svg"] {
        assert!(merged_dir.join(file).is_file(), "{file}");
    }

    // A shard measured on another machine merges only when allowed.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let mut moved = second.clone();
    moved["host"]["cpu_model"] = "Another CPU".into();
    std::fs::write(elsewhere.join("results.json"), moved.to_string()).unwrap();
    let refused = merge(&[&shard_dirs[0], &elsewhere], &tmp.path().join("m2"), &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let message = text(&refused);
    assert!(
        message.contains("host cpu_model: Another CPU vs"),
        "{message}"
    );
    assert!(message.contains("--allow-different"), "{message}");
    let allowed = merge(
        &[&shard_dirs[0], &elsewhere],
        &tmp.path().join("m3"),
        &["--allow-different"],
    );
    assert!(allowed.status.success(), "{}", text(&allowed));
    assert!(text(&allowed).contains("warning: "), "{}", text(&allowed));
    let m3 = read_results(&tmp.path().join("m3"));
    assert!(
        m3["merged_from"][1]["differences"][0]
            .as_str()
            .unwrap()
            .starts_with("host cpu_model"),
        "{m3:#}"
    );

    // Not one run: a shard missing, a shard twice, a run that is not a shard.
    for (dirs, expected) in [
        (vec![&shard_dirs[0]], "shard 2/2 missing"),
        (
            vec![&shard_dirs[0], &shard_dirs[0], &shard_dirs[1]],
            "are both shard 1/2",
        ),
        (
            vec![&whole_dir, &shard_dirs[1]],
            "is not one shard of a run",
        ),
    ] {
        let dirs: Vec<&Path> = dirs.iter().map(|d| d.as_path()).collect();
        let output = merge(&dirs, &tmp.path().join("m4"), &[]);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(text(&output).contains(expected), "{}", text(&output));
    }

    // The output directory must not be one of the shards.
    let output = merge(&[&shard_dirs[0], &shard_dirs[1]], &shard_dirs[1], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("is one of the shards"),
        "{}",
        text(&output)
    );
}

#[test]
fn a_missing_or_corrupt_shard_directory_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let corrupt = tmp.path().join("corrupt");
    std::fs::create_dir(&corrupt).unwrap();
    std::fs::write(corrupt.join("results.json"), "{ truncated").unwrap();
    let missing = tmp.path().join("missing");
    for (dir, expected) in [
        (&corrupt, "is not valid JSON (corrupt or truncated?)"),
        (&missing, "no results directory at"),
    ] {
        let output = merge(&[dir], &tmp.path().join("out"), &[]);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        let message = text(&output);
        assert!(message.contains(expected), "{message}");
        assert!(message.contains(&dir.display().to_string()), "{message}");
    }
}

#[test]
fn a_bad_shard_exits_2_before_measuring() {
    for (shard, expected) in [
        ("3/2", "the shard index I must be between 1 and N (2)"),
        ("0/0", "the shard count N must be at least 1"),
        ("0/2", "the shard index I must be between 1 and N (2)"),
        ("half", "is not I/N"),
    ] {
        let out = tempfile::tempdir().unwrap();
        let output = wasm_arena(&[
            "run",
            "--runtime",
            "wasmtime-cranelift",
            "--workload",
            "empty",
            "--shard",
            shard,
            "--out",
            &out.path().join("never").display().to_string(),
        ]);
        assert_eq!(output.status.code(), Some(2), "{shard}: {}", text(&output));
        let message = text(&output);
        assert!(message.contains(expected), "{shard}: {message}");
        assert!(
            !out.path().join("never").exists(),
            "{shard}: nothing measured"
        );
    }
}
