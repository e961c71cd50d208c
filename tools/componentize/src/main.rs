//! `wasm-arena-componentize OUTDIR IN.wasm...`: wraps each WASI preview 1
//! command module in a WASI 0.2 command component of the same file name in
//! OUTDIR, with Wasmtime's preview-1 adapter
//! turning each preview-1 call into its 0.2 counterpart, as `wasm-tools
//! component new --adapt` does. A workload's `bench.start`/`bench.end`
//! markers become imports of the component's own `bench` interface (the
//! world below), which the hosts that run components provide. The build
//! script makes the conformance suite's component twin and the catalog's
//! component workloads with it; the output depends only on the input and the
//! pinned crates, so `build-workloads.sh --check` can compare bytes.
//!
//! `wasm-arena-componentize --wit WORLD.wit OUTDIR IN.wat...`: makes each
//! core module written in the text format, whose imports and exports follow
//! the canonical ABI of the one world in WORLD.wit, a component of that world
//! (`NAME.wasm` in OUTDIR), with no adapter: how the WASI 0.3 tests are
//! built, as no compiler here targets 0.3.

use std::path::Path;

use anyhow::{Context, Result, bail};
use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
};

fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let world = match args.first().map(String::as_str) {
        Some("--wit") if args.len() > 1 => {
            let wit = args.drain(..2).nth(1).expect("two arguments drained");
            Some(std::fs::read_to_string(&wit).with_context(|| format!("cannot read {wit}"))?)
        }
        _ => None,
    };
    let Some((out_dir, inputs)) = args.split_first().filter(|(_, i)| !i.is_empty()) else {
        bail!("usage: wasm-arena-componentize [--wit WORLD.wit] OUTDIR IN.wasm|IN.wat...");
    };
    for input in inputs {
        let path = Path::new(input);
        let name = path
            .file_stem()
            .with_context(|| format!("{input} names no file"))?;
        let output = Path::new(out_dir).join(name).with_extension("wasm");
        let component = match &world {
            Some(wit) => {
                let module =
                    wat::parse_file(path).with_context(|| format!("cannot parse {input}"))?;
                of_world(module, wit)
            }
            None => {
                let module =
                    std::fs::read(input).with_context(|| format!("cannot read {input}"))?;
                componentize(&module)
            }
        };
        std::fs::write(&output, component.context(input.clone())?)
            .with_context(|| format!("cannot write {}", output.display()))?;
    }
    Ok(())
}

/// A module of the canonical ABI as a component of the one world in `wit`.
fn of_world(mut module: Vec<u8>, wit: &str) -> Result<Vec<u8>> {
    embed_world(&mut module, "world.wit", wit)?;
    encode(&module, false).context("not a core module of the world's canonical ABI")
}

/// Records in `module` that it is written against the one world in `wit`
/// (read as a file named `file`), as a component-type section.
fn embed_world(module: &mut Vec<u8>, file: &str, wit: &str) -> Result<()> {
    let mut resolve = wit_parser::Resolve::default();
    let package = resolve.push_source(file, wit)?;
    let world = resolve.select_world(&[package], None)?;
    wit_component::embed_component_metadata(
        module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )
}

/// The component of `module`, validated; with Wasmtime's preview-1 adapter
/// when `adapt`.
fn encode(module: &[u8], adapt: bool) -> Result<Vec<u8>> {
    let mut encoder = wit_component::ComponentEncoder::default()
        .module(module)?
        .validate(true);
    if adapt {
        encoder = encoder.adapter(
            WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
            WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
        )?;
    }
    encoder.encode().context("cannot make a component of it")
}

/// What a workload imports besides WASI: the markers of its timed region.
const BENCH_WORLD: &str = "package wasm-arena:workload;

world command {
    import bench: interface {
        start: func();
        end: func();
    }
}
";

fn componentize(module: &[u8]) -> Result<Vec<u8>> {
    let mut module = module.to_vec();
    if imports_bench(&module)? {
        embed_world(&mut module, "bench.wit", BENCH_WORLD)?;
    }
    encode(&module, true).context("not a core module wit-component can wrap")
}

/// Whether the module imports anything from `bench`.
fn imports_bench(module: &[u8]) -> Result<bool> {
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::ImportSection(imports) = payload? {
            for import in imports.into_imports() {
                if import?.module == "bench" {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}
