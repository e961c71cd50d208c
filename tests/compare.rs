//! `wasm-arena compare` end to end, on results directories written here for
//! the purpose (no workload runs), and the GitHub workflow that uses it.

mod common;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The repository's benchmark workflow, parsed.
fn workflow() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/bench.yml");
    let text = std::fs::read_to_string(&path).expect("the workflow exists");
    serde_yaml_ng::from_str(&text).expect("the workflow is valid YAML")
}

/// Every `run:` script of a job, joined.
fn scripts(job: &Value) -> String {
    job["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_workflow_measures_shards_then_merges_and_compares_with_main() {
    let w = workflow();
    let on = &w["on"];
    assert!(
        on.get("pull_request").is_some(),
        "runs on pull requests: {on}"
    );
    assert_eq!(on["push"]["branches"], json!(["main"]));

    let measure = &w["jobs"]["measure"];
    let shards = measure["strategy"]["matrix"]["shard"].as_array().unwrap();
    assert_eq!(shards.len(), 4);
    let run = scripts(measure);
    assert!(run.contains("cargo build --release"), "{run}");
    assert!(
        run.contains("wasm-arena run $RUN_ARGS --shard ${{ matrix.shard }}/4"),
        "{run}"
    );

    let compare = &w["jobs"]["compare"];
    assert_eq!(compare["needs"], "measure");
    let run = scripts(compare);
    assert!(
        run.contains("wasm-arena merge shards/shard-* --out current"),
        "{run}"
    );
    assert!(run.contains("wasm-arena compare baseline current"), "{run}");
    for flag in ["--export-github-benchmark", "--export-bmf"] {
        assert!(run.contains(flag), "{flag} in {run}");
    }
    let uses: Vec<&str> = compare["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["uses"].as_str())
        .collect();
    for action in [
        "actions/cache/restore@v4",
        "actions/cache/save@v4",
        "actions/download-artifact@v4",
    ] {
        assert!(uses.contains(&action), "{action} in {uses:?}");
    }
    // Every step says what it does, and every action is pinned to a major version.
    for job in [measure, compare] {
        for step in job["steps"].as_array().unwrap() {
            assert!(
                step.get("name").is_some() || step.get("uses").is_some(),
                "{step}"
            );
            if let Some(action) = step["uses"].as_str() {
                assert!(
                    action.contains("@v") || action.ends_with("@stable"),
                    "{action}"
                );
            }
        }
    }
}
