//! Loading a results directory back (`results.json`, checked).

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::model::{Results, SCHEMA_VERSION};

/// Loads `dir/results.json`, with errors that say which file is wrong and how.
pub fn load(dir: &Path) -> Result<Results> {
    if !dir.is_dir() {
        bail!("no results directory at {}", dir.display());
    }
    let path = dir.join("results.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{} has no readable results.json", dir.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not valid JSON (corrupt or truncated?)",
            path.display()
        )
    })?;
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => bail!(
            "{} has schema version {v}; this wasm-arena reads version {SCHEMA_VERSION}",
            path.display()
        ),
        None => bail!(
            "{} is not a wasm-arena results file (no schema_version)",
            path.display()
        ),
    }
    serde_json::from_value(value).with_context(|| {
        format!(
            "{} does not match the wasm-arena results schema",
            path.display()
        )
    })
}
