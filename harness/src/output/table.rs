//! Terminal tables: the run summary, the conformance matrix and the listings.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell as TableCell, CellAlignment, Color, Table};

use crate::conformance::export::cell_label;
use crate::conformance::{Matrix, Verdict};
use crate::export::format_median_ci;
use crate::job::Phase;
use crate::results::{Results, Status};

pub fn new_table(header: Vec<String>) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(header);
    table
}

/// Workloads down, runtimes across: the execute median with its 95% CI, or
/// the status of a cell that did not succeed.
pub fn summary(results: &Results) -> Table {
    let mut header = vec!["execute (median [95% CI])".to_string()];
    header.extend(results.runtimes.iter().map(|r| r.id.clone()));
    let mut table = new_table(header);
    for w in &results.workloads {
        let mut row = vec![TableCell::new(&w.id)];
        for rt in &results.runtimes {
            let cell = results.cell(&rt.id, &w.id);
            row.push(match cell {
                None => TableCell::new("not run").fg(Color::DarkGrey),
                Some(c) if c.status != Status::Ok => {
                    TableCell::new(c.status.to_string()).fg(Color::Red)
                }
                Some(c) => match c.phases.get(&Phase::Execute) {
                    Some(p) => {
                        TableCell::new(format_median_ci(p)).set_alignment(CellAlignment::Right)
                    }
                    None => TableCell::new("no samples"),
                },
            });
        }
        table.add_row(row);
    }
    table
}

/// Tests down, runtimes across: one verdict per cell, coloured.
pub fn conformance_matrix(m: &Matrix) -> Table {
    let mut header = vec!["test".to_string()];
    header.extend(m.runtimes.iter().map(|r| r.id.clone()));
    let mut table = new_table(header);
    for (suite, test) in m.test_ids() {
        let mut row = vec![TableCell::new(format!("{}/{}", suite.name, test.name))];
        for rt in &m.runtimes {
            row.push(match m.result(&suite.name, &test.name, &rt.id) {
                None => TableCell::new("missing").fg(Color::DarkGrey),
                Some(r) => TableCell::new(cell_label(r.verdict)).fg(match r.verdict {
                    Verdict::Pass => Color::Green,
                    Verdict::Fail => Color::Red,
                    Verdict::Skip => Color::DarkGrey,
                    Verdict::ExpectedFail => Color::Yellow,
                    Verdict::UnexpectedPass => Color::Magenta,
                }),
            });
        }
        table.add_row(row);
    }
    table
}

/// Pass rate per runtime for each suite and each category in it.
pub fn conformance_rates(m: &Matrix) -> Table {
    let mut header = vec!["pass rate".to_string()];
    header.extend(m.runtimes.iter().map(|r| r.id.clone()));
    let mut table = new_table(header);
    for (group, tallies) in m.tallies() {
        let mut row = vec![TableCell::new(group.to_string())];
        row.extend(
            m.runtimes
                .iter()
                .map(|rt| TableCell::new(tallies.get(&rt.id).map_or("—".into(), |t| t.describe()))),
        );
        table.add_row(row);
    }
    table
}
