//! `conformance.md`: the conformance report ([`crate::report::conformance`]) in Markdown.

use std::path::PathBuf;

use anyhow::Result;

use crate::conformance::matrix::Matrix;
use crate::export::Exporter;
use crate::report::{conformance, markdown};

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
    markdown::render(&conformance::build(m))
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
