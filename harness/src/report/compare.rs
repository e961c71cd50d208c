//! A comparison of two runs ([`Comparison`]) as a report: what was compared
//! with what, the verdicts in one line, what differs between the runs, every
//! pair worst first, and what could not be compared.

use super::{Block, Cell, Column, Kind, Report, Row, Section, Table, Text};
use crate::analysis::compare::{Comparison, Pair};
use crate::analysis::{Metric, Verdict};
use crate::export::{format_bytes, format_change, format_ns};

pub fn build(c: &Comparison) -> Report {
    let mut preamble = vec![Block::Paragraph(
        Text::new()
            .plain("Base ")
            .code(&c.base.dir)
            .plain(format!(
                " ({}, wasm-arena {}) against current ",
                c.base.started_at.format("%Y-%m-%d %H:%M UTC"),
                c.base.tool_version
            ))
            .code(&c.current.dir)
            .plain(format!(
                " ({}, wasm-arena {}). Change = current median over base median; \
                 its {:.0}% interval resamples processes, then iterations within them \
                 ({} resamples, seed {}); a verdict needs the whole interval past ±{:.0}%.",
                c.current.started_at.format("%Y-%m-%d %H:%M UTC"),
                c.current.tool_version,
                c.confidence * 100.0,
                c.resamples,
                c.seed,
                c.threshold * 100.0
            )),
    )];
    preamble.push(Block::Paragraph(headline(c)));
    if c.differences
        .iter()
        .any(|d| d.starts_with("in-runtime budget:"))
    {
        preamble.push(Block::Notice(Text::markup(
            "**The in-runtime budget's cost.** One run had each runtime stop a guest by its own \
             means (`run --in-runtime-budget`: Wasmtime's epochs, wasmi's fuel, Wasmer's and \
             WasmEdge's interruption), the other ran the runtimes in their default \
             configuration. Where nothing else differs, each change below is what that \
             mechanism costs on that cell (judged with `--allow-different`).",
        )));
    }
    if c.unjudged() > 0 {
        preamble.push(Block::Notice(Text::markup(&format!(
            "**The runs differ** (see Differences): {} pair(s) have no verdict. \
             `--allow-different` judges them anyway.",
            c.unjudged()
        ))));
    }
    let mut sections = Vec::new();
    if !c.differences.is_empty() {
        sections.push(Section::new(
            "Differences",
            vec![Block::List(
                c.differences
                    .iter()
                    .map(|d| Text::from(d.as_str()))
                    .collect(),
            )],
        ));
    }
    sections.push(Section::new(
        "Pairs, worst first",
        vec![Block::Table(pairs_table(c))],
    ));
    if !c.not_compared.is_empty() {
        let mut table = Table::new(vec![
            Column::left("runtime"),
            Column::left("workload"),
            Column::left("phase"),
            Column::left("why"),
        ]);
        for n in &c.not_compared {
            table.rows.push(Row::new(vec![
                Cell::code(&n.runtime),
                Cell::code(&n.workload),
                Cell::text(n.phase.map_or("all", Metric::name)),
                Cell::text(n.reason.as_str()),
            ]));
        }
        sections.push(Section::new("Not compared", vec![Block::Table(table)]));
    }
    Report {
        title: "wasm-arena comparison".into(),
        preamble,
        sections,
    }
}

/// The verdicts counted, slower first.
pub fn headline(c: &Comparison) -> Text {
    let counts = [
        (Verdict::Slower, "slower"),
        (Verdict::Uncertain, "uncertain"),
        (Verdict::NoChange, "no change"),
        (Verdict::Faster, "faster"),
    ]
    .map(|(v, label)| format!("{} {label}", c.count(v)));
    let mut text = Text::new().strong(counts[0].clone()).plain(format!(
        ", {} of {} pairs",
        counts[1..].join(", "),
        c.pairs.len()
    ));
    if c.unjudged() > 0 {
        text = text.plain(format!("; {} not judged", c.unjudged()));
    }
    text.plain(".")
}

/// Every pair, worst first: its medians, change with interval, verdict.
pub fn pairs_table(c: &Comparison) -> Table {
    let mut table = Table::new(vec![
        Column::left("runtime"),
        Column::left("workload"),
        Column::left("phase"),
        Column::right("base"),
        Column::right("current"),
        Column::right(format!("change [{:.0}% CI]", c.confidence * 100.0).as_str()),
        Column::left("verdict"),
    ])
    .with_caption("comparison, worst first");
    for p in &c.pairs {
        table.rows.push(Row::new(vec![
            Cell::code(&p.runtime),
            Cell::code(&p.workload),
            Cell::text(p.phase.name()),
            Cell::figure(value(p, p.base.median)),
            Cell::figure(value(p, p.current.median)),
            Cell::figure(format_change(p.ratio, p.interval)),
            verdict(p),
        ]));
    }
    table
}

fn value(p: &Pair, v: f64) -> String {
    match p.phase {
        Metric::Memory => format_bytes(v as u64),
        _ => format_ns(v),
    }
}

fn verdict(p: &Pair) -> Cell {
    match p.verdict {
        Some(v) => Cell::new(v.label(p.phase), Kind::Change(v)),
        None => Cell::missing("not judged"),
    }
}
