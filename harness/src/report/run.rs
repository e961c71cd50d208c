//! A run's report: what it says about a [`Results`] — which sections, which
//! figures, which cells are flagged noisy — as a [`Report`].

use super::common::capitalised;
use super::{Block, Cell, Chart, Column, Kind, Report, Row, Section, Table, Text, common};
use std::collections::BTreeMap;

use crate::conformance::export::cell_label;
use crate::conformance::{SandboxRates, Verdict};
use crate::export::heatmap::{self, Reference};
use crate::export::pareto::{self, Tradeoff};
use crate::export::{format_bytes, format_median_ci, format_ns};
use crate::phase::Phase;
use crate::recommend::{self, Evidence};
use crate::results::{MemoryFigure, NATIVE, PhaseResult, Results, Status, WorkloadRecord};
use crate::stats::{NOISY_CV, is_noisy};
use wasm_arena_adapters::TimedRegion;

pub fn build(r: &Results) -> Report {
    // The answer first, then the overview, then the figures behind them.
    let mut sections: Vec<Section> = recommendation(r).into_iter().collect();
    // A run of only the warm and density scenarios has no iteration cells.
    let only_scenarios = r.cells.is_empty() && !r.scenarios.is_empty();
    if !only_scenarios {
        sections.extend(iteration_sections(r));
    }
    sections.extend(super::comparison::section(r));
    sections.extend(super::scenario::sections(r));
    sections.extend(conformance(r));
    sections.extend(failures(r));
    sections.push(common::runtimes(&r.runtimes));
    sections.push(Section::new(
        "Workloads",
        vec![Block::Table(workloads_table(&r.workloads))],
    ));
    sections.push(how_to_read());
    Report {
        title: "wasm-arena report".into(),
        preamble: preamble(r),
        sections,
    }
}

/// Every built-in profile's ranking from this run alone, once it has ended
/// (a run in progress rewrites its report after every cell), when it has
/// two Wasm runtimes to rank.
pub fn recommendation(r: &Results) -> Option<Section> {
    let ended = r.finished_at.is_some() || r.interrupted;
    let evidence = Evidence {
        runs: vec![r],
        conformance: r.sandbox.as_ref(),
    };
    if !ended || evidence.candidates().len() < 2 {
        return None;
    }
    Some(super::recommend::summary(&recommend::builtin(
        &evidence,
        r.settings.seed,
    )))
}

/// The sections of the iteration cells: the overview, execute, each phase,
/// compile throughput, trade-offs, memory and processes.
fn iteration_sections(r: &Results) -> Vec<Section> {
    let overview: Vec<Block> = [Reference::Native, Reference::Best]
        .into_iter()
        .filter(|reference| heatmap::available(r, *reference))
        .map(|reference| {
            Block::Chart(Chart {
                path: reference.path().to_string(),
                alt: match reference {
                    Reference::Native => {
                        "execute time relative to native code, workloads × runtimes"
                    }
                    Reference::Best => {
                        "execute time relative to the fastest Wasm runtime, workloads × runtimes"
                    }
                }
                .to_string(),
            })
        })
        .collect();
    let mut sections = Vec::new();
    if !overview.is_empty() {
        sections.push(Section::new("Overview", overview));
    }
    sections.push(Section::new(
        "Execute time (median and 95% confidence interval)",
        vec![Block::Table(summary_matrix(r))],
    ));
    sections.extend(native_ratios(r));
    sections.extend(plugin_calls(r));
    for phase in Phase::ALL {
        sections.push(Section::new(
            format!("{} phase", capitalised(phase.name())),
            vec![
                Block::Table(phase_table(r, phase)),
                Block::Chart(Chart {
                    path: format!("charts/{}.svg", phase.name()),
                    alt: format!("{} time per workload and runtime", phase.name()),
                }),
            ],
        ));
    }
    sections.push(Section::new(
        "Compile throughput (module size ÷ compile median, MB/s)",
        vec![Block::Table(matrix(
            r,
            |w| w.size_bytes.is_some(),
            |rt, w| {
                r.compile_mb_per_s(rt, w)
                    .map(|x| Cell::figure(format!("{x:.1}")))
            },
        ))],
    ));
    sections.push(tradeoffs(r));
    sections.push(memory(r));
    sections.push(Section::new(
        "Processes",
        vec![Block::Table(process_table(r))],
    ));
    sections
}

