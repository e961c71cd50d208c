//! `history show`: a trend as a report table, one row per run.

use super::{MEMORY, Trend};
use crate::export::{format_bytes, format_ns};
use crate::report::{Cell, Column, Row, Table};

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
/// not a verdict: `compare` says whether it is more than noise. The trend's
/// title is the caption.
pub fn trend_table(trend: &Trend) -> Table {
    let value = if trend.phase == MEMORY {
        "peak RSS"
    } else {
        "median [95% CI]"
    };
    let mut table = Table::new(vec![
        Column::left("run"),
        Column::left("started (UTC)"),
        Column::left("commit"),
        Column::left("host"),
        Column::right(value),
        Column::right("samples"),
        Column::right("vs previous"),
    ])
    .with_caption(&trend.title());
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
        let commit = match &point.run.commit {
            Some(commit) => Cell::code(commit.chars().take(10).collect::<String>()),
            None => Cell::missing("—"),
        };
        table.rows.push(Row::new(vec![
            Cell::text(format!("run {}", point.run.id)),
            Cell::text(point.run.started_at.format("%Y-%m-%d %H:%M").to_string()),
            commit,
            Cell::code(point.run.hostname.clone()),
            Cell::figure(value),
            Cell::figure(point.samples.map_or(String::new(), |n| n.to_string())),
            Cell::figure(previous.map_or(String::new(), |p| change(p.value, point.value))),
        ]));
    }
    table
}

/// `+3.2%`, `-1.0%`: the relative change from `before` to `after`.
fn change(before: f64, after: f64) -> String {
    if before > 0.0 {
        format!("{:+.1}%", (after / before - 1.0) * 100.0)
    } else {
        String::new()
    }
}
