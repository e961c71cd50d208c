//! `--export-bmf FILE`: the run's medians in Bencher Metric Format,
//! `{"<benchmark>": {"<measure>": {value, lower_value, upper_value}}}`: each
//! phase of each measured cell under Bencher's built-in `latency` measure
//! (ns), and each cell's peak memory under a `peak-rss` measure (bytes),
//! which Bencher creates on first upload. The bounds are the median's 95%
//! confidence interval.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use super::Exporter;
use crate::analysis::Metric;
use crate::analysis::metric::benchmark_name;
use crate::results::{Results, Status};

pub struct BmfExporter {
    /// Where to write; an absolute path, or one relative to the results directory.
    pub file: PathBuf,
}

#[derive(Serialize)]
struct Value {
    value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    lower_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upper_value: Option<f64>,
}

/// The Bencher measure a metric is reported under.
fn measure(metric: Metric) -> &'static str {
    match metric {
        Metric::Memory => "peak-rss",
        Metric::Compile | Metric::Instantiate | Metric::Execute => "latency",
    }
}

impl Exporter for BmfExporter {
    fn export(&self, results: &Results) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut benchmarks: BTreeMap<String, BTreeMap<&str, Value>> = BTreeMap::new();
        for cell in results.cells.iter().filter(|c| c.status == Status::Ok) {
            for metric in Metric::ALL {
                let Some((median, ci)) = metric.summary(cell, results.settings.seed) else {
                    continue;
                };
                let name =
                    benchmark_name(metric, &cell.runtime, &cell.workload, results.settings.size);
                benchmarks.entry(name).or_default().insert(
                    measure(metric),
                    Value {
                        value: median,
                        lower_value: ci.map(|[lo, _]| lo),
                        upper_value: ci.map(|[_, hi]| hi),
                    },
                );
            }
        }
        let mut bytes = serde_json::to_vec_pretty(&benchmarks)?;
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
    fn phases_are_latencies_and_memory_its_own_measure() {
        let run: Results =
            serde_json::from_value(results(&[("rt", "w1", steady(1_000_000))])).unwrap();
        let (_, bytes) = BmfExporter {
            file: "bmf.json".into(),
        }
        .export(&run)
        .unwrap()
        .remove(0);
        let bmf: Value = serde_json::from_slice(&bytes).unwrap();
        let median = run.cells[0].phases[&crate::phase::Phase::Execute].median_ns;
        assert_eq!(
            bmf,
            json!({
                "execute/rt/w1/small": {"latency": {
                    "value": median, "lower_value": median - 10.0, "upper_value": median + 10.0}},
                "memory/rt/w1/small": {"peak-rss": {
                    "value": 50_000_000.0, "lower_value": 50_000_000.0, "upper_value": 50_000_000.0}},
            })
        );
    }
}
