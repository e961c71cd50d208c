//! The overview pictures: execute time of every workload (rows) on every
//! runtime (columns) relative to native code, and relative to the fastest
//! Wasm runtime, with the ratio written in each cell and coloured from green
//! (as fast) to red (100× or slower); cells that failed show their status.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::plot_error;
use crate::phase::Phase;
use crate::results::{NATIVE, Results, Status};

/// What each cell's time is divided by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reference {
    /// The workload's native twin.
    Native,
    /// The fastest Wasm runtime on the workload.
    Best,
}

impl Reference {
    /// Where the chart goes, relative to the results directory.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Reference::Native => "charts/heatmap-native.svg",
            Reference::Best => "charts/heatmap-best.svg",
        }
    }
}

const LABEL_WIDTH: i32 = 130;
const COLUMN_WIDTH: i32 = 76;
const ROW_HEIGHT: i32 = 22;
const TITLE_HEIGHT: i32 = 40;
const NAMES_HEIGHT: i32 = 170;

/// Whether the run has what the heat map against `reference` shows.
pub(crate) fn available(r: &Results, reference: Reference) -> bool {
    !grid(r, reference).1.is_empty()
}

/// A cell's execute median, when it succeeded.
fn median(r: &Results, runtime: &str, workload: &str) -> Option<f64> {
    r.cell(runtime, workload)
        .filter(|c| c.status == Status::Ok)
        .and_then(|c| c.phases.get(&Phase::Execute))
        .map(|p| p.median_ns)
        .filter(|m| *m > 0.0)
}

/// The columns (every runtime but native) and the rows (every workload
/// with a reference time, and that time).
fn grid(r: &Results, reference: Reference) -> (Vec<&str>, Vec<(&str, f64)>) {
    let wasm = |id: &str| r.runtime(id).is_some_and(|rt| rt.tier.is_wasm());
    let columns: Vec<&str> = r
        .runtimes
        .iter()
        .map(|rt| rt.id.as_str())
        .filter(|id| *id != NATIVE)
        .collect();
    let rows: Vec<(&str, f64)> = r
        .workloads
        .iter()
        .filter_map(|w| {
            let base = match reference {
                Reference::Native => median(r, NATIVE, &w.id),
                Reference::Best => columns
                    .iter()
                    .filter(|id| wasm(id))
                    .filter_map(|id| median(r, id, &w.id))
                    .reduce(f64::min),
            }?;
            Some((w.id.as_str(), base))
        })
        .collect();
    (columns, rows)
}

