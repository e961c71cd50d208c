//! The subcommands, one module each with its arguments and `execute`, and
//! the helpers several of them share.

pub mod compare;
pub mod conformance;
pub mod exit;
pub mod history;
pub mod list;
pub mod merge;
pub mod module;
pub mod recommend;
pub mod report;
pub mod run;
pub mod worker;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use clap::Subcommand;
use wasm_arena_adapters::RuntimeDescriptor;
use wasm_arena_harness::analysis::Comparison;
use wasm_arena_harness::catalog::Catalog;
use wasm_arena_harness::conformance::{Matrix, SandboxRates};
use wasm_arena_harness::export::{BmfExporter, Exporter, GithubBenchmarkExporter};
use wasm_arena_harness::worker::Workers;

use exit::{Classify, Error};

#[derive(Subcommand)]
pub enum Command {
    /// List the known runtimes or workloads.
    List(list::Args),
    /// Measure runtimes on workloads and write a results directory.
    // Boxed: its options are many times the size of the others'.
    Run(Box<run::Args>),
    /// Run WASI test suites (wasi-testsuite layout) on runtimes: the
    /// conformance and sandbox matrix. Exits 0 when every result matches the
    /// runtimes' expectations, 1 otherwise.
    Conformance(conformance::Args),
    /// Re-render report.md, report.html, samples.csv and charts/ from a
    /// results directory.
    Report(report::Args),
    /// Join the results directories of every shard of a run (`run --shard
    /// I/N`) into one, as if the run had not been split.
    Merge(merge::Args),
    /// Keep runs in a SQLite database and show each cell's trend over them.
    History(history::Args),
    /// Compare two results directories: every shared cell's phases and
    /// memory, the ratio of medians with its bootstrap interval and a
    /// verdict. Exits 0 when nothing is slower, 1 when something is slower
    /// beyond the threshold.
    Compare(compare::Args),
    /// Which runtime suits a profile (edge, serverless, plugin, batch, or
    /// a profile file): a ranking with intervals, exclusions by hard
    /// requirements, and the evidence.
    Recommend(recommend::Args),
    /// Run one job read from stdin (used by `run`; one process per job).
    #[command(hide = true)]
    Worker,
}

/// The sandbox findings and WASI pass rates of a conformance results
/// directory; an unreadable one is a usage error naming it.
fn conformance_rates(dir: &std::path::Path) -> Result<SandboxRates, Error> {
    let path = dir.join("conformance.json");
    let matrix: Matrix = std::fs::read(&path)
        .map_err(anyhow::Error::from)
        .and_then(|text| Ok(serde_json::from_slice(&text)?))
        .with_context(|| format!("cannot read the conformance results {}", path.display()))
        .usage()?;
    Ok(matrix.sandbox_rates(&dir.display().to_string()))
}

/// The descriptors of `ids` in the order given, each once; no ids means every
/// runtime compiled in. An unknown id is a usage error listing the valid ones.
fn resolve_runtimes(ids: &[String]) -> Result<Vec<RuntimeDescriptor>, Error> {
    let known = wasm_arena_adapters::descriptors();
    if ids.is_empty() {
        return Ok(known.into_iter().filter(|d| d.compiled_in()).collect());
    }
    let unknown: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| !known.iter().any(|d| d.id == *id))
        .collect();
    if !unknown.is_empty() {
        let valid: Vec<&str> = known.iter().map(|d| d.id).collect();
        return Err(Error::usage(format!(
            "unknown runtime id(s): {}; valid ids: {}",
            unknown.join(", "),
            valid.join(", ")
        )));
    }
    let mut chosen: Vec<RuntimeDescriptor> = Vec::new();
    for id in ids {
        let d = known
            .iter()
            .find(|d| d.id == id.as_str())
            .copied()
            .expect("checked above");
        if !chosen.iter().any(|c| c.id == d.id) {
            chosen.push(d);
        }
    }
    Ok(chosen)
}

/// A `--timeout`: a positive, finite number of seconds.
fn positive_seconds(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(s) if s > 0.0 && s.is_finite() => Ok(s),
        _ => Err("must be a positive number of seconds".into()),
    }
}

fn percent(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(p) if p > 0.0 && p < 100.0 => Ok(p),
        _ => Err("must be a percentage above 0 and below 100".into()),
    }
}

/// Set by Ctrl-C: the run stops starting work and keeps what finished.
fn interrupt_flag() -> Result<Arc<AtomicBool>, Error> {
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("installing the Ctrl-C handler")
        .operational()?;
    Ok(interrupted)
}

/// `--out` or, without it, `results/<UTC timestamp><suffix>` made unique;
/// created now, before any work starts, so that a directory that cannot be
/// made is refused as bad input rather than found after the measuring.
fn out_dir(out: Option<PathBuf>, suffix: &str) -> Result<PathBuf, Error> {
    let dir = out.unwrap_or_else(|| default_out_dir(suffix));
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the results directory {}", dir.display()))
        .usage()?;
    Ok(dir)
}

/// `results/<UTC timestamp><suffix>`, made unique.
fn default_out_dir(suffix: &str) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y-%m-%dT%H-%M-%SZ").to_string() + suffix;
    let base = PathBuf::from("results");
    let mut dir = base.join(&stamp);
    let mut n = 1;
    while dir.exists() {
        n += 1;
        dir = base.join(format!("{stamp}-{n}"));
    }
    dir
}

/// Where the project's suites and expectations live.
fn conformance_dir() -> PathBuf {
    Catalog::default_dir().join("conformance")
}

/// Where `run` and `conformance` start workers from: the worker binaries
/// beside this one, built with it.
fn workers() -> Result<Workers, Error> {
    let exe = std::env::current_exe()
        .context("locating the wasm-arena binary")
        .operational()?;
    Ok(Workers::new(exe, wasm_arena_build_id::BUILD))
}

/// The formats CI services read, on `run` and `compare`.
#[derive(clap::Args)]
pub struct CiExports {
    /// Also write the run's medians (on `compare`, CURRENT's, each with its
    /// verdict) for github-action-benchmark's `customSmallerIsBetter` tool.
    #[arg(long, value_name = "FILE")]
    export_github_benchmark: Option<PathBuf>,
    /// Also write the run's medians (on `compare`, CURRENT's) in Bencher
    /// Metric Format.
    #[arg(long, value_name = "FILE")]
    export_bmf: Option<PathBuf>,
}

impl CiExports {
    /// The exporters asked for. Their files are named from the working
    /// directory, so they are made absolute here (exporters write relative
    /// to the results directory).
    fn exporters(&self, comparison: Option<&Comparison>) -> Result<Vec<Box<dyn Exporter>>, Error> {
        let absolute = |path: &PathBuf| {
            std::path::absolute(path)
                .with_context(|| format!("cannot resolve the export file {}", path.display()))
                .usage()
        };
        let mut exporters: Vec<Box<dyn Exporter>> = Vec::new();
        if let Some(file) = &self.export_github_benchmark {
            let mut github = GithubBenchmarkExporter::new(absolute(file)?);
            if let Some(c) = comparison {
                github = github.with_comparison(c);
            }
            exporters.push(Box::new(github));
        }
        if let Some(file) = &self.export_bmf {
            exporters.push(Box::new(BmfExporter {
                file: absolute(file)?,
            }));
        }
        Ok(exporters)
    }
}
