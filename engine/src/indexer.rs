//! `meshlens index` and `meshlens remove` without the terminal: read each project's
//! artifacts, skip the unchanged, and publish one new generation with the rest.

use std::{
    collections::{BTreeMap, HashMap},
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
    time::Instant,
};

use crate::{
    config::ProjectSource,
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

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// Indexes the projects at `paths`; see [`index_projects`].
pub fn index_paths(
    data: &DataDir,
    paths: &[PathBuf],
    progress: impl FnMut(Progress),
) -> Result<IndexReport, StoreError> {
    let sources: Vec<ProjectSource> = paths.iter().cloned().map(ProjectSource::from).collect();
    index_projects(data, &sources, progress)
}

/// What reading one project's artifacts came to.
enum Read {
    Failed(String),
    /// Stored under this name with the same checksum and folder.
    Unchanged {
        name: String,
        dir: PathBuf,
    },
    Parsed {
        record: Box<ProjectRecord>,
        manifest_bytes: u64,
        dir: PathBuf,
    },
}

/// Reads, checksums and (unless unchanged) parses one project.
fn read_project(source: &ProjectSource, stored: &HashMap<String, (String, String)>) -> Read {
    let started = Instant::now();
    let set = match ArtifactSet::read(&source.path) {
        Ok(set) => set,
        Err(e) => return Read::Failed(e.to_string()),
    };
    let dir = absolute(&set.dir);
    let unchanged = stored.iter().find(|(name, (sum, stored_path))| {
        *sum == set.checksum && Path::new(stored_path) == dir && source.name.as_ref().is_none_or(|n| n == *name)
    });
    if let Some((name, _)) = unchanged {
        return Read::Unchanged { name: name.clone(), dir };
    }
    let read_ms = started.elapsed().as_secs_f64() * 1000.0;
    let manifest_bytes = set.manifest_len() as u64;
    let loaded = load_project(set, source.name.as_deref());
    tracing::debug!(path = %source.path.display(), read_ms, parse_ms = started.elapsed().as_secs_f64() * 1000.0 - read_ms, "project read");
    match loaded {
        Ok(mut record) => {
            record.artifact_path = dir.to_string_lossy().into_owned();
            Read::Parsed { record: Box::new(record), manifest_bytes, dir }
        }
        Err(e) => Read::Failed(e.to_string()),
    }
}

/// Reads every source on one thread per core; `each` sees the results in source order,
/// as they become available, so reports and duplicate names do not depend on timing.
fn read_all(sources: &[ProjectSource], stored: &HashMap<String, (String, String)>, mut each: impl FnMut(usize, Read)) {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(sources.len()).max(1);
    let next = AtomicUsize::new(0);
    let (send, receive) = mpsc::channel::<(usize, Read)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let send = send.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(source) = sources.get(i) else { break };
                if send.send((i, read_project(source, stored))).is_err() {
                    break;
                }
            });
        }
        drop(send);
        let mut waiting: BTreeMap<usize, Read> = BTreeMap::new();
        let mut due = 0;
        for (i, read) in receive {
            waiting.insert(i, read);
            while let Some(read) = waiting.remove(&due) {
                each(due, read);
                due += 1;
            }
        }
    });
}

/// Indexes `sources` into `data`, keeping the projects already there. A project
/// that fails is reported and left out; the others are still indexed.
pub fn index_projects(
    data: &DataDir,
    sources: &[ProjectSource],
    mut progress: impl FnMut(Progress),
) -> Result<IndexReport, StoreError> {
    let started = Instant::now();
    let stored = current_reader(data).and_then(|r| r.checksums().ok()).unwrap_or_default();
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
        report.summary = Some(write_generation(data, GenerationChange { replace, remove: Vec::new() })?);
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

#[derive(Debug, thiserror::Error)]
pub enum RemoveError {
    #[error("no project named {name:?} is indexed in {data} (indexed: {indexed})")]
    NotIndexed { name: String, data: PathBuf, indexed: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Drops projects from the index; the others stay, resolved again without them.
pub fn remove_projects(data: &DataDir, names: &[String]) -> Result<WriteSummary, RemoveError> {
    let indexed: Vec<String> = current_reader(data)
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
            data: data.root().to_path_buf(),
            indexed: if indexed.is_empty() { "none".to_string() } else { indexed.join(", ") },
        });
    }
    Ok(write_generation(data, GenerationChange { replace: Vec::new(), remove: names.to_vec() })?)
}

fn duplicate(name: &str, first: &Path, second: &Path) -> String {
    format!(
        "two projects are named {name:?}: {} and {}; project names must be unique",
        first.display(),
        second.display()
    )
}
