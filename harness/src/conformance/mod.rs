//! WASI conformance: suites in the wasi-testsuite layout, run on every
//! runtime, judged against per-runtime expectations, rendered as a matrix.
//!
//! spec (what a test asks) -> runner (one worker per test and runtime) ->
//! verdict (what happened vs. what was asked and expected) -> matrix -> exports.

pub mod expectations;
pub mod export;
pub mod matrix;
pub mod runner;
pub mod spec;
pub mod verdict;

pub use expectations::Expectations;
pub use matrix::{Matrix, SandboxRate, SandboxRates};
pub use runner::Conformance;
pub use spec::Suite;
pub use verdict::Verdict;
