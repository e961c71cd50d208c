//! `wasm-arena compare` end to end, on results directories written here for
//! the purpose (no workload runs), and the GitHub workflow that uses it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use common::{BIN, steady, text, wasm_arena, write_run};

/// 3 processes x 5 iterations spread ±30% around `ns`: too noisy to tell.
fn noisy(ns: u64) -> Vec<Vec<u64>> {
    (0..3u64)
        .map(|p| {
            (0..5u64)
                .map(|i| ns * (70 + (p * 37 + i * 13) % 61) / 100)
                .collect()
        })
        .collect()
}

const RT: &str = "wasmtime-cranelift";

/// `wasm-arena compare BASE CURRENT ARGS`, with no job summary unless `summary`.
fn compare(base: &Path, current: &Path, args: &[&str], summary: Option<&Path>) -> Output {
    let mut command = std::process::Command::new(BIN);
    command.arg("compare").arg(base).arg(current).args(args);
    command.env_remove("GITHUB_STEP_SUMMARY");
    if let Some(file) = summary {
        command.env("GITHUB_STEP_SUMMARY", file);
    }
    command.output().expect("running wasm-arena compare")
}

fn comparison(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("compare.json")).expect("compare.json written");
    serde_json::from_str(&text).expect("compare.json is JSON")
}

fn pair<'a>(c: &'a Value, workload: &str, phase: &str) -> &'a Value {
    c["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["workload"] == workload && p["phase"] == phase)
        .unwrap_or_else(|| panic!("no {workload} {phase} pair in {c:#}"))
}

#[test]
fn identical_runs_show_no_change_and_exit_0() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, current) = (tmp.path().join("base"), tmp.path().join("current"));
    let cells = [(RT, "w1", steady(1_000_000)), (RT, "w2", steady(2_000_000))];
    write_run(&base, &cells, |_| {});
    write_run(&current, &cells, |_| {});
    let out = compare(&base, &current, &[], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let c = comparison(&current);
    // Compile, execute and memory of both cells (no instantiate phase was recorded).
    assert_eq!(c["pairs"].as_array().unwrap().len(), 6);
    for p in c["pairs"].as_array().unwrap() {
        assert_eq!(p["verdict"], "no-change", "{p}");
        assert_eq!(
            (p["size"].as_str(), p["scenario"].as_str()),
            (Some("small"), Some("run"))
        );
    }
    assert_eq!(pair(&c, "w1", "memory")["unit"], "bytes");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("0 slower, 0 uncertain, 6 no change, 0 faster of 6 pairs"),
        "{stdout}"
    );
    let md = std::fs::read_to_string(current.join("compare.md")).unwrap();
    assert!(md.starts_with("# wasm-arena comparison"), "{md}");
}

#[test]
fn a_slower_cell_exits_1_and_comes_first() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, current, out_dir) = (
        tmp.path().join("base"),
        tmp.path().join("current"),
        tmp.path().join("cmp"),
    );
    write_run(
        &base,
        &[(RT, "w1", steady(1_000_000)), (RT, "w2", steady(1_000_000))],
        |_| {},
    );
    write_run(
        &current,
        &[(RT, "w1", steady(1_000_000)), (RT, "w2", steady(1_300_000))],
        |_| {},
    );
    let out_arg = out_dir.display().to_string();
    let out = compare(&base, &current, &["--out", &out_arg], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let c = comparison(&out_dir);
    let first = &c["pairs"][0];
    assert_eq!(
        (first["workload"].as_str(), first["phase"].as_str()),
        (Some("w2"), Some("execute"))
    );
    assert_eq!(first["verdict"], "slower");
    let [lo, _] = [
        first["interval"][0].as_f64().unwrap(),
        first["interval"][1].as_f64().unwrap(),
    ];
    assert!(lo > 1.1, "the whole interval is past +10%: {first}");
    // The terminal table is worst first too.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let slower = stdout.find("slower").unwrap();
    assert!(slower < stdout.find("no change").unwrap(), "{stdout}");
    assert!(
        !current.join("compare.json").exists(),
        "--out puts it elsewhere"
    );
}

