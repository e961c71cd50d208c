//! What a run produced, and the directory it lives in.

mod cell;
mod derived;
mod model;
mod store;

pub use cell::{ProcessRun, cell_from_runs, diagnose};
pub use derived::NATIVE;
pub use model::{
    Cell, MemoryFigure, MemoryResult, MergedShard, PhaseResult, ProcessRecord, Results,
    SCHEMA_VERSION, Settings, Status, WorkloadRecord,
};
pub use store::load;
