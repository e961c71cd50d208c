//! `history chart`: one SVG per cell (runtime, workload, size), a panel per
//! phase, each run's median along the runs with its 95% confidence band;
//! one line per host, since runs on different machines are not one series.

use std::path::PathBuf;

use anyhow::Result;
use plotters::prelude::*;

use super::{MEMORY, PHASES, Point, RunInfo, Trend};
use crate::export::Exporter;
use crate::export::chart::{colour, plot_error, tick, unit};

/// Renders trends as `<runtime>--<workload>--<size>.svg` files.
pub struct TrendCharts;

const WIDTH: u32 = 960;
const PANEL_HEIGHT: u32 = 280;
const HEADER: u32 = 70;

impl Exporter<Vec<Trend>> for TrendCharts {
    fn export(&self, trends: &Vec<Trend>) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut cells: Vec<Vec<&Trend>> = Vec::new();
        for trend in trends {
            match cells.last_mut() {
                Some(cell) if same_cell(cell[0], trend) => cell.push(trend),
                _ => cells.push(vec![trend]),
            }
        }
        cells
            .into_iter()
            .map(|mut cell| {
                cell.sort_by_key(|t| PHASES.iter().position(|p| *p == t.phase));
                let name = format!(
                    "{}--{}--{}.svg",
                    file_safe(&cell[0].runtime),
                    file_safe(&cell[0].workload),
                    file_safe(&cell[0].size)
                );
                Ok((PathBuf::from(name), cell_chart(&cell)?.into_bytes()))
            })
            .collect()
    }
}

fn same_cell(a: &Trend, b: &Trend) -> bool {
    (&a.runtime, &a.workload, &a.size) == (&b.runtime, &b.workload, &b.size)
}

/// An id as a file name: a workload measured by path may have any characters.
fn file_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The chart of one cell: `phases` are its trends, in [`PHASES`] order.
fn cell_chart(phases: &[&Trend]) -> Result<String> {
    // Every run that measured the cell, oldest first: the x axis.
    let mut runs: Vec<&RunInfo> = phases
        .iter()
        .flat_map(|t| t.points.iter().map(|p| &p.run))
        .collect();
    runs.sort_by_key(|r| (r.started_at, r.id));
    runs.dedup_by_key(|r| r.id);
    let mut hosts: Vec<(&str, &str)> = Vec::new();
    for run in &runs {
        if !hosts
            .iter()
            .any(|(fingerprint, _)| *fingerprint == run.host)
        {
            hosts.push((&run.host, &run.hostname));
        }
    }

    let height = HEADER + PANEL_HEIGHT * phases.len() as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (header, body) = root.split_vertically(HEADER);
        let first = phases[0];
        let title = format!(
            "{} · {} · {}: median per run, band: 95% CI",
            first.runtime, first.workload, first.size
        );
        header
            .draw(&Text::new(title, (12, 10), ("sans-serif", 20).into_font()))
            .map_err(plot_error)?;
        for (i, (_, hostname)) in hosts.iter().enumerate() {
            let x = 12 + (i as i32 % 4) * 230;
            let y = 42 + (i as i32 / 4) * 18;
            header
                .draw(&Rectangle::new(
                    [(x, y), (x + 12, y + 12)],
                    colour(i).filled(),
                ))
                .map_err(plot_error)?;
            let label = if hostname.is_empty() {
                format!("host {}", i + 1)
            } else {
                hostname.to_string()
            };
            header
                .draw(&Text::new(
                    label,
                    (x + 18, y),
                    ("sans-serif", 14).into_font(),
                ))
                .map_err(plot_error)?;
        }
        let panels = body.split_evenly((phases.len(), 1));
        for (panel, trend) in panels.iter().zip(phases) {
            draw_panel(panel, trend, &runs, &hosts)?;
        }
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}

fn draw_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, plotters::coord::Shift>,
    trend: &Trend,
    runs: &[&RunInfo],
    hosts: &[(&str, &str)],
) -> Result<()> {
    let x_of = |p: &Point| runs.iter().position(|r| r.id == p.run.id).unwrap_or(0) as i32;
    let bounds = |p: &Point| p.ci95.unwrap_or([p.value, p.value]);
    let lo = trend
        .points
        .iter()
        .map(|p| bounds(p)[0])
        .fold(f64::INFINITY, f64::min);
    let hi = trend
        .points
        .iter()
        .map(|p| bounds(p)[1])
        .fold(0.0, f64::max);
    let (scale, unit_name) = if trend.phase == MEMORY {
        (1024.0 * 1024.0, "MiB")
    } else {
        unit(hi)
    };
    // Room around the values, so a flat trend is not drawn on the frame.
    let pad = ((hi - lo) * 0.15).max(hi * 0.05).max(f64::MIN_POSITIVE);
    let y = ((lo - pad).max(0.0) / scale)..((hi + pad) / scale);
    let last = runs.len() as i32;
    let label = |x: &i32| {
        runs.get(usize::try_from(*x).unwrap_or(usize::MAX))
            .map_or(String::new(), |r| match &r.commit {
                Some(commit) => commit.chars().take(7).collect(),
                None => r.started_at.format("%m-%d %H:%M").to_string(),
            })
    };
    let mut chart = ChartBuilder::on(panel)
        .caption(&trend.phase, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(70)
        .build_cartesian_2d(-1..last, y)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels((runs.len() + 2).min(14))
        .x_label_formatter(&label)
        .y_desc(unit_name)
        .y_label_formatter(&tick)
        .draw()
        .map_err(plot_error)?;
    for (i, (fingerprint, _)) in hosts.iter().enumerate() {
        let points: Vec<&Point> = trend
            .points
            .iter()
            .filter(|p| p.run.host == *fingerprint)
            .collect();
        let colour = colour(i);
        if points.len() > 1 && points.iter().any(|p| p.ci95.is_some()) {
            // The band: the interval's lower ends forwards, upper ends back.
            let band: Vec<(i32, f64)> = points
                .iter()
                .map(|p| (x_of(p), bounds(p)[0] / scale))
                .chain(points.iter().rev().map(|p| (x_of(p), bounds(p)[1] / scale)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    colour.mix(0.2).filled(),
                )))
                .map_err(plot_error)?;
        } else if let Some([lo, hi]) = points.first().and_then(|p| p.ci95) {
            let p = points[0];
            chart
                .draw_series(std::iter::once(ErrorBar::new_vertical(
                    x_of(p),
                    lo / scale,
                    p.value / scale,
                    hi / scale,
                    colour.stroke_width(1),
                    8,
                )))
                .map_err(plot_error)?;
        }
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|p| (x_of(p), p.value / scale)),
                colour.stroke_width(2),
            ))
            .map_err(plot_error)?;
        chart
            .draw_series(
                points
                    .iter()
                    .map(|p| Circle::new((x_of(p), p.value / scale), 3, colour.filled())),
            )
            .map_err(plot_error)?;
    }
    Ok(())
}
