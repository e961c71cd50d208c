//! Writing a directory of renderings: each exporter's files, atomically.
//! Used for run results and for conformance matrices alike.

use std::path::Path;

use anyhow::{Context, Result};

use super::Exporter;

/// Writes every exporter's files into `dir`, each atomically (temp file in
/// the same directory, then rename), so a reader or a crash never sees half a file.
pub fn write<R>(dir: &Path, results: &R, exporters: &[Box<dyn Exporter<R>>]) -> Result<()> {
    for exporter in exporters {
        let files = exporter
            .export(results)
            .with_context(|| format!("cannot render the files for {}", dir.display()))?;
        for (relative, bytes) in files {
            let path = dir.join(&relative);
            let parent = path.parent().unwrap_or(dir);
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
            let mut file = tempfile::NamedTempFile::new_in(parent)
                .with_context(|| format!("cannot write in {}", parent.display()))?;
            std::io::Write::write_all(&mut file, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            file.persist(&path)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(())
}
