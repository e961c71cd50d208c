//! Renderings of a conformance [`Matrix`], one exporter per format.

mod heatmap;
mod json;
mod markdown;

use crate::export::Exporter;

use super::matrix::Matrix;
use super::verdict::Verdict;

pub use heatmap::HeatmapExporter;
pub use json::JsonExporter;
pub use markdown::MarkdownExporter;

/// Every format a conformance results directory holds.
pub fn all() -> Vec<Box<dyn Exporter<Matrix>>> {
    vec![
        Box::new(JsonExporter),
        Box::new(MarkdownExporter),
        Box::new(HeatmapExporter),
    ]
}

/// A verdict in a matrix cell: short, and readable without colour.
pub fn cell_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "pass",
        Verdict::Fail => "FAIL",
        Verdict::Skip => "skip",
        Verdict::ExpectedFail => "xfail",
        Verdict::UnexpectedPass => "XPASS",
    }
}
