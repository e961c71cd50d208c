//! End to end: the binary on the starter workloads with every Wasmtime id,
//! and the CLI's contract (listings, exit statuses, report re-rendering).

mod common;

use common::*;

const RUNTIMES: [&str; 3] = ["wasmtime-cranelift", "wasmtime-winch", "wasmtime-pulley"];
const STARTERS: [&str; 4] = ["empty", "sha256", "fannkuch", "wordfreq"];

#[test]
fn starter_workloads_run_verified_on_every_wasmtime_compiler() {
    let dir = tempfile::tempdir().unwrap();
    let (output, results) = run(
        dir.path(),
        &[
            "--runtime",
            &RUNTIMES.join(","),
            "--workload",
            &STARTERS.join(","),
        ],
    );
    assert!(output.status.success(), "{}", text(&output));

    assert_eq!(results["schema_version"], 3);
    assert!(results["finished_at"].is_string());
    assert_eq!(results["interrupted"], false);
    for key in ["cpu_model", "os", "kernel"] {
        assert!(
            !results["host"][key].as_str().unwrap().is_empty(),
            "host.{key}"
        );
    }
    assert!(results["host"]["cores"].as_u64().unwrap() >= 1);
    assert!(results["host"]["memory_bytes"].as_u64().unwrap() > 0);
    for rt in results["runtimes"].as_array().unwrap() {
        assert!(RUNTIMES.contains(&rt["id"].as_str().unwrap()));
        assert!(
            rt["version"]
                .as_str()
                .unwrap()
                .starts_with(|c: char| c.is_ascii_digit()),
            "{rt}"
        );
    }
    for w in results["workloads"].as_array().unwrap() {
        assert_eq!(w["sha256"].as_str().unwrap().len(), 64, "{w}");
        assert!(w["size_bytes"].as_u64().unwrap() > 0);
    }

    for runtime in RUNTIMES {
        for workload in STARTERS {
            let c = cell(&results, runtime, workload);
            assert_eq!(c["status"], "ok", "{c:#}");
            assert_eq!(c["output_verified"], true);
            assert!(c["peak_rss_bytes"].as_u64().unwrap() > 1 << 20, "{c:#}");
            // The worker's resident size by phase, one figure per iteration,
            // none above the process's peak; the guest's linear memory.
            let peak = c["peak_rss_bytes"].as_u64().unwrap();
            for figure in ["after_compile", "after_instantiate", "execute_peak"] {
                let samples = c["memory"][figure]["samples_bytes"].as_array().unwrap();
                assert_eq!(samples.len(), 2, "{runtime} {workload} {figure}");
                for s in samples.iter().map(|s| s.as_u64().unwrap()) {
                    assert!(
                        s > 1 << 20 && s <= peak,
                        "{runtime} {workload} {figure}: {s}"
                    );
                }
            }
            let linear = c["memory"]["linear_memory"]["max_bytes"].as_u64().unwrap();
            assert!(
                linear >= 64 << 10 && linear.is_multiple_of(64 << 10),
                "{linear}"
            );
            for phase in ["compile", "instantiate", "execute"] {
                let p = &c["phases"][phase];
                let samples = p["samples_ns"].as_array().unwrap();
                assert_eq!(samples.len(), 2, "{runtime} {workload} {phase}");
                assert!(
                    samples.iter().all(|s| s.as_u64().unwrap() > 0),
                    "{runtime} {workload} {phase}: {p}"
                );
                let median = p["median_ns"].as_f64().unwrap();
                let [lo, hi] = [0, 1].map(|i| p["ci95_ns"][i].as_f64().unwrap());
                assert!(lo <= median && median <= hi, "{p}");
            }
        }
        // Compute kernels mark their region; the empty module is timed whole.
        assert_eq!(cell(&results, runtime, "sha256")["region"], "markers");
        assert_eq!(cell(&results, runtime, "empty")["region"], "whole-start");
    }

    let csv = std::fs::read_to_string(dir.path().join("samples.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("runtime,workload,process,sample,phase,ns")
    );
    assert_eq!(lines.count(), RUNTIMES.len() * STARTERS.len() * 3 * 2);

    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        report.contains("12 of 12 cells measured and verified"),
        "{report}"
    );
    for chart in ["execute", "compile", "instantiate"] {
        let svg = std::fs::read_to_string(dir.path().join(format!("charts/{chart}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("fannkuch") && svg.contains("wasmtime-pulley"),
            "{chart}"
        );
    }
    // The terminal summary names every runtime.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(RUNTIMES.iter().all(|r| stdout.contains(r)), "{stdout}");
}

#[test]
fn the_seed_fixes_the_order_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (output, results) = run(
        dir.path(),
        &["--runtime", "wasmtime-cranelift", "--workload", "empty"],
    );
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(results["settings"]["seed"], 7);
}

/// By default a probe iteration says what a cell costs and the cell gets
/// the samples that fit its budget, over at least five processes while an
/// iteration takes under a second (past the budget if need be); each cell
/// records how many and why, and runtimes run without their in-runtime
/// budget unless asked.
#[test]
fn a_time_budget_decides_each_cells_samples_after_a_probe() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let budgeted = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "--size",
            "small",
            "--runtime",
            "wasmtime-cranelift,native",
            "--workload",
            "hello,sha256",
            "--budget",
            "0.2",
            "--min-samples",
            "3",
            "--max-samples",
            "8",
            "--seed",
            "7",
            "--out",
            &out,
        ];
        args.extend_from_slice(extra);
        let output = wasm_arena(&args);
        assert!(output.status.success(), "{}", text(&output));
        read_results(dir.path())
    };
    let results = budgeted(&[]);
    let settings = &results["settings"];
    assert!(settings["processes"].is_null(), "{settings}");
    assert_eq!(settings["budget"]["seconds"], 0.2);
    assert_eq!(settings["in_runtime_budget"], false);
    let cranelift = &results["runtimes"][0];
    assert!(
        cranelift["settings"]["interruption"]
            .as_str()
            .unwrap()
            .starts_with("off"),
        "{cranelift}"
    );
    for c in results["cells"].as_array().unwrap() {
        assert_eq!(c["status"], "ok", "{c}");
        let sampling = &c["sampling"];
        let samples = sampling["samples"].as_u64().unwrap();
        assert!((5..=8).contains(&samples), "{sampling}");
        assert!(sampling["processes"].as_u64().unwrap() >= 5, "{sampling}");
        assert!(sampling["probe_ns"].as_u64().unwrap() > 0, "{sampling}");
        let stop = sampling["stop"].as_str().unwrap();
        assert!(
            ["budget", "min-samples", "max-samples"].contains(&stop),
            "{sampling}"
        );
        let processes = c["processes"].as_array().unwrap();
        assert_eq!(
            processes.len() as u64,
            sampling["processes"].as_u64().unwrap()
        );
        let dealt: u64 = processes
            .iter()
            .map(|p| p["samples"].as_u64().unwrap())
            .sum();
        assert_eq!(dealt, samples, "{c}");
        assert_eq!(
            c["phases"]["execute"]["samples_ns"]
                .as_array()
                .unwrap()
                .len() as u64,
            samples
        );
        // The probe ran in a process of its own, before the measured ones.
        assert!(processes.iter().all(|p| p["warmups"] == 1), "{c}");
    }
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(report.contains("0.2 s of samples per cell"), "{report}");

    let results = budgeted(&["--in-runtime-budget"]);
    assert_eq!(results["settings"]["in_runtime_budget"], true);
    assert_eq!(results["runtimes"][0]["settings"]["interruption"], "epoch");
}

