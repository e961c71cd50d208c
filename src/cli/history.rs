//! `wasm-arena history`: keeps runs in a SQLite database (`add`) and shows
//! each cell's trend over them (`show`, `chart`).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use wasm_arena_harness::export::Exporter;
use wasm_arena_harness::history::{self, Filter, History, Trend, TrendCharts};
use wasm_arena_harness::report::terminal;
use wasm_arena_harness::{export, results};

use super::exit::{Classify, Error, Outcome};
use super::out_dir;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Store the run in a results directory, with the commit checked out
    /// here (`git rev-parse HEAD`) and its host.
    Add {
        /// A directory written by `wasm-arena run` or `merge`.
        dir: PathBuf,
        #[command(flatten)]
        db: Db,
    },
    /// Print each cell's trend: per run, its median and 95% CI, oldest first.
    Show {
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Write one SVG per cell: each phase along the runs, with its 95% CI band.
    Chart {
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        filter: FilterArgs,
        /// Directory for the SVG files.
        #[arg(long, default_value = "results/history-charts")]
        out: PathBuf,
    },
}

#[derive(clap::Args)]
struct Db {
    /// The history database.
    #[arg(long, default_value = "results/history.sqlite")]
    db: PathBuf,
}

#[derive(clap::Args)]
struct FilterArgs {
    /// Runtime ids, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    runtime: Vec<String>,
    /// Workload ids, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    workload: Vec<String>,
    /// Phases, comma-separated; `memory` is the peak RSS (default: all).
    #[arg(long, value_delimiter = ',', value_parser = history::PHASES)]
    phase: Vec<String>,
}

impl From<FilterArgs> for Filter {
    fn from(f: FilterArgs) -> Filter {
        Filter {
            runtimes: f.runtime,
            workloads: f.workload,
            phases: f.phase,
        }
    }
}

pub fn execute(args: Args) -> Result<Outcome, Error> {
    match args.command {
        Action::Add { dir, db } => add(dir, db.db),
        Action::Show { db, filter } => {
            for trend in trends(&db.db, filter.into())? {
                println!("{}", terminal::table(&history::trend_table(&trend)));
            }
            Ok(Outcome::Success)
        }
        Action::Chart { db, filter, out } => {
            let trends = trends(&db.db, filter.into())?;
            let out = out_dir(Some(out), "")?;
            let charts: Vec<Box<dyn Exporter<Vec<Trend>>>> = vec![Box::new(TrendCharts)];
            export::write(&out, &trends, &charts).operational()?;
            println!("charts: {}", out.display());
            Ok(Outcome::Success)
        }
    }
}

fn add(dir: PathBuf, db: PathBuf) -> Result<Outcome, Error> {
    let results = results::load(&dir).usage()?;
    let mut history = History::create(&db).usage()?;
    let source = dir.display().to_string();
    if let Some(refusal) = history.refusal(&results, &source).operational()? {
        return Err(Error::usage(refusal));
    }
    let commit = history::current_commit();
    let run = history
        .add(&results, &source, commit.as_deref())
        .operational()?;
    println!(
        "added {source} to {} as run {} (commit {}, host {})",
        db.display(),
        run.id,
        commit
            .as_deref()
            .unwrap_or("unknown: not in a git work tree"),
        run.hostname
    );
    Ok(Outcome::Success)
}

/// The trends `filter` allows; none is a usage error that says what was asked.
fn trends(db: &Path, filter: Filter) -> Result<Vec<Trend>, Error> {
    let history = History::open(db).usage()?;
    let trends = history.trends(&filter).operational()?;
    if trends.is_empty() {
        let asked: Vec<String> = [
            ("runtime", &filter.runtimes),
            ("workload", &filter.workloads),
            ("phase", &filter.phases),
        ]
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(what, ids)| format!("{what} {}", ids.join(",")))
        .collect();
        return Err(Error::usage(if asked.is_empty() {
            format!("{} holds no successful cell yet", db.display())
        } else {
            format!("{} has no trend for {}", db.display(), asked.join(", "))
        }));
    }
    Ok(trends)
}
