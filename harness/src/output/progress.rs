//! A progress bar with ETA over all iterations of a run, or all tests of a
//! conformance run (on stderr, and only when stderr is a terminal).

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar over `total` steps, counted as `unit` ("iterations", "tests").
    pub fn new(total: u64, unit: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let template = format!(
            "{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {unit} · ETA {{eta}} · {{msg}}"
        );
        bar.set_style(ProgressStyle::with_template(&template).expect("valid template"));
        // Keeps the clock and spinner moving through long iterations.
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar }
    }

    /// A new worker started on `label`.
    pub fn start(&self, label: &str) {
        self.bar.set_message(label.to_string());
    }

    /// Steps finished, or that will not run (a failed cell's remaining processes).
    pub fn advance(&self, steps: u64) {
        self.bar.inc(steps);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
