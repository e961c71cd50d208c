use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Result;

use super::cell_label;
use crate::conformance::matrix::{Matrix, TestResult};
use crate::conformance::verdict::Verdict;
use crate::export::Exporter;
use crate::export::format_bytes;
use crate::export::markdown::{host_line, runtimes_table};

/// `conformance.md`: pass rates, the matrix, and every failure with its reason.
pub struct MarkdownExporter;

impl Exporter<Matrix> for MarkdownExporter {
    fn export(&self, matrix: &Matrix) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        Ok(vec![(
            PathBuf::from("conformance.md"),
            render(matrix).into_bytes(),
        )])
    }
}

fn render(m: &Matrix) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# WASI conformance\n");
    if m.interrupted {
        let _ = writeln!(
            out,
            "> **Interrupted.** {} of {} results were completed and are shown; the others are missing, not failed.\n",
            m.results.len(),
            m.results.len() + m.missing().len()
        );
    }
    let s = &m.settings;
    let _ = writeln!(
        out,
        "Started {} · wasm-arena {} · time limit {} s per test · memory cap {} · {} test(s) at a time · expectations from `{}`\n",
        m.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        m.tool_version,
        s.timeout_s,
        format_bytes(s.max_memory_bytes),
        s.jobs,
        s.expectations_dir
    );
    host_line(&mut out, &m.host);
    let unexpected = m
        .results
        .iter()
        .filter(|r| !r.verdict.as_expected())
        .count();
    let _ = writeln!(
        out,
        "**{} results; {} differ from the expectations.** Suites: {}.\n",
        m.results.len(),
        unexpected,
        m.suites
            .iter()
            .map(|s| format!("`{}` ({} tests)", s.name, s.tests.len()))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let _ = writeln!(
        out,
        "## Pass rate per runtime\n\nPassed over run (skips not counted); a suite's row first, then its categories.\n"
    );
    header(&mut out, m, "group");
    for (group, tallies) in m.tallies() {
        let label = match &group.category {
            Some(c) => c.clone(),
            None => format!("**{}**", group.suite),
        };
        let cells: Vec<String> = m
            .runtimes
            .iter()
            .map(|rt| tallies.get(&rt.id).map_or("—".into(), |t| t.describe()))
            .collect();
        let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
    }
    let _ = writeln!(out, "\n![conformance heat map](conformance.svg)\n");

    let _ = writeln!(
        out,
        "## Matrix\n\n`pass`; `FAIL`; `skip` (not run: see below); `xfail` (fails, as the runtime's expectations file says); `XPASS` (passes although expected to fail).\n"
    );
    header(&mut out, m, "test");
    for (suite, test) in m.test_ids() {
        let cells: Vec<&str> = m
            .runtimes
            .iter()
            .map(|rt| {
                m.result(&suite.name, &test.name, &rt.id)
                    .map_or("missing", |r| cell_label(r.verdict))
            })
            .collect();
        let _ = writeln!(
            out,
            "| `{}/{}` | {} |",
            suite.name,
            test.name,
            cells.join(" | ")
        );
    }
    let _ = writeln!(out);

    let failures: Vec<&TestResult> = m.failures().collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "## Failures\n");
        reasons(&mut out, &failures);
    }
    let skipped: Vec<&TestResult> = m
        .results
        .iter()
        .filter(|r| r.verdict == Verdict::Skip)
        .collect();
    if !skipped.is_empty() {
        let _ = writeln!(out, "## Skipped\n");
        reasons(&mut out, &skipped);
    }
    runtimes_table(&mut out, &m.runtimes);
    out
}

fn header(out: &mut String, m: &Matrix, first: &str) {
    let ids: Vec<String> = m.runtimes.iter().map(|r| format!("`{}`", r.id)).collect();
    let _ = writeln!(out, "| {first} | {} |", ids.join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(ids.len()));
}

fn reasons(out: &mut String, results: &[&TestResult]) {
    for r in results {
        let _ = writeln!(
            out,
            "- `{}` on **{}**: {} — {}",
            r.id(),
            r.runtime,
            r.verdict,
            r.reason
                .as_deref()
                .unwrap_or("no reason recorded")
                .replace('\n', " ")
        );
    }
    let _ = writeln!(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::matrix::tests::sample;

    #[test]
    fn the_report_has_rates_matrix_and_every_failure() {
        let text = render(&sample());
        assert!(
            text.contains("| **s** | 2/3 (67%) | 1/2 (50%), 1 skipped |"),
            "{text}"
        );
        assert!(
            text.contains("| fd | 2/2 (100%) | 0/1 (0%), 1 skipped |"),
            "{text}"
        );
        assert!(text.contains("| `s/fd_a` | pass | FAIL |"), "{text}");
        assert!(text.contains("| `s/clock_c` | xfail | XPASS |"), "{text}");
        assert!(
            text.contains("- `s/fd_a` on **r2**: fail — fail because"),
            "{text}"
        );
        assert!(
            text.contains("## Skipped\n\n- `s/fd_b` on **r2**: skip"),
            "{text}"
        );
        assert!(text.contains("2 differ from the expectations"), "{text}");
    }
}
