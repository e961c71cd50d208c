//! The wasm-arena harness: plan -> jobs -> worker processes -> samples ->
//! summaries -> reports. Data flows one way; nothing downstream reaches back.

pub mod analysis;
pub mod catalog;
pub mod cold;
pub mod conformance;
pub mod eta;
pub mod export;
pub mod history;
pub mod host;
pub mod merge;
pub mod output;
pub mod phase;
pub mod plan;
pub mod recommend;
pub mod report;
pub mod results;
pub mod run;
pub mod sampling;
pub mod scenario;
pub mod shard;
pub mod stats;
pub mod verify;
pub mod worker;
