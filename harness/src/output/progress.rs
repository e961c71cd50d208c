//! A progress bar with ETA over all iterations of a run (on stderr, and only
//! when stderr is a terminal).

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub fn new(total_iterations: u64) -> Progress {
        let bar =
            ProgressBar::with_draw_target(Some(total_iterations), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} iterations · ETA {eta} · {msg}")
                .expect("valid template"),
        );
        // Keeps the clock and spinner moving through long iterations.
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar }
    }

    /// A new worker started on `label`.
    pub fn start(&self, label: &str) {
        self.bar.set_message(label.to_string());
    }

    /// Iterations finished, or that will not run (a failed cell's remaining processes).
    pub fn advance(&self, iterations: u64) {
        self.bar.inc(iterations);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
