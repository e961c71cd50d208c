//! The worker as a long-lived host of one compiled module, for the warm and
//! density scenarios: the module is compiled once, outside every figure,
//! then instances are made from it. The loops are the same for every
//! runtime; only runtimes that keep instances in this process can be a host
//! ([`Capability::SharedHost`]).

use std::time::Instant;

use anyhow::Result;
use wasm_arena_adapters::{Capability, Instance, Module, RunError, resident};

use super::protocol::{Event, Failure, HostJob, LevelSample, RequestSample};
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
    finished(emit)
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
