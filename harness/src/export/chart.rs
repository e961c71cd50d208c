use std::path::PathBuf;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use super::heatmap::{Reference, heatmap};
use super::pareto::{Tradeoff, pareto};
use super::{Exporter, format_ns};
use crate::phase::Phase;
use crate::results::{Results, Status};
use crate::scenario::DensityResult;

/// `charts/<phase>.svg`: one panel per workload, one bar per runtime (its
/// median), whiskers for the 95% CI of the median; failed cells are labelled
/// with their status where the bar would be. Also the overview heat maps
/// ([`heatmap`]), the trade-offs ([`pareto`]) and density, when the run has
/// what they show.
pub struct ChartExporter;

const PANEL_WIDTH: u32 = 520;
const PANEL_HEIGHT: u32 = 300;
/// The title and a legend row per four runtimes.
fn header_height(runtimes: usize) -> u32 {
    50 + 20 * runtimes.div_ceil(4) as u32
}
const COLUMNS: usize = 2;

impl Exporter for ChartExporter {
    fn export(&self, results: &Results) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        // A run of only the start-up scenarios has no iteration cells to
        // chart.
        let phases = if results.cells.is_empty() {
            &[][..]
        } else {
            &Phase::ALL[..]
        };
        let mut charts = phases
            .iter()
            .map(|&phase| {
                Ok((
                    PathBuf::from(format!("charts/{}.svg", phase.name())),
                    phase_chart(results, phase)?.into_bytes(),
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        if let Some(svg) = density_chart(results)? {
            charts.push((PathBuf::from(DENSITY_CHART), svg.into_bytes()));
        }
        for reference in [Reference::Native, Reference::Best] {
            if let Some(svg) = heatmap(results, reference)? {
                charts.push((PathBuf::from(reference.path()), svg.into_bytes()));
            }
        }
        for tradeoff in [Tradeoff::Memory, Tradeoff::Startup] {
            if let Some(svg) = pareto(results, tradeoff)? {
                charts.push((PathBuf::from(tradeoff.path()), svg.into_bytes()));
            }
        }
        Ok(charts)
    }
}

/// Where the density chart goes, when the run measured density.
pub(crate) const DENSITY_CHART: &str = "charts/density.svg";

/// Instances alive (log scale) against the host's resident size, one panel
/// per workload, one line per runtime; `None` without density cells.
fn density_chart(r: &Results) -> Result<Option<String>> {
    let cells: Vec<(&str, &str, &DensityResult)> = r
        .scenarios
        .iter()
        .filter_map(|c| Some((c.runtime.as_str(), c.workload.as_str(), c.density.as_ref()?)))
        .filter(|(.., d)| !d.levels.is_empty())
        .collect();
    if cells.is_empty() {
        return Ok(None);
    }
    let mut workloads: Vec<&str> = cells.iter().map(|(_, w, _)| *w).collect();
    workloads.dedup();
    let rows = workloads.len().div_ceil(COLUMNS) as u32;
    let mut svg = String::new();
    {
        let header_height = header_height(r.runtimes.len());
        let size = (
            PANEL_WIDTH * COLUMNS as u32,
            header_height + rows * PANEL_HEIGHT,
        );
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (header, body) = root.split_vertically(header_height);
        header
            .titled(
                "Density: resident size of one host with N instances alive",
                ("sans-serif", 18),
            )
            .map_err(plot_error)?;
        let runtimes: Vec<&str> = r.runtimes.iter().map(|rt| rt.id.as_str()).collect();
        for (i, id) in runtimes.iter().enumerate() {
            let x = 10 + (i as i32 % 4) * 250;
            let y = 34 + (i as i32 / 4) * 16;
            header
                .draw(&Text::new(
                    format!("■ {id}"),
                    (x, y),
                    ("sans-serif", 13).into_font().color(&runtime_colour(id)),
                ))
                .map_err(plot_error)?;
        }
        let panels = body.split_evenly((rows as usize, COLUMNS));
        for (workload, panel) in workloads.iter().zip(&panels) {
            let lines: Vec<(&str, &DensityResult)> = cells
                .iter()
                .filter(|(_, w, _)| w == workload)
                .map(|(rt, _, d)| (*rt, *d))
                .collect();
            let top = lines
                .iter()
                .flat_map(|(_, d)| d.levels.iter().map(|l| l.instances))
                .max()
                .unwrap_or(1);
            let mib = |bytes: u64| bytes as f64 / f64::from(1 << 20);
            let high = lines
                .iter()
                .flat_map(|(_, d)| d.levels.iter().map(|l| mib(l.resident_bytes)))
                .fold(0.0, f64::max);
            let mut chart = ChartBuilder::on(panel)
                .caption(*workload, ("sans-serif", 16))
                .margin(12)
                .x_label_area_size(30)
                .y_label_area_size(60)
                .build_cartesian_2d((1u32..top.max(2)).log_scale(), 0.0..high * 1.1)
                .map_err(plot_error)?;
            chart
                .configure_mesh()
                .x_desc("instances alive")
                .y_desc("MiB resident")
                .y_label_formatter(&tick)
                .draw()
                .map_err(plot_error)?;
            for (id, d) in lines {
                let points: Vec<(u32, f64)> = d
                    .levels
                    .iter()
                    .map(|l| (l.instances, mib(l.resident_bytes)))
                    .collect();
                let colour = runtime_colour(id);
                chart
                    .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
                    .map_err(plot_error)?;
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                    .map_err(plot_error)?;
            }
        }
        root.present().map_err(plot_error)?;
    }
    Ok(Some(svg))
}

/// A colour per series of trend charts (a host), the same in every panel.
pub(crate) fn colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Every runtime id's own colour, the same in every chart of every run (and
/// so in the HTML report, which inlines them): by the id's place among all
/// known runtime ids, which are fewer than the palette's colours.
pub(crate) fn runtime_colour(id: &str) -> RGBColor {
    let known = wasm_arena_adapters::descriptors();
    let index = known.iter().position(|d| d.id == id).unwrap_or_else(|| {
        // An id this build does not know (a newer run): a stable pick.
        known.len()
            + id.bytes().map(usize::from).sum::<usize>() % (PALETTE.len() - known.len()).max(1)
    });
    PALETTE[index % PALETTE.len()]
}

/// Sixteen colours that stay apart from each other (Tableau's ten, then six
/// darker or brighter ones) for the fourteen runtime ids and some to spare.
const PALETTE: [RGBColor; 16] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 128),
    RGBColor(0, 0, 0),
    RGBColor(128, 0, 0),
    RGBColor(0, 128, 128),
    RGBColor(255, 215, 0),
    RGBColor(102, 255, 153),
];

/// Picks the unit for an axis whose largest value is `max_ns`.
pub(crate) fn unit(max_ns: f64) -> (f64, &'static str) {
    if max_ns < 1e3 {
        (1.0, "ns")
    } else if max_ns < 1e6 {
        (1e3, "µs")
    } else if max_ns < 1e9 {
        (1e6, "ms")
    } else {
        (1e9, "s")
    }
}

fn phase_chart(r: &Results, phase: Phase) -> Result<String> {
    // Three columns once there are many workloads: two made the full
    // catalog's chart 4,500 pixels tall.
    let columns = if r.workloads.len() > 6 { 3 } else { COLUMNS };
    let rows = r.workloads.len().div_ceil(columns).max(1);
    let width = PANEL_WIDTH * columns as u32;
    let header_height = header_height(r.runtimes.len());
    let height = header_height + PANEL_HEIGHT * rows as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (header, body) = root.split_vertically(header_height);
        let title = format!(
            "{} time per workload and runtime (median, whiskers: 95% CI){}",
            phase.name(),
            if r.interrupted {
                " — interrupted run"
            } else {
                ""
            }
        );
        header
            .draw(&Text::new(title, (12, 10), ("sans-serif", 20).into_font()))
            .map_err(plot_error)?;
        for (i, rt) in r.runtimes.iter().enumerate() {
            let x = 12 + (i as i32 % 4) * 250;
            let y = 45 + (i as i32 / 4) * 20;
            header
                .draw(&Rectangle::new(
                    [(x, y), (x + 12, y + 12)],
                    runtime_colour(&rt.id).filled(),
                ))
                .map_err(plot_error)?;
            header
                .draw(&Text::new(
                    rt.id.clone(),
                    (x + 18, y),
                    ("sans-serif", 14).into_font(),
                ))
                .map_err(plot_error)?;
        }

        let panels = body.split_evenly((rows, columns));
        for (panel, workload) in panels.iter().zip(&r.workloads) {
            let bars: Vec<Bar> = r
                .runtimes
                .iter()
                .enumerate()
                .filter_map(|(i, rt)| {
                    let cell = r.cell(&rt.id, &workload.id)?;
                    // A runtime without this phase (native: no compile) leaves its slot empty.
                    if cell.status == Status::Ok && !cell.phases.contains_key(&phase) {
                        return None;
                    }
                    let values = cell
                        .phases
                        .get(&phase)
                        .filter(|_| cell.status == Status::Ok)
                        .map(|p| (p.median_ns, p.ci95_ns));
                    Some((i, runtime_colour(&rt.id), values, cell.status))
                })
                .collect();
            draw_panel(panel, &workload.id, &bars, r.runtimes.len())?;
        }
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}

/// A runtime's bar in a panel: its index (place), its colour, its median and
/// 95% CI (none for a single sample) when the cell succeeded, and its status.
type Bar = (usize, RGBColor, Option<(f64, Option<[f64; 2]>)>, Status);

/// Bars spanning more than this ratio get a logarithmic axis: otherwise the
/// JITs are flat lines beside an interpreter.
const LOG_SPAN: f64 = 20.0;

fn draw_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    title: &str,
    bars: &[Bar],
    runtimes: usize,
) -> Result<()> {
    let values: Vec<f64> = bars
        .iter()
        .filter_map(|b| b.2)
        .flat_map(|(median, ci)| std::iter::once(median).chain(ci.into_iter().flatten()))
        .filter(|v| *v > 0.0)
        .collect();
    let max = values.iter().copied().fold(0.0, f64::max);
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    if max > 0.0 && max / min > LOG_SPAN {
        let (scale, unit_name) = unit(min);
        // Room above the tallest whisker for its turned label.
        let (floor, top) = (min / scale / 2.0, max / scale * 10.0);
        let axis = Axis {
            scale,
            unit: format!("{unit_name}, log scale"),
            base: floor,
            label_y: &|hi| hi * 1.15,
            status_y: floor * 1.1,
        };
        draw_bars(
            panel,
            title,
            (floor..top).log_scale(),
            &axis,
            bars,
            runtimes,
        )
    } else {
        let (scale, unit_name) = unit(max);
        let top = if max > 0.0 { max / scale * 1.4 } else { 1.0 };
        let axis = Axis {
            scale,
            unit: unit_name.to_string(),
            base: 0.0,
            label_y: &|hi| hi + top * 0.02,
            status_y: top * 0.02,
        };
        draw_bars(panel, title, 0.0..top, &axis, bars, runtimes)
    }
}

