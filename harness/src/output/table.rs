//! Terminal tables: the house style, and the tables shown after a run (the
//! run summary, the conformance matrix and pass rates, a comparison), taken from the
//! reports so they say what the written reports say.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use crate::analysis::Comparison;
use crate::conformance::Matrix;
use crate::report::{Block, compare, conformance, run, scenario, terminal};
use crate::results::Results;

pub fn new_table(header: Vec<String>) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(header);
    table
}

/// Wraps cells so the table fits the terminal's width; output that is not a
/// terminal has no width to fit and stays unwrapped.
pub fn wrap_to_terminal(table: &mut Table) {
    table.set_content_arrangement(ContentArrangement::Dynamic);
}

/// Workloads down, runtimes across: the execute median with its 95% CI, or
/// the status of a cell that did not succeed.
pub fn summary(results: &Results) -> Table {
    terminal::table(&run::summary_matrix(results))
}

/// The cold-start, warm-start and density tables of a run that measured them.
pub fn scenarios(results: &Results) -> Vec<Table> {
    [
        scenario::cold_table(results),
        scenario::warm_table(results),
        scenario::concurrency_table(results),
        scenario::density_table(results),
    ]
    .iter()
    .flatten()
    .map(terminal::table)
    .collect()
}

/// The first and second runtime per built-in profile, when the run ranks two.
pub fn recommendation(results: &Results) -> Option<Table> {
    run::recommendation(results)?
        .blocks
        .iter()
        .find_map(|block| match block {
            Block::Table(t) => {
                let mut table = terminal::table(t);
                wrap_to_terminal(&mut table);
                Some(table)
            }
            _ => None,
        })
}

/// Tests down, runtimes across: one verdict per cell, coloured.
pub fn conformance_matrix(m: &Matrix) -> Table {
    terminal::table(&conformance::matrix_table(m))
}

/// Pass rate per runtime for each suite and each category in it.
pub fn conformance_rates(m: &Matrix) -> Table {
    terminal::table(&conformance::rates_table(m))
}

/// Every pair of a comparison, worst first, its verdict coloured.
pub fn comparison(c: &Comparison) -> Table {
    terminal::table(&compare::pairs_table(c))
}
