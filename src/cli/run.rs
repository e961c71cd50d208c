//! `wasm-arena run`: measures runtimes on workloads and writes a results directory.

use std::path::PathBuf;

use clap::ValueEnum;
use wasm_arena_harness::catalog::{Catalog, Size};
use wasm_arena_harness::export;
use wasm_arena_harness::output::progress::Progress;
use wasm_arena_harness::output::table;
use wasm_arena_harness::plan::Plan;
use wasm_arena_harness::results::{self, Settings};
use wasm_arena_harness::run::Runner;
use wasm_arena_harness::sampling::Budget;
use wasm_arena_harness::scenario::{Scenario, ScenarioSettings};
use wasm_arena_harness::shard::Shard;

use super::exit::{Classify, Error, Outcome};
use super::{
    CiExports, interrupt_flag, out_dir, percent, positive_seconds, resolve_runtimes, workers,
};

#[derive(clap::Args)]
pub struct Args {
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
    /// Seconds of measured iterations per cell. A probe iteration (a
    /// warm-up) tells what one costs; the cell then gets as many as fit,
    /// within --min-samples and --max-samples, spread over at least five
    /// worker processes when an iteration takes under a second (at least
    /// two when longer). Each cell records how many it got and why.
    #[arg(long, default_value_t = Budget::DEFAULT.seconds, value_parser = positive_seconds,
          conflicts_with_all = ["processes", "iterations"])]
    budget: f64,
    /// Fewest measured iterations a cell gets, however long one takes.
    #[arg(long, default_value_t = Budget::DEFAULT.min_samples,
          value_parser = clap::value_parser!(u32).range(1..), conflicts_with_all = ["processes", "iterations"])]
    min_samples: u32,
    /// Most measured iterations a cell gets, however cheap one is.
    #[arg(long, default_value_t = Budget::DEFAULT.max_samples,
          value_parser = clap::value_parser!(u32).range(1..), conflicts_with_all = ["processes", "iterations"])]
    max_samples: u32,
    /// Stop a cell before its budget's samples once the 95% interval of its
    /// execute median lies within this many percent of the median on either
    /// side (checked after each worker process, from the second on; the
    /// cell records that it stopped early). Off by default.
    #[arg(long, value_name = "PERCENT", value_parser = percent,
          conflicts_with_all = ["processes", "iterations"])]
    precision: Option<f64>,
    /// Fixed repetitions instead of the budget: worker processes per cell
    /// (default 3 when --iterations is given).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    processes: Option<u32>,
    /// Fixed repetitions instead of the budget: measured iterations per
    /// process (default 5 when --processes is given).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    iterations: Option<u32>,
    /// Warm-up iterations per process, run and discarded (a budgeted cell's
    /// first process always has one: its probe).
    #[arg(long, default_value_t = 1)]
    warmup: u32,
    /// Seconds one iteration may take: a worker that finishes no iteration
    /// within this plus one second is killed (with --in-runtime-budget the
    /// runtime itself stops the guest at this point).
    #[arg(long, default_value_t = 60.0, value_parser = positive_seconds)]
    timeout: f64,
    /// Have every runtime enforce --timeout itself, as `conformance` does
    /// (Wasmtime's epoch checks, wasmi's fuel metering, Wasmer's and
    /// WasmEdge's interrupts), at the cost those add to generated code. Off,
    /// each runtime runs in its default configuration, as its users run it.
    /// Recorded in the settings of the run and of each runtime.
    #[arg(long)]
    in_runtime_budget: bool,
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
    /// Measure only shard I of N of the cells (1 <= I <= N): each (runtime,
    /// workload) cell is in one shard, the same on every machine; `merge`
    /// joins the shards' directories. Give every shard the same --seed.
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// What to measure, comma-separated: `run` (compile, instantiate and
    /// execute afresh each iteration), `cold` (a fresh process per request,
    /// spawn to the first byte of output, in a host program that links only
    /// that runtime: build them beside wasm-arena with `cargo build --release
    /// --bins`), `warm` (a long-lived host with the
    /// module compiled once: instantiate + run + drop per request, p50/p90/p99),
    /// `density` (instances kept alive at once, level after level: resident
    /// memory per instance and instantiate latency). `warm` and `density`
    /// need a runtime that keeps instances in its host process; the others'
    /// cells say why not.
    #[arg(long, value_delimiter = ',', default_value = "run", value_parser = parse_scenario)]
    scenario: Vec<Scenario>,
    /// Requests a warm host serves (`--scenario warm`), and processes each
    /// cold-start variant starts (`--scenario cold`).
    #[arg(long, default_value_t = ScenarioSettings::default().requests, value_parser = clap::value_parser!(u32).range(1..))]
    requests: u32,
    /// Instances alive at each density level, ascending (`--scenario density`).
    #[arg(long, value_delimiter = ',', default_value = "1,10,100,1000", value_parser = clap::value_parser!(u32).range(1..))]
    density_levels: Vec<u32>,
    /// Threads a warm host serves requests from at once, one level after
    /// another (`--scenario warm`): requests per second and latency per level.
    #[arg(long, value_delimiter = ',', default_value = "1,2", value_parser = clap::value_parser!(u32).range(1..=256))]
    threads: Vec<u32>,
    /// Results directory (default: a new timestamped folder under results/).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    module: super::module::ModuleArgs,
    /// The workload catalog directory.
    #[arg(long, default_value_os_t = Catalog::default_dir(), hide_default_value = true)]
    workloads_dir: PathBuf,
    #[command(flatten)]
    exports: CiExports,
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

