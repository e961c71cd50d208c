//! A report's tables for the terminal (comfy-table): plain text, coloured by
//! what each cell means, figures aligned right. Noisy figures are flagged in
//! the written report only: the terminal summary is the glance after a run.

use comfy_table::{Cell as TableCell, CellAlignment, Color};

use super::{Cell, Kind, RowKind, Table};
use crate::analysis::Verdict as Change;
use crate::conformance::Verdict;
use crate::output::table::new_table;
use crate::results::Status;

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
