//! Criterion benches of every compiled-in runtime on every catalog workload
//! (`small` size), one group per phase: `compile`, `instantiate`, `execute`.
//! `execute/<runtime>/empty` is the harness's own overhead per call. The
//! `native` twins have only `execute` (cargo compiled them; the kernel loads
//! them); third-party modules that were not fetched are left out.
//! Plus `worker/spawn/<program>`: what starting a worker process costs
//! (outside every phase), for each worker binary this build has.
//! Runtimes run in their default configuration (no epochs, no fuel), as
//! `run` measures them by default.
//!
//! Each case first runs once in a real worker process, as `wasm-arena run`
//! would run it: one that fails there (a trap, a wrong answer, a compiler
//! that crashes the process) is listed with its reason and not benched, so
//! it cannot take the bench process down with it.
//!
//! By default a representative set of workloads ([`REPRESENTATIVE`], one or
//! two per category) with a 1 s warm-up and 2 s of measurement per case, so
//! that every runtime and every phase is covered in under half an hour;
//! `WASM_ARENA_BENCH_WORKLOADS=all` (or a comma-separated list of ids) and
//! criterion's own `--warm-up-time`/`--measurement-time` widen it.
//!
//!   cargo bench                              default runtimes
//!   cargo bench -- execute/wasmtime-cranelift/empty
//!   WASM_ARENA_BENCH_WORKLOADS=all cargo bench   every catalog workload

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use wasm_arena_adapters::{Limits, PluginCalls, Runtime, RuntimeDescriptor, WasiSpec};
use wasm_arena_harness::catalog::{self, Catalog, Size, Workload};
use wasm_arena_harness::plan::{JobSpec, Plan};
use wasm_arena_harness::results::{self, ProcessRun, Settings, Status};
use wasm_arena_harness::scenario::{Scenario, ScenarioSettings};
use wasm_arena_harness::worker::protocol::{Observation, Task};
use wasm_arena_harness::worker::{self, Workers};

/// Seconds one probe iteration may take (the `small` size runs in well under
/// a second natively, and in seconds on the slowest interpreter).
const PROBE_TIMEOUT_S: f64 = 120.0;

/// The workloads benched by default: the harness's overhead (`empty`),
/// start-up, C and Rust compute, SIMD, WASI I/O, edge, plugin and data. Not
/// `large` (a 6 MB compile: minutes per case on the LLVM compilers) nor the
/// real-world programs.
const REPRESENTATIVE: [&str; 9] = [
    "empty",
    "hello",
    "sha256",
    "fannkuch",
    "matmul-simd",
    "wordfreq",
    "edge",
    "plugin",
    "data",
];

/// Which catalog workloads to bench: `WASM_ARENA_BENCH_WORKLOADS` (`all`, or
/// ids separated by commas), else [`REPRESENTATIVE`].
fn selected(id: &str) -> bool {
    match std::env::var("WASM_ARENA_BENCH_WORKLOADS") {
        Ok(list) if list == "all" => true,
        Ok(list) => list.split(',').any(|item| item.trim() == id),
        Err(_) => REPRESENTATIVE.contains(&id),
    }
}

/// Compiles per runtime instance in the `compile` group. Wasmer's engine keeps
/// the code of every module it compiled until the engine is dropped, so
/// thousands of compiles in one engine exhaust the process's memory mappings
/// (`vm.max_map_count`) and the bench aborts. A fresh runtime (created outside
/// the timing) every this many compiles bounds that, and costs little.
const COMPILES_PER_RUNTIME: u64 = 100;

/// A runtime x workload to bench. It holds no runtime: each group makes one
/// per case and drops it after, as one live runtime can hold thousands of
/// memory mappings (Wasmtime's pooling allocator guards each of its 1,000
/// stack slots), and a runtime per case for the whole bench ran out of them.
struct Case {
    descriptor: RuntimeDescriptor,
    workload: Workload,
    wasm: Vec<u8>,
    plugin: Option<PluginCalls>,
}

