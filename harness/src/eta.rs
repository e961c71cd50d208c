//! How long a run has left, from what its cells have cost so far and what
//! the plan still holds: not an average over steps, which differ by orders
//! of magnitude (a cheap cell's iteration takes microseconds, an
//! interpreter's seconds), but cell by cell.
//!
//! A cell that has started knows its cost per unit (an iteration, a
//! request, a density level) and its units left. An iteration cell that has
//! not started is predicted from the others: an iteration's cost is taken
//! to be a runtime's speed times a workload's work (fitted on the log scale
//! over the cells seen so far), and the cell's plan turns that cost into
//! its whole time (a budgeted cell's sample count depends on it). A
//! start-up scenario cell that has not started costs what its scenario's
//! started cells cost on average; before anything is known, its prior.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::scenario::Scenario;

/// What a cell is, for predicting it from the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// An iteration cell: runtime and workload indices.
    Cell {
        runtime: usize,
        workload: usize,
    },
    Scenario(Scenario),
}

/// An iteration cell's whole time, given what one iteration costs.
pub type Plan = Box<dyn Fn(Duration) -> Duration>;

struct Entry {
    group: Group,
    /// What the cell is expected to cost before anything is known of it.
    prior: f64,
    plan: Option<Plan>,
    state: State,
}

#[derive(Debug, Clone, Copy)]
enum State {
    Waiting,
    /// Seconds spent, seconds per unit, units left.
    Going {
        spent: f64,
        unit: f64,
        left: u64,
    },
    Done {
        spent: f64,
        unit: Option<f64>,
    },
}

impl Entry {
    /// The cell's whole cost, when enough is known to say.
    fn total(&self) -> Option<f64> {
        match self.state {
            State::Waiting => None,
            State::Going { spent, unit, left } => Some(spent + unit * left as f64),
            State::Done { spent, .. } => Some(spent),
        }
    }

    fn unit(&self) -> Option<f64> {
        match self.state {
            State::Waiting => None,
            State::Going { unit, .. } => Some(unit),
            State::Done { unit, .. } => unit,
        }
    }
}

#[derive(Default)]
pub struct Eta {
    entries: Vec<Entry>,
}

impl Eta {
    /// Adds an iteration cell whose whole time `plan` tells from one
    /// iteration's cost; returns its index.
    pub fn add_cell(
        &mut self,
        runtime: usize,
        workload: usize,
        prior: Duration,
        plan: Plan,
    ) -> usize {
        self.push(Group::Cell { runtime, workload }, prior, Some(plan))
    }

    /// Adds a start-up scenario cell; returns its index.
    pub fn add_scenario(&mut self, scenario: Scenario, prior: Duration) -> usize {
        self.push(Group::Scenario(scenario), prior, None)
    }

    fn push(&mut self, group: Group, prior: Duration, plan: Option<Plan>) -> usize {
        self.entries.push(Entry {
            group,
            prior: prior.as_secs_f64(),
            plan,
            state: State::Waiting,
        });
        self.entries.len() - 1
    }

    /// Cell `i` has cost `spent` so far and has `left` units to go at
    /// `unit` each.
    pub fn going(&mut self, i: usize, spent: Duration, unit: Duration, left: u64) {
        self.entries[i].state = State::Going {
            spent: spent.as_secs_f64(),
            unit: unit.as_secs_f64(),
            left,
        };
    }

    /// Cell `i` is finished (or will not run), having cost `spent`.
    pub fn done(&mut self, i: usize, spent: Duration) {
        let unit = self.entries[i].unit();
        self.entries[i].state = State::Done {
            spent: spent.as_secs_f64(),
            unit,
        };
    }

    /// Cells finished, and cells in all.
    pub fn cells(&self) -> (usize, usize) {
        let done = self
            .entries
            .iter()
            .filter(|e| matches!(e.state, State::Done { .. }))
            .count();
        (done, self.entries.len())
    }

