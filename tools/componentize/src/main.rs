//! `wasm-arena-componentize OUTDIR IN.wasm...`: wraps each WASI preview 1
//! command module in a WASI 0.2 command component of the same file name in
//! OUTDIR, with Wasmtime's preview-1 adapter
//! turning each preview-1 call into its 0.2 counterpart, as `wasm-tools
//! component new --adapt` does. The build script makes the conformance suite's
//! component twin with it; the output depends only on the input and the
//! pinned crates, so `build-workloads.sh --check` can compare bytes.

use std::path::Path;

use anyhow::{Context, Result, bail};
use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((out_dir, inputs)) = args.split_first().filter(|(_, i)| !i.is_empty()) else {
        bail!("usage: wasm-arena-componentize OUTDIR IN.wasm...");
    };
    for input in inputs {
        let name = Path::new(input)
            .file_name()
            .with_context(|| format!("{input} names no file"))?;
        let output = Path::new(out_dir).join(name);
        let module = std::fs::read(input).with_context(|| format!("cannot read {input}"))?;
        std::fs::write(&output, componentize(&module).context(input.clone())?)
            .with_context(|| format!("cannot write {}", output.display()))?;
    }
    Ok(())
}

fn componentize(module: &[u8]) -> Result<Vec<u8>> {
    wit_component::ComponentEncoder::default()
        .module(module)
        .context("not a core module wit-component can wrap")?
        .validate(true)
        .adapter(
            WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
            WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
        )?
        .encode()
        .context("cannot make a component of it")
}
