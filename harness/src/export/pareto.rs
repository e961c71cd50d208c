//! Trade-offs: per workload category, every runtime as a point (the
//! geometric mean over the category's workloads) of execute time against
//! peak memory, and of start-up (compile + instantiate) against execute
//! time, with the Pareto frontier (the runtimes no other beats on both)
//! drawn through them and every point labelled.

use anyhow::Result;
use plotters::prelude::*;

use super::chart::{plot_error, runtime_colour};
use crate::analysis::Metric;
use crate::phase::Phase;
use crate::results::{Cell, Results, Status};

/// Which two figures a chart sets against each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tradeoff {
    /// Execute time (x) against the peak memory of the process (y).
    Memory,
    /// Start-up, compile + instantiate (x), against execute time (y).
    Startup,
}

impl Tradeoff {
    pub(crate) fn path(self) -> &'static str {
        match self {
            Tradeoff::Memory => "charts/pareto-memory.svg",
            Tradeoff::Startup => "charts/pareto-startup.svg",
        }
    }

    /// The point of one cell, `None` when it lacks a figure.
    fn point(self, cell: &Cell, seed: u64) -> Option<(f64, f64)> {
        let phase = |p: Phase| cell.phases.get(&p).map(|r| r.median_ns);
        let execute = phase(Phase::Execute)?;
        match self {
            Tradeoff::Memory => Some((execute, Metric::Memory.summary(cell, seed)?.0)),
            Tradeoff::Startup => {
                Some((phase(Phase::Compile)? + phase(Phase::Instantiate)?, execute))
            }
        }
    }

    fn axes(self) -> (&'static str, &'static str) {
        match self {
            Tradeoff::Memory => ("execute (ms, log)", "peak memory (MiB, log)"),
            Tradeoff::Startup => (
                "start-up: compile + instantiate (ms, log)",
                "execute (ms, log)",
            ),
        }
    }

    fn scales(self) -> (f64, f64) {
        match self {
            Tradeoff::Memory => (1e6, f64::from(1 << 20)),
            Tradeoff::Startup => (1e6, 1e6),
        }
    }
}

const PANEL_WIDTH: u32 = 560;
const PANEL_HEIGHT: u32 = 420;
const HEADER: u32 = 60;

/// A category's points (runtime, its geometric means) and the runtimes left
/// out because a cell of theirs failed.
type Panel<'a> = (&'a str, Vec<(&'a str, (f64, f64))>, Vec<&'a str>);

/// Whether the run has what the chart shows.
pub(crate) fn available(r: &Results, tradeoff: Tradeoff) -> bool {
    !panels(r, tradeoff).is_empty()
}

/// The categories with at least two runtimes to set against each other.
fn panels(r: &Results, tradeoff: Tradeoff) -> Vec<Panel<'_>> {
    let mut categories: Vec<&str> = r.workloads.iter().map(|w| w.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    categories
        .into_iter()
        .filter_map(|category| {
            let workloads: Vec<&str> = r
                .workloads
                .iter()
                .filter(|w| w.category == category)
                .map(|w| w.id.as_str())
                .collect();
            let mut points = Vec::new();
            let mut left_out = Vec::new();
            for rt in &r.runtimes {
                // A runtime is a point only with every workload of the category:
                // a mean over fewer would flatter it.
                let cells: Option<Vec<(f64, f64)>> = workloads
                    .iter()
                    .map(|w| {
                        let cell = r.cell(&rt.id, w).filter(|c| c.status == Status::Ok)?;
                        tradeoff.point(cell, r.settings.seed)
                    })
                    .collect();
                match cells {
                    Some(cells) if !cells.is_empty() => {
                        points.push((rt.id.as_str(), geomean(&cells)))
                    }
                    // Left out and named when a cell failed; a runtime without the
                    // figure at all (native: no compile) is simply not a point.
                    _ if workloads
                        .iter()
                        .any(|w| r.cell(&rt.id, w).is_some_and(|c| c.status != Status::Ok)) =>
                    {
                        left_out.push(rt.id.as_str())
                    }
                    _ => {}
                }
            }
            (points.len() >= 2).then_some((category, points, left_out))
        })
        .collect()
}

