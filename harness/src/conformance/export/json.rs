use std::path::PathBuf;

use anyhow::Result;

use crate::conformance::matrix::Matrix;
use crate::export::Exporter;

/// `conformance.json`: every verdict with its reason and what the test printed.
pub struct JsonExporter;

impl Exporter<Matrix> for JsonExporter {
    fn export(&self, matrix: &Matrix) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut bytes = serde_json::to_vec_pretty(matrix)?;
        bytes.push(b'\n');
        Ok(vec![(PathBuf::from("conformance.json"), bytes)])
    }
}
