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
    /// A directory written by `wasm-arena conformance`: its sandbox suite's
    /// pass rates go into the container/native/Wasm table (and are kept in
    /// results.json for later renderings).
    #[arg(long, value_name = "DIR")]
    conformance: Option<PathBuf>,
}

pub fn execute(args: Args) -> Result<Outcome, Error> {
    let dir = args.dir;
    // A missing, unreadable or malformed results directory is the user's input;
    // failing to write the renderings back into it is not.
    let mut results = results::load(&dir).usage()?;
    if let Some(conformance) = &args.conformance {
        results.sandbox = Some(super::conformance_rates(conformance)?);
        // Kept, so that a later `report DIR` renders the same table.
        export::write(&dir, &results, &[Box::new(export::JsonExporter)]).operational()?;
    }
    export::write(&dir, &results, &export::renderings()).operational()?;
    println!("{}", table::summary(&results));
    println!("report: {}", dir.join("report.md").display());
    Ok(Outcome::Success)
}
