use std::path::PathBuf;

use anyhow::Result;

use super::Exporter;
use crate::results::Results;

/// `samples.csv`: one row per measured sample (long format, ready for
/// pandas or R): runtime, workload, process, iteration within the process, phase, ns.
pub struct CsvExporter;

impl Exporter for CsvExporter {
    fn export(&self, results: &Results) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        writer.write_record(["runtime", "workload", "process", "sample", "phase", "ns"])?;
        for cell in &results.cells {
            for (phase, result) in &cell.phases {
                let mut samples = result.samples_ns.iter();
                for process in &cell.processes {
                    for (i, ns) in samples.by_ref().take(process.samples as usize).enumerate() {
                        writer.write_record([
                            cell.runtime.as_str(),
                            cell.workload.as_str(),
                            &process.index.to_string(),
                            &i.to_string(),
                            phase.name(),
                            &ns.to_string(),
                        ])?;
                    }
                }
            }
        }
        Ok(vec![(PathBuf::from("samples.csv"), writer.into_inner()?)])
    }
}
