//! `wasm-arena worker` (hidden): runs one job read from stdin, for `run` and
//! `conformance`, which start one such process per job.

use wasm_arena_harness::worker;

use super::exit::{Classify, Error, Outcome};

pub fn execute() -> Result<Outcome, Error> {
    // The parent wrote the job: nothing here is the user's input.
    worker::serve(std::io::stdin().lock(), std::io::stdout().lock()).operational()?;
    Ok(Outcome::Success)
}
