//! `wasm-arena`: compare WebAssembly runtimes on shared WASI workloads.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use wasm_arena_adapters::RuntimeDescriptor;
use wasm_arena_harness::catalog::{Catalog, Size};
use wasm_arena_harness::output::progress::Progress;
use wasm_arena_harness::output::table;
use wasm_arena_harness::plan::Plan;
use wasm_arena_harness::results::{self, Settings};
use wasm_arena_harness::run::Runner;
use wasm_arena_harness::{conformance, export, worker};

/// Exit status for bad command-line input (unknown ids, unreadable results).
const USAGE: u8 = 2;
/// Exit status after Ctrl-C, as shells expect (128 + SIGINT).
const INTERRUPTED: u8 = 130;

#[derive(Parser)]
#[command(name = "wasm-arena", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the known runtimes or workloads.
    List {
        #[arg(value_enum)]
        what: ListWhat,
    },
    /// Measure runtimes on workloads and write a results directory.
    Run(RunArgs),
    /// Run WASI test suites (wasi-testsuite layout) on runtimes: the
    /// conformance and sandbox matrix. Exits 0 when every result matches the
    /// runtimes' expectations, 1 otherwise.
    Conformance(ConformanceArgs),
    /// Re-render report.md, samples.csv and charts/ from a results directory.
    Report {
        /// A directory written by `wasm-arena run`.
        dir: PathBuf,
    },
    /// Run one job read from stdin (used by `run`; one process per job).
    #[command(hide = true)]
    Worker,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListWhat {
    Runtimes,
    Workloads,
}

#[derive(Args)]
struct RunArgs {
    /// Runtime ids, comma-separated (default: every runtime compiled in).
    #[arg(long, value_delimiter = ',')]
    runtime: Vec<String>,
    /// Workload ids or paths to .wasm files, comma-separated (default, with no
    /// --category either: the whole catalog).
    #[arg(long, value_delimiter = ',')]
    workload: Vec<String>,
    /// Workload categories, comma-separated: adds every catalog workload of each.
    #[arg(long, value_delimiter = ',')]
    category: Vec<String>,
    /// Workload size: `small` for quick checks, `default` for reports.
    #[arg(long, value_enum, default_value_t = SizeArg::Default)]
    size: SizeArg,
    /// Worker processes per cell.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    processes: u32,
    /// Measured iterations per process.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    iterations: u32,
    /// Warm-up iterations per process, run and discarded.
    #[arg(long, default_value_t = 1)]
    warmup: u32,
    /// Seconds one iteration may take: the runtime interrupts a guest whose
    /// execute phase runs longer, and the harness kills a worker that finishes
    /// no iteration within this plus one second.
    #[arg(long, default_value_t = 60.0, value_parser = positive_seconds)]
    timeout: f64,
    /// Largest linear memory a guest may grow to, in MiB.
    #[arg(long, default_value_t = Settings::DEFAULT_MAX_MEMORY_MIB)]
    max_memory: u64,
    /// Threads a runtime may compile with (Wasmtime, Wasmer and WasmEdge's AOT
    /// compile in parallel; default: every core). Recorded in each runtime's settings.
    #[arg(long)]
    compile_threads: Option<std::num::NonZero<usize>>,
    /// Seed for the cell order (default: random, and recorded).
    #[arg(long)]
    seed: Option<u64>,
    /// Results directory (default: a new timestamped folder under results/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The workload catalog directory.
    #[arg(long, default_value_os_t = Catalog::default_dir(), hide_default_value = true)]
    workloads_dir: PathBuf,
}

#[derive(Args)]
struct ConformanceArgs {
    /// Runtime ids, comma-separated (default: every Wasm runtime compiled in).
    #[arg(long, value_delimiter = ',')]
    runtime: Vec<String>,
    /// A suite directory (manifest.json, NAME.wasm, NAME.json); repeatable
    /// (default: the project's own suites, `wasi` and `sandbox`).
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

/// A `--timeout`: a positive, finite number of seconds.
fn positive_seconds(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(s) if s > 0.0 && s.is_finite() => Ok(s),
        _ => Err("must be a positive number of seconds".into()),
    }
}

