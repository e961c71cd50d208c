//! `wasm-arena report DIR`: re-renders a results directory from its results.json.

use std::path::PathBuf;

use wasm_arena_harness::export;
use wasm_arena_harness::output::table;
use wasm_arena_harness::results;

use super::exit::{Classify, Error, Outcome};

#[derive(clap::Args)]
pub struct Args {
    /// A directory written by `wasm-arena run`.
    dir: PathBuf,
}

pub fn execute(args: Args) -> Result<Outcome, Error> {
    let dir = args.dir;
    // A missing, unreadable or malformed results directory is the user's input;
    // failing to write the renderings back into it is not.
    let results = results::load(&dir).usage()?;
    export::write(&dir, &results, &export::renderings()).operational()?;
    println!("{}", table::summary(&results));
    println!("report: {}", dir.join("report.md").display());
    Ok(Outcome::Success)
}
