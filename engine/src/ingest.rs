//! The ingest pipeline: `meshlens index` and `meshlens remove` without the terminal.
//! One run reads each project's artifacts and skips the unchanged ([`read`]), resolves
//! the whole mesh again, writes the store and the search index, and publishes the new
//! generation ([`generation`]). Nothing else writes an index.

mod generation;
mod read;
mod search_plan;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    time::Instant,
};

pub use generation::{GenerationChange, WriteSummary};
use read::{read_all, Read};

use crate::{
    clock::{Clock, SystemClock},
    config::ProjectSource,
    generation_error::GenerationError,
    mesh::ProjectRecord,
    store::{DataDir, Reader},
};

/// Why an index run could not write its generation (nothing is published then).
pub type IngestError = GenerationError;

/// One index run's settings: the data folder it writes and the date it judges
/// deprecations by (the search index and the findings record version states).
pub struct Ingest<'a> {
    data: &'a DataDir,
    today: String,
}

impl<'a> Ingest<'a> {
    /// A run into `data` as of today by the system clock.
    pub fn new(data: &'a DataDir) -> Self {
        Ingest { data, today: SystemClock.today() }
    }

    /// The same run as of `clock`'s date.
    pub fn with_clock(self, clock: &dyn Clock) -> Self {
        Ingest { today: clock.today(), ..self }
    }

    /// Indexes `sources`, keeping the projects already there. A project that fails is
    /// reported and left out; the others are still indexed.
    pub fn index(
        &self,
        sources: &[ProjectSource],
        mut progress: impl FnMut(Progress),
    ) -> Result<IndexReport, IngestError> {
        let started = Instant::now();
        let stored = current_reader(self.data).and_then(|r| r.checksums().ok()).unwrap_or_default();
        let mut report = IndexReport::default();
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        let mut replace: Vec<ProjectRecord> = Vec::new();
        let total = sources.len();

        read_all(sources, &stored, |i, read| {
            let path = &sources[i].path;
            let mut step = |message: &str| progress(Progress { done: i + 1, total, message });
            match read {
                Read::Failed(error) => {
                    step(&format!("{}: failed", path.display()));
                    report.failed.push((path.clone(), error));
                }
                Read::Unchanged { name, dir } => {
                    if let Some(first) = seen.insert(name.clone(), dir.clone()) {
                        report.failed.push((path.clone(), duplicate(&name, &first, &dir)));
                        return;
                    }
                    step(&format!("{name}: unchanged"));
                    report.unchanged.push(name);
                }
                Read::Parsed { record, manifest_bytes, dir } => {
                    report.manifest_bytes += manifest_bytes;
                    if let Some(first) = seen.insert(record.name.clone(), dir.clone()) {
                        report.failed.push((path.clone(), duplicate(&record.name, &first, &dir)));
                        return;
                    }
                    step(&format!("{}: {} nodes read", record.name, record.nodes.len()));
                    report.indexed.push(record.name.clone());
                    replace.push(*record);
                }
            }
        });

        tracing::debug!(ms = started.elapsed().as_secs_f64() * 1000.0, "artifacts read and parsed");
        if !replace.is_empty() {
            let change = GenerationChange { replace, remove: Vec::new() };
            report.summary = Some(generation::write_generation(self.data, change, &self.today)?);
        }
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Drops projects from the index; the others stay, resolved again without them.
    pub fn remove(&self, names: &[String]) -> Result<WriteSummary, RemoveError> {
        let indexed: Vec<String> = current_reader(self.data)
            .and_then(|r| r.checksums().ok())
            .map(|c| {
                let mut names: Vec<String> = c.into_keys().collect();
                names.sort();
                names
            })
            .unwrap_or_default();
        if let Some(missing) = names.iter().find(|n| !indexed.contains(n)) {
            return Err(RemoveError::NotIndexed {
                name: missing.clone(),
                data: self.data.root().to_path_buf(),
                indexed: if indexed.is_empty() { "none".to_string() } else { indexed.join(", ") },
            });
        }
        let change = GenerationChange { replace: Vec::new(), remove: names.to_vec() };
        Ok(generation::write_generation(self.data, change, &self.today)?)
    }
}

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

/// One step of an index run, for a progress display.
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    pub message: &'a str,
}

fn current_reader(data: &DataDir) -> Option<Reader> {
    let name = data.current_name()?;
    Reader::open(&data.generation_path(&name).join(crate::store::layout_files::DATABASE_FILE)).ok()
}

/// Indexes the projects at `paths` as of today; see [`Ingest::index`].
pub fn index_paths(
    data: &DataDir,
    paths: &[PathBuf],
    progress: impl FnMut(Progress),
) -> Result<IndexReport, IngestError> {
    let sources: Vec<ProjectSource> = paths.iter().cloned().map(ProjectSource::from).collect();
    index_projects(data, &sources, progress)
}

/// Indexes `sources` as of today; see [`Ingest::index`].
pub fn index_projects(
    data: &DataDir,
    sources: &[ProjectSource],
    progress: impl FnMut(Progress),
) -> Result<IndexReport, IngestError> {
    Ingest::new(data).index(sources, progress)
}

#[derive(Debug, thiserror::Error)]
pub enum RemoveError {
    #[error("no project named {name:?} is indexed in {data} (indexed: {indexed})")]
    NotIndexed { name: String, data: PathBuf, indexed: String },
    #[error(transparent)]
    Ingest(#[from] IngestError),
}

/// Drops projects from the index as of today; see [`Ingest::remove`].
pub fn remove_projects(data: &DataDir, names: &[String]) -> Result<WriteSummary, RemoveError> {
    Ingest::new(data).remove(names)
}

fn duplicate(name: &str, first: &Path, second: &Path) -> String {
    format!(
        "two projects are named {name:?}: {} and {}; project names must be unique",
        first.display(),
        second.display()
    )
}
