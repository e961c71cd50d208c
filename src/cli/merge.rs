//! `wasm-arena merge DIR... --out DIR`: joins the results directories of a
//! sharded run into one.

use std::path::PathBuf;

use wasm_arena_harness::output::table;
use wasm_arena_harness::{export, merge, results};

use super::exit::{Classify, Error, Outcome};
use super::out_dir;

#[derive(clap::Args)]
pub struct Args {
    /// The results directories of every shard of a run (`run --shard I/N`),
    /// in any order.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// The merged results directory.
    #[arg(long)]
    out: PathBuf,
    /// Merge shards measured on different hosts, by different wasm-arena
    /// versions, or with different settings, runtimes or workload files; the
    /// differences are printed and recorded in results.json.
    #[arg(long)]
    allow_different: bool,
}

pub fn execute(args: Args) -> Result<Outcome, Error> {
    // A shard overwritten by the merge would be lost.
    let same = |a: &PathBuf, b: &PathBuf| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if args.dirs.iter().any(|d| same(d, &args.out)) {
        return Err(Error::usage(format!(
            "--out {} is one of the shards; merge writes a directory of its own",
            args.out.display()
        )));
    }
    let shards = args
        .dirs
        .iter()
        .map(|dir| results::load(dir).map(|r| (dir.clone(), r)))
        .collect::<anyhow::Result<Vec<_>>>()
        .usage()?;
    let count = shards.len();
    let merged = merge::merge(shards, args.allow_different, std::env::args().collect()).usage()?;
    for warning in &merged.warnings {
        eprintln!("warning: {warning}");
    }
    let out = out_dir(Some(args.out), "")?;
    export::write(&out, &merged.results, &export::all()).operational()?;
    println!("{}", table::summary(&merged.results));
    println!("merged {count} shards: {}", out.display());
    Ok(Outcome::Success)
}
