//! One behaviour suite, run against every runtime id compiled into this build:
//! each WASI grant, limit and phase feature the harness relies on.

use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use wasm_arena_adapters::{
    Capability, Limits, PluginCalls, Preopen, RunError, RunOutcome, Runtime, RuntimeDescriptor,
    StdinEnd, TimedRegion, WasiSpec,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("workloads/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One test at a time: the runtimes install their own signal handlers
/// (traps, Wasmer's interrupt), in the order they are first made, and in one
/// process with traps on several threads at once a handler can be handed
/// another runtime's fault (a crash of the whole suite, about one run in ten
/// with every runtime compiled in). wasm-arena itself never mixes runtimes in
/// a process: each worker runs one.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A failed test poisons the lock; the others still run.
    ONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Every compiled-in Wasm runtime, made in report order while this test holds
/// [`serial`]; the suite fails if there is none, so it cannot pass vacuously.
/// The native twins are no runtime: they have no sandbox, and no twins of
/// these fixtures.
fn runtimes() -> Serial {
    let guard = serial();
    // Making WasmEdge gives this thread a file descriptor table of its own,
    // and whatever the process makes once, lazily, on such a thread has its
    // fds there only: wasmtime-wasi's tokio runtime, whose eventfd another
    // test's thread could then not write ("failed to wake I/O driver: Bad
    // file descriptor", when a guest's poll sets a timer). So that runtime
    // is made first, while this thread still has the process's table. A
    // worker runs one runtime: wasm-arena itself never meets this.
    #[cfg(feature = "wasmtime")]
    wasmtime_wasi::runtime::in_tokio(async {});
    let all: Vec<_> = wasm_runtimes()
        .map(|d| d.create().unwrap_or_else(|e| panic!("{}: {e}", d.id)))
        .collect();
    assert!(!all.is_empty(), "no runtime compiled in");
    Serial {
        _guard: guard,
        all: all.into_iter(),
    }
}

/// The runtimes of one test, and its turn.
struct Serial {
    _guard: std::sync::MutexGuard<'static, ()>,
    all: std::vec::IntoIter<Box<dyn Runtime>>,
}

impl Iterator for Serial {
    type Item = Box<dyn Runtime>;

    fn next(&mut self) -> Option<Self::Item> {
        self.all.next()
    }
}

fn wasm_runtimes() -> impl Iterator<Item = RuntimeDescriptor> {
    wasm_arena_engines::link();
    wasm_arena_adapters::descriptors()
        .into_iter()
        .filter(|d| d.compiled_in() && d.tier.has_load_phases())
}

/// Why `rt` cannot do `capability`, if it says it cannot; printed, so the
/// test log shows every capability a runtime skipped.
fn unsupported(rt: &dyn Runtime, capability: Capability) -> Option<String> {
    let info = rt.info();
    let reason = info.unsupported.get(&capability)?;
    assert!(
        !reason.trim().is_empty(),
        "{}: {capability} without a reason",
        info.id
    );
    eprintln!("{}: {capability} unsupported: {reason}", info.id);
    Some(reason.clone())
}

fn spec(args: &[&str]) -> WasiSpec {
    WasiSpec {
        args: args.iter().map(|s| s.to_string()).collect(),
        ..WasiSpec::default()
    }
}

fn run(rt: &dyn Runtime, module: &str, wasi: &WasiSpec) -> Result<RunOutcome, RunError> {
    rt.compile(&fixture(module))?.instantiate(wasi)?.run()
}

fn probe(rt: &dyn Runtime, wasi: &WasiSpec) -> RunOutcome {
    let id = rt.info().id;
    run(rt, "probe.wasm", wasi).unwrap_or_else(|e| panic!("{id}: {e}"))
}

fn stdout(o: &RunOutcome) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn args_reach_the_guest_in_order() {
    for rt in runtimes() {
        let o = probe(
            rt.as_ref(),
            &spec(&["probe", "args", "one", "two words", "3"]),
        );
        assert_eq!(
            (o.exit_code, stdout(&o).as_str()),
            (0, "one\ntwo words\n3\n"),
            "{}",
            rt.info().id
        );
    }
}

#[test]
fn env_is_exactly_what_was_granted() {
    // Set in the host: must not leak into the guest.
    unsafe { std::env::set_var("WASM_ARENA_HOST_ONLY", "leak") };
    for rt in runtimes() {
        let mut wasi = spec(&["probe", "env"]);
        wasi.env = vec![
            ("A".into(), "1".into()),
            ("GREETING".into(), "hello world".into()),
        ];
        let o = probe(rt.as_ref(), &wasi);
        assert_eq!(
            stdout(&o),
            "A=1\nGREETING=hello world\n",
            "{}",
            rt.info().id
        );
        let o = probe(rt.as_ref(), &spec(&["probe", "env"]));
        assert_eq!(
            stdout(&o),
            "",
            "{}: empty grant, empty environment",
            rt.info().id
        );
    }
}

#[test]
fn stdin_bytes_are_read_then_end_of_file() {
    for rt in runtimes() {
        let mut wasi = spec(&["probe", "stdin"]);
        wasi.stdin = b"line 1\nline 2 \x00 binary\n".to_vec();
        let o = probe(rt.as_ref(), &wasi);
        assert_eq!(o.stdout, wasi.stdin, "{}", rt.info().id);
    }
}

#[test]
fn stdin_left_open_is_never_ready_after_its_bytes() {
    for rt in runtimes() {
        let id = rt.info().id;
        let mut wasi = spec(&["probe", "poll-stdin"]);
        wasi.stdin_end = StdinEnd::Open;
        // Nothing, and no end of file: a poll for stdin waits out its clock.
        assert_eq!(stdout(&probe(rt.as_ref(), &wasi)), "clock\n", "{id}");
        // Its bytes are read first; then the same.
        wasi.stdin = b"abc".to_vec();
        assert_eq!(
            stdout(&probe(rt.as_ref(), &wasi)),
            "read: 3 bytes\nclock\n",
            "{id}"
        );
    }
}

#[test]
fn stderr_is_captured_apart_from_stdout() {
    for rt in runtimes() {
        let o = probe(rt.as_ref(), &spec(&["probe", "stderr", "to stderr"]));
        assert_eq!(
            (o.stdout.as_slice(), o.stderr.as_slice()),
            (&b""[..], &b"to stderr"[..]),
            "{}",
            rt.info().id
        );
    }
}

#[test]
fn preopened_directories_can_be_read_and_written() {
    for rt in runtimes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("in.txt"), "from the host\n").unwrap();
        let grant = |args: &[&str], read_only| {
            let mut wasi = spec(args);
            wasi.preopens = vec![Preopen {
                host: dir.path().to_path_buf(),
                guest: "/data".into(),
                read_only,
            }];
            wasi
        };
        let o = probe(
            rt.as_ref(),
            &grant(&["probe", "read", "/data/in.txt"], true),
        );
        assert_eq!(stdout(&o), "from the host\n", "{}", rt.info().id);

        let o = probe(
            rt.as_ref(),
            &grant(
                &["probe", "write", "/data/out.txt", "from the guest"],
                false,
            ),
        );
        assert_eq!(
            o.exit_code,
            0,
            "{}: {}",
            rt.info().id,
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out.txt")).unwrap(),
            "from the guest"
        );

        if unsupported(rt.as_ref(), Capability::ReadOnlyPreopens).is_none() {
            let o = probe(
                rt.as_ref(),
                &grant(&["probe", "write", "/data/denied.txt", "x"], true),
            );
            assert_ne!(
                o.exit_code,
                0,
                "{}: a read-only grant was written",
                rt.info().id
            );
            assert!(!dir.path().join("denied.txt").exists());
        }

        let o = probe(rt.as_ref(), &spec(&["probe", "read", "/data/in.txt"]));
        assert_ne!(o.exit_code, 0, "{}: read without a preopen", rt.info().id);
    }
}