/// With `--precision`, a cell whose median is known well enough stops before
/// its budget's processes, and says so; the others keep their count.
#[test]
fn a_cell_stops_early_once_its_median_is_precise_enough() {
    let dir = tempfile::tempdir().unwrap();
    let (output, results) = {
        let out = dir.path().display().to_string();
        let args = [
            "run",
            "--size",
            "small",
            "--runtime",
            "wasmtime-cranelift",
            "--workload",
            "fib",
            "--budget",
            "10",
            "--max-samples",
            "30",
            "--precision",
            "50",
            "--seed",
            "7",
            "--out",
            &out,
        ];
        let output = wasm_arena(&args);
        (output, read_results(dir.path()))
    };
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(results["settings"]["budget"]["precision"], 0.5);
    let c = cell(&results, "wasmtime-cranelift", "fib");
    assert_eq!(c["status"], "ok", "{c}");
    let sampling = &c["sampling"];
    // 30 samples were planned over 5 processes; two are the fewest that
    // show how processes differ.
    assert_eq!(sampling["stop"], "precise", "{sampling}");
    assert_eq!(sampling["processes"], 2, "{sampling}");
    assert_eq!(c["processes"].as_array().unwrap().len(), 2);
    assert_eq!(
        sampling["samples"].as_u64().unwrap() as usize,
        c["phases"]["execute"]["samples_ns"]
            .as_array()
            .unwrap()
            .len()
    );
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(report.contains("within ±50%"), "{report}");
}

