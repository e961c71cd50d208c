//! The worker as a long-lived host of one compiled module, for the warm and
//! density scenarios: the module is compiled once, outside every figure,
//! then instances are made from it. The loops are the same for every
//! runtime; only runtimes that keep instances in this process can be a host
//! ([`Capability::SharedHost`]).

use std::sync::Barrier;
use std::time::Instant;

use anyhow::Result;
use wasm_arena_adapters::{Capability, Instance, Module, PluginCalls, RunError, resident};

use super::protocol::{ConcurrencySample, Event, Failure, HostJob, LevelSample, RequestSample};
use super::serve::{
    Outcome, Prepared, grants, nanos, prepare, runtime_failure, serve_once, verify,
};
use crate::phase::Stage;

/// Serves `requests` requests, each a fresh instance that runs the workload
/// once (checked against its oracle) and is dropped.
pub(super) fn warm(host: &HostJob, emit: &mut impl FnMut(&Event) -> Result<()>) -> Result<Outcome> {
    let (prepared, module) = match compiled(host, emit)? {
        Ok(compiled) => compiled,
        Err(failure) => return Ok(Err(failure)),
    };
    let job = &host.job;
    for _ in 0..host.requests {
        let (wasi, output_dir) = match grants(job) {
            Ok(granted) => granted,
            Err(failure) => return Ok(Err(failure)),
        };
        let t0 = Instant::now();
        let mut instance = match module.instantiate(&wasi) {
            Ok(i) => i,
            Err(e) => return Ok(Err(runtime_failure(Stage::Instantiate)(e))),
        };
        let t1 = Instant::now();
        let outcome = serve_once(instance.as_mut(), &prepared.plugin);
        let t2 = Instant::now();
        drop(instance);
        let t3 = Instant::now();
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => return Ok(Err(runtime_failure(Stage::Execute)(e))),
        };
        if let Err(failure) = verify(job, &outcome, output_dir.as_ref()) {
            return Ok(Err(failure));
        }
        emit(&Event::Request(RequestSample {
            instantiate_ns: nanos(t1 - t0),
            run_ns: nanos(t2 - t1),
            drop_ns: nanos(t3 - t2),
        }))?;
    }
    let Some(shared) = module.shared() else {
        let reason = format!(
            "{}'s module cannot be shared between threads in this adapter",
            job.runtime
        );
        emit(&Event::ConcurrencyRefused { reason })?;
        return finished(emit);
    };
    for &threads in &host.threads {
        match concurrently(host, shared, &prepared.plugin, threads) {
            Ok(sample) => emit(&Event::Concurrency(sample))?,
            Err(failure) => return Ok(Err(failure)),
        }
    }
    finished(emit)
}

/// `threads` threads serving `host.requests` requests each from one module
/// at once, each request checked. No time budget: it guards one instance at
/// a time (see [`wasm_arena_adapters::Module::shared`]).
fn concurrently(
    host: &HostJob,
    module: &(dyn Module + Sync),
    plugin: &Option<PluginCalls>,
    threads: u32,
) -> Result<ConcurrencySample, (Stage, Failure)> {
    let job = &host.job;
    let start = Barrier::new(threads as usize);
    let serve = || -> Result<(Instant, Vec<u64>, Instant), (Stage, Failure)> {
        start.wait();
        let began = Instant::now();
        let mut request_ns = Vec::with_capacity(host.requests as usize);
        for _ in 0..host.requests {
            let (mut wasi, output_dir) = grants(job)?;
            wasi.limits.time_budget = None;
            let t0 = Instant::now();
            let mut instance = module
                .instantiate(&wasi)
                .map_err(runtime_failure(Stage::Instantiate))?;
            let outcome = serve_once(instance.as_mut(), plugin);
            drop(instance);
            request_ns.push(nanos(t0.elapsed()));
            let outcome = outcome.map_err(runtime_failure(Stage::Execute))?;
            verify(job, &outcome, output_dir.as_ref())?;
        }
        Ok((began, request_ns, Instant::now()))
    };
    let served: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(serve)).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a serving thread panicked"))
            .collect()
    });
    let served = served.into_iter().collect::<Result<Vec<_>, _>>()?;
    let began = served.iter().map(|s| s.0).min().expect("one thread");
    let ended = served.iter().map(|s| s.2).max().expect("one thread");
    Ok(ConcurrencySample {
        threads,
        wall_ns: nanos(ended - began),
        request_ns: served.into_iter().flat_map(|s| s.1).collect(),
    })
}

