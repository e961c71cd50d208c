//! The wasm-arena harness: plan -> jobs -> worker processes -> samples ->
//! summaries -> reports. Data flows one way; nothing downstream reaches back.

pub mod analysis;
pub mod catalog;
pub mod conformance;
pub mod export;
pub mod host;
pub mod job;
pub mod output;
pub mod plan;
pub mod process;
pub mod results;
pub mod run;
pub mod stats;
pub mod verify;
pub mod worker;
