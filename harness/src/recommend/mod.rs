//! `recommend`: which runtime suits a profile (edge, serverless, plugin,
//! batch, or a user's file), from measured results, with the evidence and
//! how sure the ranking is.
//!
//! Each weighted metric scores a runtime on every cell behind it (a workload,
//! a cold-start variant): the best runtime's figure over this runtime's
//! (1 for the best, 0.5 for twice as slow; a pass rate over the best rate),
//! and 0 where the runtime failed the cell or has no figure, so that
//! skipping the hard workloads never pays. A metric's score is the mean over
//! its cells; the runtime's score is the weighted mean over the metrics, out
//! of 100.
//!
//! How sure: the whole computation is repeated on resampled data, the
//! cells drawn with replacement (which workloads happen to be in the
//! catalog) and each cell's samples drawn hierarchically, processes first
//! (as `compare` does). A score's interval is the middle 95% of its
//! resampled scores; the top two are called separated only when the first
//! beats the second in at least 95% of them.

mod evidence;
mod profile;

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use evidence::{Evidence, Outcome, Unit};
pub use profile::{Metric, Profile, Requirement};

use crate::analysis::bootstrap::{resampled_median, spread};
use crate::stats::{median, percentile_sorted};

/// Resampled rankings behind the intervals: a 95% interval's ends are the
/// 25th values from each end.
const RESAMPLES: usize = 1000;

/// The share of resamples in which the first must beat the second for the
/// data to separate them.
pub const SEPARATION: f64 = 0.95;

#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub profile: Profile,
    /// Best first.
    pub ranked: Vec<Ranked>,
    pub excluded: Vec<Excluded>,
    /// Weighted metrics the results do not give, and why; left out of every score.
    pub missing: Vec<(Metric, String)>,
    /// The share of the profile's total weight behind the scores.
    pub weighed: f64,
    /// Requirements that could not be checked for some runtimes: which, and why.
    pub unchecked: Vec<(Requirement, Vec<String>, String)>,
    /// How often the first beat the second, when there are two.
    pub separation: Option<Separation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub runtime: String,
    /// Out of 100.
    pub score: f64,
    pub interval: [f64; 2],
    pub metrics: Vec<MetricFigure>,
}

