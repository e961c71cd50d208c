//! The renderings of a [`Comparison`] that `compare` writes: `compare.json`,
//! everything it found, and `compare.md`, its report for people (and for
//! GitHub's job summary).

use std::path::PathBuf;

use anyhow::Result;

use super::Exporter;
use crate::analysis::Comparison;
use crate::report::{compare, markdown};

/// `compare.json`: the comparison, pair by pair, for machines.
pub struct CompareJsonExporter;

impl Exporter<Comparison> for CompareJsonExporter {
    fn export(&self, comparison: &Comparison) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut bytes = serde_json::to_vec_pretty(comparison)?;
        bytes.push(b'\n');
        Ok(vec![(PathBuf::from("compare.json"), bytes)])
    }
}

/// `compare.md`: the comparison's report ([`crate::report::compare`]) in Markdown.
pub struct CompareMarkdownExporter;

impl Exporter<Comparison> for CompareMarkdownExporter {
    fn export(&self, comparison: &Comparison) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        Ok(vec![(
            PathBuf::from("compare.md"),
            markdown::render(&compare::build(comparison)).into_bytes(),
        )])
    }
}

/// Everything `compare` writes into its output directory.
pub fn renderings() -> Vec<Box<dyn Exporter<Comparison>>> {
    vec![
        Box::new(CompareJsonExporter),
        Box::new(CompareMarkdownExporter),
    ]
}
