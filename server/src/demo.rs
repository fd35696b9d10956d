//! The embedded demo mesh: real artifacts of the demo projects under
//! `tests/demo-mesh/artifacts`, compiled into the binary and indexed at start.

use std::fs;

use anyhow::Context;

use crate::{ingest::index_paths, store::DataDir};

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

/// Names of the embedded demo projects.
pub fn projects() -> Vec<&'static str> {
    let mut names: Vec<&str> = DEMO_FILES.iter().map(|(project, _, _)| *project).collect();
    names.dedup();
    names
}

/// Writes the demo artifacts to a temporary folder and indexes them there.
pub fn prepare() -> anyhow::Result<(tempfile::TempDir, DataDir)> {
    let tmp = tempfile::Builder::new()
        .prefix("meshlens-demo-")
        .tempdir()
        .context("creating a temporary folder for the demo mesh")?;
    let mut paths = Vec::new();
    for project in projects() {
        let dir = tmp.path().join("artifacts").join(project);
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        for (_, file, bytes) in DEMO_FILES.iter().filter(|(p, _, _)| *p == project) {
            fs::write(dir.join(file), bytes).with_context(|| format!("writing {}", dir.join(file).display()))?;
        }
        paths.push(dir);
    }
    anyhow::ensure!(
        !paths.is_empty(),
        "this binary was built without the demo mesh (tests/demo-mesh/artifacts was empty)"
    );
    let data = DataDir::new(tmp.path().join("data"));
    let report = index_paths(&data, &paths, |_| {})?;
    if let Some((path, error)) = report.failed.first() {
        anyhow::bail!("the embedded demo mesh did not index: {}: {error}", path.display());
    }
    Ok((tmp, data))
}
