//! `merge`: joins the results directories of a sharded run (`run --shard
//! I/N` on N machines) into one, as if the run had not been split: the same
//! cells, in plan order, under one set of settings.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use serde::Serialize;
use serde_json::Value;

use crate::results::{MergedShard, Results, SCHEMA_VERSION};

/// A merged run, and what differed between its shards (only ever non-empty
/// when differences were allowed).
pub struct Merged {
    pub results: Results,
    pub warnings: Vec<String>,
}

/// Joins `shards` (each a results directory and what it holds) into one run.
///
/// Always refused, because the result would not be one run's cells: a
/// directory that is not a shard, shard counts that differ, a shard given
/// twice or missing, different runtimes or workloads planned, a cell outside
/// its shard. Refused unless `allow_different`, because the cells would not
/// have been measured alike: a different host (its fingerprint), wasm-arena
/// version, settings (seed included), runtime version or settings, or
/// workload (its file's sha256, arguments, ...). Allowed differences are
/// returned as warnings and recorded in the merged `merged_from`.
pub fn merge(
    mut shards: Vec<(PathBuf, Results)>,
    allow_different: bool,
    command: Vec<String>,
) -> Result<Merged> {
    let mut indexed = Vec::with_capacity(shards.len());
    for (dir, results) in shards.drain(..) {
        let shard = results.shard.ok_or_else(|| {
            anyhow!(
                "{} is not one shard of a run (its results.json has no `shard`); \
                 merge joins the directories written by `run --shard I/N`",
                dir.display()
            )
        })?;
        indexed.push((shard, dir, results));
    }
    indexed.sort_by_key(|(shard, ..)| shard.index);
    let Some((first_shard, first_dir, first)) = indexed.first() else {
        bail!("no results directory to merge");
    };
    let count = first_shard.count;
    if let Some((shard, dir, _)) = indexed.iter().find(|(s, ..)| s.count != count) {
        bail!(
            "{} is shard {shard} but {} is shard {first_shard}: shards of one run split it the same way",
            dir.display(),
            first_dir.display()
        );
    }
    if let Some(pair) = indexed.windows(2).find(|w| w[0].0 == w[1].0) {
        bail!(
            "{} and {} are both shard {}",
            pair[0].1.display(),
            pair[1].1.display(),
            pair[0].0
        );
    }
    let missing: Vec<String> = (1..=count)
        .filter(|i| !indexed.iter().any(|(s, ..)| s.index == *i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        bail!(
            "shard {} missing: merge needs every shard of the run",
            missing.join(", ")
        );
    }

    let plan = |r: &Results| {
        (
            r.runtimes.iter().map(|x| x.id.clone()).collect::<Vec<_>>(),
            r.workloads.iter().map(|w| w.id.clone()).collect::<Vec<_>>(),
        )
    };
    let (runtimes, workloads) = plan(first);
    let mut differing = Vec::new();
    let mut merged_from = Vec::new();
    let mut cells = Vec::new();
    for (shard, dir, results) in &indexed {
        if plan(results) != (runtimes.clone(), workloads.clone()) {
            let (r, w) = plan(results);
            bail!(
                "{} planned other cells than {} (runtimes {} vs {}; workloads {} vs {}): they are not shards of one run",
                dir.display(),
                first_dir.display(),
                r.join(","),
                runtimes.join(","),
                w.join(","),
                workloads.join(",")
            );
        }
        for cell in &results.cells {
            let planned = runtimes.contains(&cell.runtime) && workloads.contains(&cell.workload);
            if !planned || !shard.contains(&cell.runtime, &cell.workload) {
                bail!(
                    "{} holds {} on {}, which is not a cell of shard {shard}",
                    dir.display(),
                    cell.runtime,
                    cell.workload
                );
            }
        }
        cells.extend(results.cells.iter().cloned());
        let differences = differences(first, results);
        if !differences.is_empty() {
            differing.push(format!(
                "{} (shard {shard}) differs from {} (shard {first_shard}): {}",
                dir.display(),
                first_dir.display(),
                differences.join("; ")
            ));
        }
        merged_from.push(MergedShard {
            shard: *shard,
            dir: dir.display().to_string(),
            started_at: results.started_at,
            finished_at: results.finished_at,
            hostname: results.host.hostname.clone(),
            command: results.command.clone(),
            differences,
        });
    }
    if !differing.is_empty() && !allow_different {
        bail!(
            "the shards were not measured alike, so their cells do not make one run:\n  {}\n\
             (merge them anyway with --allow-different; the differences are then recorded in results.json)",
            differing.join("\n  ")
        );
    }

    let position = |list: &[String], id: &str| list.iter().position(|x| x == id);
    cells.sort_by_key(|c| {
        (
            position(&runtimes, &c.runtime),
            position(&workloads, &c.workload),
        )
    });
    let finished_at = indexed
        .iter()
        .map(|(_, _, r)| r.finished_at)
        .collect::<Option<Vec<_>>>()
        .and_then(|times| times.into_iter().max());
    let results = Results {
        schema_version: SCHEMA_VERSION,
        tool_version: first.tool_version.clone(),
        started_at: indexed
            .iter()
            .map(|(_, _, r)| r.started_at)
            .min()
            .expect("a shard"),
        finished_at,
        interrupted: indexed.iter().any(|(_, _, r)| r.interrupted),
        command,
        shard: None,
        merged_from,
        settings: first.settings.clone(),
        host: first.host.clone(),
        runtimes: first.runtimes.clone(),
        workloads: first.workloads.clone(),
        cells,
        scenario_settings: first.scenario_settings.clone(),
        scenarios: indexed
            .iter()
            .flat_map(|(_, _, r)| r.scenarios.iter().cloned())
            .collect(),
        sandbox: first.sandbox.clone(),
    };
    Ok(Merged {
        results,
        warnings: differing,
    })
}

/// How `other` was measured unlike `first`, field by field (`this vs first`).
/// A workload's path is left out: the same file may sit in another checkout.
fn differences(first: &Results, other: &Results) -> Vec<String> {
    let mut out = other.host.differences(&first.host);
    if other.tool_version != first.tool_version {
        out.push(format!(
            "wasm-arena version: {} vs {}",
            other.tool_version, first.tool_version
        ));
    }
    json_differences("settings", &other.settings, &first.settings, &mut out);
    for (a, b) in other.runtimes.iter().zip(&first.runtimes) {
        json_differences(&format!("runtime {}", a.id), a, b, &mut out);
    }
    for (a, b) in other.workloads.iter().zip(&first.workloads) {
        let (mut a, mut b) = (a.clone(), b.clone());
        a.path.clear();
        b.path.clear();
        json_differences(&format!("workload {}", a.id), &a, &b, &mut out);
    }
    out
}

/// Every leaf where the JSON forms of `a` and `b` differ, as `what.field: a vs b`.
fn json_differences(what: &str, a: &impl Serialize, b: &impl Serialize, out: &mut Vec<String>) {
    fn walk(path: String, a: &Value, b: &Value, out: &mut Vec<String>) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for key in keys {
                    let field = |o: &serde_json::Map<String, Value>| {
                        o.get(key).cloned().unwrap_or(Value::Null)
                    };
                    walk(format!("{path}.{key}"), &field(x), &field(y), out);
                }
            }
            _ if a != b => out.push(format!("{path}: {a} vs {b}")),
            _ => {}
        }
    }
    // Parts of a results.json, so they always serialize.
    let (a, b) = [serde_json::to_value(a), serde_json::to_value(b)]
        .map(|v| v.expect("results serialize to JSON"))
        .into();
    walk(what.to_string(), &a, &b, out);
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::shard::Shard;

    /// A committed run of 12 runtimes on 21 workloads.
    fn whole() -> Results {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../results/2026-12-02-all-runtimes-default");
        crate::results::load(&dir).unwrap()
    }

    /// `whole` as if run with `--shard I/count` for every I.
    fn split(whole: &Results, count: u32) -> Vec<(PathBuf, Results)> {
        (1..=count)
            .map(|index| {
                let shard = Shard { index, count };
                let mut part = whole.clone();
                part.shard = Some(shard);
                part.cells
                    .retain(|c| shard.contains(&c.runtime, &c.workload));
                (PathBuf::from(format!("shard-{index}")), part)
            })
            .collect()
    }

    fn error(parts: Vec<(PathBuf, Results)>) -> String {
        match merge(parts, false, Vec::new()) {
            Ok(_) => panic!("merged"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn merged_shards_are_the_whole_run() {
        let whole = whole();
        for count in [1, 2, 5] {
            let mut parts = split(&whole, count);
            parts.reverse();
            let merged = merge(parts, false, vec!["merge".into()]).unwrap();
            assert!(merged.warnings.is_empty());
            let r = merged.results;
            assert_eq!(
                serde_json::to_value(&r.cells).unwrap(),
                serde_json::to_value(&whole.cells).unwrap(),
                "{count} shards"
            );
            assert_eq!(r.shard, None);
            assert_eq!(r.command, ["merge"]);
            assert_eq!(r.planned_cells(), whole.planned_cells());
            let from: Vec<u32> = r.merged_from.iter().map(|m| m.shard.index).collect();
            assert_eq!(from, (1..=count).collect::<Vec<_>>());
            assert!(r.merged_from.iter().all(|m| m.differences.is_empty()));
        }
    }

    #[test]
    fn refuses_what_is_not_one_run() {
        let whole = whole();
        let mut unsharded = split(&whole, 2);
        unsharded[1].1.shard = None;
        assert!(error(unsharded).contains("shard-2 is not one shard of a run"));

        let mut mixed = split(&whole, 2);
        mixed.push(split(&whole, 3).remove(2));
        assert!(error(mixed).contains("shard-3 is shard 3/3 but shard-1 is shard 1/2"));

        let mut twice = split(&whole, 2);
        twice.push(twice[1].clone());
        assert!(error(twice).contains("shard-2 and shard-2 are both shard 2/2"));

        let mut missing = split(&whole, 3);
        missing.remove(1);
        assert_eq!(
            error(missing),
            "shard 2/3 missing: merge needs every shard of the run"
        );

        let mut other_plan = split(&whole, 2);
        other_plan[1].1.workloads.pop();
        assert!(error(other_plan).contains("planned other cells"));

        let mut stray = split(&whole, 2);
        let foreign = stray[0].1.cells[0].clone();
        stray[1].1.cells.push(foreign);
        assert!(error(stray).contains("which is not a cell of shard 2/2"));
    }

    #[test]
    fn shards_measured_unlike_merge_only_when_allowed() {
        let mut parts = split(&whole(), 2);
        let other = &mut parts[1].1;
        other.host.cpu_model = "Another CPU".into();
        other.host.hostname = "elsewhere".into();
        other.settings.seed = 1;
        other.runtimes[0].version = "0.0.1".into();
        other.workloads[0].sha256 = Some("00".into());
        other.workloads[0].path = "/another/checkout/empty.wasm".into();

        let message = error(parts.clone());
        for expected in [
            "shard-2 (shard 2/2) differs from shard-1 (shard 1/2)",
            "host cpu_model: Another CPU vs Intel(R) Xeon(R) Processor",
            "settings.seed: 1 vs 2026",
            "runtime wasmtime-cranelift.version: \"0.0.1\" vs",
            "workload empty.sha256: \"00\" vs",
            "--allow-different",
        ] {
            assert!(message.contains(expected), "{expected} not in {message}");
        }
        assert!(!message.contains("hostname"), "{message}");
        assert!(!message.contains(".path"), "{message}");

        let merged = merge(parts, true, Vec::new()).unwrap();
        assert_eq!(merged.warnings.len(), 1);
        let r = merged.results;
        assert_eq!(r.settings.seed, 2026, "the first shard's settings");
        assert!(r.merged_from[0].differences.is_empty());
        assert_eq!(r.merged_from[1].differences.len(), 4);
        assert_eq!(r.merged_from[1].hostname, "elsewhere");
    }
}
