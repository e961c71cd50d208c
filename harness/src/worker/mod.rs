//! Worker processes: every job runs in one of its own, so a crash or a hang
//! costs one cell and the memory it reads of itself is that job's own. [`serve`] runs
//! inside the worker (`wasm-arena worker`); [`run_worker`] is the harness's
//! side, which starts it and watches it; [`protocol`] is what they say to
//! each other.

mod host;
pub mod protocol;
mod serve;
mod spawn;

pub use serve::serve;
pub use spawn::{Exit, Usage, WorkerRun, run_worker};