#[test]
fn proc_exit_codes_are_reported() {
    for rt in runtimes() {
        for code in [0, 3, 42] {
            let o = probe(rt.as_ref(), &spec(&["probe", "exit", &code.to_string()]));
            assert_eq!(o.exit_code, code, "{}", rt.info().id);
        }
    }
}

#[test]
fn a_trap_is_reported_as_a_trap_with_its_message_and_the_output_before_it() {
    for rt in runtimes() {
        let id = rt.info().id;
        let mut instance = rt
            .compile(&fixture("trap.wasm"))
            .and_then(|m| m.instantiate(&spec(&["trap"])))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let err = instance.run().unwrap_err();
        let RunError::Trap(message) = &err else {
            panic!("{id}: {err}")
        };
        assert!(message.contains("unreachable"), "{id}: {message}");
        // What it said before it trapped is kept, and its last stderr line
        // is in the message.
        assert!(
            message.ends_with("the guest's last stderr line: assertion failed: trap.c"),
            "{id}: {message}"
        );
        let (out, err) = instance.output();
        assert_eq!(
            (out.as_slice(), err.as_slice()),
            (&b"about to trap\n"[..], &b"assertion failed: trap.c\n"[..]),
            "{id}"
        );
    }
}

#[test]
fn the_time_budget_stops_an_infinite_loop() {
    let budget = Duration::from_millis(300);
    // Each guest runs on a thread of its own, so a runtime that never stops
    // it fails this test instead of hanging the suite.
    let late = Duration::from_secs(20);
    let _turn = serial();
    for descriptor in wasm_runtimes() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = descriptor
                .create()
                .unwrap_or_else(|e| panic!("{}: {e}", descriptor.id));
            if unsupported(rt.as_ref(), Capability::TimeBudget).is_some() {
                let _ = tx.send(None);
                return;
            }
            let mut wasi = spec(&["spin"]);
            wasi.limits = Limits {
                time_budget: Some(budget),
                ..Limits::default()
            };
            let _ = tx.send(Some(run(rt.as_ref(), "spin.wasm", &wasi)));
        });
        match rx.recv_timeout(late) {
            Ok(None) => {}
            Ok(Some(outcome)) => assert_eq!(
                outcome.unwrap_err(),
                RunError::TimeBudget(budget),
                "{}",
                descriptor.id
            ),
            Err(RecvTimeoutError::Timeout) => {
                panic!(
                    "{}: the guest still runs {late:?} after it started",
                    descriptor.id
                )
            }
            Err(RecvTimeoutError::Disconnected) => panic!("{}: its thread panicked", descriptor.id),
        }
    }
}

