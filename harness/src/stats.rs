//! Summary statistics of timing samples. Pure functions over numbers: no I/O,
//! no clocks, so they can be tested against known distributions.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Bootstrap resamples for confidence intervals: enough for stable 2.5/97.5
/// percentiles, cheap for the sample counts a run makes.
pub const BOOTSTRAP_RESAMPLES: usize = 2000;

/// A coefficient of variation above this makes a measurement suspect (noisy
/// machine, outliers): reports flag it, as hyperfine warns on outliers.
pub const NOISY_CV: f64 = 0.10;

/// Whether a coefficient of variation is above [`NOISY_CV`].
pub fn is_noisy(cv: f64) -> bool {
    cv > NOISY_CV
}

/// The summary of one phase of one cell, in nanoseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub n: usize,
    pub median: f64,
    pub mean: f64,
    /// Sample standard deviation (n - 1 in the denominator); none for one
    /// sample, which has no spread to estimate (0 would claim a perfect one).
    pub stddev: Option<f64>,
    /// Coefficient of variation: stddev / mean.
    pub cv: Option<f64>,
    pub min: f64,
    pub max: f64,
    pub p5: f64,
    pub p95: f64,
    /// Bootstrap 95% confidence interval of the median; none for one sample.
    pub ci95: Option<[f64; 2]>,
}

/// Summarises `samples`; `None` when there are none. `seed` makes the
/// bootstrap, and so the report, reproducible.
pub fn summarize(samples: &[f64], seed: u64) -> Option<Summary> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let mean = sorted.iter().sum::<f64>() / n as f64;
    let stddev = (n > 1)
        .then(|| (sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt());
    Some(Summary {
        n,
        median: percentile_sorted(&sorted, 50.0),
        mean,
        stddev,
        cv: stddev.map(|sd| if mean != 0.0 { sd / mean } else { 0.0 }),
        min: sorted[0],
        max: sorted[n - 1],
        p5: percentile_sorted(&sorted, 5.0),
        p95: percentile_sorted(&sorted, 95.0),
        ci95: bootstrap_median_ci(&sorted, 0.95, BOOTSTRAP_RESAMPLES, seed),
    })
}

/// The `p`-th percentile (0..=100) of sorted data, interpolating linearly
/// between closest ranks (the method numpy and R use by default).
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    assert!(!sorted.is_empty(), "percentile of no data");
    let rank = (p / 100.0).clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lower = rank.floor() as usize;
    let upper = rank.ceil() as usize;
    sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower as f64)
}

pub fn median(samples: &[f64]) -> f64 {
    median_in_place(&mut samples.to_vec())
}

/// The median, reordering `data` (selection, not a full sort: the bootstrap
/// takes thousands of these).
pub(crate) fn median_in_place(data: &mut [f64]) -> f64 {
    let n = data.len();
    let (_, &mut upper, _) = data.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        upper
    } else {
        let lower = data[..n / 2]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        (lower + upper) / 2.0
    }
}

