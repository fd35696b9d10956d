//! The first step of an index run: each project's artifacts read, checksummed and
//! (unless unchanged since the served generation) parsed, one thread per core.

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
};

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// What reading one project's artifacts came to.
pub enum Read {
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
pub fn read_all(
    sources: &[ProjectSource],
    stored: &HashMap<String, (String, String)>,
    mut each: impl FnMut(usize, Read),
) {
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
