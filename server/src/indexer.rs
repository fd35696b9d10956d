//! `meshlens index` without the terminal: read each project's artifacts, skip the
//! unchanged, and publish one new generation with the rest.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    time::Instant,
};

use crate::{
    mesh::{load_project, ArtifactSet, ProjectRecord},
    store::{write_generation, DataDir, GenerationChange, Reader, StoreError, WriteSummary},
};

#[derive(Debug, Default)]
pub struct IndexReport {
    /// Projects parsed and written.
    pub indexed: Vec<String>,
    /// Projects whose artifacts had not changed since they were indexed.
    pub unchanged: Vec<String>,
    /// Paths that could not be indexed, with the reason (file and field).
    pub failed: Vec<(PathBuf, String)>,
    pub summary: Option<WriteSummary>,
    pub manifest_bytes: u64,
    pub seconds: f64,
}

impl IndexReport {
    pub fn megabytes_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.manifest_bytes as f64 / 1_000_000.0 / self.seconds
        } else {
            0.0
        }
    }
}

fn stored_checksums(data: &DataDir) -> HashMap<String, (String, String)> {
    data.current_name()
        .and_then(|name| {
            Reader::open(
                &data
                    .generation_path(&name)
                    .join(crate::store::layout_files::DATABASE_FILE),
            )
            .ok()
        })
        .and_then(|r| r.checksums().ok())
        .unwrap_or_default()
}

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// Indexes the projects at `paths` into `data`, keeping the projects already there.
/// A project that fails is reported and left out; the others are still indexed.
pub fn index_paths(
    data: &DataDir,
    paths: &[PathBuf],
    mut progress: impl FnMut(&str),
) -> Result<IndexReport, StoreError> {
    let started = Instant::now();
    let stored = stored_checksums(data);
    let mut report = IndexReport::default();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut replace: Vec<ProjectRecord> = Vec::new();

    for path in paths {
        let set = match ArtifactSet::read(path) {
            Ok(set) => set,
            Err(e) => {
                report.failed.push((path.clone(), e.to_string()));
                continue;
            }
        };
        let dir = absolute(&set.dir);
        let unchanged = stored
            .iter()
            .find(|(_, (sum, stored_path))| *sum == set.checksum && Path::new(stored_path) == dir);
        if let Some((name, _)) = unchanged {
            if let Some(first) = seen.insert(name.clone(), dir.clone()) {
                report
                    .failed
                    .push((path.clone(), duplicate(name, &first, &dir)));
                continue;
            }
            progress(&format!("{name}: unchanged"));
            report.unchanged.push(name.clone());
            continue;
        }
        report.manifest_bytes += set.manifest_len() as u64;
        match load_project(&set) {
            Ok(mut record) => {
                record.artifact_path = dir.to_string_lossy().into_owned();
                if let Some(first) = seen.insert(record.name.clone(), dir.clone()) {
                    report
                        .failed
                        .push((path.clone(), duplicate(&record.name, &first, &dir)));
                    continue;
                }
                progress(&format!(
                    "{}: {} nodes read",
                    record.name,
                    record.nodes.len()
                ));
                report.indexed.push(record.name.clone());
                replace.push(record);
            }
            Err(e) => report.failed.push((path.clone(), e.to_string())),
        }
    }

    if !replace.is_empty() {
        report.summary = Some(write_generation(
            data,
            GenerationChange {
                replace,
                remove: Vec::new(),
            },
        )?);
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn duplicate(name: &str, first: &Path, second: &Path) -> String {
    format!(
        "two projects are named {name:?}: {} and {}; project names must be unique",
        first.display(),
        second.display()
    )
}