#[test]
fn the_memory_cap_refuses_growth_inside_the_guest() {
    for rt in runtimes() {
        if unsupported(rt.as_ref(), Capability::MemoryCap).is_some() {
            continue;
        }
        let mut wasi = spec(&["grow"]);
        wasi.limits = Limits {
            max_memory_bytes: Some(64 << 20),
            ..Limits::default()
        };
        let o = run(rt.as_ref(), "grow.wasm", &wasi)
            .unwrap_or_else(|e| panic!("{}: {e}", rt.info().id));
        assert_eq!(o.exit_code, 1, "{}", rt.info().id);
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("malloc failed after"),
            "{}",
            rt.info().id
        );
        if unsupported(rt.as_ref(), Capability::RefusedGrowthReport).is_none() {
            assert!(
                o.memory_refused.is_some_and(|b| b > 64 << 20),
                "{}",
                rt.info().id
            );
        }
        // Three 16 MiB blocks fit under the cap, a fourth does not.
        let linear = o.linear_memory_bytes;
        assert!(
            linear.is_some_and(|b| b > 48 << 20 && b <= 64 << 20),
            "{}: {linear:?}",
            rt.info().id
        );

        // Without a cap the same module grows to 1 GiB.
        let o = run(rt.as_ref(), "grow.wasm", &spec(&["grow"])).unwrap();
        assert_eq!(
            (o.exit_code, o.memory_refused),
            (0, None),
            "{}",
            rt.info().id
        );
        let linear = o.linear_memory_bytes;
        assert!(
            linear.is_some_and(|b| b > 1 << 30),
            "{}: {linear:?}",
            rt.info().id
        );
    }
}