/// The chart, one panel per category; `None` when no category has two
/// runtimes with the figures (a run from before memory was read in the
/// process has no memory to plot).
pub(crate) fn pareto(r: &Results, tradeoff: Tradeoff) -> Result<Option<String>> {
    let panels = panels(r, tradeoff);
    if panels.is_empty() {
        return Ok(None);
    }
    let rows = panels.len().div_ceil(2) as u32;
    let mut svg = String::new();
    {
        let size = (PANEL_WIDTH * 2, HEADER + rows * PANEL_HEIGHT);
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (header, body) = root.split_vertically(HEADER);
        let title = match tradeoff {
            Tradeoff::Memory => {
                "Execute time against peak memory, per category (lower left is better)"
            }
            Tradeoff::Startup => {
                "Start-up against execute time, per category (lower left is better)"
            }
        };
        header
            .draw(&Text::new(title, (10, 8), ("sans-serif", 18).into_font()))
            .map_err(plot_error)?;
        header
            .draw(&Text::new(
                "Each point: the geometric mean over the category's workloads. Black line: the Pareto frontier.",
                (10, 34),
                ("sans-serif", 13).into_font().color(&RGBColor(90, 90, 90)),
            ))
            .map_err(plot_error)?;
        let areas = body.split_evenly((rows as usize, 2));
        for ((category, points, left_out), area) in panels.iter().zip(&areas) {
            panel(area, category, points, left_out, tradeoff)?;
        }
        root.present().map_err(plot_error)?;
    }
    Ok(Some(svg))
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    category: &str,
    points: &[(&str, (f64, f64))],
    left_out: &[&str],
    tradeoff: Tradeoff,
) -> Result<()> {
    let (sx, sy) = tradeoff.scales();
    // Drawn in log10 space on plain axes, labelled back in units: plotters'
    // own log axes leave a range narrower than a decade without labels.
    let scaled: Vec<(&str, (f64, f64))> = points
        .iter()
        .map(|(id, (x, y))| (*id, ((x / sx).log10(), (y / sy).log10())))
        .collect();
    // A little room below, and to the right for the labels beside the points.
    let range = |values: Vec<f64>, below: f64, above: f64| {
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = (hi - lo).max(0.5);
        (lo - below * span)..(hi + above * span)
    };
    let xs = range(scaled.iter().map(|(_, p)| p.0).collect(), 0.08, 0.3);
    let ys = range(scaled.iter().map(|(_, p)| p.1).collect(), 0.1, 0.15);
    let caption = if left_out.is_empty() {
        category.to_string()
    } else {
        format!(
            "{category} (not shown, a cell failed: {})",
            left_out.join(", ")
        )
    };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 14))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(60)
        .build_cartesian_2d(xs, ys)
        .map_err(plot_error)?;
    let (x_desc, y_desc) = tradeoff.axes();
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&|v| short(10f64.powf(*v)))
        .y_label_formatter(&|v| short(10f64.powf(*v)))
        .draw()
        .map_err(plot_error)?;
    let coordinates: Vec<(f64, f64)> = scaled.iter().map(|(_, p)| *p).collect();
    let mut best: Vec<(f64, f64)> = frontier(&coordinates)
        .into_iter()
        .map(|i| coordinates[i])
        .collect();
    best.sort_by(|a, b| a.0.total_cmp(&b.0));
    // A staircase: each frontier point is beaten on neither axis by another.
    let mut steps = Vec::new();
    for pair in best.windows(2) {
        steps.push(pair[0]);
        steps.push((pair[1].0, pair[0].1));
    }
    steps.extend(best.last());
    chart
        .draw_series(LineSeries::new(steps, BLACK.stroke_width(1)))
        .map_err(plot_error)?;
    for (i, (id, p)) in scaled.iter().enumerate() {
        let colour = runtime_colour(id);
        chart
            .draw_series(std::iter::once(Circle::new(*p, 5, colour.filled())))
            .map_err(plot_error)?;
        if best.contains(p) {
            chart
                .draw_series(std::iter::once(Circle::new(*p, 7, BLACK.stroke_width(1))))
                .map_err(plot_error)?;
        }
        // Labels alternate above and below their point, so that close
        // neighbours' do not overprint.
        let dy = if i % 2 == 0 { -16 } else { 6 };
        chart
            .draw_series(std::iter::once(
                EmptyElement::at(*p)
                    + Text::new(
                        id.to_string(),
                        (8, dy),
                        ("sans-serif", 11).into_font().color(&colour),
                    ),
            ))
            .map_err(plot_error)?;
    }
    Ok(())
}

fn short(v: f64) -> String {
    let v = &v;
    if *v >= 10.0 {
        format!("{v:.0}")
    } else if *v >= 0.1 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// The geometric mean of each coordinate.
fn geomean(points: &[(f64, f64)]) -> (f64, f64) {
    let n = points.len() as f64;
    let (lx, ly) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x.ln(), b + y.ln()));
    ((lx / n).exp(), (ly / n).exp())
}

/// The indices of the points no other point beats: none is at least as low
/// on both coordinates and lower on one.
pub(crate) fn frontier(points: &[(f64, f64)]) -> Vec<usize> {
    (0..points.len())
        .filter(|&i| {
            let (x, y) = points[i];
            !points
                .iter()
                .any(|&(ox, oy)| ox <= x && oy <= y && (ox < x || oy < y))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frontier_keeps_the_points_nothing_beats_on_both() {
        let points = [
            (1.0, 10.0),
            (2.0, 5.0),
            (3.0, 6.0),
            (4.0, 1.0),
            (4.0, 2.0),
            (2.0, 5.0),
        ];
        // (3, 6) is beaten by (2, 5); (4, 2) by (4, 1); equal points both stay.
        assert_eq!(frontier(&points), [0, 1, 3, 5]);
        assert_eq!(geomean(&[(1.0, 4.0), (4.0, 1.0)]), (2.0, 2.0));
    }
}
