//! `report.md`: a run's report ([`crate::report::run`]) in Markdown.

use std::path::PathBuf;

use anyhow::Result;

use super::Exporter;
use crate::report::{markdown, run};
use crate::results::Results;

/// `report.md`: what a person reads first.
pub struct MarkdownExporter;

impl Exporter for MarkdownExporter {
    fn export(&self, results: &Results) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        Ok(vec![(
            PathBuf::from("report.md"),
            markdown::render(&run::build(results)).into_bytes(),
        )])
    }
}