/// Set by Ctrl-C: the run stops starting work and keeps what finished.
fn interrupt_flag() -> Result<Arc<AtomicBool>> {
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("installing the Ctrl-C handler")?;
    Ok(interrupted)
}

/// Where the project's suites and expectations live.
fn conformance_dir() -> PathBuf {
    Catalog::default_dir().join("conformance")
}

#[derive(Clone, Copy, ValueEnum)]
enum SizeArg {
    Small,
    Default,
}

impl From<SizeArg> for Size {
    fn from(s: SizeArg) -> Size {
        match s {
            SizeArg::Small => Size::Small,
            SizeArg::Default => Size::Default,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List {
            what: ListWhat::Runtimes,
        } => list_runtimes(),
        Command::List {
            what: ListWhat::Workloads,
        } => list_workloads(),
        Command::Run(args) => run(args),
        Command::Conformance(args) => conformance(args),
        Command::Report { dir } => report(dir),
        Command::Worker => worker::serve(std::io::stdin().lock(), std::io::stdout().lock())
            .map(|()| ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::from(USAGE)
    })
}

fn list_runtimes() -> Result<ExitCode> {
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
    Ok(ExitCode::SUCCESS)
}

fn list_workloads() -> Result<ExitCode> {
    let catalog = Catalog::load(&Catalog::default_dir())?;
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
    Ok(ExitCode::SUCCESS)
}

fn resolve_runtimes(ids: &[String]) -> Result<Vec<RuntimeDescriptor>, String> {
    let known = wasm_arena_adapters::descriptors();
    if ids.is_empty() {
        return Ok(known.into_iter().filter(|d| d.compiled_in()).collect());
    }
    let unknown: Vec<&String> = ids
        .iter()
        .filter(|id| !known.iter().any(|d| d.id == id.as_str()))
        .collect();
    if !unknown.is_empty() {
        let valid: Vec<&str> = known.iter().map(|d| d.id).collect();
        return Err(format!(
            "unknown runtime id(s): {}; valid ids: {}",
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            valid.join(", ")
        ));
    }
    let mut chosen = Vec::new();
    for id in ids {
        let d = known
            .iter()
            .find(|d| d.id == id.as_str())
            .copied()
            .expect("checked above");
        if !chosen.iter().any(|c: &RuntimeDescriptor| c.id == d.id) {
            chosen.push(d);
        }
    }
    Ok(chosen)
}

fn run(args: RunArgs) -> Result<ExitCode> {
    if let Some(threads) = args.compile_threads {
        // SAFETY: nothing else runs yet (no thread has been started), and
        // every worker inherits the setting from here.
        unsafe { wasm_arena_adapters::set_compile_threads(threads) };
    }
    let runtimes = match resolve_runtimes(&args.runtime) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(USAGE));
        }
    };
    let catalog = Catalog::load(&args.workloads_dir)?;
    let size = Size::from(args.size);
    let workloads = match catalog.select(&args.workload, &args.category, size) {
        Ok(w) => w,
        Err(unknown) => {
            eprintln!("error: {unknown}");
            return Ok(ExitCode::from(USAGE));
        }
    };
    let seed = args.seed.unwrap_or_else(rand::random);
    let plan = Plan {
        runtimes,
        workloads,
        settings: Settings {
            processes: args.processes,
            iterations: args.iterations,
            warmup: args.warmup,
            timeout_s: args.timeout,
            seed,
            size,
            max_memory_bytes: args.max_memory * 1024 * 1024,
        },
    };
    let out_dir = args.out.unwrap_or_else(|| default_out_dir(""));

    let interrupted = interrupt_flag()?;
    let exe = std::env::current_exe().context("locating the wasm-arena binary")?;
    let progress = Progress::new(plan.total_iterations(), "iterations");
    let runner = Runner {
        plan: &plan,
        exe: &exe,
        out_dir: &out_dir,
        command: std::env::args().collect(),
        exporters: export::all(),
        interrupted: &interrupted,
    };
    let results = runner.run(&progress)?;

    println!("{}", table::summary(&results));
    for cell in results
        .cells
        .iter()
        .filter(|c| c.status != results::Status::Ok)
    {
        println!(
            "{} on {}: {}: {}",
            cell.runtime,
            cell.workload,
            cell.status,
            cell.error.as_deref().unwrap_or("")
        );
    }
    println!("results: {}", out_dir.display());
    Ok(if results.interrupted {
        println!("interrupted: the cells finished so far are saved");
        ExitCode::from(INTERRUPTED)
    } else if results.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn conformance(args: ConformanceArgs) -> Result<ExitCode> {
    let runtimes = match resolve_runtimes(&args.runtime) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(USAGE));
        }
    };
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
        eprintln!("error: {}", why.join("; "));
        return Ok(ExitCode::from(USAGE));
    }
    let runtimes: Vec<_> = usable.iter().map(|d| d.configured_info()).collect();
    let suite_dirs = if args.suite.is_empty() {
        ["wasi", "sandbox"]
            .map(|s| conformance_dir().join(s))
            .to_vec()
    } else {
        args.suite.clone()
    };
    let mut suites = Vec::new();
    for dir in &suite_dirs {
        match conformance::Suite::load(dir) {
            Ok(suite) => suites.push(suite),
            Err(e) => {
                eprintln!("error: {e:#}");
                return Ok(ExitCode::from(USAGE));
            }
        }
    }
    if let Some(twice) = suites
        .iter()
        .enumerate()
        .find(|(i, s)| suites[..*i].iter().any(|o| o.name == s.name))
    {
        eprintln!(
            "error: two suites are named `{}` ({}); test ids would clash",
            twice.1.name,
            twice.1.dir.display()
        );
        return Ok(ExitCode::from(USAGE));
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
    let mut expectations = std::collections::BTreeMap::new();
    for rt in &runtimes {
        let e = match conformance::Expectations::load(&args.expectations, &rt.id) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: {e:#}");
                return Ok(ExitCode::from(USAGE));
            }
        };
        for stale in e.unknown(&listing) {
            eprintln!(
                "warning: {}.toml names `{stale}`, which no loaded suite has",
                rt.id
            );
        }
        expectations.insert(rt.id.clone(), e);
    }

    let interrupted = interrupt_flag()?;
    let exe = std::env::current_exe().context("locating the wasm-arena binary")?;
    let jobs = args
        .jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, |n| n.get());
    let out_dir = args.out.unwrap_or_else(|| default_out_dir("-conformance"));
    let matrix = conformance::Conformance {
        exe: &exe,
        suites: &suites,
        runtimes,
        expectations,
        settings: conformance::matrix::Settings {
            timeout_s: args.timeout,
            max_memory_bytes: args.max_memory * 1024 * 1024,
            jobs,
            expectations_dir: std::fs::canonicalize(&args.expectations)
                .unwrap_or(args.expectations.clone())
                .display()
                .to_string(),
        },
        command: std::env::args().collect(),
        interrupted: &interrupted,
    }
    .run()?;
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    results::save(&out_dir, &matrix, &conformance::export::all())?;

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
        ExitCode::from(INTERRUPTED)
    } else if matrix.as_expected() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn report(dir: PathBuf) -> Result<ExitCode> {
    let results = results::load(&dir)?;
    results::save(&dir, &results, &export::renderings())?;
    println!("{}", table::summary(&results));
    println!("report: {}", dir.join("report.md").display());
    Ok(ExitCode::SUCCESS)
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