/// Whether the run is complete, how it was run, where, and the headline.
fn preamble(r: &Results) -> Vec<Block> {
    let mut blocks = Vec::new();
    let planned = r.runtimes.len() * r.workloads.len();
    if r.interrupted {
        blocks.push(Block::Notice(Text::new().strong("Interrupted.").plain(format!(
            " This run was stopped before it finished: {} of {planned} cells were completed and \
             are shown; the others are missing, not failed.",
            r.cells.len()
        ))));
    } else if r.finished_at.is_none() {
        blocks.push(Block::Notice(Text::new().strong("Incomplete.").plain(
            format!(
                " This run has not finished (or was killed): {} of {planned} cells so far.",
                r.cells.len()
            ),
        )));
    }
    let s = &r.settings;
    blocks.push(Block::Paragraph(
        Text::new()
            .plain(format!(
                "Started {} · wasm-arena {} · size ",
                r.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
                r.tool_version,
            ))
            .code(s.size.to_string())
            .plain(format!(
                " · {} · timeout {} s ({}) · memory cap {} · seed {}",
                s.repetitions(),
                s.timeout_s,
                if s.in_runtime_budget {
                    "enforced by each runtime: Wasmtime's epochs, wasmi's fuel, …"
                } else {
                    "runtimes in their default configuration; a worker past it is killed"
                },
                format_bytes(s.max_memory_bytes),
                s.seed
            )),
    ));
    blocks.push(common::host(&r.host));
    let ok = r.cells.iter().filter(|c| c.status == Status::Ok).count();
    // A run of only the start-up scenarios has no iteration cells to count.
    let mut headline = match r.cells.len() {
        0 if r.scenario_settings.is_some() => String::new(),
        cells => format!("{ok} of {cells} cells measured and verified."),
    };
    if let Some(s) = &r.scenario_settings {
        let done = r
            .scenarios
            .iter()
            .filter(|c| c.status == Status::Ok)
            .count();
        let levels: Vec<String> = s.levels.iter().map(u32::to_string).collect();
        if !headline.is_empty() {
            headline.push(' ');
        }
        headline.push_str(&format!(
            "{done} of {} start-up scenario cells measured ({} requests per cold-start variant \
             and per warm host; density levels {}).",
            r.scenarios.len(),
            s.requests,
            levels.join(", ")
        ));
    }
    blocks.push(Block::Paragraph(Text::new().strong(headline)));
    blocks
}

/// Whether a phase's spread makes it suspect.
fn noisy(p: &PhaseResult) -> bool {
    p.cv.is_some_and(is_noisy)
}

/// Workloads down, runtimes across: execute medians with their 95% CI, or
/// the status of a cell that did not succeed. The terminal shows it after a run.
pub fn summary_matrix(r: &Results) -> Table {
    matrix(
        r,
        |_| true,
        |rt, w| {
            Some(match r.cell(rt, w) {
                None => Cell::missing("not run"),
                Some(c) if c.status != Status::Ok => Cell::status(c.status),
                Some(c) => match c.phases.get(&Phase::Execute) {
                    Some(p) => Cell::figure(format_median_ci(p)).noisy(noisy(p)),
                    None => Cell::text("no samples"),
                },
            })
        },
    )
    .with_caption("execute (median [95% CI])")
}

/// Columns: `first`, then one per runtime.
fn runtime_columns(r: &Results, first: &str) -> Vec<Column> {
    std::iter::once(Column::left(first))
        .chain(
            r.runtimes
                .iter()
                .map(|rt| Column::right(Text::new().code(&rt.id))),
        )
        .collect()
}