impl Case {
    fn name(&self) -> String {
        format!("{}/{}", self.descriptor.id, self.workload.id)
    }

    fn create(&self) -> Box<dyn Runtime> {
        self.descriptor.create().expect("runtime")
    }

    /// Fresh grants, with a fresh `/output` when the workload writes one.
    fn wasi(&self) -> (WasiSpec, Option<tempfile::TempDir>) {
        let mut wasi = self.workload.wasi(Limits::default());
        let output = self
            .workload
            .output
            .then(|| tempfile::tempdir().expect("temp dir"));
        if let Some(dir) = &output {
            wasi.preopens.push(catalog::output_preopen(dir.path()));
        }
        (wasi, output)
    }
}

fn cases() -> Vec<Case> {
    wasm_arena_engines::link();
    let catalog = Catalog::load(&Catalog::default_dir()).expect("catalog");
    let plan = Plan {
        runtimes: wasm_arena_adapters::descriptors()
            .into_iter()
            .filter(|d| d.compiled_in())
            .collect(),
        workloads: catalog
            .all(Size::Small)
            .into_iter()
            .filter(|w| w.unavailable().is_none() && selected(&w.id))
            .collect(),
        settings: Settings {
            processes: Some(1),
            iterations: Some(1),
            warmup: 0,
            budget: None,
            in_runtime_budget: false,
            timeout_s: PROBE_TIMEOUT_S,
            seed: 0,
            size: Size::Small,
            max_memory_bytes: Settings::DEFAULT_MAX_MEMORY_MIB << 20,
        },
        shard: None,
        scenarios: vec![Scenario::Run],
        scenario_settings: ScenarioSettings::default(),
    };
    let mut cases = Vec::new();
    for (r, descriptor) in plan.runtimes.iter().enumerate() {
        for (w, workload) in plan.workloads.iter().enumerate() {
            if let Err(reason) = probe(
                &plan,
                JobSpec {
                    runtime: r,
                    workload: w,
                    process: 0,
                },
            ) {
                eprintln!("not benched: {}/{}: {reason}", descriptor.id, workload.id);
                continue;
            }
            let workload = workload.clone();
            let wasm = std::fs::read(&workload.wasm).expect("workload .wasm");
            let plugin = workload.plugin.as_ref().map(|spec| PluginCalls {
                input: std::fs::read(&spec.input).expect("plugin input"),
                calls: spec.calls,
            });
            cases.push(Case {
                descriptor: *descriptor,
                workload,
                wasm,
                plugin,
            });
        }
    }
    cases
}

/// Runs the case once in a worker process and says why it cannot be benched.
fn probe(plan: &Plan, spec: JobSpec) -> Result<(), String> {
    let never = std::sync::atomic::AtomicBool::new(false);
    let run = worker::run_worker(
        workers(),
        &Task::Measure(plan.job(spec, plan.sampling(spec.workload).as_ref())),
        plan.kill_after(spec.workload),
        &never,
        |_| {},
    )
    .map_err(|e| format!("{e:#}"))?;
    let cell = results::cell_from_runs(
        plan.runtimes[spec.runtime].id,
        &plan.workloads[spec.workload].id,
        &[ProcessRun {
            index: 0,
            sequence: 0,
            run,
        }],
        plan.settings.seed,
    );
    match cell.status {
        Status::Ok => Ok(()),
        status => Err(format!("{status}: {}", cell.error.unwrap_or_default())),
    }
}

