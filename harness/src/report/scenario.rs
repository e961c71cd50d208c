//! The warm-start and density sections of a run's report, from its
//! [`ScenarioCell`]s: one row per (workload, runtime), every figure with its
//! sample count, and the reason where a runtime could not do the scenario.

use super::{Block, Cell, Chart, Column, Kind, Row, Section, Table, Text};
use crate::export::{format_bytes, format_ns};
use crate::results::{Results, Status};
use crate::scenario::{Latency, Scenario, ScenarioCell};

/// The sections for the scenarios the run measured; none for a plain run.
pub fn sections(r: &Results) -> Vec<Section> {
    let mut sections = Vec::new();
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
