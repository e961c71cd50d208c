//! `wasm-arena compare BASE CURRENT`: did anything get slower, and how sure
//! is that? Judges every pair of cells the two runs share, prints them worst
//! first, writes compare.json and compare.md (appended to GitHub's job
//! summary when `$GITHUB_STEP_SUMMARY` names one), and exits 1 when
//! something is slower beyond the threshold.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use wasm_arena_harness::analysis::bootstrap::RESAMPLES;
use wasm_arena_harness::analysis::compare::{
    self, CompareError, DEFAULT_CONFIDENCE, DEFAULT_THRESHOLD, Options, Run,
};
use wasm_arena_harness::export;
use wasm_arena_harness::history::History;
use wasm_arena_harness::output::table;
use wasm_arena_harness::report::{self, markdown};
use wasm_arena_harness::results::{self, Results};

use super::CiExports;
use super::exit::{Classify, Error, Outcome};

#[derive(clap::Args)]
pub struct Args {
    /// BASE CURRENT: the results directory to compare against (main's last
    /// run, say) and the one to judge; only CURRENT with --baseline.
    #[arg(required = true, num_args = 1..=2, value_name = "BASE CURRENT")]
    dirs: Vec<PathBuf>,
    /// Compare against the history database instead of BASE: `history` (the
    /// last 5 runs on CURRENT's host at its size) or `history:N`.
    #[arg(long, value_name = "history[:N]", value_parser = baseline)]
    baseline: Option<usize>,
    /// The history database --baseline reads.
    #[arg(long, default_value = "results/history.sqlite")]
    db: PathBuf,
    /// Level of the confidence interval of every ratio.
    #[arg(long, default_value_t = DEFAULT_CONFIDENCE, value_parser = level)]
    confidence: f64,
    /// Relative change within which a pair is "no change", and past which the
    /// whole interval must lie for "faster" or "slower" (0.02 = ±2%, for a
    /// quiet machine; 0.10 on a shared one: README, "Compare two runs").
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_parser = threshold)]
    threshold: f64,
    /// Judge pairs whose runtime version or settings, workload file, size or
    /// host differ between the runs (without it they are listed, unjudged).
    #[arg(long)]
    allow_different: bool,
    /// Seed of the bootstrap (the same runs and seed give the same intervals).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Where compare.json and compare.md go (default: CURRENT).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    exports: CiExports,
}

/// A `--confidence`: strictly between 0 and 1.
fn level(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(l) if l > 0.0 && l < 1.0 => Ok(l),
        _ => Err("must be a number between 0 and 1, such as 0.99".into()),
    }
}

/// A `--baseline`: `history` or `history:N`, as the number of runs N.
fn baseline(value: &str) -> Result<usize, String> {
    let usage = || "must be `history` or `history:N` with N a number of runs, such as history:5";
    match value.split_once(':') {
        None if value == "history" => Ok(5),
        Some(("history", n)) => n
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| usage().into()),
        _ => Err(usage().into()),
    }
}

/// A `--threshold`: a relative change from 0 up to (not including) 1.
fn threshold(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(t) if (0.0..1.0).contains(&t) => Ok(t),
        _ => Err("must be a relative change from 0 to below 1, such as 0.05 for ±5%".into()),
    }
}

pub fn execute(args: Args) -> Result<Outcome, Error> {
    let load = |dir: &Path| -> Result<Results, Error> { results::load(dir).usage() };
    let (base_label, base, current_dir, current) = match (args.baseline, args.dirs.as_slice()) {
        (None, [base, current]) => (
            base.display().to_string(),
            load(base)?,
            current,
            load(current)?,
        ),
        (Some(last), [current_dir]) => {
            let current = load(current_dir)?;
            let history = History::open(&args.db).usage()?;
            let baseline = history
                .baseline(&current.host, current.settings.size, last)
                .usage()?;
            let ids: Vec<String> = baseline.runs.iter().map(|r| r.id.to_string()).collect();
            let label = format!(
                "history: the last {} run(s) on this host in {} (ids {})",
                baseline.runs.len(),
                args.db.display(),
                ids.join(", ")
            );
            (label, baseline.results, current_dir, current)
        }
        (Some(_), _) => return Err(Error::usage("with --baseline, give only CURRENT")),
        (None, _) => {
            return Err(Error::usage(
                "give BASE and CURRENT, or --baseline history[:N] and CURRENT",
            ));
        }
    };
    let options = Options {
        confidence: args.confidence,
        threshold: args.threshold,
        allow_different: args.allow_different,
        resamples: RESAMPLES,
        seed: args.seed,
    };
    let comparison = compare::compare(
        &Run {
            label: base_label,
            results: &base,
        },
        &Run {
            label: current_dir.display().to_string(),
            results: &current,
        },
        &options,
    )
    .map_err(|e| {
        // Nothing comparable: say why for each cell before the error does.
        if let CompareError::NothingMeasured { not_compared, .. } = &e {
            for n in not_compared {
                eprintln!("{} on {}: {}", n.runtime, n.workload, n.reason);
            }
        }
        Error::usage(e)
    })?;

    for d in &comparison.differences {
        eprintln!("warning: the runs differ: {d}");
    }
    println!("{}", table::comparison(&comparison));
    for n in &comparison.not_compared {
        let phase = n.phase.map_or(String::new(), |p| format!(" ({p})"));
        println!(
            "not compared: {} on {}{phase}: {}",
            n.runtime, n.workload, n.reason
        );
    }
    println!("{}", report::compare::headline(&comparison).to_plain());

    let out = args.out.clone().unwrap_or_else(|| current_dir.clone());
    export::write(&out, &comparison, &export::compare::renderings()).operational()?;
    let exporters = args.exports.exporters(Some(&comparison))?;
    export::write(&out, &current, &exporters).operational()?;
    if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) {
        append(
            Path::new(&summary),
            &markdown::render(&report::compare::build(&comparison)),
        )
        .operational()?;
    }
    println!("comparison: {}", out.join("compare.md").display());
    Ok(if comparison.any_slower() {
        Outcome::Failures
    } else {
        Outcome::Success
    })
}

/// Adds `text` to the end of `path`, as GitHub expects of a job summary.
fn append(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open the job summary {}", path.display()))?;
    writeln!(file, "{text}")
        .with_context(|| format!("cannot write the job summary {}", path.display()))
}
