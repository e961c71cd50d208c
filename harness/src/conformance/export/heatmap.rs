use std::path::PathBuf;

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::cell_label;
use crate::conformance::matrix::Matrix;
use crate::conformance::verdict::Verdict;
use crate::export::Exporter;
use crate::export::chart::plot_error;

/// `conformance.svg`: tests down, runtimes across, one coloured cell per
/// verdict, and each runtime's pass rate over the columns.
pub struct HeatmapExporter;

const CELL_W: i32 = 74;
const CELL_H: i32 = 18;
const LABELS_W: i32 = 260;
const HEADER_H: i32 = 190;
const FOOTER_H: i32 = 20;

impl Exporter<Matrix> for HeatmapExporter {
    fn export(&self, matrix: &Matrix) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        Ok(vec![(
            PathBuf::from("conformance.svg"),
            heatmap(matrix)?.into_bytes(),
        )])
    }
}

fn colour(verdict: Option<Verdict>) -> RGBColor {
    match verdict {
        Some(Verdict::Pass) => RGBColor(76, 175, 80),
        Some(Verdict::Fail) => RGBColor(229, 57, 53),
        Some(Verdict::Skip) => RGBColor(189, 189, 189),
        Some(Verdict::ExpectedFail) => RGBColor(255, 167, 38),
        Some(Verdict::UnexpectedPass) => RGBColor(171, 71, 188),
        None => WHITE,
    }
}

fn heatmap(m: &Matrix) -> Result<String> {
    let rows: Vec<_> = m.test_ids().collect();
    // Wide enough for the legend even with one runtime.
    let width = (LABELS_W + CELL_W * m.runtimes.len().max(1) as i32 + 10).max(620);
    let height = HEADER_H + CELL_H * (rows.len() as i32 + 1) + FOOTER_H;
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (width as u32, height as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let font = |size| ("sans-serif", size).into_font();
        root.draw(&Text::new(
            "WASI conformance: verdict per test and runtime",
            (10, 8),
            font(18),
        ))
        .map_err(plot_error)?;
        for (i, verdict) in Verdict::ALL.into_iter().enumerate() {
            let x = 10 + i as i32 * 120;
            root.draw(&Rectangle::new(
                [(x, 36), (x + 12, 48)],
                colour(Some(verdict)).filled(),
            ))
            .map_err(plot_error)?;
            root.draw(&Text::new(verdict.name(), (x + 16, 36), font(12)))
                .map_err(plot_error)?;
        }
        let vertical = font(12).transform(FontTransform::Rotate270);
        for (c, rt) in m.runtimes.iter().enumerate() {
            let x = LABELS_W + c as i32 * CELL_W + CELL_W / 2 - 6;
            root.draw(&Text::new(
                rt.id.clone(),
                (x, HEADER_H - 6),
                vertical.clone(),
            ))
            .map_err(plot_error)?;
        }
        let centred = TextStyle::from(font(11)).pos(Pos::new(HPos::Center, VPos::Center));
        for (r, (suite, test)) in rows.iter().enumerate() {
            let y = HEADER_H + r as i32 * CELL_H;
            root.draw(&Text::new(
                format!("{}/{}", suite.name, test.name),
                (8, y + 3),
                font(12),
            ))
            .map_err(plot_error)?;
            for (c, rt) in m.runtimes.iter().enumerate() {
                let x = LABELS_W + c as i32 * CELL_W;
                let verdict = m.result(&suite.name, &test.name, &rt.id).map(|r| r.verdict);
                root.draw(&Rectangle::new(
                    [(x + 1, y + 1), (x + CELL_W - 1, y + CELL_H - 1)],
                    colour(verdict).filled(),
                ))
                .map_err(plot_error)?;
                let label = verdict.map_or("missing", cell_label);
                root.draw(&Text::new(
                    label,
                    (x + CELL_W / 2, y + CELL_H / 2),
                    centred.clone(),
                ))
                .map_err(plot_error)?;
            }
        }
        let y = HEADER_H + rows.len() as i32 * CELL_H + 4;
        root.draw(&Text::new("pass rate (of tests run)", (8, y + 3), font(12)))
            .map_err(plot_error)?;
        for (c, rt) in m.runtimes.iter().enumerate() {
            let text = m
                .tally(&rt.id)
                .pass_rate()
                .map_or("—".to_string(), |p| format!("{:.0}%", p * 100.0));
            let x = LABELS_W + c as i32 * CELL_W + CELL_W / 2;
            root.draw(&Text::new(text, (x, y + CELL_H / 2), centred.clone()))
                .map_err(plot_error)?;
        }
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::matrix::tests::sample;

    #[test]
    fn every_cell_and_runtime_is_drawn() {
        let svg = heatmap(&sample()).unwrap();
        for text in [
            "s/fd_a",
            "s/clock_c",
            "r1",
            "r2",
            "XPASS",
            "xfail",
            "67%",
            "50%",
        ] {
            assert!(svg.contains(text), "{text} missing");
        }
        // The fail colour: the one FAIL cell and its legend swatch.
        let fail = "#E53935";
        assert_eq!(
            svg.matches(fail).count(),
            2,
            "one FAIL cell + its legend swatch"
        );
    }
}
