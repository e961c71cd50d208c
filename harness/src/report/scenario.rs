//! The cold-start, warm-start and density sections of a run's report, from
//! its [`ScenarioCell`]s: one row per (workload, runtime[, variant]), every
//! figure with its sample count, and the reason where a runtime could not do
//! the scenario.

use super::{Block, Cell, Chart, Column, Kind, Row, Section, Table, Text};
use crate::cold::Variant;
use crate::export::{format_bytes, format_ns};
use crate::results::{Results, Status};
use crate::scenario::{Latency, Scenario, ScenarioCell};

/// The seed article's cold-start claims (`../shared/seed/`), in milliseconds.
const CLAIM_WASM_MS: (f64, f64) = (1.0, 5.0);
const CLAIM_CONTAINER_MS: (f64, f64) = (100.0, 1000.0);

/// The sections for the scenarios the run measured; none for a plain run.
pub fn sections(r: &Results) -> Vec<Section> {
    let mut sections = Vec::new();
    if let Some(table) = cold_table(r) {
        let mut blocks = vec![
            Block::Paragraph(Text::from(
                "A fresh process per request, as a serverless platform starts one: spawn, load \
                 the module, instantiate, run; timed from the spawn until the first byte of \
                 stdout reached the harness (first byte) and until the process was reaped \
                 (exit). `precompiled` loads the runtime's artifact, made once beforehand; \
                 `source` compiles the .wasm at every start. Start, load and instantiate are \
                 the host's own clock: spawn until its code ran, then until the module was \
                 ready, then until the instance was. Peak is the process's own VmHWM. Each \
                 process runs one runtime only (`hosts/`, node, or the native twin).",
            )),
            Block::Table(table),
        ];
        blocks.extend(claims_table(r).map(Block::Table));
        sections.push(Section::new(
            "Cold start (a fresh process per request)",
            blocks,
        ));
    }
    if let Some(table) = warm_table(r) {
        sections.push(Section::new(
            "Warm start (one host, a fresh instance per request)",
            vec![
                Block::Paragraph(Text::from(
                    "The module is compiled once; each request instantiates it, runs the \
                     workload (checked against its oracle) and drops the instance. Percentiles \
                     over the requests.",
                )),
                Block::Table(table),
            ],
        ));
    }
    if let Some(table) = concurrency_table(r) {
        sections.push(Section::new(
            "Concurrency (one warm host, requests from threads at once)",
            vec![
                Block::Paragraph(Text::from(
                    "The warm host's requests again, from 1, 2, … threads at once sharing the \
                     compiled module (each thread serves `--requests`, each request checked). \
                     Requests per second over the wall time; latency is instantiate + run + \
                     drop. Shared instances run without the runtime's time budget, which \
                     guards one instance at a time.",
                )),
                Block::Table(table),
            ],
        ));
    }
    if let Some(table) = density_table(r) {
        sections.push(Section::new(
            "Density (instances alive at once in one host)",
            vec![
                Block::Paragraph(Text::from(
                    "Instances are made from one compiled module and kept alive, level after \
                     level; resident is the host process's VmRSS with them alive. Per instance is \
                     (resident at the highest level − at the first) ÷ the instances between.",
                )),
                Block::Table(table),
                Block::Chart(Chart {
                    path: crate::export::chart::DENSITY_CHART.into(),
                    alt: "resident size against instances alive, per runtime".into(),
                }),
            ],
        ));
    }
    sections
}

fn of(r: &Results, scenario: Scenario) -> impl Iterator<Item = &ScenarioCell> {
    r.scenarios.iter().filter(move |c| c.scenario == scenario)
}

/// The cell's status, and its reason when it has one.
fn status(c: &ScenarioCell) -> Vec<Cell> {
    vec![
        Cell::code(&c.workload),
        Cell::code(&c.runtime),
        Cell::new(c.status.to_string(), Kind::Status(c.status)),
    ]
}

fn reason(c: &ScenarioCell) -> Cell {
    Cell::text(Text::from(c.error.as_deref().unwrap_or("")))
}