/// One sample has a median but no spread: the results say null and the
/// report says so, instead of a zero-width interval that looks exact.
#[test]
fn a_single_sample_has_no_interval_stddev_or_cv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let output = wasm_arena(&[
        "run",
        "--size",
        "small",
        "--runtime",
        "wasmtime-cranelift",
        "--workload",
        "empty",
        "--processes",
        "1",
        "--iterations",
        "1",
        "--warmup",
        "0",
        "--out",
        &out,
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let results = read_results(dir.path());
    let execute = &cell(&results, "wasmtime-cranelift", "empty")["phases"]["execute"];
    assert_eq!(
        execute["samples_ns"].as_array().unwrap().len(),
        1,
        "{execute}"
    );
    assert!(execute["median_ns"].as_f64().unwrap() > 0.0, "{execute}");
    for spread in ["stddev_ns", "cv", "ci95_ns"] {
        assert!(execute[spread].is_null(), "{spread}: {execute}");
    }
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    let row = report
        .lines()
        .find(|l| l.starts_with("| `empty` | `wasmtime-cranelift` |") && l.ends_with("| 1 |"))
        .unwrap_or_else(|| panic!("no per-phase row for the cell:\n{report}"));
    assert_eq!(row.matches('—').count(), 3, "{row}");
}

#[test]
fn listings_show_ids_versions_and_tiers() {
    let output = wasm_arena(&["list", "runtimes"]);
    assert!(output.status.success());
    let out = text(&output);
    for (id, tier) in [
        ("wasmtime-cranelift", "optimizing"),
        ("wasmtime-winch", "baseline"),
        ("wasmtime-pulley", "interpreter"),
    ] {
        let line = out
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("{id} missing: {out}"));
        assert!(line.contains(tier) && line.contains("yes"), "{line}");
    }
    let output = wasm_arena(&["list", "workloads"]);
    let out = text(&output);
    assert!(output.status.success());
    for id in STARTERS {
        assert!(out.contains(id), "{out}");
    }
}

#[test]
fn unknown_runtime_ids_exit_2_listing_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let output = wasm_arena(&[
        "run",
        "--runtime",
        "wasmtime-cranelift,wasmtime-turbo",
        "--out",
        &dir.path().display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("unknown runtime id(s): wasmtime-turbo"),
        "{err}"
    );
    assert!(
        err.contains("wasmtime-cranelift, wasmtime-winch, wasmtime-pulley"),
        "{err}"
    );
    assert!(!dir.path().join("results.json").exists(), "nothing ran");
}

#[test]
fn unknown_workload_ids_exit_2_listing_the_valid_ones() {
    let output = wasm_arena(&["run", "--workload", "sha265"]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("unknown workload id(s): sha265") && err.contains("fannkuch"),
        "{err}"
    );
}

