use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Result;
use wasm_arena_adapters::RuntimeInfo;

use super::{Exporter, format_bytes, format_median_ci, format_ns};
use crate::host::Host;
use crate::job::Phase;
use crate::results::{Cell, NATIVE, PhaseResult, Results, Status};
use crate::stats::is_noisy;

fn noisy_mark(p: &PhaseResult) -> &'static str {
    if p.cv.is_some_and(is_noisy) {
        " ⚠"
    } else {
        ""
    }
}

/// `report.md`: what a person reads first.
pub struct MarkdownExporter;

impl Exporter for MarkdownExporter {
    fn export(&self, results: &Results) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        Ok(vec![(
            PathBuf::from("report.md"),
            render(results).into_bytes(),
        )])
    }
}

fn render(r: &Results) -> String {
    let mut out = String::new();
    let planned = r.runtimes.len() * r.workloads.len();
    let _ = writeln!(out, "# wasm-arena report\n");
    if r.interrupted {
        let _ = writeln!(
            out,
            "> **Interrupted.** This run was stopped before it finished: {} of {planned} cells were \
             completed and are shown; the others are missing, not failed.\n",
            r.cells.len()
        );
    } else if r.finished_at.is_none() {
        let _ = writeln!(
            out,
            "> **Incomplete.** This run has not finished (or was killed): {} of {planned} cells so far.\n",
            r.cells.len()
        );
    }
    let s = &r.settings;
    let _ = writeln!(
        out,
        "Started {} · wasm-arena {} · size `{}` · {} process(es) × {} iteration(s) after {} warm-up(s) · \
         timeout {} s · memory cap {} · seed {}\n",
        r.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        r.tool_version,
        s.size,
        s.processes,
        s.iterations,
        s.warmup,
        s.timeout_s,
        format_bytes(s.max_memory_bytes),
        s.seed
    );
    host_line(&mut out, &r.host);
    let ok = r.cells.iter().filter(|c| c.status == Status::Ok).count();
    let _ = writeln!(
        out,
        "**{ok} of {} cells measured and verified.**\n",
        r.cells.len()
    );

    let _ = writeln!(
        out,
        "## Execute time (median and 95% confidence interval)\n"
    );
    summary_matrix(&mut out, r);
    native_ratios(&mut out, r);
    plugin_calls(&mut out, r);

    for phase in Phase::ALL {
        let _ = writeln!(out, "## {} phase\n", capitalised(phase.name()));
        phase_table(&mut out, r, phase);
        let _ = writeln!(
            out,
            "![{} time per workload and runtime](charts/{}.svg)\n",
            phase.name(),
            phase.name()
        );
    }

    compile_throughput(&mut out, r);

    let _ = writeln!(out, "## Memory and processes\n");
    process_table(&mut out, r);

    let failures: Vec<&Cell> = r.cells.iter().filter(|c| c.status != Status::Ok).collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "## Failures\n");
        for c in failures {
            let _ = writeln!(
                out,
                "- **{}** on `{}`: {} — {}",
                c.runtime,
                c.workload,
                c.status,
                c.error.as_deref().unwrap_or("no reason recorded")
            );
        }
        let _ = writeln!(out);
    }

    runtimes_table(&mut out, &r.runtimes);
    let _ = writeln!(
        out,
        "## Workloads\n\n| id | category | language | size | sha256 | args | checked |\n|---|---|---|---|---|---|---|"
    );
    for w in &r.workloads {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | `{}` | {} |",
            w.id,
            w.category,
            w.language.as_deref().unwrap_or("?"),
            w.size_bytes.map_or("missing".into(), format_bytes),
            w.sha256
                .as_deref()
                .map_or("—".into(), |h| format!("`{}…`", &h[..12])),
            w.args.join(" "),
            w.verification
        );
    }
    out.push_str(HOW_TO_READ);
    out
}

/// The machine, in one line.
pub(crate) fn host_line(out: &mut String, h: &Host) {
    let _ = writeln!(
        out,
        "Host: {} ({} logical cores), {}, {}, kernel {}; hardware counters {}.\n",
        h.cpu_model,
        h.cores,
        format_bytes(h.memory_bytes),
        h.os,
        h.kernel,
        h.perf_counters
    );
}