#[test]
fn bench_markers_bound_the_execute_time() {
    for rt in runtimes() {
        let id = rt.info().id;
        let marked = probe(rt.as_ref(), &spec(&["probe", "marked"]));
        assert_eq!(marked.region, TimedRegion::Markers, "{id}");
        // The region excludes a 50M-iteration loop before bench.start.
        let began = Instant::now();
        let whole = probe(rt.as_ref(), &spec(&["probe", "marked"]));
        let wall = began.elapsed();
        assert!(
            whole.execute * 10 < wall,
            "{id}: region {:?} vs run {wall:?}",
            whole.execute
        );

        let unmarked = probe(rt.as_ref(), &spec(&["probe", "args"]));
        assert_eq!(unmarked.region, TimedRegion::WholeStart, "{id}");
        assert!(unmarked.execute > Duration::ZERO, "{id}");
    }
}

#[test]
fn precompiled_artifacts_load_back_and_run() {
    for rt in runtimes() {
        let id = rt.info().id;
        let artifact = rt.precompile(&fixture("probe.wasm")).unwrap();
        let skipped = unsupported(rt.as_ref(), Capability::Precompile);
        assert_eq!(
            artifact.is_none(),
            skipped.is_some(),
            "{id}: an artifact exactly when precompile is supported"
        );
        let Some(artifact) = artifact else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let path: PathBuf = dir.path().join("probe.cwasm");
        std::fs::write(&path, &artifact).unwrap();
        let module = rt
            .load_precompiled(&std::fs::read(&path).unwrap())
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let o = module
            .instantiate(&spec(&["probe", "args", "aot"]))
            .unwrap()
            .run()
            .unwrap();
        assert_eq!(stdout(&o), "aot\n", "{id}");
        assert!(
            matches!(
                rt.load_precompiled(b"not an artifact"),
                Err(RunError::InvalidModule(_))
            ),
            "{id}"
        );
    }
}

#[test]
fn the_plugin_workload_calls_its_exports_and_the_arena_imports() {
    // The catalog's plugin workload at its small size: every call copies its
    // input in and out and makes one `arena.echo` call, and the checksum
    // covers every byte.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("workloads");
    let wasm = std::fs::read(root.join("wasm/plugin.wasm")).unwrap();
    let plugin = PluginCalls {
        input: std::fs::read(root.join("inputs/plugin/request.json")).unwrap(),
        calls: 1000,
    };
    for rt in runtimes() {
        let id = rt.info().id;
        let o = rt
            .compile(&wasm)
            .and_then(|m| m.instantiate(&spec(&["plugin"])))
            .and_then(|mut i| i.call_plugin(&plugin))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(
            (o.exit_code, stdout(&o).as_str()),
            (
                0,
                "calls=1000 echoes=1000 bytes=332000 fnv=70a2dc83a27fe6ff\n"
            ),
            "{id}"
        );
        assert_eq!(o.region, TimedRegion::PluginCalls, "{id}");
        assert!(o.execute > Duration::ZERO, "{id}");
    }
}

#[test]
fn invalid_modules_are_rejected_at_compile() {
    for rt in runtimes() {
        let err = rt
            .compile(b"this is not a WebAssembly module")
            .err()
            .unwrap();
        assert!(
            matches!(err, RunError::InvalidModule(_)),
            "{}: {err}",
            rt.info().id
        );
    }
}

#[test]
fn info_names_the_id_version_and_settings() {
    for rt in runtimes() {
        let info = rt.info();
        assert!(info.id.starts_with(&info.family), "{info:?}");
        assert!(
            info.version
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit()),
            "{info:?}"
        );
        assert!(!info.settings.is_empty(), "{info:?}");
    }
}
