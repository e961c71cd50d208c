//! `report.html`: a run's report ([`crate::report::run`]) as one file that
//! opens anywhere, its charts inlined.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;

use super::{ChartExporter, Exporter};
use crate::report::{html, run};
use crate::results::Results;

pub struct HtmlExporter;

impl Exporter for HtmlExporter {
    fn export(&self, results: &Results) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        // The same charts as charts/, drawn again here: the file must not
        // depend on anything beside it.
        let charts: BTreeMap<String, String> = ChartExporter
            .export(results)?
            .into_iter()
            .map(|(path, svg)| {
                (
                    path.display().to_string(),
                    String::from_utf8_lossy(&svg).into_owned(),
                )
            })
            .collect();
        let page = html::render(&run::build(results), &|path| charts.get(path).cloned());
        Ok(vec![(PathBuf::from("report.html"), page.into_bytes())])
    }
}
