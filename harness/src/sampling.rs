//! How many samples a cell gets, and why it stopped there: as many as fit a
//! time budget once a probe iteration has said what one costs (hyperfine's
//! way of choosing its runs), or a fixed count when the user or the catalog
//! asks for one; or fewer, when the cell's median is already known well
//! enough (`--precision`, criterion's idea). Pure arithmetic, apart from the
//! runs it decides.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::catalog::Repetitions;

/// Measured iterations a process is given before another process is worth
/// its start-up and warm-up: processes differ more than iterations do, so a
/// cheap cell's samples are spread over several.
const ITERATIONS_PER_PROCESS: u32 = 6;
/// From this long an iteration on, a process costs little more than its
/// warm-up iteration, and processes differ more than iterations do: measured
/// on the 40-130 ms kernels of `scripts/compare-validity.sh` (Cranelift, a
/// 2-core VM), process medians spread 1.3-2.6% and iterations within a
/// process 0.4-1%. So such a cell gets [`ITERATIONS_PER_LONG_PROCESS`] per
/// process, one warm-up per 2 samples instead of per 6: there, a 5%
/// slowdown was then called slower on 9 of 11 Cranelift kernels instead of
/// 4 (README, "Compare two runs").
const LONG_ITERATION: Duration = Duration::from_millis(20);
const ITERATIONS_PER_LONG_PROCESS: u32 = 2;
/// Fewest processes any budgeted cell is spread over, when it has the
/// samples, and before `--precision` may stop one: one process cannot show
/// how much processes differ.
const MIN_PROCESSES: u32 = 2;
/// Fewest processes (and so samples) a budgeted cell gets when its
/// iteration takes less than [`NO_WARMUP_AFTER`]. Two or three processes
/// cannot show how much processes differ, and an interval from them is too
/// narrow: on a 2-core VM, `scripts/compare-validity.sh` on six optimising
/// runtime ids, its cells cut to the 2-4 processes that an iteration of
/// 0.2-0.7 s (a compile by LLVM or WasmEdge's AOT compiler, or node's
/// start, in each) used to get, gave 4 wrong verdicts among 66 A/A cells
/// (one "faster" at 0.70, interval 0.69-0.71, from two processes that ran
/// at two speeds); the same measurements with their 5 processes gave none.
/// A cell of seconds per iteration keeps the floor of samples: spreading it
/// would cost minutes.
const MIN_PROCESSES_SHORT: u32 = 5;
/// An iteration this long needs no warm-up: what a fresh process pays on its
/// first iteration (page faults, lazy initialisation: milliseconds) is below
/// its noise.
const NO_WARMUP_AFTER: Duration = Duration::from_secs(1);

/// A time budget per cell (`run --budget/--min-samples/--max-samples`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// Measured time a cell should take, in seconds (its probe and warm-ups
    /// come on top).
    pub seconds: f64,
    pub min_samples: u32,
    pub max_samples: u32,
    /// Stop a cell early once its execute median's 95% interval lies within
    /// this fraction of the median on either side (`--precision`, in percent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<f64>,
}

impl Budget {
    /// The defaults: with them, README's main command (the default runtimes on
    /// the whole catalog) fits a coffee break on a 2-core machine.
    pub const DEFAULT: Budget = Budget {
        seconds: 2.0,
        min_samples: 3,
        max_samples: 30,
        precision: None,
    };

    /// Whether a cell may stop before its planned processes: with
    /// `--precision`, once it has at least two processes and the minimum of
    /// samples, and its median's 95% interval `ci95` lies within the
    /// precision of `median` on either side.
    pub fn precise_enough(
        &self,
        processes: u32,
        samples: usize,
        median: f64,
        ci95: Option<[f64; 2]>,
    ) -> bool {
        let (Some(precision), Some([low, high])) = (self.precision, ci95) else {
            return false;
        };
        processes >= MIN_PROCESSES
            && samples >= self.min_samples as usize
            && median > 0.0
            && (median - low).max(high - median) <= precision * median
    }