/// Every runtime with its version, settings and what it cannot do.
pub(crate) fn runtimes_table(out: &mut String, runtimes: &[RuntimeInfo]) {
    let _ = writeln!(
        out,
        "## Runtimes\n\n| id | family | version | tier | settings | not supported |\n|---|---|---|---|---|---|"
    );
    for rt in runtimes {
        let settings: Vec<String> = rt
            .settings
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let unsupported: Vec<String> = rt
            .unsupported
            .iter()
            .map(|(capability, why)| format!("{capability}: {why}"))
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            rt.id,
            rt.family,
            rt.version,
            rt.tier,
            settings.join(", "),
            if unsupported.is_empty() {
                "—".into()
            } else {
                unsupported.join("; ")
            }
        );
    }
    let _ = writeln!(out);
}

/// Workloads down, runtimes across: execute medians, or the status of a failed cell.
fn summary_matrix(out: &mut String, r: &Results) {
    matrix(
        out,
        r,
        |_| true,
        |rt, w| {
            Some(match r.cell(rt, w) {
                None => "not run".to_string(),
                Some(c) if c.status != Status::Ok => format!("**{}**", c.status),
                Some(c) => match c.phases.get(&Phase::Execute) {
                    Some(p) => format!("{}{}", format_median_ci(p), noisy_mark(p)),
                    None => "no samples".into(),
                },
            })
        },
    );
}

/// The header of a table with one column per runtime after `first`.
fn runtime_columns(out: &mut String, r: &Results, first: &str) {
    let _ = write!(out, "| {first} |");
    for rt in &r.runtimes {
        let _ = write!(out, " `{}` |", rt.id);
    }
    let _ = write!(out, "\n|---|");
    for _ in &r.runtimes {
        let _ = write!(out, "---:|");
    }
    let _ = writeln!(out);
}

/// A table of workloads down and runtimes across, for the workloads `rows`
/// keeps, with `value` formatting one cell (`None`: no figure).
fn matrix(
    out: &mut String,
    r: &Results,
    rows: impl Fn(&crate::results::WorkloadRecord) -> bool,
    value: impl Fn(&str, &str) -> Option<String>,
) {
    runtime_columns(out, r, "workload");
    for w in r.workloads.iter().filter(|w| rows(w)) {
        let _ = write!(out, "| `{}` |", w.id);
        for rt in &r.runtimes {
            let text = value(&rt.id, &w.id).unwrap_or_else(|| "—".into());
            let _ = write!(out, " {text} |");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out);
}

/// Execute time relative to the native twin, and its geometric mean per category.
fn native_ratios(out: &mut String, r: &Results) {
    if r.runtime(NATIVE).is_none() {
        return;
    }
    let _ = writeln!(
        out,
        "## Relative to native (execute median ÷ the native twin's; lower is faster)\n"
    );
    matrix(
        out,
        r,
        |w| r.native_ratio(NATIVE, &w.id).is_some(),
        |rt, w| r.native_ratio(rt, w).map(|x| format!("{x:.2}×")),
    );
    let mut categories: Vec<&str> = r.workloads.iter().map(|w| w.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    let _ = writeln!(out, "Geometric mean per category (workloads counted):\n");
    runtime_columns(out, r, "category");
    for category in categories {
        if r.geomean_native_ratio(NATIVE, category).is_none() {
            continue;
        }
        let _ = write!(out, "| {category} |");
        for rt in &r.runtimes {
            let text = r
                .geomean_native_ratio(&rt.id, category)
                .map_or("—".into(), |(g, n)| format!("{g:.2}× ({n})"));
            let _ = write!(out, " {text} |");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out);
}

fn plugin_calls(out: &mut String, r: &Results) {
    if r.workloads.iter().all(|w| w.calls.is_none()) {
        return;
    }
    let _ = writeln!(
        out,
        "## Plugin calls (execute median ÷ calls: one host → guest `process` call with its \
         copies in and out, and one guest → host `arena.echo`)\n"
    );
    matrix(
        out,
        r,
        |w| w.calls.is_some(),
        |rt, w| r.per_call_ns(rt, w).map(format_ns),
    );
}

fn compile_throughput(out: &mut String, r: &Results) {
    let _ = writeln!(
        out,
        "## Compile throughput (module size ÷ compile median, MB/s)\n"
    );
    matrix(
        out,
        r,
        |w| w.size_bytes.is_some(),
        |rt, w| r.compile_mb_per_s(rt, w).map(|x| format!("{x:.1}")),
    );
}

fn phase_table(out: &mut String, r: &Results, phase: Phase) {
    let _ = writeln!(
        out,
        "| workload | runtime | median | 95% CI | mean ± sd | min | p5–p95 | CV | n |\n|---|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    for c in &r.cells {
        if c.status == Status::Ok && !c.phases.contains_key(&phase) {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | n/a (happens before the run) | | | | | | 0 |",
                c.workload, c.runtime
            );
            continue;
        }
        // A cell that did not succeed shows its status, never the samples it
        // made before failing.
        let Some(p) = c.phases.get(&phase).filter(|_| c.status == Status::Ok) else {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | **{}** | | | | | | {} |",
                c.workload,
                c.runtime,
                c.status,
                c.phases.get(&phase).map_or(0, |p| p.samples_ns.len())
            );
            continue;
        };
        // One sample has no spread: its interval, SD and CV cells say so.
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} | {} ± {} | {} | {}–{} | {}{} | {} |",
            c.workload,
            c.runtime,
            format_ns(p.median_ns),
            p.ci95_ns.map_or("—".into(), |[lo, hi]| format!(
                "{}–{}",
                format_ns(lo),
                format_ns(hi)
            )),
            format_ns(p.mean_ns),
            p.stddev_ns.map_or("—".into(), format_ns),
            format_ns(p.min_ns),
            format_ns(p.p5_ns),
            format_ns(p.p95_ns),
            p.cv.map_or("—".into(), |cv| format!("{:.1}%", cv * 100.0)),
            noisy_mark(p),
            p.samples_ns.len()
        );
    }
    let _ = writeln!(out);
}

