//! The renderings of a [`Comparison`] that a results directory keeps:
//! `compare.json`, everything the comparison found.

use std::path::PathBuf;

use anyhow::Result;

use super::Exporter;
use crate::analysis::Comparison;

/// `compare.json`: the comparison, pair by pair, for machines.
pub struct CompareJsonExporter;

impl Exporter<Comparison> for CompareJsonExporter {
    fn export(&self, comparison: &Comparison) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut bytes = serde_json::to_vec_pretty(comparison)?;
        bytes.push(b'\n');
        Ok(vec![(PathBuf::from("compare.json"), bytes)])
    }
}
