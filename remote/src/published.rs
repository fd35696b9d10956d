//! An index published on an object store, for a fleet of servers: `meshlens index
//! --data URL` uploads each new generation and then moves `CURRENT` to it, and
//! `meshlens serve --data URL` follows `CURRENT` into a local cache.
//!
//! The layout under the URL's folder is a local data folder's:
//! - `CURRENT`: the served generation's name;
//! - `generations/<name>/…`: its files (`meshlens.sqlite`, `search/…`);
//! - `generations/<name>/files.json`: their list and sizes, uploaded after them.
//!
//! Invariants: a generation is whole (every file, then `files.json`) before `CURRENT`
//! names it; `CURRENT` moves with a conditional put against the version the indexer
//! started from, so of two indexers only one wins and the other is told; a follower
//! downloads beside its cache and swaps a generation in only once every file arrived
//! at its listed size.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Instant,
};

use futures_util::{stream, StreamExt, TryStreamExt};
use object_store::{
    buffered::BufWriter, path::Path as StorePath, GetOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions,
    PutPayload, UpdateVersion,
};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use crate::{
    location::{RemoteUrl, StoreKind},
    store,
};

const CURRENT: &str = "CURRENT";
const GENERATIONS: &str = "generations";
const FILE_LIST: &str = "files.json";
/// Files moved at once, each way.
const CONCURRENT_FILES: usize = 4;
/// Above this a file is uploaded in parts (object_store's multipart upload).
const SINGLE_PUT_BYTES: usize = 16 * 1024 * 1024;

/// The published index at one URL.
pub struct Published {
    url: String,
    store: Arc<dyn ObjectStore>,
    prefix: StorePath,
    /// HTTP folders can be followed but not published to: they have no conditional put.
    writable: bool,
}

/// What `CURRENT` names, and the version a conditional move must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    pub generation: String,
    version: UpdateVersion,
}

impl Pointer {
    /// The ETag to ask `CURRENT` again with, so an unchanged pointer costs a 304.
    pub fn e_tag(&self) -> Option<&str> {
        self.version.e_tag.as_deref()
    }
}

/// What a poll of `CURRENT` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    /// Nothing is published yet.
    Empty,
    /// The same as the ETag asked with.
    Unchanged,
    Current(Pointer),
}

/// Files moved and their bytes, and how long it took.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moved {
    pub files: usize,
    pub bytes: u64,
    pub seconds: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{url}: {message}")]
    Store { url: String, message: String },
    #[error("{path}: {message}")]
    Local { path: PathBuf, message: String },
    #[error(
        "{url}: CURRENT moved to {now} while this index was built from {was}; nothing was published (run again to build on it)"
    )]
    Raced { url: String, was: String, now: String },
    #[error("{url}: an index cannot be published to an HTTP folder (it has no conditional put); use s3://, gs://, az:// or abfss://")]
    ReadOnly { url: String },
    #[error("{url}: generation {generation}: {message}")]
    Incomplete { url: String, generation: String, message: String },
}

/// The file list a generation is uploaded with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct FileList {
    files: Vec<ListedFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct ListedFile {
    /// `/`-separated, relative to the generation's folder.
    path: String,
    size: u64,
}