    /// The time the cells not yet finished are expected to take.
    pub fn remaining(&self) -> Duration {
        let speeds = Speeds::fit(&self.entries);
        let seconds: f64 = self
            .entries
            .iter()
            .map(|e| match (e.state, e.group, &e.plan) {
                (State::Done { .. }, ..) => 0.0,
                (State::Going { unit, left, .. }, ..) => unit * left as f64,
                (State::Waiting, Group::Cell { runtime, workload }, Some(plan)) => speeds
                    .predict(runtime, workload)
                    .map(|unit| plan(Duration::from_secs_f64(unit)).as_secs_f64())
                    .unwrap_or(e.prior),
                (State::Waiting, group, _) => {
                    let totals: Vec<f64> = self
                        .entries
                        .iter()
                        .filter(|o| o.group == group)
                        .filter_map(Entry::total)
                        .collect();
                    if totals.is_empty() {
                        e.prior
                    } else {
                        totals.iter().sum::<f64>() / totals.len() as f64
                    }
                }
            })
            .sum();
        Duration::from_secs_f64(seconds.max(0.0))
    }
}

/// ln(iteration cost) = mean + runtime speed + workload work, fitted over
/// the iteration cells seen so far by alternating means, barely shrunk
/// (ridge regression): an effect seen once, on a runtime and a workload
/// both new, is split between them instead of given wholly to one, while a
/// runtime 50 times slower than the rest keeps its whole effect.
struct Speeds {
    mean: Option<f64>,
    runtime: BTreeMap<usize, f64>,
    workload: BTreeMap<usize, f64>,
}

/// How strongly effects are pulled towards zero: as if each had this many
/// more cells at the mean (chosen on simulated runs like the test's: more
/// shrinking underestimates the slow runtimes).
const SHRINK: f64 = 0.001;

impl Speeds {
    fn fit(entries: &[Entry]) -> Speeds {
        let seen: Vec<(usize, usize, f64)> = entries
            .iter()
            .filter_map(|e| match (e.group, e.unit()) {
                (Group::Cell { runtime, workload }, Some(unit)) if unit > 0.0 => {
                    Some((runtime, workload, unit.ln()))
                }
                _ => None,
            })
            .collect();
        let mean =
            (!seen.is_empty()).then(|| seen.iter().map(|s| s.2).sum::<f64>() / seen.len() as f64);
        let mut speeds = Speeds {
            mean,
            runtime: BTreeMap::new(),
            workload: BTreeMap::new(),
        };
        let Some(mean) = mean else { return speeds };
        for _ in 0..50 {
            let r = shrunken_means(&seen, |s| s.0, |s| s.2 - mean - speeds.effect_w(s.1));
            speeds.runtime = r;
            let w = shrunken_means(&seen, |s| s.1, |s| s.2 - mean - speeds.effect_r(s.0));
            speeds.workload = w;
        }
        speeds
    }

    fn effect_r(&self, runtime: usize) -> f64 {
        self.runtime.get(&runtime).copied().unwrap_or(0.0)
    }

    fn effect_w(&self, workload: usize) -> f64 {
        self.workload.get(&workload).copied().unwrap_or(0.0)
    }

    /// One iteration's cost in seconds; a runtime or workload not seen yet
    /// counts as average.
    fn predict(&self, runtime: usize, workload: usize) -> Option<f64> {
        self.mean
            .map(|mean| (mean + self.effect_r(runtime) + self.effect_w(workload)).exp())
    }
}

