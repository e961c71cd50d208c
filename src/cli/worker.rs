//! `wasm-arena worker` (hidden): runs one job read from stdin, for `run` and
//! `conformance`, which start one worker process per job. They start the
//! runtime's own worker binary (`workers/`), which loads less; this one runs
//! the jobs of a worker binary that is missing or from another build.

use wasm_arena_harness::worker;

use super::exit::{Classify, Error, Outcome};

pub fn execute() -> Result<Outcome, Error> {
    // The parent wrote the job: nothing here is the user's input.
    worker::serve(std::io::stdin().lock(), std::io::stdout().lock()).operational()?;
    Ok(Outcome::Success)
}
