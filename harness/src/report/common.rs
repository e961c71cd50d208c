//! What the run report and the conformance report both say: the machine they
//! ran on, every runtime with its settings, and reasons for failures.

use wasm_arena_adapters::RuntimeInfo;

use super::{Block, Cell, Column, Row, Section, Table, Text};
use crate::export::format_bytes;
use crate::host::Host;

/// The machine, in one line.
pub fn host(h: &Host) -> Block {
    Block::Paragraph(Text::from(format!(
        "Host: {} ({} logical cores), {}, {}, kernel {}; hardware counters {}.",
        h.cpu_model,
        h.cores,
        format_bytes(h.memory_bytes),
        h.os,
        h.kernel,
        h.perf_counters
    )))
}

/// Every runtime with its version, settings and what it cannot do.
pub fn runtimes(runtimes: &[RuntimeInfo]) -> Section {
    let mut table = Table::new(
        [
            "id",
            "family",
            "version",
            "tier",
            "settings",
            "not supported",
        ]
        .map(Column::left)
        .to_vec(),
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
        table.rows.push(Row::new(vec![
            Cell::code(&rt.id),
            Cell::text(rt.family.as_str()),
            Cell::text(rt.version.as_str()),
            Cell::text(rt.tier.to_string()),
            Cell::text(settings.join(", ")),
            Cell::text(if unsupported.is_empty() {
                "—".into()
            } else {
                unsupported.join("; ")
            }),
        ]));
    }
    Section::new("Runtimes", vec![Block::Table(table)])
}

/// Why something failed, as one line of a list: a runtime's stderr may hold
/// any number of lines, and a line of it must not become the report's own
/// structure (a heading, a list item, a code fence).
pub fn reason(reason: Option<&str>) -> String {
    reason.unwrap_or("no reason recorded").replace('\n', " ")
}

/// The first letter made upper case.
pub fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}