fn shrunken_means(
    seen: &[(usize, usize, f64)],
    key: impl Fn(&(usize, usize, f64)) -> usize,
    value: impl Fn(&(usize, usize, f64)) -> f64,
) -> BTreeMap<usize, f64> {
    let mut sums: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for s in seen {
        let entry = sums.entry(key(s)).or_default();
        entry.0 += value(s);
        entry.1 += 1.0;
    }
    sums.into_iter()
        .map(|(k, (sum, n))| (k, sum / (n + SHRINK)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::Budget;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn s(seconds: f64) -> Duration {
        Duration::from_secs_f64(seconds)
    }

    /// A budgeted cell's whole time: its samples, its probe and one warm-up
    /// per later process.
    fn budgeted(unit: Duration) -> Duration {
        let sampling = Budget::DEFAULT.sampling(unit);
        unit * (sampling.samples + sampling.processes)
    }

    #[test]
    fn started_cells_count_their_units_left_and_waiting_ones_are_predicted() {
        let mut eta = Eta::default();
        let fixed = || -> Plan { Box::new(|unit| unit * 10) };
        let a = eta.add_cell(0, 0, s(100.0), fixed());
        let b = eta.add_cell(1, 0, s(100.0), fixed());
        let c = eta.add_cell(0, 1, s(100.0), fixed());
        let d = eta.add_cell(1, 1, s(100.0), fixed());
        let e = eta.add_scenario(Scenario::Cold, s(7.0));
        assert_eq!(eta.remaining(), s(407.0), "priors before anything is known");
        eta.going(a, s(1.0), s(0.5), 8);
        eta.going(b, s(2.0), s(2.0), 8);
        eta.going(c, s(1.5), s(1.5), 8);
        // Runtime 1 is 4 times slower, workload 1 three times heavier: d's
        // iteration is predicted at 6 s, 60 s for its 10.
        let left = eta.remaining().as_secs_f64();
        let expected = 4.0 + 16.0 + 12.0 + 60.0 + 7.0;
        assert!((left - expected).abs() < 0.01 * expected, "{left}");
        eta.done(a, s(5.0));
        eta.done(b, s(20.0));
        eta.done(c, s(15.0));
        eta.done(d, s(60.0));
        let f = eta.add_scenario(Scenario::Cold, s(7.0));
        eta.going(e, s(1.0), s(0.5), 2);
        assert_eq!(
            eta.remaining(),
            s(1.0 + 2.0),
            "a waiting scenario cell: its group's mean"
        );
        eta.done(e, s(2.0));
        eta.done(f, s(2.0));
        assert_eq!(eta.remaining(), Duration::ZERO);
        assert_eq!(eta.cells(), (6, 6));
    }

    /// Simulated runs with a known answer: an iteration costs its runtime's
    /// speed (one interpreter 20 times slower than the compilers) times its
    /// workload's work, with noise; cells are budgeted, come one per
    /// runtime per round as the plan orders them, and each first process
    /// is a third of its cell. After a tenth of the run the estimate is
    /// within 25 % of the time actually left in nine runs of ten, and
    /// within 15 % in the median run.
    #[test]
    fn after_a_tenth_of_a_simulated_run_the_estimate_is_mostly_within_a_quarter() {
        let runtimes = [0.15, 0.2, 0.12, 3.0, 0.05];
        let trials = 200;
        let mut errors: Vec<f64> = (0..trials)
            .map(|trial| {
                let mut rng = ChaCha8Rng::seed_from_u64(trial);
                let workloads: Vec<f64> = (0..21).map(|_| rng.random_range(0.3..1.5)).collect();
                let mut by_runtime: Vec<Vec<(usize, usize, Duration)>> = runtimes
                    .iter()
                    .enumerate()
                    .map(|(r, speed)| {
                        let mut cells: Vec<_> = workloads
                            .iter()
                            .enumerate()
                            .map(|(w, work)| (r, w, s(speed * work * rng.random_range(0.8..1.25))))
                            .collect();
                        cells.shuffle(&mut rng);
                        cells
                    })
                    .collect();
                let mut cells = Vec::new();
                while by_runtime.iter().any(|c| !c.is_empty()) {
                    let mut round: Vec<_> = by_runtime.iter_mut().filter_map(Vec::pop).collect();
                    round.shuffle(&mut rng);
                    cells.extend(round);
                }
                let cost = |unit: Duration| budgeted(unit).as_secs_f64();
                let total: f64 = cells.iter().map(|c| cost(c.2)).sum();
                let mut eta = Eta::default();
                let ids: Vec<usize> = cells
                    .iter()
                    .map(|&(r, w, _)| eta.add_cell(r, w, s(3.5), Box::new(budgeted)))
                    .collect();
                let mut elapsed = 0.0;
                for (&(_, _, unit), &id) in cells.iter().zip(&ids) {
                    let whole = cost(unit);
                    let units = (whole / unit.as_secs_f64()).round() as u64;
                    eta.going(id, s(whole / 3.0), unit, units - units / 3);
                    if elapsed + whole / 3.0 >= total / 10.0 {
                        let left = total - elapsed - whole / 3.0;
                        return (eta.remaining().as_secs_f64() - left).abs() / left;
                    }
                    elapsed += whole;
                    eta.done(id, s(whole));
                }
                unreachable!("a tenth of the run comes")
            })
            .collect();
        errors.sort_by(f64::total_cmp);
        let within = errors.iter().filter(|&&e| e <= 0.25).count();
        assert!(
            within * 10 >= trials as usize * 9,
            "{within} of {trials} within 25 %"
        );
        assert!(
            errors[errors.len() / 2] <= 0.15,
            "median error {:.2}",
            errors[errors.len() / 2]
        );
    }
}