#[test]
fn faster_and_uncertain_pairs_exit_0() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, current) = (tmp.path().join("base"), tmp.path().join("current"));
    write_run(
        &base,
        &[(RT, "w1", steady(1_000_000)), (RT, "w2", noisy(1_000_000))],
        |_| {},
    );
    write_run(
        &current,
        &[(RT, "w1", steady(700_000)), (RT, "w2", noisy(1_150_000))],
        |_| {},
    );
    let out = compare(&base, &current, &[], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let c = comparison(&current);
    assert_eq!(pair(&c, "w1", "execute")["verdict"], "faster");
    // 15% slower by the medians, but the interval reaches below +10%: never
    // "slower" from a point estimate.
    let p = pair(&c, "w2", "execute");
    assert!(p["ratio"].as_f64().unwrap() > 1.1, "{p}");
    assert_eq!(p["verdict"], "uncertain", "{p}");
}

#[test]
fn different_runs_are_warned_about_and_judged_only_when_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, current) = (tmp.path().join("base"), tmp.path().join("current"));
    write_run(&base, &[(RT, "w1", steady(1_000_000))], |_| {});
    write_run(&current, &[(RT, "w1", steady(1_500_000))], |r| {
        r["runtimes"][0]["version"] = json!("49.0.0");
        r["workloads"][0]["sha256"] = json!("another-module");
        r["settings"]["size"] = json!("default");
        r["host"]["cpu_model"] = json!("Other CPU");
        // A new hostname alone (a fresh CI runner) is the same machine.
        r["host"]["hostname"] = json!("runner-2");
    });
    let out = compare(&base, &current, &[], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "unjudged is not slower: {}",
        text(&out)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    for warning in [
        "warning: the runs differ: host cpu_model: Test CPU (base) vs Other CPU (current)",
        "warning: the runs differ: size: small (base) vs default (current)",
        "warning: the runs differ: wasmtime-cranelift: version 48.0.0 (base) vs 49.0.0 (current)",
        "warning: the runs differ: w1: module sha256 w1-sha… (base) vs another-modu… (current)",
    ] {
        assert!(stderr.contains(warning), "{warning} in {stderr}");
    }
    assert!(!stderr.contains("hostname"), "{stderr}");
    let c = comparison(&current);
    assert!(
        c["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["verdict"].is_null())
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("not judged"));

    let out = compare(&base, &current, &["--allow-different"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        pair(&comparison(&current), "w1", "execute")["verdict"],
        "slower"
    );
}

#[test]
fn the_job_summary_gets_the_markdown_appended() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, current) = (tmp.path().join("base"), tmp.path().join("current"));
    write_run(&base, &[(RT, "w1", steady(1_000_000))], |_| {});
    write_run(&current, &[(RT, "w1", steady(1_300_000))], |_| {});
    let summary = tmp.path().join("summary.md");
    std::fs::write(&summary, "# earlier step\n").unwrap();
    let out = compare(&base, &current, &[], Some(&summary));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("# earlier step\n# wasm-arena comparison"),
        "{md}"
    );
    assert!(
        md.contains("| `wasmtime-cranelift` | `w1` | execute |"),
        "{md}"
    );
    assert!(md.contains("**1 slower**"), "{md}");
}