/// Percentile bootstrap confidence interval of the median at `level`
/// (e.g. 0.95): resample with replacement, take each resample's median, and
/// return the middle `level` of those medians. None for fewer than two
/// samples: every resample of one value is that value, an interval of zero
/// width that says nothing about the median's uncertainty.
pub fn bootstrap_median_ci(
    samples: &[f64],
    level: f64,
    resamples: usize,
    seed: u64,
) -> Option<[f64; 2]> {
    if samples.len() < 2 {
        return None;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut resample = vec![0.0; samples.len()];
    let mut medians: Vec<f64> = (0..resamples)
        .map(|_| {
            for slot in resample.iter_mut() {
                *slot = samples[rng.random_range(0..samples.len())];
            }
            median_in_place(&mut resample)
        })
        .collect();
    medians.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0 * 100.0;
    Some([
        percentile_sorted(&medians, tail),
        percentile_sorted(&medians, 100.0 - tail),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Normal samples by Box-Muller, so the tests need no distribution crate.
    fn normal(n: usize, mean: f64, sd: f64, seed: u64) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let u1: f64 = rng.random_range(f64::EPSILON..1.0);
                let u2: f64 = rng.random_range(0.0..1.0);
                mean + sd * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
            })
            .collect()
    }

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn empty_input_has_no_summary() {
        assert_eq!(summarize(&[], 1), None);
    }

    #[test]
    fn single_sample_is_its_own_centre_and_has_no_spread() {
        let s = summarize(&[42.0], 1).unwrap();
        assert_eq!(
            (s.n, s.median, s.mean, s.min, s.max, s.p5, s.p95),
            (1, 42.0, 42.0, 42.0, 42.0, 42.0, 42.0)
        );
        assert_eq!((s.stddev, s.cv, s.ci95), (None, None, None));
    }

    #[test]
    fn two_equal_samples_have_zero_spread() {
        let s = summarize(&[7.0, 7.0], 1).unwrap();
        assert_eq!(
            (s.stddev, s.cv, s.ci95),
            (Some(0.0), Some(0.0), Some([7.0, 7.0]))
        );
    }

    #[test]
    fn uniform_one_to_hundred_has_exact_moments_and_percentiles() {
        // Shuffled on purpose: summarize must not depend on input order.
        let mut data: Vec<f64> = (1..=100).map(f64::from).collect();
        data.reverse();
        data.swap(3, 70);
        let s = summarize(&data, 7).unwrap();
        assert_eq!(s.median, 50.5);
        assert_eq!(s.mean, 50.5);
        assert_eq!(s.min, 1.0);
        assert_eq!(s.max, 100.0);
        // Linear interpolation: rank = 0.05 * 99 = 4.95 -> 5 + 0.95.
        assert!(close(s.p5, 5.95, 1e-9), "p5 = {}", s.p5);
        assert!(close(s.p95, 95.05, 1e-9), "p95 = {}", s.p95);
        // Sample sd of 1..=100 is sqrt(100 * 101 / 12) = 29.011...
        let sd = s.stddev.unwrap();
        assert!(
            close(sd, (100.0f64 * 101.0 / 12.0).sqrt(), 1e-9),
            "sd = {sd}"
        );
        assert!(close(s.cv.unwrap(), sd / 50.5, 1e-12));
        let [lo, hi] = s.ci95.unwrap();
        assert!(lo < 50.5 && 50.5 < hi, "ci {lo}..{hi}");
    }

    #[test]
    fn noisy_means_above_the_threshold() {
        assert!(!is_noisy(NOISY_CV));
        assert!(is_noisy(NOISY_CV + 0.001));
    }

    #[test]
    fn even_and_odd_medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn normal_samples_recover_their_parameters() {
        let data = normal(20_000, 1000.0, 50.0, 99);
        let s = summarize(&data, 3).unwrap();
        assert!(close(s.mean, 1000.0, 2.0), "mean {}", s.mean);
        assert!(close(s.median, 1000.0, 2.0), "median {}", s.median);
        assert!(close(s.stddev.unwrap(), 50.0, 1.5), "sd {:?}", s.stddev);
        // p5/p95 of a normal are mean -/+ 1.645 sd.
        assert!(close(s.p5, 1000.0 - 1.645 * 50.0, 3.0), "p5 {}", s.p5);
        assert!(close(s.p95, 1000.0 + 1.645 * 50.0, 3.0), "p95 {}", s.p95);
    }

    #[test]
    fn bootstrap_ci_covers_the_true_median_about_95_percent_of_the_time() {
        // 200 experiments of 41 normal samples each: coverage of a 95% CI
        // should be near 95%; a broken CI (too narrow, off-centre) falls far below.
        let trials = 200;
        let covered = (0..trials)
            .filter(|&t| {
                let data = normal(41, 500.0, 20.0, 1000 + t);
                let [lo, hi] = bootstrap_median_ci(&data, 0.95, 1000, t).unwrap();
                lo <= 500.0 && 500.0 <= hi
            })
            .count();
        let rate = covered as f64 / trials as f64;
        assert!((0.88..=0.995).contains(&rate), "coverage {rate}");
    }

    #[test]
    fn bootstrap_ci_narrows_with_more_samples_and_is_reproducible() {
        let small = normal(20, 100.0, 10.0, 5);
        let large = normal(2000, 100.0, 10.0, 5);
        let width = |d: &[f64]| {
            let [lo, hi] = bootstrap_median_ci(d, 0.95, 1000, 1).unwrap();
            hi - lo
        };
        assert!(width(&large) < width(&small) / 4.0);
        assert_eq!(
            bootstrap_median_ci(&small, 0.95, 500, 9),
            bootstrap_median_ci(&small, 0.95, 500, 9)
        );
    }
}
