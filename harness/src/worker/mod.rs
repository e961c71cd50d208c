//! Worker processes: every job runs in one of its own, so a crash or a hang
//! costs one cell and the memory it reads of itself is that job's own. [`serve`] runs
//! inside the worker (a worker binary, or `wasm-arena worker`); [`run_worker`] is the harness's
//! side, which starts it and watches it; [`Workers`] chooses the program;
//! [`protocol`] is what they say to each other.

mod host;
mod program;
pub mod protocol;
mod serve;
mod spawn;

pub use program::{BUILD_ARG, Workers, main};
pub use serve::serve;
pub use spawn::{Exit, Usage, WorkerRun, run_worker};