fn process_table(out: &mut String, r: &Results) {
    let _ = writeln!(
        out,
        "| workload | runtime | status | peak RSS | user CPU | sys CPU | worker start-up | execute covers |\n|---|---|---|---:|---:|---:|---:|---|"
    );
    for c in &r.cells {
        let n = c.processes.len().max(1) as f64;
        let user: u64 = c.processes.iter().map(|p| p.usage.user_ns).sum();
        let sys: u64 = c.processes.iter().map(|p| p.usage.sys_ns).sum();
        let spawns: Vec<f64> = c
            .processes
            .iter()
            .filter_map(|p| p.spawn_ns.map(|v| v as f64))
            .collect();
        let spawn = if spawns.is_empty() {
            "—".into()
        } else {
            format_ns(crate::stats::median(&spawns))
        };
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} | {} | {} | {} | {} |",
            c.workload,
            c.runtime,
            c.status,
            c.peak_rss_bytes.map_or("—".into(), format_bytes),
            format_ns(user as f64 / n),
            format_ns(sys as f64 / n),
            spawn,
            match c.region {
                Some(wasm_arena_adapters::TimedRegion::Markers) => "bench.start → bench.end",
                Some(wasm_arena_adapters::TimedRegion::WholeStart) => "_start → exit",
                Some(wasm_arena_adapters::TimedRegion::PluginCalls) => "host's `process` calls",
                None => "—",
            }
        );
    }
    let _ = writeln!(out);
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

const HOW_TO_READ: &str = "
## How to read this report

- Each **cell** is one runtime on one workload, run in its own worker processes; each
  iteration compiles, instantiates and executes the module afresh. Warm-up iterations are
  discarded. **Compile** is validation plus code generation, **instantiate** is linking WASI and
  creating the instance, **execute** is the guest's measured region: between its `bench.start`
  and `bench.end` calls when it has them, else from `_start` to exit.
- **Median** is the headline; the **95% CI** is a bootstrap interval of the median: when two
  runtimes' intervals overlap, the difference between them is not established by this run.
  **CV** is stddev / mean; ⚠ marks CV above 10%, a noisy measurement worth repeating. A
  single sample has no interval, stddev or CV: those show —.
- A cell that failed, trapped, timed out, crashed or printed a wrong answer shows its status
  instead of a time; its reason is under *Failures*. Outputs are checked on every iteration.
- **Peak RSS** is the largest resident set of the cell's worker processes (compiler included);
  CPU times are per process; **worker start-up** (spawning the process until it has read its
  job) is outside every phase.
- Raw samples are in `samples.csv` and `results.json`; `wasm-arena report DIR` re-renders this file.
";