/// One metric of one runtime: the evidence behind its part of the score.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricFigure {
    pub metric: Metric,
    pub weight: f64,
    /// 0 to 1 (1: the best on every cell).
    pub score: f64,
    /// The geometric mean of its cells' medians (ns, bytes, or a pass
    /// share), with its 95% interval; `None` when no cell succeeded.
    pub value: Option<(f64, [f64; 2])>,
    /// The cells that succeeded, by label.
    pub cells: Vec<String>,
    /// The cells that did not, with the reason.
    pub failed: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Excluded {
    pub runtime: String,
    /// Every requirement it breaks, with the findings.
    pub findings: Vec<(Requirement, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Separation {
    pub first: String,
    pub second: String,
    /// The share of resamples in which `first` scored above `second`.
    pub share: f64,
    /// Weighted metrics that rest on one cell with one sample for either of
    /// the two: resampling cannot vary them, so it cannot tell how sure
    /// their difference is.
    pub unresolved: Vec<Metric>,
    /// Cells behind the two scores with a single sample, of all of them:
    /// their variation across resamples is only which workloads were drawn.
    pub single_samples: [usize; 2],
}

impl Separation {
    pub fn separated(&self) -> bool {
        self.share >= SEPARATION && self.unresolved.is_empty()
    }
}

/// Below this share of the profile's weight measured, a ranking is said to
/// say little about the profile, and no runtime is recommended for it.
pub const PARTIAL: f64 = 0.5;

impl Recommendation {
    /// Whether too little of the profile was measured to recommend.
    pub fn partial(&self) -> bool {
        self.weighed < PARTIAL
    }
}

/// Why a profile has no ranking.
#[derive(Debug, Clone, PartialEq)]
pub enum Unranked {
    /// The results hold no Wasm runtime.
    NoCandidates,
    /// None of the profile's metrics (the profile's name; each metric with why).
    NoMetrics(String, Vec<(Metric, String)>),
}

impl Unranked {
    /// In a few words, for a table cell.
    pub fn short(&self) -> String {
        match self {
            Unranked::NoCandidates => "no Wasm runtime in the results".to_string(),
            Unranked::NoMetrics(_, missing) => format!(
                "none of its metrics in the results ({})",
                missing
                    .iter()
                    .map(|(m, _)| m.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl std::fmt::Display for Unranked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unranked::NoCandidates => f.write_str("the results hold no Wasm runtime to recommend"),
            Unranked::NoMetrics(profile, missing) => {
                let list: Vec<String> = missing
                    .iter()
                    .map(|(m, why)| format!("{m}: {why}"))
                    .collect();
                write!(
                    f,
                    "the results hold none of the metrics the {profile} profile weighs: {}",
                    list.join("; ")
                )
            }
        }
    }
}

/// The ranking under `profile`, or why there is none.
pub fn recommend(
    evidence: &Evidence,
    profile: &Profile,
    seed: u64,
) -> Result<Recommendation, Unranked> {
    let candidates = evidence.candidates();
    if candidates.is_empty() {
        return Err(Unranked::NoCandidates);
    }
    let mut metrics = Vec::new();
    let mut missing = Vec::new();
    for (metric, weight) in &profile.weights {
        match evidence.gather(metric) {
            Ok(units) => metrics.push((metric.clone(), *weight, units)),
            Err(why) => missing.push((metric.clone(), why)),
        }
    }
    if metrics.is_empty() {
        return Err(Unranked::NoMetrics(profile.name.clone(), missing));
    }

    let mut excluded = Vec::new();
    let mut unchecked: BTreeMap<Requirement, (Vec<String>, String)> = BTreeMap::new();
    let mut ranked_ids = Vec::new();
    for runtime in &candidates {
        let mut findings = Vec::new();
        for &requirement in &profile.requirements {
            match evidence.check(requirement, runtime) {
                Ok(found) if !found.is_empty() => findings.push((requirement, found)),
                Ok(_) => {}
                Err(why) => unchecked
                    .entry(requirement)
                    .or_insert((Vec::new(), why))
                    .0
                    .push(runtime.clone()),
            }
        }
        if findings.is_empty() {
            ranked_ids.push(runtime.clone());
        } else {
            excluded.push(Excluded {
                runtime: runtime.clone(),
                findings,
            });
        }
    }

    let scored = Scores::new(&metrics, &ranked_ids, seed);
    let mut ranked: Vec<Ranked> = ranked_ids
        .iter()
        .enumerate()
        .map(|(i, runtime)| Ranked {
            runtime: runtime.clone(),
            score: scored.total[0][i],
            interval: middle_95(scored.total[1..].iter().map(|t| t[i])),
            metrics: metrics
                .iter()
                .enumerate()
                .map(|(m, (metric, weight, units))| {
                    let mine = units.get(runtime).map(Vec::as_slice).unwrap_or_default();
                    let (cells, failed) = split(mine);
                    MetricFigure {
                        metric: metric.clone(),
                        weight: *weight,
                        score: scored.metric[0][m][i],
                        value: scored.value[0][m][i].map(|point| {
                            let values = scored.value[1..].iter().filter_map(|v| v[m][i]);
                            (point, middle_95(values))
                        }),
                        cells,
                        failed,
                    }
                })
                .collect(),
        })
        .collect();
    let order = |a: &Ranked, b: &Ranked| b.score.total_cmp(&a.score);
    ranked.sort_by(order);
    let separation = match &ranked[..] {
        [first, second, ..] => {
            let (a, b) = (
                ranked_ids
                    .iter()
                    .position(|id| *id == first.runtime)
                    .unwrap_or(0),
                ranked_ids
                    .iter()
                    .position(|id| *id == second.runtime)
                    .unwrap_or(0),
            );
            let wins = scored.total[1..].iter().filter(|t| t[a] > t[b]).count();
            let mut unresolved = Vec::new();
            let mut single_samples = [0, 0];
            for ((metric, ..), table) in metrics.iter().zip(&scored.tables) {
                let counts: Vec<usize> = table
                    .cells
                    .iter()
                    .flat_map(|cell| [&cell[a], &cell[b]])
                    .map(|groups| groups.as_ref().map_or(0, |g| g.iter().map(Vec::len).sum()))
                    .collect();
                // A count (tests passed) has no noise to resample.
                if metric.counted() {
                    continue;
                }
                single_samples[0] += counts.iter().filter(|n| **n == 1).count();
                single_samples[1] += counts.len();
                if table.labels.len() == 1 && counts.iter().any(|n| *n <= 1) {
                    unresolved.push(metric.clone());
                }
            }
            Some(Separation {
                first: first.runtime.clone(),
                second: second.runtime.clone(),
                share: wins as f64 / (scored.total.len() - 1) as f64,
                unresolved,
                single_samples,
            })
        }
        _ => None,
    };
    Ok(Recommendation {
        profile: profile.clone(),
        ranked,
        excluded,
        weighed: metrics.iter().map(|(_, w, _)| w).sum::<f64>()
            / profile.weights.iter().map(|(_, w)| w).sum::<f64>(),
        missing,
        unchecked: unchecked
            .into_iter()
            .map(|(requirement, (runtimes, why))| (requirement, runtimes, why))
            .collect(),
        separation,
    })
}

fn split(units: &[Unit]) -> (Vec<String>, Vec<(String, String)>) {
    let mut cells = Vec::new();
    let mut failed = Vec::new();
    for unit in units {
        match &unit.outcome {
            Outcome::Measured(_) => cells.push(unit.label.clone()),
            Outcome::Failed(why) => failed.push((unit.label.clone(), why.clone())),
        }
    }
    (cells, failed)
}

fn middle_95(values: impl Iterator<Item = f64>) -> [f64; 2] {
    let mut v: Vec<f64> = values.collect();
    if v.is_empty() {
        return [f64::NAN, f64::NAN];
    }
    v.sort_by(f64::total_cmp);
    [percentile_sorted(&v, 2.5), percentile_sorted(&v, 97.5)]
}

/// A weighed metric: its weight and every runtime's units.
type Weighed = (Metric, f64, BTreeMap<String, Vec<Unit>>);

/// Scores of every runtime in the point estimate (index 0) and each resample.
struct Scores {
    /// Each metric's cells.
    tables: Vec<Table>,
    /// `[replicate][runtime]`, out of 100.
    total: Vec<Vec<f64>>,
    /// `[replicate][metric][runtime]`, 0 to 1.
    metric: Vec<Vec<Vec<f64>>>,
    /// `[replicate][metric][runtime]`: geometric mean of the cells' medians.
    value: Vec<Vec<Vec<Option<f64>>>>,
}

impl Scores {
    fn new(metrics: &[Weighed], runtimes: &[String], seed: u64) -> Scores {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let weight_sum: f64 = metrics.iter().map(|(_, w, _)| w).sum();
        // Each metric's cells, by label, and each runtime's unit in it.
        let tables: Vec<Table> = metrics
            .iter()
            .map(|(_, _, units)| Table::new(units, runtimes))
            .collect();
        let mut scores = Scores {
            tables: Vec::new(),
            total: Vec::new(),
            metric: Vec::new(),
            value: Vec::new(),
        };
        let mut scratch = Vec::new();
        for replicate in 0..=RESAMPLES {
            let resample = replicate > 0;
            let mut total = vec![0.0; runtimes.len()];
            let mut per_metric = Vec::new();
            let mut values = Vec::new();
            for ((metric, weight, _), table) in metrics.iter().zip(&tables) {
                let n = table.labels.len();
                let drawn: Vec<usize> = if resample && n > 1 {
                    (0..n).map(|_| rng.random_range(0..n)).collect()
                } else {
                    (0..n).collect()
                };
                let mut sums = vec![0.0; runtimes.len()];
                let mut logs = vec![(0.0, 0usize); runtimes.len()];
                for &l in &drawn {
                    let figures: Vec<Option<f64>> = table.cells[l]
                        .iter()
                        .map(|groups| {
                            let groups = groups.as_ref()?;
                            Some(if resample {
                                let side: Vec<&[f64]> = groups.iter().map(Vec::as_slice).collect();
                                resampled_median(&side, &spread(&side), &mut rng, &mut scratch)
                            } else {
                                median(&groups.concat())
                            })
                        })
                        .collect();
                    let present = figures.iter().flatten().copied().filter(|v| *v > 0.0);
                    let best = if metric.higher_is_better() {
                        present.fold(f64::NAN, f64::max)
                    } else {
                        present.fold(f64::NAN, f64::min)
                    };
                    for (r, figure) in figures.iter().enumerate() {
                        let Some(v) = figure.filter(|v| *v > 0.0) else {
                            continue;
                        };
                        sums[r] += if metric.higher_is_better() {
                            v / best
                        } else {
                            best / v
                        };
                        logs[r].0 += v.ln();
                        logs[r].1 += 1;
                    }
                }
                let metric_scores: Vec<f64> =
                    sums.iter().map(|s| s / drawn.len().max(1) as f64).collect();
                for (t, s) in total.iter_mut().zip(&metric_scores) {
                    *t += 100.0 * weight * s / weight_sum;
                }
                per_metric.push(metric_scores);
                values.push(
                    logs.iter()
                        .map(|&(sum, k)| (k > 0).then(|| (sum / k as f64).exp()))
                        .collect(),
                );
            }
            scores.total.push(total);
            scores.metric.push(per_metric);
            scores.value.push(values);
        }
        scores.tables = tables;
        scores
    }
}

/// One metric's cells: labels, and for each the samples of each runtime
/// (`None`: failed or not measured).
struct Table {
    labels: Vec<String>,
    cells: Vec<Vec<Option<Vec<Vec<f64>>>>>,
}

impl Table {
    fn new(units: &BTreeMap<String, Vec<Unit>>, runtimes: &[String]) -> Table {
        let mut labels: Vec<String> = runtimes
            .iter()
            .filter_map(|r| units.get(r))
            .flatten()
            .map(|u| u.label.clone())
            .collect();
        labels.sort();
        labels.dedup();
        let cells = labels
            .iter()
            .map(|label| {
                runtimes
                    .iter()
                    .map(|r| {
                        let unit = units.get(r)?.iter().find(|u| &u.label == label)?;
                        match &unit.outcome {
                            Outcome::Measured(groups) => Some(groups.clone()),
                            Outcome::Failed(_) => None,
                        }
                    })
                    .collect()
            })
            .collect();
        Table { labels, cells }
    }
}

/// Every built-in profile's ranking, or why it has none, in their order.
pub fn builtin(evidence: &Evidence, seed: u64) -> Vec<(String, Result<Recommendation, Unranked>)> {
    Profile::builtin()
        .into_iter()
        .map(|p| (p.name.clone(), recommend(evidence, &p, seed)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// Standard normal draws by Box-Muller.
    fn normal(rng: &mut ChaCha8Rng) -> f64 {
        let u1: f64 = rng.random_range(f64::EPSILON..1.0);
        let u2: f64 = rng.random_range(0.0..1.0);
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Two runtimes on `workloads` workloads, 3 processes × 5 iterations
    /// each, log-normal noise between processes (5%) and iterations (3%);
    /// the second is `ratio` times the first's true time on every workload,
    /// and the workloads' own times spread over two orders of magnitude.
    fn simulated(rng: &mut ChaCha8Rng, workloads: usize, ratio: f64) -> Vec<Weighed> {
        let mut units: BTreeMap<String, Vec<Unit>> = BTreeMap::new();
        for w in 0..workloads {
            let base = 1e6 * 10f64.powf(rng.random_range(0.0..2.0));
            for (runtime, scale) in [("a", base), ("b", base * ratio)] {
                let processes = (0..3)
                    .map(|_| {
                        let process = 0.05 * normal(rng);
                        (0..5)
                            .map(|_| scale * (process + 0.03 * normal(rng)).exp())
                            .collect()
                    })
                    .collect();
                units.entry(runtime.to_string()).or_default().push(Unit {
                    label: format!("w{w}"),
                    outcome: Outcome::Measured(processes),
                });
            }
        }
        vec![(Metric::Execute(None), 1.0, units)]
    }

    /// How often the better-scoring runtime is called separated from the
    /// other, over `experiments` simulated runs.
    fn separated_rate(ratio: f64, experiments: usize) -> f64 {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let runtimes = ["a".to_string(), "b".to_string()];
        let mut separated = 0;
        for e in 0..experiments {
            let metrics = simulated(&mut rng, 6, ratio);
            let scores = Scores::new(&metrics, &runtimes, e as u64);
            let (first, second) = if scores.total[0][0] >= scores.total[0][1] {
                (0, 1)
            } else {
                (1, 0)
            };
            let wins = scores.total[1..]
                .iter()
                .filter(|t| t[first] > t[second])
                .count();
            separated += usize::from(wins as f64 / RESAMPLES as f64 >= SEPARATION);
        }
        separated as f64 / experiments as f64
    }

    #[test]
    fn equal_runtimes_are_rarely_separated_and_a_clear_difference_is_found() {
        // The same true times: a separation is a false alarm.
        let false_alarms = separated_rate(1.0, 60);
        assert!(
            false_alarms <= 0.10,
            "A/A separated in {false_alarms:.2} of experiments"
        );
        // 20% slower on every workload: found nearly every time.
        let power = separated_rate(1.2, 30);
        assert!(
            power >= 0.9,
            "a 20% difference separated in only {power:.2}"
        );
    }
}