/// Keeps instances alive, adding them until each level is reached and
/// reporting the resident size there. Instances are made, not run: what a
/// host pays to hold one ready. A level that cannot be reached ends the job
/// with the reason; the levels before it are reported.
pub(super) fn density(
    host: &HostJob,
    emit: &mut impl FnMut(&Event) -> Result<()>,
) -> Result<Outcome> {
    let (_, module) = match compiled(host, emit)? {
        Ok(compiled) => compiled,
        Err(failure) => return Ok(Err(failure)),
    };
    // One set of grants for all of them: none runs, none writes.
    let (wasi, _output_dir) = match grants(&host.job) {
        Ok(granted) => granted,
        Err(failure) => return Ok(Err(failure)),
    };
    let mut live: Vec<Box<dyn Instance>> = Vec::new();
    for &level in &host.levels {
        let mut instantiate_ns = Vec::new();
        while live.len() < level as usize {
            let t0 = Instant::now();
            match module.instantiate(&wasi) {
                Ok(instance) => live.push(instance),
                Err(e) => {
                    let error = match e {
                        RunError::Instantiate(m) => RunError::Instantiate(format!(
                            "instance {} of {level}: {m}",
                            live.len() + 1
                        )),
                        other => other,
                    };
                    return Ok(Err(runtime_failure(Stage::Instantiate)(error)));
                }
            }
            instantiate_ns.push(nanos(t0.elapsed()));
        }
        let Some(status) = resident::status() else {
            let message = "cannot read /proc/self/status".to_string();
            return Ok(Err((Stage::Setup, Failure::Io { message })));
        };
        emit(&Event::Level(LevelSample {
            instances: level,
            resident_bytes: status.rss,
            instantiate_ns,
        }))?;
    }
    finished(emit)
}

/// The workload prepared and its module compiled.
type Compiled = (Prepared, Box<dyn Module>);

/// The runtime, the workload, and its module compiled; refused for a
/// runtime that cannot keep instances in this process.
fn compiled(
    host: &HostJob,
    emit: &mut impl FnMut(&Event) -> Result<()>,
) -> Result<Result<Compiled, (Stage, Failure)>> {
    let prepared = match prepare(&host.job) {
        Ok(prepared) => prepared,
        Err(failure) => return Ok(Err(failure)),
    };
    if let Some(reason) = prepared
        .runtime
        .info()
        .unsupported
        .get(&Capability::SharedHost)
    {
        return Ok(Err(runtime_failure(Stage::Setup)(RunError::Unsupported(
            reason.clone(),
        ))));
    }
    let module = match prepared.runtime.compile(&prepared.wasm) {
        Ok(m) => m,
        Err(e) => return Ok(Err(runtime_failure(Stage::Compile)(e))),
    };
    let Some(status) = resident::status() else {
        let message = "cannot read /proc/self/status".to_string();
        return Ok(Err((Stage::Setup, Failure::Io { message })));
    };
    emit(&Event::Compiled {
        resident_bytes: status.rss,
    })?;
    Ok(Ok((prepared, module)))
}

fn finished(emit: &mut impl FnMut(&Event) -> Result<()>) -> Result<Outcome> {
    emit(&Event::Finished {
        peak_rss_bytes: resident::status().map(|s| s.hwm),
    })?;
    Ok(Ok(()))
}