    /// The cell's samples once its probe iteration took `probe`; each
    /// process warms up `warmup` times first, unless one iteration is so
    /// long that it needs none.
    pub fn sampling(&self, probe: Duration, warmup: u32) -> Sampling {
        let short = probe < NO_WARMUP_AFTER;
        let (min_samples, min_processes) = if short {
            (
                self.min_samples.max(MIN_PROCESSES_SHORT),
                MIN_PROCESSES_SHORT,
            )
        } else {
            (self.min_samples, MIN_PROCESSES)
        };
        // `--max-samples` bounds even the floor.
        let min_samples = min_samples.min(self.max_samples);
        let fit = (self.seconds / probe.as_secs_f64().max(1e-9)).floor();
        let (samples, stop) = if fit < f64::from(min_samples) {
            (min_samples, Stop::MinSamples)
        } else if fit > f64::from(self.max_samples) {
            (self.max_samples, Stop::MaxSamples)
        } else {
            (fit as u32, Stop::Budget)
        };
        let per_process = if probe >= LONG_ITERATION {
            ITERATIONS_PER_LONG_PROCESS
        } else {
            ITERATIONS_PER_PROCESS
        };
        let processes = samples
            .div_ceil(per_process)
            .max(min_processes)
            .min(samples);
        Sampling {
            processes,
            samples,
            warmups: if short { warmup } else { 0 },
            stop,
            probe_ns: Some(u64::try_from(probe.as_nanos()).unwrap_or(u64::MAX)),
        }
    }
}

/// Why a cell has the samples it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// As many as fit the budget.
    Budget,
    /// One iteration costs so much that the budget fits fewer than the
    /// minimum: the minimum, over budget.
    MinSamples,
    /// The budget fits more than the maximum.
    MaxSamples,
    /// The run asked for fixed repetitions (`--processes`/`--iterations`).
    Fixed,
    /// The catalog caps this workload's repetitions (a module that takes
    /// minutes to compile).
    CatalogCap,
    /// Before the budget's count: its median was known to `--precision`.
    Precise,
}

impl Stop {
    pub fn describe(self) -> &'static str {
        match self {
            Stop::Budget => "as many as fit the budget",
            Stop::MinSamples => "the minimum: one iteration costs more than the budget allows",
            Stop::MaxSamples => "the maximum: the budget fits more",
            Stop::Fixed => "fixed by --processes/--iterations",
            Stop::CatalogCap => "capped by the catalog",
            Stop::Precise => "early: the median's 95% interval was within --precision",
        }
    }
}

/// A cell's share-out of measured iterations over worker processes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sampling {
    pub processes: u32,
    /// Measured iterations over all processes.
    pub samples: u32,
    /// Warm-ups of each process.
    pub warmups: u32,
    pub stop: Stop,
    /// The probe's wall time (compile, instantiate, execute and check, in
    /// a process of its own before the measured ones), when the count came
    /// from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe_ns: Option<u64>,
}

impl Sampling {
    /// Fixed repetitions, known before anything runs.
    pub fn fixed(repetitions: Repetitions, stop: Stop) -> Sampling {
        Sampling {
            processes: repetitions.processes,
            samples: repetitions.processes * repetitions.iterations,
            warmups: repetitions.warmup,
            stop,
            probe_ns: None,
        }
    }

    /// Every iteration the cell runs: its probe, and each process's
    /// warm-ups and measured iterations.
    pub fn iterations(&self) -> u64 {
        u64::from(self.probe_ns.is_some())
            + u64::from(self.samples)
            + u64::from(self.processes) * u64::from(self.warmups)
    }

