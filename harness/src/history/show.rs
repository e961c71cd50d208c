//! `history show`: a trend as a terminal table, one row per run.

use comfy_table::{Cell as TableCell, CellAlignment, Table};

use super::{MEMORY, Point, Trend};
use crate::export::{format_bytes, format_ns};
use crate::output::table::new_table;

impl Trend {
    /// `runtime · workload · size · phase`.
    pub fn title(&self) -> String {
        format!(
            "{} · {} · {} · {}",
            self.runtime, self.workload, self.size, self.phase
        )
    }

    /// The value in the unit a person reads best.
    pub fn format(&self, value: f64) -> String {
        if self.phase == MEMORY {
            format_bytes(value as u64)
        } else {
            format_ns(value)
        }
    }
}

/// One row per run, oldest first: when, which commit, which host, the value
/// (median and its 95% CI, or peak RSS), how many samples, and the change
/// from the previous run on the same host. That change is a point estimate,
/// not a verdict: `compare` says whether it is more than noise.
pub fn trend_table(trend: &Trend) -> Table {
    let value_header = if trend.phase == MEMORY {
        "peak RSS"
    } else {
        "median [95% CI]"
    };
    let header = [
        "run",
        "started (UTC)",
        "commit",
        "host",
        value_header,
        "samples",
        "vs previous",
    ];
    let mut table = new_table(header.map(String::from).to_vec());
    for (i, point) in trend.points.iter().enumerate() {
        let previous = trend.points[..i]
            .iter()
            .rev()
            .find(|p| p.run.host == point.run.host);
        let value = match point.ci95 {
            Some([lo, hi]) => format!(
                "{} [{}–{}]",
                trend.format(point.value),
                trend.format(lo),
                trend.format(hi)
            ),
            None => trend.format(point.value),
        };
        table.add_row(vec![
            TableCell::new(point.run.id),
            TableCell::new(point.run.started_at.format("%Y-%m-%d %H:%M")),
            TableCell::new(short_commit(point)),
            TableCell::new(&point.run.hostname),
            TableCell::new(value).set_alignment(CellAlignment::Right),
            TableCell::new(point.samples.map_or(String::new(), |n| n.to_string()))
                .set_alignment(CellAlignment::Right),
            TableCell::new(previous.map_or(String::new(), |p| change(p.value, point.value)))
                .set_alignment(CellAlignment::Right),
        ]);
    }
    table
}

fn short_commit(point: &Point) -> String {
    point
        .run
        .commit
        .as_deref()
        .map_or("—".into(), |c| c.chars().take(10).collect())
}

/// `+3.2%`, `-1.0%`: the relative change from `before` to `after`.
fn change(before: f64, after: f64) -> String {
    if before > 0.0 {
        format!("{:+.1}%", (after / before - 1.0) * 100.0)
    } else {
        String::new()
    }
}