impl Published {
    pub fn open(remote: &RemoteUrl) -> Result<Self, PublishError> {
        let url = remote.to_string();
        let mut folder = remote.clone();
        // The index's folder is the URL itself, with or without its trailing slash.
        if !folder.url.path().ends_with('/') {
            let path = format!("{}/", folder.url.path());
            folder.url.set_path(&path);
        }
        let (store, prefix) =
            store::open(&folder).map_err(|e| PublishError::Store { url: url.clone(), message: e.to_string() })?;
        Ok(Published { url, store, prefix, writable: remote.kind != StoreKind::Http })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn fail(&self, what: &str, e: impl std::fmt::Display) -> PublishError {
        PublishError::Store { url: self.url.clone(), message: format!("{what}: {e}") }
    }

    fn at(&self, parts: &[&str]) -> StorePath {
        let mut path = self.prefix.clone();
        for part in parts {
            for segment in part.split('/').filter(|s| !s.is_empty()) {
                path = path.join(segment);
            }
        }
        path
    }

    /// `CURRENT`, asked with `known` (an ETag from an earlier poll) when given.
    pub async fn poll(&self, known: Option<&str>) -> Result<Poll, PublishError> {
        let options = GetOptions { if_none_match: known.map(str::to_string), ..GetOptions::default() };
        let result = match self.store.get_opts(&self.at(&[CURRENT]), options).await {
            Ok(result) => result,
            Err(object_store::Error::NotModified { .. }) => return Ok(Poll::Unchanged),
            Err(object_store::Error::NotFound { .. }) => return Ok(Poll::Empty),
            Err(e) => return Err(self.fail(CURRENT, e)),
        };
        let version = UpdateVersion { e_tag: result.meta.e_tag.clone(), version: result.meta.version.clone() };
        let body = result.bytes().await.map_err(|e| self.fail(CURRENT, e))?;
        let generation = String::from_utf8_lossy(&body).trim().to_string();
        if !is_generation_name(&generation) {
            return Err(self.fail(CURRENT, format!("{generation:?} is not a generation name")));
        }
        Ok(Poll::Current(Pointer { generation, version }))
    }

    /// `CURRENT` now, or None when nothing is published.
    pub async fn current(&self) -> Result<Option<Pointer>, PublishError> {
        match self.poll(None).await? {
            Poll::Current(pointer) => Ok(Some(pointer)),
            _ => Ok(None),
        }
    }

    /// Downloads a generation's files into `into` (a new folder; the caller swaps it
    /// in), checking each against the generation's file list.
    pub async fn download(&self, generation: &str, into: &Path) -> Result<Moved, PublishError> {
        let started = Instant::now();
        let incomplete = |message: String| PublishError::Incomplete {
            url: self.url.clone(),
            generation: generation.to_string(),
            message,
        };
        let list_path = self.at(&[GENERATIONS, generation, FILE_LIST]);
        let list = match self.store.get(&list_path).await {
            Ok(result) => result.bytes().await.map_err(|e| self.fail(FILE_LIST, e))?,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(incomplete(format!("no {FILE_LIST}: it was not uploaded whole")))
            }
            Err(e) => return Err(self.fail(FILE_LIST, e)),
        };
        let list: FileList = serde_json::from_slice(&list).map_err(|e| incomplete(format!("{FILE_LIST}: {e}")))?;
        for file in &list.files {
            if !is_relative(&file.path) {
                return Err(incomplete(format!(
                    "{FILE_LIST}: files[].path {:?} leaves the generation's folder",
                    file.path
                )));
            }
        }
        // Owned items: futures over borrowed ones are not `Send` for every lifetime,
        // which a spawned follower needs.
        let bytes: u64 = stream::iter(list.files.clone())
            .map(|file| async move {
                let local = into.join(&file.path);
                let size = self.download_file(&self.at(&[GENERATIONS, generation, &file.path]), &local).await?;
                if size != file.size {
                    return Err(incomplete(format!(
                        "{}: {size} bytes arrived, {FILE_LIST} lists {}",
                        file.path, file.size
                    )));
                }
                Ok::<u64, PublishError>(size)
            })
            .buffer_unordered(CONCURRENT_FILES)
            .try_fold(0u64, |sum, size| async move { Ok(sum + size) })
            .await?;
        Ok(Moved { files: list.files.len(), bytes, seconds: started.elapsed().as_secs_f64() })
    }