fn phases(c: &mut Criterion) {
    // SAFETY: criterion calls this on the main thread before starting any
    // other; the workers of `cases` inherit the setting. Runtimes are benched
    // in their default configuration, as `run` measures them.
    unsafe { wasm_arena_adapters::set_in_runtime_budget(false) };
    let cases = cases();
    let loaded = || {
        cases
            .iter()
            .filter(|case| case.descriptor.tier.has_load_phases())
    };
    // Flat sampling: every sample runs the same number of iterations. With
    // criterion's default linear ramp, ten samples of a 25 s compile
    // (Wasmer's LLVM on `large`) would run it 55 times.
    let mut group = c.benchmark_group("compile");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    for case in loaded() {
        group.bench_function(case.name(), |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                let mut left = iterations;
                while left > 0 {
                    let runtime = case.create();
                    for _ in 0..left.min(COMPILES_PER_RUNTIME) {
                        let began = Instant::now();
                        let module = runtime.compile(&case.wasm).expect("compile");
                        total += began.elapsed();
                        // Freeing the code is not compiling: outside the timing.
                        drop(module);
                    }
                    left = left.saturating_sub(COMPILES_PER_RUNTIME);
                }
                total
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("instantiate");
    group.sample_size(20);
    for case in loaded() {
        let runtime = case.create();
        let module = runtime.compile(&case.wasm).expect("compile");
        let (wasi, _output) = case.wasi();
        group.bench_function(case.name(), |b| {
            b.iter(|| module.instantiate(&wasi).expect("instantiate"))
        });
    }
    group.finish();

    // The same region the harness reports: between the bench markers, or the
    // whole `_start`, on a fresh instance each time.
    let mut group = c.benchmark_group("execute");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500));
    for case in &cases {
        let runtime = case.create();
        let module = runtime.compile(&case.wasm).expect("compile");
        group.bench_function(case.name(), |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let (wasi, _output) = case.wasi();
                    let mut instance = module.instantiate(&wasi).expect("instantiate");
                    let outcome = match &case.plugin {
                        Some(calls) => instance.call_plugin(calls),
                        None => instance.run(),
                    }
                    .expect("run");
                    assert_eq!(
                        outcome.exit_code,
                        case.workload.expect.exit_code,
                        "{}",
                        case.name()
                    );
                    total += outcome.execute;
                }
                total
            })
        });
    }
    group.finish();
}

/// The worker processes, as `wasm-arena run` starts them.
fn workers() -> &'static Workers {
    static WORKERS: OnceLock<Workers> = OnceLock::new();
    WORKERS.get_or_init(|| {
        Workers::new(
            PathBuf::from(env!("CARGO_BIN_EXE_wasm-arena")),
            wasm_arena_build_id::BUILD,
        )
    })
}

/// Spawning a worker until it has read its task and said `ready`: the cost
/// every worker process adds outside the phases (the harness records it per
/// process as `spawn_ns`), for each worker program of the compiled-in ids,
/// started as `run` starts it. The task names a missing module, so the
/// worker then exits straight away.
fn spawn(c: &mut Criterion) {
    wasm_arena_engines::link();
    let mut programs: Vec<(&str, &str)> = Vec::new();
    for d in wasm_arena_adapters::descriptors() {
        let program = d.worker.program();
        if d.compiled_in() && !programs.iter().any(|(p, _)| *p == program) {
            programs.push((program, d.id));
        }
    }
    let mut group = c.benchmark_group("worker/spawn");
    group.sample_size(20);
    for (program, runtime) in programs {
        let task = Task::Observe(Observation {
            runtime: runtime.into(),
            wasm: "/nonexistent.wasm".into(),
            wasi: WasiSpec::default(),
        });
        let task = serde_json::to_vec(&task).expect("task json");
        group.bench_function(program, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let began = Instant::now();
                    let mut child = workers()
                        .command(runtime)
                        .stdin(Stdio::piped())
                        .stdout(Stdio::piped())
                        .spawn()
                        .expect("spawn");
                    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), &task)
                        .expect("task");
                    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
                    let mut ready = String::new();
                    stdout.read_line(&mut ready).expect("ready line");
                    total += began.elapsed();
                    assert!(ready.contains("\"ready\""), "{ready}");
                    // Its last events, read so that it does not write into a closed pipe.
                    std::io::copy(&mut stdout, &mut std::io::sink()).expect("worker events");
                    child.wait().expect("worker");
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Short by default (see the header); criterion's options override it.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = phases, spawn
}
criterion_main!(benches);
