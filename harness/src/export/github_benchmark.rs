//! `--export-github-benchmark FILE`: the run's medians in the JSON that
//! github-action-benchmark reads with `tool: customSmallerIsBetter`, an
//! array of `{name, unit, value, range, extra}`, one entry per metric of
//! every measured cell.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use super::{Exporter, format_change};
use crate::analysis::metric::benchmark_name;
use crate::analysis::{Comparison, Metric};
use crate::results::{Results, Status};

pub struct GithubBenchmarkExporter {
    /// Where to write; an absolute path, or one relative to the results directory.
    pub file: PathBuf,
    /// A line per benchmark name added to its `extra` (a comparison's verdict).
    notes: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct Entry {
    name: String,
    unit: &'static str,
    value: f64,
    /// Half the width of the median's 95% interval, as `± x`.
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<String>,
    extra: String,
}

impl GithubBenchmarkExporter {
    pub fn new(file: PathBuf) -> Self {
        GithubBenchmarkExporter {
            file,
            notes: BTreeMap::new(),
        }
    }

    /// Adds each pair's verdict against the base run to its entry's `extra`.
    pub fn with_comparison(mut self, comparison: &Comparison) -> Self {
        for p in &comparison.pairs {
            let verdict = p
                .verdict
                .map_or("not judged (the runs differ)", |v| v.label(p.phase));
            self.notes.insert(
                benchmark_name(p.phase, &p.runtime, &p.workload, p.size),
                format!(
                    "vs base: {} at {:.0}% confidence: {verdict}",
                    format_change(p.ratio, p.interval),
                    comparison.confidence * 100.0
                ),
            );
        }
        self
    }
}

impl Exporter for GithubBenchmarkExporter {
    fn export(&self, results: &Results) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut entries = Vec::new();
        for cell in results.cells.iter().filter(|c| c.status == Status::Ok) {
            for metric in Metric::ALL {
                let Some((median, ci)) = metric.summary(cell, results.settings.seed) else {
                    continue;
                };
                let samples = metric.samples(cell).map_or(0, |s| s.values.len());
                let name =
                    benchmark_name(metric, &cell.runtime, &cell.workload, results.settings.size);
                let mut extra = format!(
                    "median of {samples} sample(s) from {} process(es)",
                    cell.processes.len()
                );
                if let Some([lo, hi]) = ci {
                    extra += &format!("; 95% CI {lo:.0}–{hi:.0} {}", metric.unit());
                }
                if let Some(note) = self.notes.get(&name) {
                    extra += &format!("; {note}");
                }
                entries.push(Entry {
                    name,
                    unit: metric.unit(),
                    value: median,
                    range: ci.map(|[lo, hi]| format!("± {:.0}", (hi - lo) / 2.0)),
                    extra,
                });
            }
        }
        let mut bytes = serde_json::to_vec_pretty(&entries)?;
        bytes.push(b'\n');
        Ok(vec![(self.file.clone(), bytes)])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::analysis::fixtures::{results, steady};

    #[test]
    fn every_metric_of_every_measured_cell_is_an_entry() {
        let mut run = results(&[("rt", "w1", steady(1_000_000)), ("rt", "w2", steady(10))]);
        run["cells"][1]["status"] = json!("failed");
        let run: Results = serde_json::from_value(run).unwrap();
        let exporter = GithubBenchmarkExporter::new("bench.json".into());
        let (path, bytes) = exporter.export(&run).unwrap().remove(0);
        assert_eq!(path, PathBuf::from("bench.json"));
        let entries: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
        let names: Vec<&str> = entries
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["execute/rt/w1/small", "memory/rt/w1/small"]);
        let execute = &entries[0];
        assert_eq!(execute["unit"], "ns");
        assert_eq!(
            execute["value"],
            run.cells[0].phases[&crate::phase::Phase::Execute].median_ns
        );
        assert_eq!(execute["range"], "± 10");
        assert_eq!(entries[1]["unit"], "bytes");
        assert_eq!(entries[1]["value"], 50_000_000.0);
        assert!(
            entries[1]["extra"]
                .as_str()
                .unwrap()
                .starts_with("median of 3 sample(s) from 3 process(es)")
        );
    }
}
