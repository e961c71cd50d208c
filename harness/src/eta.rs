//! How long a run has left, from what its cells have cost so far and what
//! the plan still holds: not an average over steps, which differ by orders
//! of magnitude (a cheap cell's iteration takes microseconds, an
//! interpreter's seconds), but cell by cell.
//!
//! A cell that has started knows its cost per unit (an iteration, a
//! request, a density level) and its units left; a budgeted cell knows them
//! from its probe, which runs before any cell's measured processes. A cell
//! not started yet is expected to cost what the started cells of its group
//! (its runtime's iteration cells, or its start-up scenario's cells) cost in
//! all, on average: the plan takes every runtime's cells in a random order,
//! so those are a fair sample. Before any has started, its prior.
//!
//! Measured against the alternatives on a real run's cells (README's main
//! command), the group mean did better than a fitted runtime x workload
//! model: how much slower an interpreter is depends on the workload (13 to
//! 70 times), which such a model cannot see from a few cells.

use std::time::Duration;

use crate::scenario::Scenario;

/// Cells whose costs predict each other's: a runtime's iteration cells, or
/// a start-up scenario's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Runtime(usize),
    Scenario(Scenario),
}

#[derive(Debug, Clone)]
struct Entry {
    group: Group,
    /// What the cell is expected to cost before anything is known of it.
    prior: f64,
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
    },
}

impl Entry {
    /// The cell's whole cost, when enough is known to say.
    fn total(&self) -> Option<f64> {
        match self.state {
            State::Waiting => None,
            State::Going { spent, unit, left } => Some(spent + unit * left as f64),
            State::Done { spent } => Some(spent),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Eta {
    entries: Vec<Entry>,
}

impl Eta {
    /// Adds a cell; returns its index.
    pub fn add(&mut self, group: Group, prior: Duration) -> usize {
        self.entries.push(Entry {
            group,
            prior: prior.as_secs_f64(),
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
        self.entries[i].state = State::Done {
            spent: spent.as_secs_f64(),
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
        let mean = |keep: &dyn Fn(Group) -> bool| -> Option<f64> {
            let totals: Vec<f64> = self
                .entries
                .iter()
                .filter(|e| keep(e.group))
                .filter_map(Entry::total)
                .collect();
            (!totals.is_empty()).then(|| totals.iter().sum::<f64>() / totals.len() as f64)
        };
        let seconds: f64 = self
            .entries
            .iter()
            .map(|e| match e.state {
                State::Done { .. } => 0.0,
                State::Going { unit, left, .. } => unit * left as f64,
                State::Waiting => mean(&|g| g == e.group)
                    .or_else(|| {
                        // Another runtime's iteration cells say more than the prior.
                        let any_runtime = |g| matches!(g, Group::Runtime(_));
                        any_runtime(e.group).then(|| mean(&any_runtime)).flatten()
                    })
                    .unwrap_or(e.prior),
            })
            .sum();
        Duration::from_secs_f64(seconds.max(0.0))
    }
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

    #[test]
    fn started_cells_count_their_units_left_and_waiting_ones_their_groups_mean() {
        let mut eta = Eta::default();
        let a = eta.add(Group::Runtime(0), s(100.0));
        let b = eta.add(Group::Runtime(0), s(100.0));
        let c = eta.add(Group::Runtime(1), s(100.0));
        let d = eta.add(Group::Scenario(Scenario::Cold), s(7.0));
        assert_eq!(eta.remaining(), s(307.0), "priors before anything is known");
        eta.going(a, s(1.0), s(0.5), 6);
        // a: 3 s left, 4 s in all; b is expected to cost 4 s, and so is c
        // (its runtime has no cell yet: every runtime's mean); d its prior.
        assert_eq!(eta.remaining(), s(3.0 + 4.0 + 4.0 + 7.0));
        eta.done(a, s(4.0));
        eta.going(c, s(10.0), s(10.0), 1);
        assert_eq!(eta.remaining(), s(4.0 + 10.0 + 7.0));
        eta.done(b, s(2.0));
        eta.done(c, s(20.0));
        eta.done(d, s(1.0));
        assert_eq!(eta.remaining(), Duration::ZERO);
        assert_eq!(eta.cells(), (4, 4));
    }

    /// A budgeted cell's whole time: its probe, samples and warm-ups.
    fn budgeted(unit: Duration) -> f64 {
        let iterations = Budget::DEFAULT.sampling(unit, 1).iterations();
        unit.as_secs_f64() * iterations as f64
    }

    /// Simulated runs with a known answer, shaped like README's main
    /// command: five runtimes, one an interpreter 30 times slower; 21
    /// workloads whose work spans 60 times; and a per-cell factor (how much
    /// slower the interpreter is depends on the workload) of up to 2.2
    /// either way. Each runtime's cells come in a random order, one per
    /// runtime per round, every probe before the measured processes, as the
    /// runner does. After a tenth of the run the estimate is within 25 % of
    /// the time actually left in 9 runs of 10.
    #[test]
    fn after_a_tenth_of_a_simulated_run_the_estimate_is_within_a_quarter() {
        let runtimes = [0.05, 0.06, 0.045, 1.5, 0.015];
        let trials = 200;
        let within = (0..trials)
            .filter(|&trial| {
                let mut rng = ChaCha8Rng::seed_from_u64(trial);
                let workloads: Vec<f64> = (0..21).map(|_| rng.random_range(0.05..3.0)).collect();
                let mut by_runtime: Vec<Vec<(usize, Duration)>> = runtimes
                    .iter()
                    .enumerate()
                    .map(|(r, speed)| {
                        let mut cells: Vec<(usize, Duration)> = workloads
                            .iter()
                            .map(|work| {
                                let factor: f64 = rng.random_range(-0.8..0.8);
                                (r, s(speed * work * factor.exp()))
                            })
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
                let total: f64 = cells.iter().map(|c| budgeted(c.1)).sum();
                let mut eta = Eta::default();
                let ids: Vec<usize> = cells
                    .iter()
                    .map(|&(r, _)| eta.add(Group::Runtime(r), s(3.5)))
                    .collect();
                // The probes, one iteration each, until a tenth of the run.
                let mut elapsed = 0.0;
                for (&(_, unit), &id) in cells.iter().zip(&ids) {
                    let units = (budgeted(unit) / unit.as_secs_f64()).round() as u64;
                    eta.going(id, unit, unit, units - 1);
                    elapsed += unit.as_secs_f64();
                    if elapsed >= total / 10.0 {
                        let left = total - elapsed;
                        return (eta.remaining().as_secs_f64() - left).abs() <= 0.25 * left;
                    }
                }
                true // the probes took less than a tenth: every cell is known
            })
            .count();
        assert!(
            within * 10 >= trials as usize * 9,
            "{within} of {trials} within 25 %"
        );
    }
}
