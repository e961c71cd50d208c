//! `history add`, `show` and `chart` on a temporary database, with committed
//! runs as input (no measuring), and the bad inputs each refuses.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// A committed run: 12 runtimes on cc1, 7 of them successful.
fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("results/2026-12-02-all-runtimes-cc1")
}

/// The committed run as if measured again a day later, 10% slower.
fn a_day_later(dir: &Path) -> PathBuf {
    let mut results = read_results(&committed());
    results["started_at"] = "2026-12-03T00:54:56.584812527Z".into();
    for cell in results["cells"].as_array_mut().unwrap() {
        for phase in cell["phases"].as_object_mut().unwrap().values_mut() {
            let median = phase["median_ns"].as_f64().unwrap();
            phase["median_ns"] = Value::from(median * 1.1);
        }
    }
    let later = dir.join("later");
    std::fs::create_dir(&later).unwrap();
    std::fs::write(later.join("results.json"), results.to_string()).unwrap();
    later
}

fn history(db: &Path, args: &[&str]) -> std::process::Output {
    let db = db.display().to_string();
    let mut all = vec!["history"];
    all.extend_from_slice(&args[..1]);
    all.extend_from_slice(&["--db", &db]);
    all.extend_from_slice(&args[1..]);
    wasm_arena(&all)
}

/// The commit `history add` records from here, as `show` prints it.
fn head() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or("—".into(), |o| {
            String::from_utf8_lossy(&o.stdout)[..10].to_string()
        })
}

#[test]
fn add_show_and_chart_a_trend() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db/history.sqlite");
    let first = committed().display().to_string();
    let later = a_day_later(tmp.path()).display().to_string();

    let output = history(&db, &["add", &first]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains(&format!("added {first} to {} as run 1", db.display())),
        "{}",
        text(&output)
    );
    let output = history(&db, &["add", &later]);
    assert!(output.status.success(), "{}", text(&output));

    let output = history(
        &db,
        &[
            "show",
            "--runtime",
            "wasmtime-cranelift",
            "--workload",
            "cc1",
            "--phase",
            "execute,memory",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    let shown = text(&output);
    assert!(
        shown.contains("wasmtime-cranelift · cc1 · default · execute"),
        "{shown}"
    );
    assert!(
        shown.contains("wasmtime-cranelift · cc1 · default · memory"),
        "{shown}"
    );
    assert!(!shown.contains("· compile"), "{shown}");
    assert!(shown.contains("2026-12-02 00:54"), "{shown}");
    assert!(shown.contains("2026-12-03 00:54"), "{shown}");
    assert!(shown.contains("+10.0%"), "{shown}");
    assert!(shown.contains(&head()), "{shown}");
    assert!(shown.contains("788.9 MiB"), "{shown}");

    let charts = tmp.path().join("charts");
    let output = history(
        &db,
        &[
            "chart",
            "--workload",
            "cc1",
            "--out",
            &charts.display().to_string(),
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    let mut files: Vec<String> = std::fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    // One per successful runtime.
    assert_eq!(files.len(), 7, "{files:?}");
    assert!(files.contains(&"wasmtime-cranelift--cc1--default.svg".to_string()));
    let svg = std::fs::read_to_string(charts.join("wasmi--cc1--default.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("execute"), "{svg}");
}

#[test]
fn bad_inputs_exit_2_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("history.sqlite");
    let first = committed().display().to_string();

    // Nothing to read yet.
    let output = history(&db, &["show"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("no history database at"),
        "{}",
        text(&output)
    );

    // A corrupt or missing results directory.
    let corrupt = tmp.path().join("corrupt");
    std::fs::create_dir(&corrupt).unwrap();
    std::fs::write(corrupt.join("results.json"), "[1, 2").unwrap();
    for (dir, expected) in [
        (corrupt.clone(), "is not valid JSON"),
        (tmp.path().join("missing"), "no results directory at"),
    ] {
        let output = history(&db, &["add", &dir.display().to_string()]);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(text(&output).contains(expected), "{}", text(&output));
    }

    // The same run twice; a shard of a run.
    assert!(history(&db, &["add", &first]).status.success());
    let output = history(&db, &["add", &first]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("is already in"), "{}", text(&output));
    let mut shard = read_results(&committed());
    shard["shard"] = serde_json::json!({"index": 1, "count": 2});
    shard["started_at"] = "2026-12-04T00:00:00Z".into();
    let shard_dir = tmp.path().join("shard");
    std::fs::create_dir(&shard_dir).unwrap();
    std::fs::write(shard_dir.join("results.json"), shard.to_string()).unwrap();
    let output = history(&db, &["add", &shard_dir.display().to_string()]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("wasm-arena merge"),
        "{}",
        text(&output)
    );

    // A filter that matches nothing, a phase that does not exist.
    let output = history(&db, &["show", "--runtime", "no-such-runtime"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("no-such-runtime"),
        "{}",
        text(&output)
    );
    let output = history(&db, &["show", "--phase", "lunch"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));

    // A file that is not a history database.
    let output = history(&corrupt.join("results.json"), &["show"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("is not a wasm-arena history database"),
        "{}",
        text(&output)
    );
}

/// `compare --baseline history:N CURRENT` judges CURRENT against the last runs
/// on its host in the database; its bad inputs are usage errors.
#[test]
fn compare_takes_its_baseline_from_the_history() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("history.sqlite");
    let db_arg = db.display().to_string();
    let later = a_day_later(tmp.path()).display().to_string();
    let compare = |args: &[&str]| {
        let mut all = vec!["compare", "--db", &db_arg];
        all.extend_from_slice(args);
        wasm_arena(&all)
    };

    let output = compare(&["--baseline", "history:3", &later]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("no history database at"),
        "{}",
        text(&output)
    );

    let first = committed().display().to_string();
    assert!(history(&db, &["add", &first]).status.success());
    let output = compare(&["--baseline", "history:3", &later]);
    // Only medians changed in the later copy: its samples are the same.
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(&later).join("compare.json")).unwrap(),
    )
    .unwrap();
    let base = json["base"]["dir"].as_str().unwrap();
    assert!(
        base.starts_with("history: the last 1 run(s) on this host"),
        "{base}"
    );
    assert!(!json["pairs"].as_array().unwrap().is_empty());

    for (args, expected) in [
        (vec!["--baseline", "history:0", &later], "history:N"),
        (vec!["--baseline", "latest", &later], "history:N"),
        (
            vec!["--baseline", "history", &first, &later],
            "give only CURRENT",
        ),
        (vec![&later], "give BASE and CURRENT"),
    ] {
        let output = compare(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output));
        assert!(
            text(&output).contains(expected),
            "{args:?}: {}",
            text(&output)
        );
    }
}
