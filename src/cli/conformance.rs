//! `wasm-arena conformance`: runs WASI test suites on runtimes and writes the
//! conformance and sandbox matrix.

use std::collections::BTreeMap;
use std::path::PathBuf;

use wasm_arena_harness::conformance::{self, Expectations, Suite};
use wasm_arena_harness::export;
use wasm_arena_harness::output::table;

use super::exit::{Classify, Error, Outcome};
use super::{
    conformance_dir, interrupt_flag, out_dir, positive_seconds, resolve_runtimes, workers,
};

#[derive(clap::Args)]
pub struct Args {
    /// Runtime ids, comma-separated (default: every Wasm runtime compiled in).
    #[arg(long, value_delimiter = ',')]
    runtime: Vec<String>,
    /// A suite directory (manifest.json, NAME.wasm, NAME.json); repeatable
    /// (default: the project's own suites, `wasi`, its component twin
    /// `wasi-p2`, the WASI 0.3 tests `wasi-p3` and `sandbox`).
    #[arg(long)]
    suite: Vec<PathBuf>,
    /// Directory of per-runtime expectations files (`<runtime-id>.toml`).
    #[arg(long, default_value_os_t = conformance_dir().join("expectations"), hide_default_value = true)]
    expectations: PathBuf,
    /// Seconds a test may run before the runtime must stop it.
    #[arg(long, default_value_t = 10.0, value_parser = positive_seconds)]
    timeout: f64,
    /// Largest linear memory a test may grow to, in MiB.
    #[arg(long, default_value_t = 256)]
    max_memory: u64,
    /// Tests run at the same time, each in its own process (default: one per core).
    #[arg(long)]
    jobs: Option<std::num::NonZero<usize>>,
    /// Results directory (default: a new timestamped folder under results/).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn execute(args: Args) -> Result<Outcome, Error> {
    // SAFETY: nothing else runs yet. Timeout tests need the runtime itself
    // to stop the guest, whatever the environment says.
    unsafe { wasm_arena_adapters::set_in_runtime_budget(true) };
    let runtimes = resolve_runtimes(&args.runtime)?;
    // Conformance runs modules as they are: a native twin has no WASI to test,
    // and a runtime that is not built in has nothing to say. Named ones are
    // refused; by default they are left out.
    let (usable, unusable): (Vec<_>, Vec<_>) = runtimes
        .into_iter()
        .partition(|d| d.compiled_in() && d.tier.has_load_phases());
    if !unusable.is_empty() && !args.runtime.is_empty() {
        let why: Vec<String> = unusable
            .iter()
            .map(|d| {
                if d.compiled_in() {
                    format!("{} runs native twins, not WebAssembly", d.id)
                } else {
                    format!(
                        "{} is not compiled in (rebuild with `--features {}`)",
                        d.id, d.feature
                    )
                }
            })
            .collect();
        return Err(Error::usage(why.join("; ")));
    }
    let runtimes: Vec<_> = usable.iter().map(|d| d.configured_info()).collect();
    let suite_dirs = if args.suite.is_empty() {
        ["wasi", "wasi-p2", "wasi-p3", "sandbox"]
            .map(|s| conformance_dir().join(s))
            .to_vec()
    } else {
        args.suite.clone()
    };
    let suites = suite_dirs
        .iter()
        .map(|dir| Suite::load(dir).usage())
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(twice) = suites
        .iter()
        .enumerate()
        .find(|(i, s)| suites[..*i].iter().any(|o| o.name == s.name))
    {
        return Err(Error::usage(format!(
            "two suites are named `{}` ({}); test ids would clash",
            twice.1.name,
            twice.1.dir.display()
        )));
    }
    let listing: Vec<(String, Vec<String>)> = suites
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.tests.iter().map(|t| t.name.clone()).collect(),
            )
        })
        .collect();
    let mut expectations = BTreeMap::new();
    for rt in &runtimes {
        let e = Expectations::load(&args.expectations, &rt.id).usage()?;
        for stale in e.unknown(&listing) {
            eprintln!(
                "warning: {}.toml names `{stale}`, which no loaded suite has",
                rt.id
            );
        }
        expectations.insert(rt.id.clone(), e);
    }
    let out_dir = out_dir(args.out, "-conformance")?;

    let interrupted = interrupt_flag()?;
    let workers = workers()?;
    let jobs = args
        .jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, |n| n.get());
    let matrix = conformance::Conformance {
        workers: &workers,
        suites: &suites,
        runtimes,
        expectations,
        settings: conformance::matrix::Settings {
            timeout_s: args.timeout,
            max_memory_bytes: args.max_memory * 1024 * 1024,
            jobs,
            expectations_dir: conformance::matrix::repository_relative(&args.expectations),
        },
        command: std::env::args().collect(),
        interrupted: &interrupted,
    }
    .run()
    .operational()?;
    export::write(&out_dir, &matrix, &conformance::export::all()).operational()?;

    println!("{}", table::conformance_matrix(&matrix));
    println!("{}", table::conformance_rates(&matrix));
    for r in matrix.failures() {
        println!(
            "{} on {}: {}: {}",
            r.id(),
            r.runtime,
            r.verdict,
            r.reason.as_deref().unwrap_or("")
        );
    }
    println!("results: {}", out_dir.display());
    Ok(if matrix.interrupted {
        println!("interrupted: the tests finished so far are saved");
        Outcome::Interrupted
    } else if matrix.as_expected() {
        Outcome::Success
    } else {
        Outcome::Failures
    })
}
