//! The history database on runs made from a committed results directory.

use std::path::Path;

use chrono::{TimeZone, Utc};

use super::*;
use crate::catalog::Size;
use crate::export::Exporter;
use crate::phase::Phase;
use crate::results::{PhaseResult, ProcessRecord, Results, Status};
use crate::stats;

/// A committed run (12 runtimes on cc1, some failed), started on
/// `day` of December, its successful cells given two processes of two
/// samples each, 100 110 | 90 120 ns times `factor` in every phase.
fn run_on(day: u32, factor: f64) -> Results {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../results/2026-12-02-all-runtimes-cc1");
    let mut r = crate::results::load(&dir).unwrap();
    r.started_at = Utc.with_ymd_and_hms(2026, 12, day, 10, 0, 0).unwrap();
    r.finished_at = Some(r.started_at + chrono::Duration::minutes(5));
    for cell in r.cells.iter_mut().filter(|c| c.status == Status::Ok) {
        let ns: Vec<u64> = [100.0, 110.0, 90.0, 120.0]
            .iter()
            .map(|v| (v * factor) as u64)
            .collect();
        let values: Vec<f64> = ns.iter().map(|&v| v as f64).collect();
        let summary = stats::summarize(&values, 1).unwrap();
        for phase in cell.phases.values_mut() {
            *phase = PhaseResult::new(ns.clone(), summary.clone());
        }
        let process = cell.processes[0].clone();
        cell.processes = (0..2)
            .map(|index| ProcessRecord {
                index,
                samples: 2,
                ..process.clone()
            })
            .collect();
    }
    r
}

fn json(r: &Results) -> serde_json::Value {
    serde_json::to_value(r).unwrap()
}

fn filter(runtime: &str, phase: &str) -> Filter {
    Filter {
        runtimes: vec![runtime.into()],
        workloads: Vec::new(),
        phases: vec![phase.into()],
    }
}

#[test]
fn a_run_reads_back_as_it_was_added() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/history.sqlite");
    let mut history = History::create(&path).unwrap();
    let run = run_on(2, 1.0);
    assert_eq!(history.refusal(&run, "a").unwrap(), None);
    let info = history.add(&run, "a", Some("abc123")).unwrap();
    assert_eq!(
        (
            info.commit.as_deref(),
            info.size.as_str(),
            info.hostname.as_str()
        ),
        (Some("abc123"), "default", "vm")
    );
    assert_eq!(info.host, run.host.fingerprint());
    // As results::load would read it: serde_json parses a float's shortest
    // form back to the nearest double only within an ulp.
    let loaded: Results = serde_json::from_str(&serde_json::to_string(&run).unwrap()).unwrap();
    assert_eq!(json(&history.results(info.id).unwrap()), json(&loaded));

    // Reopened, the run is there, and adding it again is refused.
    drop(history);
    let history = History::open(&path).unwrap();
    let refusal = history.refusal(&run, "b").unwrap().unwrap();
    assert!(
        refusal.starts_with("b is already in ") && refusal.ends_with("(run 1, added from a)"),
        "{refusal}"
    );
    let mut shard = run.clone();
    shard.shard = Some("1/2".parse().unwrap());
    shard.started_at = Utc::now();
    assert!(
        history
            .refusal(&shard, "s")
            .unwrap()
            .unwrap()
            .contains("s holds shard 1/2 of a run, not a whole run")
    );
}

#[test]
fn only_a_history_database_opens() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.sqlite");
    let error = History::open(&missing).err().unwrap().to_string();
    assert!(error.starts_with("no history database at "), "{error}");
    assert!(!missing.exists(), "opening does not create");

    let text = dir.path().join("text.sqlite");
    std::fs::write(
        &text,
        "not a database at all, but long enough to be read as one",
    )
    .unwrap();
    for result in [History::open(&text), History::create(&text)] {
        let error = format!("{:#}", result.err().unwrap());
        assert!(
            error.contains("text.sqlite is not a wasm-arena history database"),
            "{error}"
        );
    }

    // Another program's SQLite database is not ours either.
    let other = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    assert!(History::create(&other).is_err());
}

#[test]
fn trends_follow_a_cell_over_runs_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut history = History::create(&dir.path().join("h.sqlite")).unwrap();
    // Added out of order: trends are in time order.
    history.add(&run_on(4, 1.5), "c", Some("c")).unwrap();
    history.add(&run_on(2, 1.0), "a", Some("a")).unwrap();
    history.add(&run_on(3, 1.2), "b", None).unwrap();

    let trends = history
        .trends(&filter("wasmtime-winch", "execute"))
        .unwrap();
    assert_eq!(trends.len(), 1);
    let t = &trends[0];
    assert_eq!(
        (
            t.runtime.as_str(),
            t.workload.as_str(),
            t.size.as_str(),
            t.phase.as_str()
        ),
        ("wasmtime-winch", "cc1", "default", "execute")
    );
    let medians: Vec<f64> = t.points.iter().map(|p| p.value).collect();
    assert_eq!(medians, [105.0, 126.0, 157.5]);
    let commits: Vec<Option<&str>> = t.points.iter().map(|p| p.run.commit.as_deref()).collect();
    assert_eq!(commits, [Some("a"), None, Some("c")]);
    assert!(t.points.iter().all(|p| p.samples == Some(4)));
    let [lo, hi] = t.points[0].ci95.unwrap();
    assert!(lo <= 105.0 && 105.0 <= hi);

    let memory = history.trends(&filter("wasmtime-winch", MEMORY)).unwrap();
    assert_eq!(memory[0].points[0].value, 800489472.0);
    assert_eq!(
        (memory[0].points[0].ci95, memory[0].points[0].samples),
        (None, None)
    );

    // Failed cells have no trend; no filter means everything.
    assert!(
        history
            .trends(&filter("wasmer-llvm", "execute"))
            .unwrap()
            .is_empty()
    );
    let all = history.trends(&Filter::default()).unwrap();
    // 7 successful runtimes x (3 phases + memory).
    assert_eq!(all.len(), 7 * 4);
    assert!(all.iter().all(|t| t.points.len() == 3));

    let table = crate::report::terminal::table(&trend_table(t)).to_string();
    assert!(table.contains("+20.0%"), "{table}");
    assert!(table.contains("126 ns ["), "{table}");
}

