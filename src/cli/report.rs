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
    /// A directory written by `wasm-arena conformance`: its pass rates and
    /// sandbox findings go into the report, its recommendation and the
    /// container/native/Wasm table (and are kept in results.json for later
    /// renderings). Default: DIR itself when it holds a conformance.json.
    #[arg(long, value_name = "DIR")]
    conformance: Option<PathBuf>,
}

pub fn execute(args: Args) -> Result<Outcome, Error> {
    let dir = args.dir;
    // A missing, unreadable or malformed results directory is the user's input;
    // failing to write the renderings back into it is not.
    let mut results = results::load(&dir).usage()?;
    // Conformance results written into the run's own directory count as given.
    let beside = dir.join("conformance.json").is_file().then(|| dir.clone());
    if let Some(conformance) = args.conformance.as_ref().or(beside.as_ref()) {
        results.sandbox = Some(super::conformance_rates(conformance)?);
        // Kept, so that a later `report DIR` renders the same table.
        export::write(&dir, &results, &[Box::new(export::JsonExporter)]).operational()?;
    }
    export::write(&dir, &results, &export::renderings()).operational()?;
    println!("{}", table::summary(&results));
    println!("report: {}", dir.join("report.md").display());
    println!("report: {}", dir.join("report.html").display());
    Ok(Outcome::Success)
}