    /// Measured iterations of process `index` (0-based): the samples dealt
    /// out evenly, the first processes taking one more when they do not divide.
    pub fn iterations_of(&self, index: u32) -> u32 {
        let base = self.samples / self.processes;
        base + u32::from(index < self.samples % self.processes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(seconds: f64) -> Budget {
        Budget {
            seconds,
            min_samples: 3,
            max_samples: 30,
            precision: None,
        }
    }

    #[test]
    fn a_cell_stops_early_only_when_its_interval_is_within_the_precision() {
        let precise = Budget {
            precision: Some(0.02),
            ..budget(2.0)
        };
        let tight = Some([98.5, 101.9]);
        assert!(precise.precise_enough(2, 12, 100.0, tight));
        assert!(
            !precise.precise_enough(2, 12, 100.0, Some([97.9, 101.0])),
            "2.1% below"
        );
        assert!(
            !precise.precise_enough(2, 12, 100.0, Some([99.0, 102.1])),
            "2.1% above"
        );
        assert!(!precise.precise_enough(1, 12, 100.0, tight), "one process");
        assert!(
            !precise.precise_enough(2, 2, 100.0, tight),
            "below the minimum"
        );
        assert!(
            !precise.precise_enough(2, 12, 100.0, None),
            "one sample has no interval"
        );
        assert!(
            !budget(2.0).precise_enough(5, 30, 100.0, tight),
            "not asked for"
        );
    }

    #[test]
    fn as_many_samples_as_fit_the_budget_within_the_bounds() {
        let s = budget(2.0).sampling(Duration::from_millis(100), 1);
        assert_eq!((s.samples, s.stop), (20, Stop::Budget));
        assert_eq!(s.probe_ns, Some(100_000_000));
        assert_eq!(s.warmups, 1);
        let s = budget(2.0).sampling(Duration::from_millis(900), 1);
        assert_eq!(
            (s.samples, s.processes, s.stop),
            (5, 5, Stop::MinSamples),
            "2 fit; under a second, 5 processes of one are the floor"
        );
        let s = budget(2.0).sampling(Duration::from_millis(1500), 1);
        assert_eq!(
            (s.samples, s.processes, s.stop),
            (3, 2, Stop::MinSamples),
            "from a second on, the floor of samples"
        );
        let capped = Budget {
            max_samples: 4,
            ..budget(2.0)
        }
        .sampling(Duration::from_millis(900), 1);
        assert_eq!(
            (capped.samples, capped.processes),
            (4, 4),
            "--max-samples bounds the floor"
        );
        let s = budget(2.0).sampling(Duration::from_secs(50), 1);
        assert_eq!((s.samples, s.stop), (3, Stop::MinSamples));
        assert_eq!(s.warmups, 0, "an iteration of seconds needs no warm-up");
        assert_eq!(s.iterations(), 4, "the probe and three samples");
        let s = budget(2.0).sampling(Duration::from_micros(10), 1);
        assert_eq!((s.samples, s.stop), (30, Stop::MaxSamples));
        let s = budget(2.0).sampling(Duration::ZERO, 1);
        assert_eq!(
            (s.samples, s.stop),
            (30, Stop::MaxSamples),
            "no division by zero"
        );
    }

    #[test]
    fn samples_are_spread_over_at_least_two_processes_five_under_a_second() {
        for probe_ms in [1, 10, 70, 100, 300, 700, 5000] {
            let s = budget(2.0).sampling(Duration::from_millis(probe_ms), 1);
            assert!(s.processes >= if probe_ms < 1000 { 5 } else { 2 }, "{s:?}");
            let dealt: Vec<u32> = (0..s.processes).map(|p| s.iterations_of(p)).collect();
            assert_eq!(dealt.iter().sum::<u32>(), s.samples, "{s:?}");
            assert!(dealt.iter().all(|&n| n >= 1), "{dealt:?}");
            assert!(
                dealt.windows(2).all(|w| w[0] >= w[1]),
                "first take more: {dealt:?}"
            );
        }
        let cheap = budget(2.0).sampling(Duration::from_micros(10), 1);
        assert_eq!(cheap.processes, 5, "30 samples, 6 per process");
        let long = budget(2.0).sampling(Duration::from_millis(100), 1);
        assert_eq!(
            (long.samples, long.processes),
            (20, 10),
            "a long iteration: 2 per process"
        );
        let short = budget(2.0).sampling(Duration::from_millis(19), 1);
        assert_eq!((short.samples, short.processes), (30, 5), "6 per process");
        let slow = budget(2.0).sampling(Duration::from_millis(300), 1);
        assert_eq!(
            (slow.samples, slow.processes),
            (6, 5),
            "6 fit, spread over 5 processes, not 3"
        );
        let one = Budget {
            min_samples: 1,
            ..budget(0.5)
        }
        .sampling(Duration::from_secs(1), 1);
        assert_eq!(
            (one.samples, one.processes),
            (1, 1),
            "never a process without a sample"
        );
    }

    #[test]
    fn fixed_repetitions_deal_the_same_count_to_every_process() {
        let s = Sampling::fixed(
            Repetitions {
                processes: 3,
                iterations: 5,
                warmup: 1,
            },
            Stop::Fixed,
        );
        assert_eq!(s.samples, 15);
        assert!((0..3).all(|p| s.iterations_of(p) == 5));
        assert_eq!(s.iterations(), 18, "15 samples and a warm-up per process");
    }
}