#[test]
fn report_rerenders_a_results_directory() {
    let dir = tempfile::tempdir().unwrap();
    let (output, _) = run(
        dir.path(),
        &[
            "--runtime",
            "wasmtime-cranelift",
            "--workload",
            "empty,sha256",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    let original = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    std::fs::remove_file(dir.path().join("report.md")).unwrap();
    std::fs::remove_dir_all(dir.path().join("charts")).unwrap();

    let output = wasm_arena(&["report", &dir.path().display().to_string()]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("report.md")).unwrap(),
        original
    );
    assert!(dir.path().join("charts/execute.svg").is_file());
}

#[test]
fn report_on_a_missing_directory_is_a_clear_error() {
    let output = wasm_arena(&["report", "/nonexistent/results/dir"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("no results directory at /nonexistent/results/dir"),
        "{}",
        text(&output)
    );
}

#[test]
fn report_on_a_corrupt_results_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.json");
    std::fs::write(&path, "{\"schema_version\": 1, \"cells\": [").unwrap();
    let output = wasm_arena(&["report", &dir.path().display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("is not valid JSON (corrupt or truncated?)"),
        "{}",
        text(&output)
    );

    std::fs::write(&path, "{\"schema_version\": 1, \"cells\": []}").unwrap();
    let output = wasm_arena(&["report", &dir.path().display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("does not match the wasm-arena results schema"),
        "{}",
        text(&output)
    );

    let empty = tempfile::tempdir().unwrap();
    let output = wasm_arena(&["report", &empty.path().display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("has no readable results.json"),
        "{}",
        text(&output)
    );
}

#[test]
fn categories_select_workloads_and_unknown_ones_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (output, results) = run(
        dir.path(),
        &["--runtime", "wasmtime-cranelift", "--category", "compute"],
    );
    assert!(output.status.success(), "{}", text(&output));
    let workloads = results["workloads"].as_array().unwrap();
    assert!(workloads.len() >= 10, "every compute kernel: {workloads:?}");
    for w in workloads {
        assert_eq!(w["category"], "compute", "{w}");
        let c = cell(&results, "wasmtime-cranelift", w["id"].as_str().unwrap());
        assert_eq!(
            (&c["status"], &c["output_verified"]),
            (&"ok".into(), &true.into()),
            "{c:#}"
        );
    }

    let output = wasm_arena(&["run", "--category", "gpu"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains(
            "unknown category(s): gpu; valid: startup, compute, wasi-io, edge, plugin, data, real-world"
        ),
        "{}",
        text(&output)
    );
}

/// The catalog's component workloads: the same program as its preview-1
/// module, verified the same way and timed between the same markers where
/// components run; `unsupported` with the runtime's reason elsewhere.
#[test]
fn component_workloads_run_where_components_run() {
    wasm_arena_engines::link();
    let without: Vec<String> = wasm_arena_adapters::descriptors()
        .into_iter()
        .filter(|d| d.compiled_in() && ["wasmer", "wasmi", "wasmedge"].contains(&d.family))
        .map(|d| d.id.to_string())
        .take(1)
        .collect();
    let mut runtimes = vec!["wasmtime-cranelift".to_string()];
    runtimes.extend(without.iter().cloned());
    let dir = tempfile::tempdir().unwrap();
    let (output, results) = run(
        dir.path(),
        &["--runtime", &runtimes.join(","), "--workload", "wasiio-p2"],
    );
    assert!(output.status.success(), "{}", text(&output));
    let c = cell(&results, "wasmtime-cranelift", "wasiio-p2");
    assert_eq!(
        (&c["status"], &c["output_verified"], &c["region"]),
        (&"ok".into(), &true.into(), &"markers".into()),
        "{c:#}"
    );
    for id in &without {
        let c = cell(&results, id, "wasiio-p2");
        assert_eq!(c["status"], "unsupported", "{c:#}");
        let reason = c["error"].as_str().unwrap();
        assert!(reason.contains("WASI 0.2 components: "), "{reason}");
    }

    // Why the catalog has no `edge-p2`: once edge's heap has grown a few
    // MiB, its next write trips an assertion of Wasmtime's preview-1 adapter
    // inside the component (on V8 through jco too). A failed cell, with the
    // adapter's words, and exit status 1.
    let workloads = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workloads");
    let edge = workloads.join("wasm/edge.p2.wasm").display().to_string();
    let input = format!("{}::/input", workloads.join("inputs/edge").display());
    let dir = tempfile::tempdir().unwrap();
    let (output, results) = run(
        dir.path(),
        &[
            "--runtime",
            "wasmtime-cranelift",
            "--workload",
            &edge,
            "--dir",
            &input,
            "--arg",
            "1",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let c = &results["cells"][0];
    assert_eq!(c["status"], "failed", "{c:#}");
    let reason = c["error"].as_str().unwrap();
    assert!(
        reason.contains("the guest's last stderr line: assertion failed at adapter line"),
        "{reason}"
    );
}

/// `--scenario warm,density` on both Wasmtime allocators, the native twins
/// and a module without `_start`: figures for the in-process runtimes, the
/// pool's limit as a finding, reasons for the rest, no iteration cells.
#[test]
fn warm_and_density_scenarios_measure_in_process_hosts_and_say_why_not() {
    const HOSTS: [&str; 2] = ["wasmtime-cranelift", "wasmtime-cranelift-pooling"];
    let dir = tempfile::tempdir().unwrap();
    let no_start = format!("{}/workloads/wasm/plugin.wasm", env!("CARGO_MANIFEST_DIR"));
    let workloads = format!("hello,edge-request,{no_start}");
    let runtimes = format!("{},native", HOSTS.join(","));
    let (output, results) = run(
        dir.path(),
        &[
            "--scenario",
            "warm,density",
            "--requests",
            "5",
            "--density-levels",
            "1,10,1001",
            "--runtime",
            &runtimes,
            "--workload",
            &workloads,
        ],
    );
    // The module without `_start` cannot serve a request: a failure.
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert_eq!(
        results["cells"],
        serde_json::json!([]),
        "no iteration cells"
    );
    assert_eq!(
        results["scenario_settings"]["levels"],
        serde_json::json!([1, 10, 1001])
    );
    let scenario = |runtime: &str, workload: &str, name: &str| -> serde_json::Value {
        let all = results["scenarios"].as_array().unwrap();
        all.iter()
            .find(|c| c["runtime"] == runtime && c["workload"] == workload && c["scenario"] == name)
            .unwrap_or_else(|| panic!("no {name} cell for {runtime} on {workload}"))
            .clone()
    };
    for runtime in HOSTS {
        for workload in ["hello", "edge-request"] {
            let warm = scenario(runtime, workload, "warm");
            assert_eq!(warm["status"], "ok", "{warm:#}");
            assert_eq!(warm["warm"]["requests"], 5);
            let total = &warm["warm"]["total"];
            let samples = total["samples_ns"].as_array().unwrap();
            assert_eq!(samples.len(), 5, "{warm:#}");
            assert!(samples.iter().all(|s| s.as_u64().unwrap() > 0));
            let [p50, p99, max] =
                ["p50_ns", "p99_ns", "max_ns"].map(|k| total[k].as_f64().unwrap());
            assert!(0.0 < p50 && p50 <= p99 && p99 <= max, "{total}");
            assert!(warm["peak_rss_bytes"].as_u64().unwrap() > 1 << 20);
            // The same requests from 1 and then 2 threads at once.
            let levels = warm["warm"]["concurrency"].as_array().unwrap();
            let served: Vec<(u64, u64)> = levels
                .iter()
                .map(|l| {
                    (
                        l["threads"].as_u64().unwrap(),
                        l["requests"].as_u64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(served, [(1, 5), (2, 10)], "{warm:#}");
            for level in levels {
                assert!(level["requests_per_s"].as_f64().unwrap() > 0.0);
                let samples = level["latency"]["samples_ns"].as_array().unwrap();
                assert_eq!(samples.len() as u64, level["requests"].as_u64().unwrap());
            }

            let density = scenario(runtime, workload, "density");
            assert_eq!(density["status"], "ok", "{density:#}");
            let d = &density["density"];
            let levels = d["levels"].as_array().unwrap();
            let added: Vec<usize> = levels
                .iter()
                .map(|l| l["instantiate"]["samples_ns"].as_array().unwrap().len())
                .collect();
            assert!(d["baseline_bytes"].as_u64().unwrap() > 1 << 20);
            assert!(
                levels
                    .iter()
                    .all(|l| l["resident_bytes"].as_u64().unwrap() > 1 << 20)
            );
            if runtime == "wasmtime-cranelift-pooling" {
                // 1,000 slots: the 1,001st instance is refused, and that is
                // the finding, with the level reached.
                assert_eq!(added, [1, 9], "{d:#}");
                assert_eq!(d["reached"], 10);
                assert_eq!(d["limit"]["level"], 1001);
                let reason = d["limit"]["reason"].as_str().unwrap();
                assert!(reason.contains("instance 1001 of 1001"), "{reason}");
            } else {
                assert_eq!(added, [1, 9, 991], "{d:#}");
                assert_eq!(d["reached"], 1001);
                assert!(d.get("limit").is_none(), "{d:#}");
            }
            assert!(d["marginal_bytes_per_instance"].as_f64().is_some(), "{d:#}");
        }
        let failed = scenario(runtime, &no_start, "warm");
        assert_eq!(failed["status"], "failed", "{failed:#}");
        assert!(
            failed["error"].as_str().unwrap().contains("`_start`"),
            "{failed:#}"
        );
    }
    for name in ["warm", "density"] {
        let native = scenario("native", "hello", name);
        assert_eq!(native["status"], "unsupported", "{native:#}");
        assert!(
            native["error"].as_str().unwrap().contains("native twin"),
            "{native:#}"
        );
    }
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for section in [
        "## Warm start",
        "## Concurrency",
        "## Density",
        "charts/density.svg",
        "1001 not reached",
        "of 18 start-up scenario cells measured (5 requests per cold-start variant and per warm host",
    ] {
        assert!(report.contains(section), "{section} missing");
    }
    assert!(dir.path().join("charts/density.svg").is_file());
}

/// `--scenario cold` on Wasmtime (an artifact and the source), the native
/// twin, and where they are compiled in one id of every other family (node,
/// wasmi and WasmEdge's interpreter have no artifact): a fresh process per
/// request, every output checked; a plugin and a module without `_start`
/// say why not, and the run goes on.
#[test]
fn cold_start_spawns_a_host_process_per_request_and_times_its_first_byte() {
    let mut runtimes = vec!["wasmtime-cranelift", "native"];
    if cfg!(feature = "v8") {
        runtimes.push("v8");
    }
    if cfg!(feature = "wasmi") {
        runtimes.push("wasmi");
    }
    // One id of each other family: each has a host program of its own.
    if cfg!(feature = "wasmer") {
        runtimes.push("wasmer-singlepass");
    }
    if cfg!(feature = "wasmedge") {
        runtimes.push("wasmedge-interp");
    }
    let dir = tempfile::tempdir().unwrap();
    let no_start = format!("{}/workloads/wasm/plugin.wasm", env!("CARGO_MANIFEST_DIR"));
    let workloads = format!("hello,edge-request,plugin,edge-request-p2,{no_start}");
    let (output, results) = run(
        dir.path(),
        &[
            "--scenario",
            "cold",
            "--requests",
            "3",
            "--runtime",
            &runtimes.join(","),
            "--workload",
            &workloads,
        ],
    );
    // The module without `_start` fails on every runtime.
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let cells = results["scenarios"].as_array().unwrap();
    let cell = |runtime: &str, workload: &str, variant: Option<&str>| -> &serde_json::Value {
        cells
            .iter()
            .find(|c| {
                c["runtime"] == runtime
                    && c["workload"] == workload
                    && variant.is_none_or(|v| c["cold"]["variant"] == v)
            })
            .unwrap_or_else(|| panic!("no cold cell for {runtime} on {workload} ({variant:?})"))
    };
    for runtime in &runtimes {
        let variants: &[&str] = match *runtime {
            "wasmtime-cranelift" | "wasmer-singlepass" => &["precompiled", "source"],
            "native" => &["binary"],
            _ => &["source"],
        };
        for workload in ["hello", "edge-request"] {
            for variant in variants {
                let c = cell(runtime, workload, Some(variant));
                assert_eq!(c["scenario"], "cold");
                assert_eq!(c["status"], "ok", "{c:#}");
                let cold = &c["cold"];
                assert_eq!(cold["requests"], 3);
                for latency in ["first_byte", "exit"] {
                    let samples = cold[latency]["samples_ns"].as_array().unwrap();
                    assert_eq!(samples.len(), 3, "{cold:#}");
                    assert!(samples.iter().all(|s| s.as_u64().unwrap() > 0));
                }
                let p50 = |l: &str| cold[l]["p50_ns"].as_f64().unwrap();
                assert!(p50("first_byte") <= p50("exit"), "{cold:#}");
                // The process's own peak, not the harness's size.
                let peak = &cold["peak_rss"];
                assert_eq!(peak["samples_bytes"].as_array().unwrap().len(), 3);
                let max = peak["max_bytes"].as_u64().unwrap();
                assert!(max > 256 << 10 && max < 512 << 20, "{peak}");
                assert!(cold["program_bytes"].as_u64().unwrap() > 0);
                let start = cold["stages"]["start"]["p50_ns"].as_f64().unwrap();
                assert!(0.0 < start && start < p50("first_byte"), "{cold:#}");
                if *runtime != "native" {
                    assert!(cold["stages"]["load"]["p50_ns"].as_f64().unwrap() > 0.0);
                    assert!(cold["stages"]["instantiate"]["p50_ns"].as_f64().unwrap() > 0.0);
                }
            }
        }
        let plugin = cell(runtime, "plugin", None);
        assert_eq!(plugin["status"], "unsupported", "{plugin:#}");
        assert!(plugin["error"].as_str().unwrap().contains("reactor"));
        let component = cell(runtime, "edge-request-p2", None);
        assert_eq!(component["status"], "unsupported", "{component:#}");
        let reason = component["error"].as_str().unwrap();
        assert!(reason.contains("load core modules only"), "{reason}");
        if *runtime != "native" {
            let failed = cell(runtime, &no_start, None);
            assert_eq!(failed["status"], "failed", "{failed:#}");
            assert!(failed.get("cold").is_none());
        }
    }
    // The precompiled artifact is what makes Wasmtime's start fast.
    let load = |variant| {
        cell("wasmtime-cranelift", "edge-request", Some(variant))["cold"]["stages"]["load"]["p50_ns"]
            .as_f64()
            .unwrap()
    };
    assert!(load("precompiled") < load("source"));
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for text in [
        "## Cold start",
        "wasm-arena-cold-wasmtime",
        "1–5 ms",
        "\"instant\"",
        "reactor",
    ] {
        assert!(report.contains(text), "{text} missing");
    }
}

/// A user's own module with its arguments, environment, a directory at a
/// guest path of its choosing and an expected output is verified like a
/// catalog workload (natively too); a wrong expectation is a failed cell. A
/// user catalog's entries join the built-in ones.
#[test]
fn a_user_module_gets_its_arguments_directories_and_oracle() {
    let root = env!("CARGO_MANIFEST_DIR");
    let edge = format!("{root}/workloads/wasm/edge.wasm");
    let requests = format!("{root}/workloads/inputs/edge-request::/input::ro");
    let expected = "edge requests=1 bytes=1997 fnv=6997d0eb762cc759\n\
                    status 200=1 201=0 204=0 304=0 400=0 404=0 405=0 406=0\n";
    let dir = tempfile::tempdir().unwrap();
    let (output, results) = run(
        dir.path(),
        &[
            "--runtime",
            "wasmtime-cranelift,native",
            "--workload",
            &edge,
            "--dir",
            &requests,
            "--env",
            "TZ=UTC",
            "--expect-stdout",
            expected,
            "--",
            "1",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    for runtime in ["wasmtime-cranelift", "native"] {
        let c = cell(&results, runtime, &edge);
        assert_eq!(c["status"], "ok", "{c:#}");
        assert_eq!(c["output_verified"], true, "{c:#}");
    }
    let workload = &results["workloads"][0];
    assert_eq!(workload["args"], serde_json::json!(["edge.wasm", "1"]));
    assert_eq!(workload["verification"], "exit code 0, stdout");

    // The same module told to expect something else fails, saying why.
    let (output, results) = run(
        dir.path(),
        &[
            "--runtime",
            "wasmtime-cranelift",
            "--workload",
            &edge,
            "--dir",
            &requests,
            "--arg",
            "1",
            "--expect-stdout",
            "sha256:00",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let c = cell(&results, "wasmtime-cranelift", &edge);
    assert_eq!(c["status"], "failed", "{c:#}");
    assert!(
        c["error"].as_str().unwrap().contains("output mismatch"),
        "{c:#}"
    );

    // A catalog of one's own, paths relative to it.
    let catalog = dir.path().join("mine.toml");
    std::fs::write(
        &catalog,
        format!(
            "[[workload]]\nid = \"my-edge\"\ncategory = \"mine\"\nlanguage = \"c\"\n\
             description = \"the edge handler at /srv\"\nwasm = \"{edge}\"\n\
             dirs = {{ \"/input\" = \"{root}/workloads/inputs/edge-request\" }}\n\
             sizes.small = {{ args = [\"1\"], stdout = {expected:?} }}\n\
             sizes.default = {{ args = [\"1\"], stdout = {expected:?} }}\n"
        ),
    )
    .unwrap();
    let (output, results) = run(
        dir.path(),
        &[
            "--runtime",
            "wasmtime-cranelift",
            "--catalog",
            &catalog.display().to_string(),
            "--workload",
            "my-edge,hello",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    for workload in ["my-edge", "hello"] {
        let c = cell(&results, "wasmtime-cranelift", workload);
        assert_eq!(c["output_verified"], true, "{c:#}");
    }
}