pub fn warm_table(r: &Results) -> Option<Table> {
    let mut table = Table::new(vec![
        Column::left("workload"),
        Column::left("runtime"),
        Column::left("status"),
        Column::right("p50"),
        Column::right("p90"),
        Column::right("p99"),
        Column::right("max"),
        Column::right("instantiate p50"),
        Column::right("run p50"),
        Column::right("n"),
        Column::left("why not"),
    ]);
    for c in of(r, Scenario::Warm) {
        let mut row = status(c);
        match &c.warm {
            Some(w) if c.status == Status::Ok => {
                row.extend(percentiles(&w.total));
                row.push(Cell::figure(format_ns(w.instantiate.p50_ns)));
                row.push(Cell::figure(format_ns(w.run.p50_ns)));
                row.push(Cell::figure(w.requests.to_string()));
                row.push(Cell::empty());
            }
            _ => {
                row.extend((0..6).map(|_| Cell::empty()));
                row.push(Cell::figure("0"));
                row.push(reason(c));
            }
        }
        table.rows.push(Row::new(row));
    }
    (!table.rows.is_empty()).then_some(table)
}

pub fn cold_table(r: &Results) -> Option<Table> {
    let mut table = Table::new(vec![
        Column::left("workload"),
        Column::left("runtime"),
        Column::left("status"),
        Column::left("variant"),
        Column::right("first byte p50"),
        Column::right("p90"),
        Column::right("p99"),
        Column::right("max"),
        Column::right("exit p50"),
        Column::right("start · load · instantiate p50"),
        Column::right("peak (median)"),
        Column::left("program (size)"),
        Column::right("n"),
        Column::left("why not"),
    ]);
    for c in of(r, Scenario::Cold) {
        let mut row = status(c);
        let Some(cold) = c.cold.as_ref().filter(|_| c.status == Status::Ok) else {
            row.extend((0..9).map(|_| Cell::empty()));
            row.push(Cell::figure("0"));
            row.push(reason(c));
            table.rows.push(Row::new(row));
            continue;
        };
        row.push(Cell::text(Text::from(cold.variant.name())));
        row.extend(percentiles(&cold.first_byte));
        row.push(Cell::figure(format_ns(cold.exit.p50_ns)));
        let stage = |l: Option<&Latency>| l.map_or("—".to_string(), |l| format_ns(l.p50_ns));
        row.push(Cell::figure(cold.stages.as_ref().map_or(
            "—".into(),
            |s| {
                format!(
                    "{} · {} · {}",
                    stage(Some(&s.start)),
                    stage(s.load.as_ref()),
                    stage(s.instantiate.as_ref())
                )
            },
        )));
        row.push(Cell::figure(
            cold.peak_rss
                .as_ref()
                .map_or("—".into(), |m| format_bytes(m.median_bytes as u64)),
        ));
        let program = std::path::Path::new(&cold.program)
            .file_name()
            .map_or(cold.program.clone(), |n| n.to_string_lossy().into_owned());
        row.push(Cell::text(
            Text::new()
                .code(program)
                .plain(format!(" ({})", format_bytes(cold.program_bytes))),
        ));
        row.push(Cell::figure(cold.requests.to_string()));
        row.push(Cell::empty());
        table.rows.push(Row::new(row));
    }
    (!table.rows.is_empty()).then_some(table)
}