    async fn download_file(&self, from: &StorePath, to: &Path) -> Result<u64, PublishError> {
        let local = |e: std::io::Error| PublishError::Local { path: to.to_path_buf(), message: e.to_string() };
        if let Some(parent) = to.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(local)?;
        }
        let result = self.store.get(from).await.map_err(|e| self.fail(from.as_ref(), e))?;
        let mut file = tokio::fs::File::create(to).await.map_err(local)?;
        let mut body = result.into_stream();
        let mut size = 0u64;
        while let Some(chunk) = body.try_next().await.map_err(|e| self.fail(from.as_ref(), e))? {
            file.write_all(&chunk).await.map_err(local)?;
            size += chunk.len() as u64;
        }
        file.sync_all().await.map_err(local)?;
        Ok(size)
    }

    /// Uploads the generation in the local folder `from`, then its file list.
    pub async fn upload(&self, generation: &str, from: &Path) -> Result<Moved, PublishError> {
        if !self.writable {
            return Err(PublishError::ReadOnly { url: self.url.clone() });
        }
        let started = Instant::now();
        let files = local_files(from)?;
        let bytes: u64 = stream::iter(files.clone())
            .map(|file| async move {
                self.upload_file(&from.join(&file.path), self.at(&[GENERATIONS, generation, &file.path])).await?;
                Ok::<u64, PublishError>(file.size)
            })
            .buffer_unordered(CONCURRENT_FILES)
            .try_fold(0u64, |sum, size| async move { Ok(sum + size) })
            .await?;
        let list =
            serde_json::to_vec_pretty(&FileList { files: files.clone() }).map_err(|e| self.fail(FILE_LIST, e))?;
        self.store
            .put(&self.at(&[GENERATIONS, generation, FILE_LIST]), PutPayload::from(list))
            .await
            .map_err(|e| self.fail(FILE_LIST, e))?;
        Ok(Moved { files: files.len(), bytes, seconds: started.elapsed().as_secs_f64() })
    }

    async fn upload_file(&self, from: &Path, to: StorePath) -> Result<(), PublishError> {
        let local = |e: std::io::Error| PublishError::Local { path: from.to_path_buf(), message: e.to_string() };
        let mut file = tokio::fs::File::open(from).await.map_err(local)?;
        // One put when small, else a multipart upload streamed from the file.
        let mut writer = BufWriter::with_capacity(self.store.clone(), to.clone(), SINGLE_PUT_BYTES);
        if let Err(e) = tokio::io::copy(&mut file, &mut writer).await {
            let _ = writer.abort().await;
            return Err(self.fail(to.as_ref(), e));
        }
        writer.shutdown().await.map_err(|e| self.fail(to.as_ref(), e))
    }

    /// Points `CURRENT` at `generation`, if it is still what `from` read (or still
    /// absent when `from` is None).
    pub async fn move_current(&self, generation: &str, from: Option<&Pointer>) -> Result<(), PublishError> {
        if !self.writable {
            return Err(PublishError::ReadOnly { url: self.url.clone() });
        }
        let mode = match from {
            Some(pointer) => PutMode::Update(pointer.version.clone()),
            None => PutMode::Create,
        };
        let options = PutOptions { mode, ..PutOptions::default() };
        let payload = PutPayload::from(generation.as_bytes().to_vec());
        match self.store.put_opts(&self.at(&[CURRENT]), payload, options).await {
            Ok(_) => Ok(()),
            Err(object_store::Error::Precondition { .. } | object_store::Error::AlreadyExists { .. }) => {
                let now = self.current().await?.map(|p| p.generation).unwrap_or_else(|| "nothing".into());
                let was = from.map(|p| p.generation.clone()).unwrap_or_else(|| "nothing".into());
                Err(PublishError::Raced { url: self.url.clone(), was, now })
            }
            Err(e) => Err(self.fail(CURRENT, e)),
        }
    }

    /// Deletes generations older than the `keep` newest up to `current` (names sort by
    /// time). Generations newer than `current` are another indexer's upload in
    /// progress and stay. Returns the names deleted.
    pub async fn collect_garbage(&self, current: &str, keep: usize) -> Result<Vec<String>, PublishError> {
        let listed = self
            .store
            .list_with_delimiter(Some(&self.at(&[GENERATIONS])))
            .await
            .map_err(|e| self.fail(GENERATIONS, e))?;
        let mut names: Vec<String> =
            listed.common_prefixes.iter().filter_map(|p| p.filename().map(str::to_string)).collect();
        names.sort();
        let doomed = old_generations(&names, current, keep);
        for name in &doomed {
            let objects: Vec<_> = self
                .store
                .list(Some(&self.at(&[GENERATIONS, name])))
                .map_ok(|meta| meta.location)
                .try_collect()
                .await
                .map_err(|e| self.fail(name, e))?;
            // The file list first: a follower never takes a generation without one.
            let (list, rest): (Vec<_>, Vec<_>) = objects.into_iter().partition(|p| p.filename() == Some(FILE_LIST));
            for path in list.into_iter().chain(rest) {
                match self.store.delete(&path).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(self.fail(path.as_ref(), e)),
                }
            }
        }
        Ok(doomed)
    }
}

