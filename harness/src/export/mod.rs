//! Renderings of [`Results`]: one exporter per format, each in its own file.
//! Adding a format = one module implementing [`Exporter`] + one line in [`all`].

mod bmf;
pub(crate) mod chart;
pub mod compare;
mod csv;
mod github_benchmark;
pub(crate) mod heatmap;
mod html;
mod json;
pub(crate) mod markdown;
pub(crate) mod pareto;
mod write;

use std::path::PathBuf;

use anyhow::Result;

use crate::results::{PhaseResult, Results};

pub use bmf::BmfExporter;
pub use chart::ChartExporter;
pub use compare::{CompareJsonExporter, CompareMarkdownExporter};
pub use csv::CsvExporter;
pub use github_benchmark::GithubBenchmarkExporter;
pub use html::HtmlExporter;
pub use json::JsonExporter;
pub use markdown::MarkdownExporter;
pub use write::write;

/// Renders `R`: a run's [`Results`], or a conformance matrix.
pub trait Exporter<R = Results> {
    /// Files to write, relative to the results directory.
    fn export(&self, results: &R) -> Result<Vec<(PathBuf, Vec<u8>)>>;
}

/// Every format a results directory holds.
pub fn all() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(JsonExporter),
        Box::new(CsvExporter),
        Box::new(MarkdownExporter),
        Box::new(HtmlExporter),
        Box::new(ChartExporter),
    ]
}

/// Everything but `results.json`: what `wasm-arena report` re-renders from it.
pub fn renderings() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(CsvExporter),
        Box::new(MarkdownExporter),
        Box::new(HtmlExporter),
        Box::new(ChartExporter),
    ]
}

/// Nanoseconds in the unit a person reads best (`812 ns`, `3.41 ms`, `1.20 s`).
pub fn format_ns(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$} {unit}")
}

/// A phase's median with its 95% confidence interval (`1.20 s [1.18 s–1.23 s]`),
/// or the median alone when a single sample gave no interval.
pub fn format_median_ci(p: &PhaseResult) -> String {
    match p.ci95_ns {
        Some([lo, hi]) => format!(
            "{} [{}–{}]",
            format_ns(p.median_ns),
            format_ns(lo),
            format_ns(hi)
        ),
        None => format_ns(p.median_ns),
    }
}

/// A ratio of medians as a change, with its interval when it has one:
/// `+3.4% [-0.9%, +7.2%]` (the ratio 1.034, interval 0.991–1.072).
pub fn format_change(ratio: f64, interval: Option<[f64; 2]>) -> String {
    let percent = |r: f64| format!("{:+.1}%", (r - 1.0) * 100.0);
    match interval {
        Some([lo, hi]) => format!("{} [{}, {}]", percent(ratio), percent(lo), percent(hi)),
        None => percent(ratio),
    }
}

pub fn format_bytes(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", b / (1024.0 * 1024.0 * 1024.0))
    } else if b >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.0} KiB", b / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(format_ns(812.0), "812 ns");
        assert_eq!(format_ns(3_412_000.0), "3.41 ms");
        assert_eq!(format_ns(45_600.0), "45.6 µs");
        assert_eq!(format_ns(1_200_000_000.0), "1.20 s");
    }

    #[test]
    fn changes_are_signed_percentages() {
        assert_eq!(
            format_change(1.034, Some([0.991, 1.072])),
            "+3.4% [-0.9%, +7.2%]"
        );
        assert_eq!(format_change(0.5, None), "-50.0%");
    }

    #[test]
    fn sizes_pick_a_readable_unit() {
        assert_eq!(format_bytes(512 * 1024), "512 KiB");
        assert_eq!(format_bytes(30 * 1024 * 1024), "30.0 MiB");
    }
}
