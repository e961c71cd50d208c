use std::path::PathBuf;

use anyhow::Result;

use super::Exporter;
use crate::results::Results;

/// `results.json`: everything, raw samples included; the source of every other rendering.
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn export(&self, results: &Results) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut bytes = serde_json::to_vec_pretty(results)?;
        bytes.push(b'\n');
        Ok(vec![(PathBuf::from("results.json"), bytes)])
    }
}
