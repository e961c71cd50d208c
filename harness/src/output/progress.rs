//! Progress on stderr: a bar over the estimated time of a run (cells done,
//! the current cell, elapsed time and the ETA from [`Eta`]), or over the
//! tests of a conformance run. On a terminal it redraws in place; otherwise
//! (a CI log) a run prints a line per finished cell, and every 15 s.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::eta::Eta;

/// Positions of a timed bar: it shows the fraction of the run's estimated time.
const PER_MILLE: u64 = 1000;

pub struct Progress {
    bar: ProgressBar,
    /// Set for a timed run: the time left as last estimated, and when.
    estimate: Option<Arc<Mutex<Estimate>>>,
    started: Instant,
    /// Print a line per finished cell, and at least every
    /// [`LOG_EVERY`] (stderr is not a terminal).
    log: bool,
    logged: Mutex<Instant>,
}

/// Longest a run without a terminal goes without a progress line.
const LOG_EVERY: Duration = Duration::from_secs(15);

#[derive(Clone, Copy)]
struct Estimate {
    remaining: Duration,
    at: Instant,
    done: usize,
    total: usize,
}

impl Estimate {
    /// The estimate counted down since it was made.
    fn now(&self) -> Duration {
        self.remaining.saturating_sub(self.at.elapsed())
    }
}

impl Progress {
    /// A bar over `total` steps, counted as `unit` ("tests").
    pub fn counting(total: u64, unit: &str) -> Progress {
        let template = format!(
            "{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {unit} · ETA {{eta}} · {{msg}}"
        );
        let style = ProgressStyle::with_template(&template).expect("valid template");
        Progress::new(total, style, None)
    }

    /// A bar over a run's estimated time, fed by [`Progress::estimate`].
    pub fn timed() -> Progress {
        let estimate = Arc::new(Mutex::new(Estimate {
            remaining: Duration::ZERO,
            at: Instant::now(),
            done: 0,
            total: 0,
        }));
        let shared = estimate.clone();
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {cells} cells · ETA {left} · {msg}",
        )
        .expect("valid template")
        .with_key(
            "left",
            move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                let e = *shared.lock().expect("not poisoned");
                let _ = w.write_str(&clock(e.now()));
            },
        )
        .with_key("cells", {
            let shared = estimate.clone();
            move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                let e = *shared.lock().expect("not poisoned");
                let _ = write!(w, "{}/{}", e.done, e.total);
            }
        });
        Progress::new(PER_MILLE, style, Some(estimate))
    }

    fn new(len: u64, style: ProgressStyle, estimate: Option<Arc<Mutex<Estimate>>>) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        bar.set_style(style);
        // Keeps the clock and spinner moving through long iterations.
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress {
            bar,
            log: estimate.is_some() && !std::io::stderr().is_terminal(),
            estimate,
            started: Instant::now(),
            logged: Mutex::new(Instant::now()),
        }
    }

    /// Work started on `label`.
    pub fn start(&self, label: &str) {
        self.bar.set_message(label.to_string());
    }

    /// Steps finished, or that will not run.
    pub fn advance(&self, steps: u64) {
        self.bar.inc(steps);
    }

    /// A new estimate of what is left.
    pub fn estimate(&self, eta: &Eta) {
        let Some(shared) = &self.estimate else { return };
        let (done, total) = eta.cells();
        let remaining = eta.remaining();
        let before = std::mem::replace(
            &mut *shared.lock().expect("not poisoned"),
            Estimate {
                remaining,
                at: Instant::now(),
                done,
                total,
            },
        );
        let elapsed = self.started.elapsed();
        let whole = (elapsed + remaining).as_secs_f64().max(1e-9);
        self.bar
            .set_position((elapsed.as_secs_f64() / whole * PER_MILLE as f64) as u64);
        let mut logged = self.logged.lock().expect("not poisoned");
        if self.log && (done > before.done || logged.elapsed() >= LOG_EVERY) {
            *logged = Instant::now();
            eprintln!(
                "[{}] {done}/{total} cells · ETA {} · {}",
                clock(elapsed),
                clock(remaining),
                self.bar.message()
            );
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `1h 02m 03s`, `2m 03s`, `3s`.
fn clock(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, m, s) => format!("{h}h {m:02}m {s:02}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_reads_like_a_clock() {
        assert_eq!(clock(Duration::from_millis(3900)), "3s");
        assert_eq!(clock(Duration::from_secs(123)), "2m 03s");
        assert_eq!(clock(Duration::from_secs(3723)), "1h 02m 03s");
    }
}
