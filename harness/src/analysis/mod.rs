//! Comparing two runs: the statistics and the verdicts, apart from reading
//! directories and rendering (as criterion keeps its analysis apart from its
//! reports).

pub mod bootstrap;
pub mod compare;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod metric;

pub use compare::{Comparison, Options, Verdict, compare};
pub use metric::Metric;