fn parse_scenario(s: &str) -> Result<Scenario, String> {
    s.parse()
}

pub fn execute(mut args: Args) -> Result<Outcome, Error> {
    args.scenario.sort();
    args.scenario.dedup();
    if !args.density_levels.is_sorted_by(|a, b| a < b) {
        return Err(Error::usage(format!(
            "--density-levels must ascend, each above the one before: {:?}",
            args.density_levels
        )));
    }
    if args.min_samples > args.max_samples {
        return Err(Error::usage(format!(
            "--min-samples ({}) is above --max-samples ({})",
            args.min_samples, args.max_samples
        )));
    }
    // SAFETY: nothing else runs yet (no thread has been started), and every
    // worker inherits the settings from here.
    unsafe {
        if let Some(threads) = args.compile_threads {
            wasm_arena_adapters::set_compile_threads(threads);
        }
        wasm_arena_adapters::set_in_runtime_budget(args.in_runtime_budget);
    }
    let runtimes = resolve_runtimes(&args.runtime)?;
    let mut catalog = Catalog::load(&args.workloads_dir).usage()?;
    args.module.extend(&mut catalog)?;
    let size = Size::from(args.size);
    let mut workloads = catalog
        .select(&args.workload, &args.category, size)
        .usage()?;
    args.module.configure(&mut workloads)?;
    let seed = args.seed.unwrap_or_else(rand::random);
    let fixed = match (args.processes, args.iterations) {
        (None, None) => None,
        (p, i) => Some((p.unwrap_or(3), i.unwrap_or(5))),
    };
    let plan = Plan {
        runtimes,
        workloads,
        settings: Settings {
            processes: fixed.map(|f| f.0),
            iterations: fixed.map(|f| f.1),
            warmup: args.warmup,
            budget: fixed.is_none().then_some(Budget {
                seconds: args.budget,
                min_samples: args.min_samples,
                max_samples: args.max_samples,
                precision: args.precision.map(|percent| percent / 100.0),
            }),
            in_runtime_budget: args.in_runtime_budget,
            timeout_s: args.timeout,
            seed,
            size,
            max_memory_bytes: args.max_memory * 1024 * 1024,
        },
        shard: args.shard,
        scenarios: args.scenario,
        scenario_settings: ScenarioSettings {
            requests: args.requests,
            levels: args.density_levels,
            threads: args.threads,
        },
    };
    let out_dir = out_dir(args.out, "")?;
    let mut exporters = export::all();
    exporters.extend(args.exports.exporters(None)?);

    let interrupted = interrupt_flag()?;
    let workers = workers()?;
    let progress = Progress::timed();
    let runner = Runner {
        plan: &plan,
        workers: &workers,
        out_dir: &out_dir,
        command: std::env::args().collect(),
        exporters,
        interrupted: &interrupted,
    };
    let results = runner.run(&progress).operational()?;

    if !results.cells.is_empty() {
        println!("{}", table::summary(&results));
    }
    for scenario_table in table::scenarios(&results) {
        println!("{scenario_table}");
    }
    if let Some(recommendation) = table::recommendation(&results) {
        println!("{recommendation}");
        println!(
            "the evidence: report.html; with the sandbox findings: `wasm-arena recommend {} \
             --conformance CDIR`",
            out_dir.display()
        );
    }
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
    if let Some(shard) = results.shard {
        println!(
            "shard {shard}: {} of {} cells (`wasm-arena merge` joins every shard's directory)",
            results.planned_cells(),
            results.runtimes.len() * results.workloads.len()
        );
    }
    println!("results: {}", out_dir.display());
    Ok(if results.interrupted {
        println!("interrupted: the cells finished so far are saved");
        Outcome::Interrupted
    } else if results.all_ok() {
        Outcome::Success
    } else {
        Outcome::Failures
    })
}