/// How values map onto a panel's y axis.
struct Axis<'a> {
    /// Nanoseconds per axis unit.
    scale: f64,
    /// The y axis label.
    unit: String,
    /// Where bars start (0, or the floor of a log axis).
    base: f64,
    /// Where a bar's value label goes, given the top of its whisker.
    label_y: &'a dyn Fn(f64) -> f64,
    /// Where a failed cell's status goes.
    status_y: f64,
}

fn draw_bars<DB, Y>(
    panel: &DrawingArea<DB, Shift>,
    title: &str,
    y: Y,
    axis: &Axis,
    bars: &[Bar],
    runtimes: usize,
) -> Result<()>
where
    DB: DrawingBackend,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let n = runtimes.max(1) as f64;
    let mut chart = ChartBuilder::on(panel)
        .caption(title, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(10)
        .y_label_area_size(60)
        .build_cartesian_2d(-0.5..n - 0.5, y)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .y_desc(&axis.unit)
        .y_label_formatter(&tick)
        .draw()
        .map_err(plot_error)?;
    for &(i, colour, values, status) in bars {
        let x = i as f64;
        match values {
            Some((median, ci)) => {
                let s = axis.scale;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.35, axis.base), (x + 0.35, median / s)],
                        colour.filled(),
                    )))
                    .map_err(plot_error)?;
                if let Some([lo, hi]) = ci {
                    chart
                        .draw_series(std::iter::once(ErrorBar::new_vertical(
                            x,
                            lo / s,
                            median / s,
                            hi / s,
                            BLACK.stroke_width(1),
                            8,
                        )))
                        .map_err(plot_error)?;
                }
                let top = ci.map_or(median, |[_, hi]| hi);
                chart
                    .draw_series(std::iter::once(Text::new(
                        format_ns(median),
                        (x, (axis.label_y)(top / s)),
                        // Upright, a label is wider than its bar and runs into
                        // the next one's; turned, it stands in its own column.
                        ("sans-serif", 11)
                            .into_font()
                            .transform(FontTransform::Rotate270),
                    )))
                    .map_err(plot_error)?;
            }
            None => {
                chart
                    .draw_series(std::iter::once(Text::new(
                        status.to_string(),
                        (x, axis.status_y),
                        ("sans-serif", 12)
                            .into_font()
                            .transform(FontTransform::Rotate270)
                            .color(&RED),
                    )))
                    .map_err(plot_error)?;
            }
        }
    }
    Ok(())
}

pub(crate) fn plot_error(e: impl std::fmt::Debug) -> anyhow::Error {
    anyhow!("drawing a chart: {e:?}")
}

/// A value axis's tick label: whole numbers from 10 up, two decimals below.
pub(crate) fn tick(v: &f64) -> String {
    if *v >= 10.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}