/// Of sorted generation names, those older than the `keep` newest up to `current`.
fn old_generations(sorted: &[String], current: &str, keep: usize) -> Vec<String> {
    let Some(at) = sorted.iter().position(|n| n == current) else {
        return Vec::new();
    };
    let first_kept = (at + 1).saturating_sub(keep.max(1));
    sorted[..first_kept].to_vec()
}

/// Generation names are `g` and digits and a `-` (see the engine's data folder).
fn is_generation_name(name: &str) -> bool {
    !name.is_empty() && name.len() < 100 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn is_relative(path: &str) -> bool {
    !path.is_empty() && !path.starts_with('/') && path.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

/// Every file under a local generation folder, with `/`-separated relative paths.
fn local_files(root: &Path) -> Result<Vec<ListedFile>, PublishError> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let local = |e: std::io::Error| PublishError::Local { path: folder.clone(), message: e.to_string() };
        for entry in std::fs::read_dir(&folder).map_err(local)? {
            let entry = entry.map_err(local)?;
            let meta = entry.metadata().map_err(local)?;
            if meta.is_dir() {
                folders.push(entry.path());
            } else if meta.is_file() {
                let relative = entry.path().strip_prefix(root).map(Path::to_path_buf).unwrap_or_default();
                let path = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                files.push(ListedFile { path, size: meta.len() });
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn garbage_is_what_is_older_than_the_kept_generations() {
        let all = names(&["g1", "g2", "g3", "g4", "g5"]);
        for (current, keep, doomed) in [
            ("g5", 3, vec!["g1", "g2"]),
            ("g5", 1, vec!["g1", "g2", "g3", "g4"]),
            ("g5", 9, vec![]),
            // A newer generation than CURRENT is an upload in progress: it stays.
            ("g4", 2, vec!["g1", "g2"]),
            ("g1", 3, vec![]),
            // Keeping none still keeps CURRENT.
            ("g3", 0, vec!["g1", "g2"]),
            // CURRENT not listed (listing lags): nothing is deleted.
            ("g9", 1, vec![]),
        ] {
            assert_eq!(old_generations(&all, current, keep), names(&doomed), "{current} keep {keep}");
        }
    }

    #[test]
    fn listed_paths_stay_inside_the_generation() {
        for (path, ok) in [
            ("meshlens.sqlite", true),
            ("search/meta.json", true),
            ("../CURRENT", false),
            ("/etc/passwd", false),
            ("search//x", false),
            ("", false),
        ] {
            assert_eq!(is_relative(path), ok, "{path}");
        }
    }

    #[test]
    fn generation_names_are_checked() {
        assert!(is_generation_name("g000001796343812360859578-1985"));
        assert!(!is_generation_name("../x"));
        assert!(!is_generation_name(""));
    }

    #[test]
    fn local_files_lists_nested_files_with_slashes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("meshlens.sqlite"), b"abc").unwrap();
        std::fs::create_dir(dir.path().join("search")).unwrap();
        std::fs::write(dir.path().join("search/meta.json"), b"{}").unwrap();
        let files = local_files(dir.path()).unwrap();
        assert_eq!(
            files,
            vec![
                ListedFile { path: "meshlens.sqlite".into(), size: 3 },
                ListedFile { path: "search/meta.json".into(), size: 2 }
            ]
        );
    }
}
