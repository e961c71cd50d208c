//! `wasm-arena recommend DIR...`: which runtime suits a profile (edge,
//! serverless, plugin, batch, or a profile file), ranked from measured
//! results with each score's interval, the runtimes a hard requirement
//! excludes, and the evidence.

use std::path::PathBuf;

use wasm_arena_harness::recommend::{self, Evidence, Profile};
use wasm_arena_harness::report::{Report, recommend as section, terminal};
use wasm_arena_harness::results;

use super::exit::{Classify, Error, Outcome};

#[derive(clap::Args)]
pub struct Args {
    /// Results directories written by `wasm-arena run`: iteration cells and
    /// start-up scenarios may come from different runs (the first run's
    /// kept conformance findings are used unless --conformance is given).
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// A directory written by `wasm-arena conformance`: the WASI pass rate
    /// and the sandbox findings behind the hard requirements.
    #[arg(long, value_name = "DIR")]
    conformance: Option<PathBuf>,
    /// A built-in profile (edge, serverless, plugin, batch) or a profile
    /// file (`*.toml`, the format of `profiles/`); repeatable. Default:
    /// every built-in profile.
    #[arg(long, value_name = "NAME|FILE")]
    profile: Vec<String>,
    /// Seed of the resampling (the same results and seed give the same intervals).
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

pub fn execute(args: Args) -> Result<Outcome, Error> {
    let profiles = if args.profile.is_empty() {
        Profile::builtin()
    } else {
        args.profile
            .iter()
            .map(|p| Profile::load(p))
            .collect::<anyhow::Result<Vec<_>>>()
            .usage()?
    };
    let runs = args
        .dirs
        .iter()
        .map(|dir| results::load(dir))
        .collect::<anyhow::Result<Vec<_>>>()
        .usage()?;
    // Figures from different machines do not rank fairly against each other.
    for (dir, run) in args.dirs.iter().zip(&runs).skip(1) {
        let differ = runs[0].host.differences(&run.host);
        if !differ.is_empty() {
            eprintln!(
                "warning: {} was measured on another host than {} ({}); its figures rank \
                 against theirs only as far as the hosts are alike",
                dir.display(),
                args.dirs[0].display(),
                differ.join(", ")
            );
        }
    }
    let conformance = match &args.conformance {
        Some(dir) => Some(super::conformance_rates(dir)?),
        None => runs.iter().find_map(|r| r.sandbox.clone()),
    };
    let evidence = Evidence {
        runs: runs.iter().collect(),
        conformance: conformance.as_ref(),
    };
    let outcomes: Vec<section::Outcome> = profiles
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                recommend::recommend(&evidence, p, args.seed),
            )
        })
        .collect();
    // Nothing to say for any profile asked for is the input's fault.
    if outcomes.iter().all(|(_, o)| o.is_err()) {
        let reasons: Vec<String> = outcomes
            .iter()
            .filter_map(|(name, o)| Some(format!("{name}: {}", o.as_ref().err()?)))
            .collect();
        return Err(Error::usage(reasons.join("\n")));
    }
    let mut sections = vec![section::summary(&outcomes)];
    sections.extend(outcomes.iter().map(section::profile));
    let report = Report {
        title: "wasm-arena recommend".into(),
        preamble: Vec::new(),
        sections,
    };
    print!("{}", terminal::render(&report));
    Ok(Outcome::Success)
}
