//! `wasm-arena list`: the known runtimes or workloads, as a table.

use wasm_arena_harness::catalog::{Catalog, Size};
use wasm_arena_harness::output::table;

use super::exit::{Classify, Error, Outcome};

#[derive(clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    what: What,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum What {
    Runtimes,
    Workloads,
}

pub fn execute(args: Args) -> Result<Outcome, Error> {
    match args.what {
        What::Runtimes => runtimes(),
        What::Workloads => workloads()?,
    }
    Ok(Outcome::Success)
}

fn runtimes() {
    let mut t = table::new_table(
        ["id", "family", "version", "tier", "compiled in"]
            .map(String::from)
            .to_vec(),
    );
    for d in wasm_arena_adapters::descriptors() {
        let compiled = if d.compiled_in() {
            "yes".to_string()
        } else {
            format!("no (--features {})", d.feature)
        };
        t.add_row(vec![
            d.id.to_string(),
            d.family.to_string(),
            d.version.to_string(),
            d.tier.to_string(),
            compiled,
        ]);
    }
    println!("{t}");
}

fn workloads() -> Result<(), Error> {
    // The catalog is input (the source tree's, or WASM_ARENA_WORKLOADS's).
    let catalog = Catalog::load(&Catalog::default_dir()).usage()?;
    let header = [
        "id",
        "category",
        "language",
        "small args",
        "default args",
        "description",
    ];
    let mut t = table::new_table(header.map(String::from).to_vec());
    for e in catalog.entries() {
        t.add_row(vec![
            e.id.clone(),
            e.category.clone(),
            e.language.clone(),
            Catalog::size_args(e, Size::Small),
            Catalog::size_args(e, Size::Default),
            e.description.clone(),
        ]);
    }
    println!("{t}");
    Ok(())
}