/// Workloads down and runtimes across, for the workloads `rows` keeps, with
/// `value` giving one cell (`None`: no figure).
fn matrix(
    r: &Results,
    rows: impl Fn(&WorkloadRecord) -> bool,
    value: impl Fn(&str, &str) -> Option<Cell>,
) -> Table {
    let mut table = Table::new(runtime_columns(r, "workload"));
    for w in r.workloads.iter().filter(|w| rows(w)) {
        let mut cells = vec![Cell::code(&w.id)];
        cells.extend(
            r.runtimes
                .iter()
                .map(|rt| value(&rt.id, &w.id).unwrap_or_else(|| Cell::text("—"))),
        );
        table.rows.push(Row::new(cells));
    }
    table
}

/// Execute time relative to the native twin, and its geometric mean per
/// category; nothing without a native column.
fn native_ratios(r: &Results) -> Option<Section> {
    r.runtime(NATIVE)?;
    let ratios = matrix(
        r,
        |w| r.native_ratio(NATIVE, &w.id).is_some(),
        |rt, w| {
            r.native_ratio(rt, w)
                .map(|x| Cell::figure(format!("{x:.2}×")))
        },
    );
    let mut categories: Vec<&str> = r.workloads.iter().map(|w| w.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    let mut means = Table::new(runtime_columns(r, "category"));
    for category in categories {
        if r.geomean_native_ratio(NATIVE, category).is_none() {
            continue;
        }
        let mut cells = vec![Cell::text(category)];
        cells.extend(r.runtimes.iter().map(|rt| {
            r.geomean_native_ratio(&rt.id, category)
                .map_or(Cell::text("—"), |(g, n)| {
                    Cell::figure(format!("{g:.2}× ({n})"))
                })
        }));
        means.rows.push(Row::new(cells));
    }
    Some(Section::new(
        "Relative to native (execute median ÷ the native twin's; lower is faster)",
        vec![
            Block::Table(ratios),
            Block::Paragraph("Geometric mean per category (workloads counted):".into()),
            Block::Table(means),
        ],
    ))
}

/// The cost of one plugin call; nothing without a plugin workload.
fn plugin_calls(r: &Results) -> Option<Section> {
    if r.workloads.iter().all(|w| w.calls.is_none()) {
        return None;
    }
    Some(Section::new(
        Text::markup(
            "Plugin calls (execute median ÷ calls: one host → guest `process` call with its \
             copies in and out, and one guest → host `arena.echo`)",
        ),
        vec![Block::Table(matrix(
            r,
            |w| w.calls.is_some(),
            |rt, w| r.per_call_ns(rt, w).map(|ns| Cell::figure(format_ns(ns))),
        ))],
    ))
}

/// Every cell's statistics for one phase.
fn phase_table(r: &Results, phase: Phase) -> Table {
    let mut columns = vec![Column::left("workload"), Column::left("runtime")];
    columns
        .extend(["median", "95% CI", "mean ± sd", "min", "p5–p95", "CV", "n"].map(Column::right));
    let mut table = Table::new(columns);
    for c in &r.cells {
        let mut cells = vec![Cell::code(&c.workload), Cell::code(&c.runtime)];
        if c.status == Status::Ok && !c.phases.contains_key(&phase) {
            cells.push(Cell::text("n/a (happens before the run)"));
            cells.extend((0..5).map(|_| Cell::empty()));
            cells.push(Cell::figure("0"));
        } else if let Some(p) = c.phases.get(&phase).filter(|_| c.status == Status::Ok) {
            // One sample has no spread: its interval, SD and CV cells say so.
            let dash = || "—".to_string();
            cells.extend([
                Cell::figure(format_ns(p.median_ns)),
                Cell::figure(p.ci95_ns.map_or_else(dash, |[lo, hi]| {
                    format!("{}–{}", format_ns(lo), format_ns(hi))
                })),
                Cell::figure(format!(
                    "{} ± {}",
                    format_ns(p.mean_ns),
                    p.stddev_ns.map_or_else(dash, format_ns)
                )),
                Cell::figure(format_ns(p.min_ns)),
                Cell::figure(format!("{}–{}", format_ns(p.p5_ns), format_ns(p.p95_ns))),
                Cell::figure(p.cv.map_or_else(dash, |cv| format!("{:.1}%", cv * 100.0)))
                    .noisy(noisy(p)),
                Cell::figure(p.samples_ns.len().to_string()),
            ]);
        } else {
            // A cell that did not succeed shows its status, never the samples
            // it made before failing.
            cells.push(Cell::status(c.status));
            cells.extend((0..5).map(|_| Cell::empty()));
            cells.push(Cell::figure(
                c.phases
                    .get(&phase)
                    .map_or(0, |p| p.samples_ns.len())
                    .to_string(),
            ));
        }
        table.rows.push(Row::new(cells));
    }
    table
}

/// Resident memory by phase and linear memory per cell, read by the process
/// that ran the guest; older results files only have `wait4`'s figure.
fn memory(r: &Results) -> Section {
    let title = "Memory (medians over the measured iterations)";
    if r.schema_version < 2 {
        let note = "This results file predates memory read by the process that ran the guest \
                    (schema 1): its peak RSS is wait4's, which includes the size of the process \
                    that started the worker, so it is not shown. Re-run to measure memory.";
        return Section::new(title, vec![Block::Notice(Text::from(note))]);
    }
    let mut table = Table::new(vec![
        Column::left("workload"),
        Column::left("runtime"),
        Column::left("status"),
        Column::right("after compile"),
        Column::right("after instantiate"),
        Column::right("execute peak"),
        Column::right("linear memory"),
        Column::right("process peak"),
        Column::right("n"),
    ]);
    for c in &r.cells {
        let figure = |f: Option<&MemoryFigure>| {
            Cell::figure(f.map_or("—".into(), |f| format_bytes(f.median_bytes as u64)))
        };
        let m = c.memory.as_ref();
        let n = m
            .and_then(|m| m.execute_peak.as_ref().or(m.linear_memory.as_ref()))
            .map_or(0, |f| f.samples_bytes.len());
        table.rows.push(Row::new(vec![
            Cell::code(&c.workload),
            Cell::code(&c.runtime),
            Cell::new(c.status.to_string(), Kind::Status(c.status)),
            figure(m.and_then(|m| m.after_compile.as_ref())),
            figure(m.and_then(|m| m.after_instantiate.as_ref())),
            figure(m.and_then(|m| m.execute_peak.as_ref())),
            figure(m.and_then(|m| m.linear_memory.as_ref())),
            Cell::figure(c.peak_rss_bytes.map_or("—".into(), format_bytes)),
            Cell::figure(n.to_string()),
        ]));
    }
    Section::new(title, vec![Block::Table(table)])
}

/// CPU time and worker start-up per cell.
fn process_table(r: &Results) -> Table {
    let mut table = Table::new(vec![
        Column::left("workload"),
        Column::left("runtime"),
        Column::left("status"),
        Column::right("user CPU"),
        Column::right("sys CPU"),
        Column::right("worker start-up"),
        Column::left("execute covers"),
        Column::right("samples"),
        Column::left("why that many"),
    ]);
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
        let covers = match c.region {
            Some(TimedRegion::Markers) => Text::from("bench.start → bench.end"),
            Some(TimedRegion::WholeStart) => Text::from("_start → exit"),
            Some(TimedRegion::PluginCalls) => Text::markup("host's `process` calls"),
            None => Text::from("—"),
        };
        table.rows.push(Row::new(vec![
            Cell::code(&c.workload),
            Cell::code(&c.runtime),
            Cell::new(c.status.to_string(), Kind::Status(c.status)),
            Cell::figure(format_ns(user as f64 / n)),
            Cell::figure(format_ns(sys as f64 / n)),
            Cell::figure(spawn),
            Cell::text(covers),
            Cell::figure(format!(
                "{} in {} process(es)",
                c.processes.iter().map(|p| p.samples).sum::<u32>(),
                c.processes.len()
            )),
            Cell::text(Text::from(match c.sampling {
                Some(s) => match s.probe_ns {
                    Some(probe) => {
                        format!("{} (probe {})", s.stop.describe(), format_ns(probe as f64))
                    }
                    None => s.stop.describe().to_string(),
                },
                None => "—".into(),
            })),
        ]));
    }
    table
}