/// The seed's cold-start claims beside what this run measured, per workload:
/// the Wasm ids in their fastest variant, native, and containers.
fn claims_table(r: &Results) -> Option<Table> {
    let mut table = Table::new(vec![
        Column::left("workload"),
        Column::left("what"),
        Column::left("the seed claims"),
        Column::left("measured here (first byte p50 / p99)"),
        Column::left("holds here?"),
    ])
    .with_caption("The seed's claims, measured");
    let ok = |c: &&ScenarioCell| c.status == Status::Ok && c.cold.is_some();
    let mut workloads: Vec<&str> = of(r, Scenario::Cold)
        .filter(ok)
        .map(|c| c.workload.as_str())
        .collect();
    workloads.dedup();
    for workload in workloads {
        let cells: Vec<(&ScenarioCell, &crate::cold::ColdResult)> = of(r, Scenario::Cold)
            .filter(ok)
            .filter(|c| c.workload == workload)
            .filter_map(|c| Some((c, c.cold.as_ref()?)))
            .collect();
        // Each Wasm id at its best: the precompiled artifact where it has one.
        let mut wasm: Vec<(&str, &crate::cold::ColdResult)> = Vec::new();
        let wasm_variant = |v: Variant| matches!(v, Variant::Precompiled | Variant::Source);
        for (c, cold) in cells.iter().filter(|(_, k)| wasm_variant(k.variant)) {
            match wasm.iter_mut().find(|(id, _)| *id == c.runtime) {
                Some(best) if cold.first_byte.p50_ns < best.1.first_byte.p50_ns => best.1 = cold,
                Some(_) => {}
                None => wasm.push((&c.runtime, cold)),
            }
        }
        let ms = |ns: f64| ns / 1e6;
        let containers: Vec<(&str, &crate::cold::ColdResult)> = cells
            .iter()
            .filter(|(_, k)| k.variant == Variant::Image)
            .map(|(c, k)| (c.runtime.as_str(), *k))
            .collect();
        if !wasm.is_empty() {
            wasm.sort_by(|a, b| a.1.first_byte.p50_ns.total_cmp(&b.1.first_byte.p50_ns));
            let within = wasm
                .iter()
                .filter(|(_, c)| ms(c.first_byte.p50_ns) <= CLAIM_WASM_MS.1)
                .count();
            let (fastest, f) = wasm[0];
            let (slowest, s) = wasm[wasm.len() - 1];
            table.rows.push(Row::new(vec![
                Cell::code(workload),
                Cell::text(Text::from("Wasm cold start")),
                Cell::text(Text::from(format!(
                    "{}–{} ms (\"microseconds, not seconds\")",
                    CLAIM_WASM_MS.0, CLAIM_WASM_MS.1
                ))),
                Cell::text(Text::from(format!(
                    "fastest {fastest} ({}) {} / {}; slowest {slowest} ({}) {} / {}",
                    f.variant.name(),
                    format_ns(f.first_byte.p50_ns),
                    format_ns(f.first_byte.p99_ns),
                    s.variant.name(),
                    format_ns(s.first_byte.p50_ns),
                    format_ns(s.first_byte.p99_ns),
                ))),
                Cell::text(Text::from(format!(
                    "{within} of {} ids within {} ms at p50",
                    wasm.len(),
                    CLAIM_WASM_MS.1
                ))),
            ]));
        }
        if let Some((_, native)) = cells.iter().find(|(_, k)| k.variant == Variant::Binary) {
            let faster = wasm
                .first()
                .map(|(_, w)| w.first_byte.p50_ns / native.first_byte.p50_ns);
            table.rows.push(Row::new(vec![
                Cell::code(workload),
                Cell::text(Text::from("native process")),
                Cell::text(Text::from("\"instant\"")),
                Cell::text(Text::from(format!(
                    "{} / {}",
                    format_ns(native.first_byte.p50_ns),
                    format_ns(native.first_byte.p99_ns)
                ))),
                Cell::text(Text::from(faster.map_or(String::new(), |x| {
                    format!("the fastest Wasm id takes {x:.1}× as long")
                }))),
            ]));
        }
        table.rows.push(Row::new(vec![
            Cell::code(workload),
            Cell::text(Text::from("container")),
            Cell::text(Text::from(format!(
                "{}–{} ms (container-based serverless)",
                CLAIM_CONTAINER_MS.0, CLAIM_CONTAINER_MS.1
            ))),
            Cell::text(Text::from(match containers.is_empty() {
                true => "not measured in this run".to_string(),
                false => containers
                    .iter()
                    .map(|(id, c)| {
                        format!(
                            "{id} {} / {}",
                            format_ns(c.first_byte.p50_ns),
                            format_ns(c.first_byte.p99_ns)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            })),
            Cell::text(Text::from(if containers.is_empty() {
                String::new()
            } else {
                let within = containers
                    .iter()
                    .filter(|(_, c)| ms(c.first_byte.p50_ns) >= CLAIM_CONTAINER_MS.0)
                    .count();
                format!(
                    "{within} of {} containers at {} ms or more at p50 (runc with a local image; \
                     a platform adds pulling the image and scheduling)",
                    containers.len(),
                    CLAIM_CONTAINER_MS.0
                )
            })),
        ]));
    }
    (!table.rows.is_empty()).then_some(table)
}

pub fn concurrency_table(r: &Results) -> Option<Table> {
    let mut table = Table::new(vec![
        Column::left("workload"),
        Column::left("runtime"),
        Column::left("status"),
        Column::right("threads"),
        Column::right("requests/s"),
        Column::right("p50"),
        Column::right("p99"),
        Column::right("n"),
        Column::left("why not"),
    ]);
    for c in of(r, Scenario::Warm) {
        let Some(w) = c.warm.as_ref().filter(|_| c.status == Status::Ok) else {
            continue;
        };
        for level in &w.concurrency {
            let mut row = status(c);
            row.push(Cell::figure(level.threads.to_string()));
            row.push(Cell::figure(format!("{:.0}", level.requests_per_s)));
            row.push(Cell::figure(format_ns(level.latency.p50_ns)));
            row.push(Cell::figure(format_ns(level.latency.p99_ns)));
            row.push(Cell::figure(level.requests.to_string()));
            row.push(Cell::empty());
            table.rows.push(Row::new(row));
        }
        if let Some(reason) = &w.concurrency_refused {
            let mut row = status(c);
            row.extend((0..4).map(|_| Cell::empty()));
            row.push(Cell::figure("0"));
            row.push(Cell::text(Text::from(reason.as_str())));
            table.rows.push(Row::new(row));
        }
    }
    (!table.rows.is_empty()).then_some(table)
}

fn percentiles(l: &Latency) -> [Cell; 4] {
    [l.p50_ns, l.p90_ns, l.p99_ns, l.max_ns].map(|ns| Cell::figure(format_ns(ns)))
}

pub fn density_table(r: &Results) -> Option<Table> {
    let levels: Vec<u32> = r
        .scenario_settings
        .as_ref()
        .map(|s| s.levels.clone())
        .unwrap_or_default();
    let mut columns = vec![
        Column::left("workload"),
        Column::left("runtime"),
        Column::left("status"),
        Column::right("compiled"),
    ];
    columns.extend(levels.iter().map(|l| Column::right(format!("{l} alive"))));
    columns.extend([
        Column::right("per instance"),
        Column::right("instantiate p50 at the top"),
        Column::left("limit"),
    ]);
    let mut table = Table::new(columns);
    for c in of(r, Scenario::Density) {
        let mut row = status(c);
        let Some(d) = &c.density else {
            row.extend((0..levels.len() + 3).map(|_| Cell::empty()));
            row.push(reason(c));
            table.rows.push(Row::new(row));
            continue;
        };
        row.push(Cell::figure(format_bytes(d.baseline_bytes)));
        for level in &levels {
            let reached = d.levels.iter().find(|l| l.instances == *level);
            row.push(Cell::figure(
                reached.map_or("—".into(), |l| format_bytes(l.resident_bytes)),
            ));
        }
        row.push(Cell::figure(
            d.marginal_bytes_per_instance
                .map_or("—".into(), |b| format_bytes(b.max(0.0) as u64)),
        ));
        row.push(Cell::figure(d.levels.last().map_or("—".into(), |l| {
            format!(
                "{} (n={})",
                format_ns(l.instantiate.p50_ns),
                l.instantiate.samples_ns.len()
            )
        })));
        row.push(match &d.limit {
            Some(limit) => Cell::text(Text::from(format!(
                "{} not reached: {}",
                limit.level, limit.reason
            ))),
            None => reason(c),
        });
        table.rows.push(Row::new(row));
    }
    (!table.rows.is_empty()).then_some(table)
}