/// The heat map against `reference`; `None` when no workload has a
/// reference time (no native twin measured, or no Wasm runtime succeeded).
pub(crate) fn heatmap(r: &Results, reference: Reference) -> Result<Option<String>> {
    let (columns, rows) = grid(r, reference);
    if rows.is_empty() || columns.is_empty() {
        return Ok(None);
    }
    let width = LABEL_WIDTH + COLUMN_WIDTH * columns.len() as i32 + 20;
    let height = TITLE_HEIGHT + NAMES_HEIGHT + ROW_HEIGHT * rows.len() as i32 + 30;
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (width as u32, height as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let title = match reference {
            Reference::Native => "Execute time relative to native code (median ÷ native median)",
            Reference::Best => "Execute time relative to the fastest Wasm runtime on each workload",
        };
        root.draw(&Text::new(title, (10, 10), ("sans-serif", 18).into_font()))
            .map_err(plot_error)?;
        let top = TITLE_HEIGHT + NAMES_HEIGHT;
        for (c, id) in columns.iter().enumerate() {
            let x = LABEL_WIDTH + COLUMN_WIDTH * c as i32 + COLUMN_WIDTH / 2;
            root.draw(&Text::new(
                id.to_string(),
                (x - 6, top - 6),
                ("sans-serif", 13)
                    .into_font()
                    .transform(FontTransform::Rotate270),
            ))
            .map_err(plot_error)?;
        }
        let centred = Pos::new(HPos::Center, VPos::Center);
        for (row, (workload, base)) in rows.iter().enumerate() {
            let y = top + ROW_HEIGHT * row as i32;
            root.draw(&Text::new(
                workload.to_string(),
                (LABEL_WIDTH - 8, y + ROW_HEIGHT / 2),
                ("sans-serif", 13)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(plot_error)?;
            for (c, id) in columns.iter().enumerate() {
                let x = LABEL_WIDTH + COLUMN_WIDTH * c as i32;
                let (fill, text, ink) = match (median(r, id, workload), r.cell(id, workload)) {
                    (Some(m), _) => {
                        let ratio = m / base;
                        let (fill, dark) = shade(ratio);
                        (fill, times(ratio), if dark { WHITE } else { BLACK })
                    }
                    (None, Some(cell)) => (RGBColor(225, 225, 225), cell.status.to_string(), RED),
                    (None, None) => (WHITE, "—".to_string(), RGBColor(150, 150, 150)),
                };
                root.draw(&Rectangle::new(
                    [(x + 1, y + 1), (x + COLUMN_WIDTH - 1, y + ROW_HEIGHT - 1)],
                    fill.filled(),
                ))
                .map_err(plot_error)?;
                root.draw(&Text::new(
                    text,
                    (x + COLUMN_WIDTH / 2, y + ROW_HEIGHT / 2),
                    ("sans-serif", 12).into_font().color(&ink).pos(centred),
                ))
                .map_err(plot_error)?;
            }
        }
        let note = match reference {
            Reference::Native => {
                "1.00× = as fast as native; green to red up to 100× slower; grey: the cell did not succeed"
            }
            Reference::Best => {
                "1.00× = the fastest Wasm runtime on that workload; green to red up to 100×; grey: the cell did not succeed"
            }
        };
        root.draw(&Text::new(
            note,
            (10, height - 20),
            ("sans-serif", 12).into_font().color(&RGBColor(90, 90, 90)),
        ))
        .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    Ok(Some(svg))
}

/// A ratio as people read it: `0.93×`, `4.1×`, `27×`, `310×`.
fn times(ratio: f64) -> String {
    if ratio < 10.0 {
        format!("{ratio:.2}×")
    } else if ratio < 100.0 {
        format!("{ratio:.1}×")
    } else {
        format!("{ratio:.0}×")
    }
}

/// A cell's colour on a log scale from 1× (green) through yellow and orange
/// to 100× and beyond (red), and whether its text should be white.
fn shade(ratio: f64) -> (RGBColor, bool) {
    const STOPS: [(f64, (f64, f64, f64)); 4] = [
        (0.0, (198.0, 239.0, 206.0)),
        (0.3, (255.0, 235.0, 156.0)),
        (0.6, (252.0, 141.0, 89.0)),
        (1.0, (215.0, 48.0, 39.0)),
    ];
    let t = (ratio.max(1.0).log10() / 2.0).clamp(0.0, 1.0);
    let i = STOPS
        .iter()
        .rposition(|(at, _)| *at <= t)
        .unwrap_or(0)
        .min(STOPS.len() - 2);
    let ((a, ca), (b, cb)) = (STOPS[i], STOPS[i + 1]);
    let f = (t - a) / (b - a);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    (
        RGBColor(mix(ca.0, cb.0), mix(ca.1, cb.1), mix(ca.2, cb.2)),
        t > 0.8,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_read_as_multiples_and_shade_from_green_to_red() {
        assert_eq!(times(0.934), "0.93×");
        assert_eq!(times(27.25), "27.2×");
        assert_eq!(times(310.4), "310×");
        assert_eq!(shade(0.5).0, RGBColor(198, 239, 206));
        assert_eq!(shade(1.0).0, RGBColor(198, 239, 206));
        assert_eq!(shade(100.0), (RGBColor(215, 48, 39), true));
        assert_eq!(shade(1000.0), (RGBColor(215, 48, 39), true));
        assert!(!shade(3.0).1);
    }
}