/// Every cell that did not succeed, with its reason; nothing when all did.
/// Execute time against memory and against start-up, per category.
fn tradeoffs(r: &Results) -> Section {
    let mut blocks = vec![Block::Paragraph(Text::from(
        "Per workload category, each runtime is a point: the geometric mean over the category's \
         workloads (a runtime with a failed cell in the category is left out and named). The \
         Pareto frontier joins the runtimes that no other beats on both figures: any other \
         choice gives something up for nothing.",
    ))];
    for tradeoff in [Tradeoff::Memory, Tradeoff::Startup] {
        blocks.push(if pareto::available(r, tradeoff) {
            Block::Chart(Chart {
                path: tradeoff.path().to_string(),
                alt: match tradeoff {
                    Tradeoff::Memory => "execute time against peak memory per category, with the Pareto frontier",
                    Tradeoff::Startup => "start-up against execute time per category, with the Pareto frontier",
                }
                .to_string(),
            })
        } else {
            Block::Paragraph(Text::from(match tradeoff {
                Tradeoff::Memory if r.schema_version < 2 => {
                    "No memory trade-off: this run's memory figures are wait4's (results schema 1), \
                     which carry the harness's own size."
                }
                Tradeoff::Memory => "No memory trade-off: no category has two runtimes with memory figures.",
                Tradeoff::Startup => "No start-up trade-off: no category has two runtimes with compile and instantiate times.",
            }))
        });
    }
    Section::new("Trade-offs (Pareto frontiers)", blocks)
}