#[test]
fn charts_draw_a_band_per_host_for_each_cell() {
    let dir = tempfile::tempdir().unwrap();
    let mut history = History::create(&dir.path().join("h.sqlite")).unwrap();
    history
        .add(&run_on(2, 1.0), "a", Some("abcdef0123"))
        .unwrap();
    history
        .add(&run_on(3, 1.1), "b", Some("bcdef01234"))
        .unwrap();
    let mut elsewhere = run_on(4, 2.0);
    elsewhere.host.cpu_model = "Another CPU".into();
    elsewhere.host.hostname = "other".into();
    history.add(&elsewhere, "c", None).unwrap();

    let trends = history
        .trends(&Filter {
            runtimes: vec!["wasmtime-cranelift".into(), "wasmi".into()],
            ..Filter::default()
        })
        .unwrap();
    let files = TrendCharts.export(&trends).unwrap();
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "wasmi--cc1--default.svg",
            "wasmtime-cranelift--cc1--default.svg"
        ]
    );
    let svg = String::from_utf8(files[1].1.clone()).unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    for text in [
        "compile",
        "instantiate",
        "execute",
        "memory",
        "vm",
        "other",
        "abcdef0",
        "bcdef01",
    ] {
        assert!(svg.contains(text), "{text} missing");
    }
    // One band (two runs on host vm) in each of the three timed panels.
    assert_eq!(svg.matches("<polygon").count(), 3, "{svg}");
}

#[test]
fn a_baseline_pools_the_last_runs_on_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let mut history = History::create(&dir.path().join("h.sqlite")).unwrap();
    let mut oldest = run_on(1, 9.0);
    oldest.runtimes[0].version = "old".into();
    history.add(&oldest, "0", None).unwrap();
    history.add(&run_on(2, 1.0), "a", None).unwrap();
    let mut newest = run_on(3, 2.0);
    // The newest run's cranelift cell failed: the other run's stands in.
    newest.cells[0].status = Status::Failed;
    history.add(&newest, "b", None).unwrap();
    let mut elsewhere = run_on(4, 5.0);
    elsewhere.host.kernel = "7.0".into();
    history.add(&elsewhere, "c", None).unwrap();
    let mut small = run_on(5, 5.0);
    small.settings.size = Size::Small;
    history.add(&small, "d", None).unwrap();

    let host = run_on(1, 1.0).host;
    let baseline = history.baseline(&host, Size::Default, 2).unwrap();
    let sources: Vec<&str> = baseline.runs.iter().map(|r| r.source.as_str()).collect();
    assert_eq!(sources, ["b", "a"], "newest first, same host and size only");
    let r = &baseline.results;
    assert_eq!(r.started_at, run_on(3, 1.0).started_at, "the newest run's");
    assert_eq!(r.runtimes[0].version, run_on(3, 1.0).runtimes[0].version);

    // Both runs pooled, oldest first: 4 processes, 8 samples.
    let winch = r.cell("wasmtime-winch", "cc1").unwrap();
    let execute = &winch.phases[&Phase::Execute];
    assert_eq!(execute.samples_ns, [100, 110, 90, 120, 200, 220, 180, 240]);
    assert_eq!(execute.median_ns, 150.0);
    let indices: Vec<u32> = winch.processes.iter().map(|p| p.index).collect();
    assert_eq!(indices, [0, 1, 2, 3]);
    assert!(winch.output_verified);

    let cranelift = r.cell("wasmtime-cranelift", "cc1").unwrap();
    assert_eq!(cranelift.status, Status::Ok);
    assert_eq!(
        cranelift.phases[&Phase::Execute].samples_ns,
        [100, 110, 90, 120]
    );

    // A cell that failed in every run is the newest run's failure.
    assert_eq!(r.cell("wasmer-llvm", "cc1").unwrap().status, Status::Failed);
    assert_eq!(r.cells.len(), 12);

    let one = history.baseline(&host, Size::Default, 1).unwrap();
    assert_eq!(one.runs.len(), 1);

    let mut unknown = host.clone();
    unknown.cpu_model = "Unseen".into();
    let error = history
        .baseline(&unknown, Size::Default, 5)
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("has no run at size default on this host (Unseen |"),
        "{error}"
    );
}
