//! A report's tables for the terminal (comfy-table): plain text, coloured by
//! what each cell means, figures aligned right. Noisy figures are flagged in
//! the written report only: the terminal summary is the glance after a run.

use comfy_table::{Cell as TableCell, CellAlignment, Color};

use super::{Block, Cell, Kind, Report, RowKind, Table};
use crate::analysis::Verdict as Change;
use crate::conformance::Verdict;
use crate::output::table::new_table;
use crate::results::Status;

/// A whole report as plain text: titles underlined, paragraphs and lists as
/// lines, tables drawn, charts named.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut heading = |title: String, rule: char| {
        out.push_str(&format!(
            "{title}\n{}\n\n",
            rule.to_string().repeat(title.chars().count())
        ));
    };
    heading(report.title.to_plain(), '=');
    let mut blocks: Vec<String> = report.preamble.iter().map(block).collect();
    for section in &report.sections {
        let title = section.title.to_plain();
        blocks.push(format!("{title}\n{}\n", "-".repeat(title.chars().count())));
        blocks.extend(section.blocks.iter().map(block));
    }
    out.push_str(&blocks.join("\n"));
    out
}

fn block(b: &Block) -> String {
    match b {
        Block::Notice(text) => format!("! {}\n", text.to_plain()),
        Block::Paragraph(text) => format!("{}\n", text.to_plain()),
        Block::List(items) => items
            .iter()
            .map(|item| format!("- {}\n", item.to_plain().replace('\n', "\n  ")))
            .collect(),
        Block::Table(t) => format!("{}\n", table(t)),
        Block::Chart(chart) => format!("[chart: {} — {}]\n", chart.alt, chart.path),
    }
}

pub fn table(t: &Table) -> comfy_table::Table {
    let mut header: Vec<String> = t.columns.iter().map(|c| c.header.to_plain()).collect();
    // Alone on the terminal, the table's first header cell says what it shows.
    if let (Some(caption), Some(first)) = (&t.caption, header.first_mut()) {
        first.clone_from(caption);
    }
    let mut table = new_table(header);
    let mut group = String::new();
    for row in &t.rows {
        let cells = row.cells.iter().enumerate().map(|(i, c)| {
            let mut text = c.text.to_plain();
            // No bold and no indentation here: a group's rows name their group.
            if i == 0 {
                match row.kind {
                    RowKind::Plain => {}
                    RowKind::Group => {
                        group.clone_from(&text);
                        text.push_str(" (all)");
                    }
                    RowKind::Member => text = format!("{group}/{text}"),
                }
            }
            cell(c, text)
        });
        table.add_row(cells.collect::<Vec<_>>());
    }
    table
}

fn cell(c: &Cell, text: String) -> TableCell {
    let mut cell = TableCell::new(text);
    if c.kind == Kind::Figure {
        cell = cell.set_alignment(CellAlignment::Right);
    }
    match colour(c.kind) {
        Some(colour) => cell.fg(colour),
        None => cell,
    }
}

fn colour(kind: Kind) -> Option<Color> {
    match kind {
        Kind::Text | Kind::Figure | Kind::Status(Status::Ok) => None,
        Kind::Missing => Some(Color::DarkGrey),
        Kind::Status(_) => Some(Color::Red),
        Kind::Change(change) => match change {
            Change::Slower => Some(Color::Red),
            Change::Uncertain => Some(Color::Yellow),
            Change::NoChange => None,
            Change::Faster => Some(Color::Green),
        },
        Kind::Verdict(verdict) => Some(match verdict {
            Verdict::Pass => Color::Green,
            Verdict::Fail => Color::Red,
            Verdict::Skip => Color::DarkGrey,
            Verdict::ExpectedFail => Color::Yellow,
            Verdict::UnexpectedPass => Color::Magenta,
        }),
    }
}