/// The conformance and sandbox findings kept with the run (`report DIR
/// --conformance CDIR`), per runtime.
fn conformance(r: &Results) -> Option<Section> {
    let rates = r.sandbox.as_ref()?;
    let mut table = Table::new(vec![
        Column::left("runtime"),
        Column::left("version"),
        Column::right("wasi suite passed"),
        Column::right("sandbox suite passed"),
        Column::right("escape tests held"),
        Column::left("escaped (guest reached the host)"),
        Column::left("crashed the host"),
        Column::left("other sandbox failures"),
    ]);
    let list = |names: Option<&Vec<String>>| match names {
        None => Cell::missing("not kept"),
        Some(n) if n.is_empty() => Cell::text("none"),
        Some(n) => Cell::new(n.join(", "), Kind::Status(Status::Failed)),
    };
    for rate in &rates.runtimes {
        let others: Vec<String> = rate
            .failed
            .iter()
            .filter(|t| !rate.escaped.iter().flatten().any(|e| e == *t))
            .cloned()
            .collect();
        table.rows.push(Row::new(vec![
            Cell::code(&rate.runtime),
            Cell::text(rate.version.as_str()),
            rate.wasi.map_or_else(
                || Cell::missing("not kept"),
                |[ran, passed]| Cell::figure(format!("{passed}/{ran}")),
            ),
            Cell::figure(format!("{}/{}", rate.passed, rate.ran)),
            Cell::figure(format!("{}/{}", rate.escapes_passed, rate.escapes_ran)),
            list(rate.escaped.as_ref()),
            list(rate.crashed.as_ref()),
            Cell::text(if others.is_empty() {
                "none".to_string()
            } else {
                others.join(", ")
            }),
        ]));
    }
    let mut blocks = vec![
            Block::Paragraph(Text::new().plain("From ").code(&rates.source).plain(format!(
                ", measured {} by `wasm-arena conformance` (the whole matrix is in that directory's \
                 conformance.md). Failures include those the runtimes' expectation files know of.",
                rates.measured_at.format("%Y-%m-%d")
            ))),
            Block::Table(table),
    ];
    blocks.extend(verdict_matrix(rates).map(Block::Table));
    Some(Section::new("Conformance and sandbox", blocks))
}

