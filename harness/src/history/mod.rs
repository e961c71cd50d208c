//! History: runs kept in a SQLite database (`history add`), their trend per
//! cell and phase (`history show`, `history chart`), and a baseline made of
//! the last runs on one host (for `compare --baseline history:N`).
//!
//! The database has one table of runs, keyed by time, host and the commit
//! they measured; one of cells (each run's cells whole, so a run can be read
//! back as it was); and one long table of summaries, one row per run,
//! runtime, workload, size, phase and metric, which the trends query.

mod baseline;
mod chart;
mod show;
mod store;

pub use baseline::Baseline;
pub use chart::TrendCharts;
pub use show::trend_table;
pub use store::{History, RunInfo, current_commit};

/// The phases a trend can follow: the timed ones, and `memory` (a cell's
/// peak RSS).
pub const PHASES: [&str; 4] = ["compile", "instantiate", "execute", "memory"];

/// The phase whose values are bytes, not nanoseconds.
pub const MEMORY: &str = "memory";

/// Which trends to read; an empty list allows everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub runtimes: Vec<String>,
    pub workloads: Vec<String>,
    pub phases: Vec<String>,
}

/// One cell's phase over the runs that measured it, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub runtime: String,
    pub workload: String,
    pub size: String,
    pub phase: String,
    pub points: Vec<Point>,
}

/// One run's value of a trend.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub run: RunInfo,
    /// The median in nanoseconds, or the peak RSS in bytes for `memory`.
    pub value: f64,
    /// The 95% confidence interval of the median; none for one sample and
    /// for memory.
    pub ci95: Option<[f64; 2]>,
    /// How many samples the median is of; none for memory.
    pub samples: Option<u64>,
}

#[cfg(test)]
mod tests;
