//! The conformance report: what it says about a [`Matrix`] — pass rates, the
//! verdict of every test on every runtime, every failure and skip with its
//! reason — as a [`Report`].

use super::{Block, Cell, Chart, Column, Kind, Report, Row, RowKind, Section, Table, Text, common};
use crate::conformance::Verdict;
use crate::conformance::export::cell_label;
use crate::conformance::matrix::{Matrix, TestResult};
use crate::export::format_bytes;

pub fn build(m: &Matrix) -> Report {
    let mut sections = vec![
        Section::new(
            "Pass rate per runtime",
            vec![
                Block::Paragraph(
                    "Passed over run (skips not counted); a suite's row first, then its categories."
                        .into(),
                ),
                Block::Table(rates_table(m)),
                Block::Chart(Chart {
                    path: "conformance.svg".into(),
                    alt: "conformance heat map".into(),
                }),
            ],
        ),
        Section::new(
            "Matrix",
            vec![
                Block::Paragraph(Text::markup(
                    "`pass`; `FAIL`; `skip` (not run: see below); `xfail` (fails, as the \
                     runtime's expectations file says); `XPASS` (passes although expected to fail).",
                )),
                Block::Table(matrix_table(m)),
            ],
        ),
    ];
    let failures: Vec<&TestResult> = m.failures().collect();
    if !failures.is_empty() {
        sections.push(Section::new("Failures", vec![reasons(&failures)]));
    }
    let skipped: Vec<&TestResult> = m
        .results
        .iter()
        .filter(|r| r.verdict == Verdict::Skip)
        .collect();
    if !skipped.is_empty() {
        sections.push(Section::new("Skipped", vec![reasons(&skipped)]));
    }
    sections.push(common::runtimes(&m.runtimes));
    Report {
        title: "WASI conformance".into(),
        preamble: preamble(m),
        sections,
    }
}

/// Whether the run is complete, how it was run, where, and the headline.
fn preamble(m: &Matrix) -> Vec<Block> {
    let mut blocks = Vec::new();
    if m.interrupted {
        blocks.push(Block::Notice(Text::new().strong("Interrupted.").plain(format!(
            " {} of {} results were completed and are shown; the others are missing, not failed.",
            m.results.len(),
            m.results.len() + m.missing().len()
        ))));
    }
    let s = &m.settings;
    blocks.push(Block::Paragraph(
        Text::new()
            .plain(format!(
                "Started {} · wasm-arena {} · time limit {} s per test · memory cap {} · {} test(s) \
                 at a time · expectations from ",
                m.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
                m.tool_version,
                s.timeout_s,
                format_bytes(s.max_memory_bytes),
                s.jobs,
            ))
            .code(&s.expectations_dir),
    ));
    blocks.push(common::host(&m.host));
    let unexpected = m
        .results
        .iter()
        .filter(|r| !r.verdict.as_expected())
        .count();
    let mut headline = Text::new()
        .strong(format!(
            "{} results; {unexpected} differ from the expectations.",
            m.results.len()
        ))
        .plain(" Suites: ");
    for (i, suite) in m.suites.iter().enumerate() {
        if i > 0 {
            headline = headline.plain(", ");
        }
        headline = headline
            .code(&suite.name)
            .plain(format!(" ({} tests)", suite.tests.len()));
    }
    blocks.push(Block::Paragraph(headline.plain(".")));
    blocks
}

/// Columns: `first`, then one per runtime.
fn runtime_columns(m: &Matrix, first: &str) -> Vec<Column> {
    std::iter::once(Column::left(first))
        .chain(
            m.runtimes
                .iter()
                .map(|rt| Column::left(Text::new().code(&rt.id))),
        )
        .collect()
}

/// Pass rate per runtime for each suite, then each category in it. The
/// terminal shows it after a run.
pub fn rates_table(m: &Matrix) -> Table {
    let mut table = Table::new(runtime_columns(m, "group")).with_caption("pass rate");
    for (group, tallies) in m.tallies() {
        let (label, kind) = match &group.category {
            Some(c) => (c.clone(), RowKind::Member),
            None => (group.suite.clone(), RowKind::Group),
        };
        let mut cells = vec![Cell::text(label)];
        cells.extend(
            m.runtimes
                .iter()
                .map(|rt| Cell::text(tallies.get(&rt.id).map_or("—".into(), |t| t.describe()))),
        );
        table.rows.push(Row { cells, kind });
    }
    table
}

/// Tests down, runtimes across: one verdict per cell. The terminal shows it
/// after a run.
pub fn matrix_table(m: &Matrix) -> Table {
    let mut table = Table::new(runtime_columns(m, "test"));
    for (suite, test) in m.test_ids() {
        let mut cells = vec![Cell::code(format!("{}/{}", suite.name, test.name))];
        cells.extend(
            m.runtimes
                .iter()
                .map(|rt| match m.result(&suite.name, &test.name, &rt.id) {
                    None => Cell::missing("missing"),
                    Some(r) => Cell::new(cell_label(r.verdict), Kind::Verdict(r.verdict)),
                }),
        );
        table.rows.push(Row::new(cells));
    }
    table
}

/// One item per result, with its reason.
fn reasons(results: &[&TestResult]) -> Block {
    Block::List(
        results
            .iter()
            .map(|r| {
                Text::new()
                    .code(r.id())
                    .plain(" on ")
                    .strong(&r.runtime)
                    .plain(format!(
                        ": {} — {}",
                        r.verdict,
                        common::reason(r.reason.as_deref())
                    ))
            })
            .collect(),
    )
}