/// Tests down, runtimes across, every verdict; `None` when the kept
/// findings predate the matrix.
fn verdict_matrix(rates: &SandboxRates) -> Option<Table> {
    let columns: Vec<(&str, &BTreeMap<String, Verdict>)> = rates
        .runtimes
        .iter()
        .map(|r| Some((r.runtime.as_str(), r.verdicts.as_ref()?)))
        .collect::<Option<_>>()?;
    let mut tests: Vec<&String> = columns.iter().flat_map(|(_, v)| v.keys()).collect();
    tests.sort();
    tests.dedup();
    let mut header = vec![Column::left("test")];
    header.extend(
        columns
            .iter()
            .map(|(id, _)| Column::left(Text::new().code(*id))),
    );
    let mut table = Table::new(header).with_caption("conformance matrix");
    for test in tests {
        let mut cells = vec![Cell::code(test.as_str())];
        cells.extend(
            columns
                .iter()
                .map(|(_, verdicts)| match verdicts.get(test) {
                    Some(v) => Cell::new(cell_label(*v), Kind::Verdict(*v)),
                    None => Cell::missing("—"),
                }),
        );
        table.rows.push(Row::new(cells));
    }
    Some(table)
}

fn failures(r: &Results) -> Option<Section> {
    let items: Vec<Text> = r
        .cells
        .iter()
        .filter(|c| c.status != Status::Ok)
        .map(|c| {
            Text::new()
                .strong(&c.runtime)
                .plain(" on ")
                .code(&c.workload)
                .plain(format!(
                    ": {} — {}",
                    c.status,
                    common::reason(c.error.as_deref())
                ))
        })
        .collect();
    (!items.is_empty()).then(|| Section::new("Failures", vec![Block::List(items)]))
}

fn workloads_table(workloads: &[WorkloadRecord]) -> Table {
    let mut table = Table::new(
        [
            "id", "category", "language", "size", "sha256", "args", "checked",
        ]
        .map(Column::left)
        .to_vec(),
    );
    for w in workloads {
        table.rows.push(Row::new(vec![
            Cell::code(&w.id),
            Cell::text(w.category.as_str()),
            Cell::text(w.language.as_deref().unwrap_or("?")),
            Cell::figure(w.size_bytes.map_or("missing".into(), format_bytes)),
            w.sha256
                .as_deref()
                .map_or(Cell::text("—"), |h| Cell::code(format!("{}…", &h[..12]))),
            Cell::code(w.args.join(" ")),
            Cell::text(w.verification.as_str()),
        ]));
    }
    table
}

fn how_to_read() -> Section {
    let items = [
        "Each **cell** is one runtime on one workload, run in its own worker processes; each
iteration compiles, instantiates and executes the module afresh. Warm-up iterations are
discarded. **Compile** is validation plus code generation, **instantiate** is linking WASI and
creating the instance, **execute** is the guest's measured region: between its `bench.start`
and `bench.end` calls when it has them, else from `_start` to exit."
            .to_string(),
        format!(
            "**Median** is the headline; the **95% CI** is a bootstrap interval of the median: when two
runtimes' intervals overlap, the difference between them is not established by this run.
**CV** is stddev / mean; ⚠ marks CV above {:.0}%, a noisy measurement worth repeating. A
single sample has no interval, stddev or CV: those show —.",
            NOISY_CV * 100.0
        ),
        "A cell that failed, trapped, timed out, crashed or printed a wrong answer shows its status
instead of a time; its reason is under *Failures*. Outputs are checked on every iteration."
            .to_string(),
        "**Memory** is read by the process that ran the guest, from its own `/proc/self/status`
(the worker for in-process runtimes, the twin or node for out-of-process ones): resident size
after compile and after instantiate, the peak while the guest ran (the high-water mark is reset
before execute), the guest's linear memory at the end, and the process's peak over its life
(warm-ups, runtime and compiler included). CPU times are per process; **worker start-up**
(spawning the process until it has read its job) is outside every phase."
            .to_string(),
        "Raw samples are in `samples.csv` and `results.json`; `wasm-arena report DIR` re-renders this file."
            .to_string(),
    ];
    Section::new(
        "How to read this report",
        vec![Block::List(
            items.iter().map(|item| Text::markup(item)).collect(),
        )],
    )
}