#[test]
fn compare_exports_the_current_run_for_ci_services() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, current) = (tmp.path().join("base"), tmp.path().join("current"));
    write_run(&base, &[(RT, "w1", steady(1_000_000))], |_| {});
    write_run(&current, &[(RT, "w1", steady(1_000_000))], |_| {});
    let (github, bmf) = (tmp.path().join("gh.json"), tmp.path().join("bmf.json"));
    let out = compare(
        &base,
        &current,
        &[
            "--export-github-benchmark",
            &github.display().to_string(),
            "--export-bmf",
            &bmf.display().to_string(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let github: Value = serde_json::from_slice(&std::fs::read(&github).unwrap()).unwrap();
    let execute = github
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "execute/wasmtime-cranelift/w1/small")
        .unwrap_or_else(|| panic!("{github:#}"));
    assert_eq!(execute["unit"], "ns");
    assert!(
        execute["extra"].as_str().unwrap().contains("vs base: "),
        "{execute}"
    );
    assert!(
        execute["extra"].as_str().unwrap().ends_with("no change"),
        "{execute}"
    );
    let bmf: Value = serde_json::from_slice(&std::fs::read(&bmf).unwrap()).unwrap();
    assert!(
        bmf["execute/wasmtime-cranelift/w1/small"]["latency"]["value"].is_number(),
        "{bmf:#}"
    );
    assert_eq!(
        bmf["memory/wasmtime-cranelift/w1/small"]["peak-rss"]["value"],
        50_000_000.0
    );
}

#[test]
fn run_exports_its_medians_for_ci_services() {
    let tmp = tempfile::tempdir().unwrap();
    // Relative to the working directory, not to the results directory.
    let (github, bmf) = ("gh.json", "bmf.json");
    let out = std::process::Command::new(BIN)
        .current_dir(tmp.path())
        .args([
            "run",
            "--runtime",
            RT,
            "--workload",
            "empty",
            "--size",
            "small",
        ])
        .args([
            "--processes",
            "1",
            "--iterations",
            "2",
            "--warmup",
            "0",
            "--seed",
            "7",
        ])
        .args([
            "--out",
            "run",
            "--export-github-benchmark",
            github,
            "--export-bmf",
            bmf,
        ])
        .arg("--workloads-dir")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("workloads"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let github: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join(github)).unwrap()).unwrap();
    let names: Vec<&str> = github
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "compile/wasmtime-cranelift/empty/small",
            "instantiate/wasmtime-cranelift/empty/small",
            "execute/wasmtime-cranelift/empty/small",
            "memory/wasmtime-cranelift/empty/small",
        ]
    );
    let bmf: Value = serde_json::from_slice(&std::fs::read(tmp.path().join(bmf)).unwrap()).unwrap();
    assert!(
        bmf["compile/wasmtime-cranelift/empty/small"]["latency"]["lower_value"].is_number(),
        "{bmf:#}"
    );
}

#[test]
fn bad_inputs_exit_2_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good");
    write_run(&good, &[(RT, "w1", steady(1_000_000))], |_| {});
    let missing = tmp.path().join("missing");
    let corrupt = tmp.path().join("corrupt");
    std::fs::create_dir_all(&corrupt).unwrap();
    std::fs::write(
        corrupt.join("results.json"),
        "{\"schema_version\": 1, \"cells\": [",
    )
    .unwrap();
    let future = tmp.path().join("future");
    write_run(&future, &[(RT, "w1", steady(1_000_000))], |r| {
        r["schema_version"] = json!(99)
    });
    let other = tmp.path().join("other");
    write_run(&other, &[(RT, "w2", steady(1_000_000))], |r| {
        r["workloads"] = json!([]);
    });
    let cases = [
        (
            &missing,
            format!("no results directory at {}", missing.display()),
        ),
        (
            &corrupt,
            format!(
                "{} is not valid JSON",
                corrupt.join("results.json").display()
            ),
        ),
        (
            &future,
            "has schema version 99; this wasm-arena reads versions 1 to 3".to_string(),
        ),
        (&other, "no cell in common".to_string()),
    ];
    for (dir, message) in cases {
        let out = compare(&good, dir, &[], None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", dir.display());
        assert!(stderr.contains(&message), "{message} in {stderr}");
    }
    let out = wasm_arena(&[
        "compare",
        &good.display().to_string(),
        &good.display().to_string(),
        "--confidence",
        "99",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("must be a number between 0 and 1"),
        "{}",
        text(&out)
    );
}

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

#[test]
fn runs_that_differ_in_the_in_runtime_budget_show_its_cost() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, current) = (tmp.path().join("base"), tmp.path().join("current"));
    write_run(&base, &[(RT, "w1", steady(1_000_000))], |r| {
        r["settings"]["in_runtime_budget"] = json!(false);
    });
    write_run(&current, &[(RT, "w1", steady(1_150_000))], |r| {
        r["settings"]["in_runtime_budget"] = json!(true);
    });
    let out = compare(&base, &current, &["--allow-different"], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the runs differ: in-runtime budget: off (base) vs on (current)"),
        "{stderr}"
    );
    let markdown = std::fs::read_to_string(current.join("compare.md")).unwrap();
    assert!(
        markdown.contains("**The in-runtime budget's cost.**"),
        "{markdown}"
    );
    // Judged when allowed: the 15% is the budget's cost on that cell.
    assert_eq!(
        pair(&comparison(&current), "w1", "execute")["verdict"],
        "slower"
    );
}
