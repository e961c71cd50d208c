//! Runs the real `wasm-arena` binary and reads what it wrote.
// Not every test file uses every helper.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

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
