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
        // Version 1 lacks only fields that version 2 added as optional.
        Some(v) if (1..=u64::from(SCHEMA_VERSION)).contains(&v) => {}
        Some(v) => bail!(
            "{} has schema version {v}; this wasm-arena reads versions 1 to {SCHEMA_VERSION}",
            path.display()
        ),
        None => bail!(
            "{} is not a wasm-arena results file (no schema_version)",
            path.display()
        ),
    }
    let mut results: Results = serde_json::from_value(value).with_context(|| {
        format!(
            "{} does not match the wasm-arena results schema",
            path.display()
        )
    })?;
    no_spread_from_one_sample(&mut results);
    Ok(results)
}

/// Files written before single samples got no interval hold a zero-width
/// "95% CI" and a stddev of 0 for them, which reports would show as exact.
fn no_spread_from_one_sample(results: &mut Results) {
    let phases = results.cells.iter_mut().flat_map(|c| c.phases.values_mut());
    for phase in phases.filter(|p| p.samples_ns.len() < 2) {
        phase.stddev_ns = None;
        phase.cv = None;
        phase.ci95_ns = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_file_s_single_sample_loses_its_zero_width_interval() {
        // As files written before the fix hold them: one sample, a stddev
        // of 0 and an interval of zero width; beside a cell of many samples.
        let mut old = crate::analysis::fixtures::results(&[
            ("rt", "w1", vec![vec![1_000]]),
            ("rt", "w2", crate::analysis::fixtures::steady(1_000)),
        ]);
        let single = &mut old["cells"][0]["phases"]["execute"];
        single["stddev_ns"] = 0.0.into();
        single["cv"] = 0.0.into();
        single["ci95_ns"] = serde_json::json!([1000.0, 1000.0]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("results.json"), old.to_string()).unwrap();
        let results = load(dir.path()).unwrap();
        let phase = |i: usize| &results.cells[i].phases[&crate::phase::Phase::Execute];
        assert_eq!(
            (phase(0).stddev_ns, phase(0).cv, phase(0).ci95_ns),
            (None, None, None)
        );
        // Many samples keep their interval.
        assert!(phase(1).ci95_ns.is_some());
    }
}
