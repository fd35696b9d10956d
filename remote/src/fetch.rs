//! Fetching remote projects into local cache folders, one folder a URL, with
//! conditional requests: a file fetched before is asked for with its ETag (or its
//! Last-Modified), and a 304 costs no download. The engine then reads the folder as
//! any other and skips it by checksum when nothing changed.
//!
//! A project's files are downloaded beside the cached ones and swapped in only when
//! all of them arrived, so a failed fetch leaves the last good copy (and the index
//! built from it) untouched.

use std::{
    collections::BTreeMap,
    fs,
    io::Write,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

use futures_util::{stream, StreamExt, TryStreamExt};
use object_store::{path::Path as StorePath, GetOptions, ObjectStore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{location::RemoteUrl, store};

/// The artifact files of a project besides its manifest, fetched when present.
pub const OPTIONAL_FILES: [&str; 3] = ["catalog.json", "run_results.json", "sources.json"];
const MANIFEST: &str = "manifest.json";
const STATE_FILE: &str = "fetch-state.json";
/// Projects fetched at once.
const CONCURRENT_PROJECTS: usize = 8;

/// Fetches remote projects into folders under `cache` (one a URL, named by its hash).
pub struct Fetcher {
    cache: PathBuf,
}

/// What one project's fetch sent and received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transfer {
    /// Requests sent (retries not counted).
    pub requests: u32,
    /// Of those, conditional requests answered "not modified".
    pub not_modified: u32,
    /// Files downloaded, and their bytes.
    pub downloaded: u32,
    pub bytes: u64,
}

impl Transfer {
    fn add(&mut self, other: &Transfer) {
        self.requests += other.requests;
        self.not_modified += other.not_modified;
        self.downloaded += other.downloaded;
        self.bytes += other.bytes;
    }
}

/// A project fetched: the local folder the engine reads, and what it cost (its URL is
/// the one given at the same place).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub dir: PathBuf,
    pub transfer: Transfer,
}

/// A project that could not be fetched: its URL and the storage error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{url}: {message}")]
pub struct FetchError {
    pub url: String,
    pub message: String,
}

/// Every project's outcome, in the order given, and the totals.
#[derive(Debug, Default)]
pub struct FetchReport {
    pub outcomes: Vec<Result<Fetched, FetchError>>,
    pub total: Transfer,
}

/// Progress of a fetch, for a terminal: projects done of all, bytes so far.
#[derive(Debug, Clone, Copy)]
pub struct FetchProgress {
    pub done: usize,
    pub total: usize,
    pub bytes: u64,
}

/// What the cache remembers of a fetched file, to ask for it conditionally.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
struct FileState {
    #[serde(skip_serializing_if = "Option::is_none")]
    e_tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct FolderState {
    url: String,
    /// Files present at the source when last fetched; an optional file missing here
    /// was absent and is asked for again only when the manifest changes.
    files: BTreeMap<String, FileState>,
}

impl Fetcher {
    pub fn new(cache: impl Into<PathBuf>) -> Self {
        Fetcher { cache: cache.into() }
    }

    /// The local folder a URL is fetched into.
    pub fn folder_for(&self, remote: &RemoteUrl) -> PathBuf {
        let digest = Sha256::digest(remote.url.as_str().as_bytes());
        let hex: String = digest.iter().take(10).map(|b| format!("{b:02x}")).collect();
        self.cache.join(hex)
    }

    /// Fetches every project, several at once, on a runtime of its own (call it from
    /// a thread that is not running async code).
    pub fn fetch_all(&self, remotes: &[RemoteUrl], mut progress: impl FnMut(FetchProgress)) -> FetchReport {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime,
            Err(e) => {
                let outcomes = remotes
                    .iter()
                    .map(|r| Err(FetchError { url: r.to_string(), message: format!("cannot start the fetcher: {e}") }))
                    .collect();
                return FetchReport { outcomes, total: Transfer::default() };
            }
        };
        let bytes = AtomicU64::new(0);
        let total = remotes.len();
        runtime.block_on(async {
            let mut outcomes: Vec<Option<Result<Fetched, FetchError>>> = vec![None; total];
            let mut done = 0;
            let mut results = stream::iter(remotes.iter().enumerate())
                .map(|(i, remote)| {
                    let bytes = &bytes;
                    async move { (i, self.fetch_one(remote, bytes).await) }
                })
                .buffer_unordered(CONCURRENT_PROJECTS);
            progress(FetchProgress { done, total, bytes: 0 });
            while let Some((i, outcome)) = results.next().await {
                done += 1;
                outcomes[i] = Some(outcome);
                progress(FetchProgress { done, total, bytes: bytes.load(Ordering::Relaxed) });
            }
            let outcomes: Vec<Result<Fetched, FetchError>> = outcomes.into_iter().flatten().collect();
            let mut sum = Transfer::default();
            for fetched in outcomes.iter().flatten() {
                sum.add(&fetched.transfer);
            }
            FetchReport { outcomes, total: sum }
        })
    }

    async fn fetch_one(&self, remote: &RemoteUrl, bytes: &AtomicU64) -> Result<Fetched, FetchError> {
        let url = remote.to_string();
        let fail = |message: String| FetchError { url: url.clone(), message };
        let (store, prefix) = store::open(remote).map_err(|e| fail(e.to_string()))?;
        let dir = self.folder_for(remote);
        fs::create_dir_all(&dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
        let old = read_state(&dir, &url);
        let mut new = FolderState { url: url.clone(), files: BTreeMap::new() };
        let mut transfer = Transfer::default();
        let mut staged: Vec<&str> = Vec::new();
        let manifest_name = remote.manifest_name();

        let result: Result<(), String> = async {
            // The manifest first: when it changed, optional files absent before are
            // asked for again.
            let manifest_changed = match fetch_file(
                &*store,
                &prefix.clone().join(manifest_name.as_str()),
                &dir,
                MANIFEST,
                old.files.get(MANIFEST),
                &mut transfer,
                bytes,
            )
            .await?
            {
                Outcome::Absent => return Err(format!("no {manifest_name} there")),
                Outcome::NotModified(state) => {
                    new.files.insert(MANIFEST.into(), state);
                    false
                }
                Outcome::Downloaded(state) => {
                    new.files.insert(MANIFEST.into(), state);
                    staged.push(MANIFEST);
                    true
                }
            };
            for name in OPTIONAL_FILES {
                let known = old.files.get(name);
                if known.is_none() && !manifest_changed && !old.files.is_empty() {
                    continue;
                }
                match fetch_file(&*store, &prefix.clone().join(name), &dir, name, known, &mut transfer, bytes).await? {
                    Outcome::Absent => {}
                    Outcome::NotModified(state) => {
                        new.files.insert(name.into(), state);
                    }
                    Outcome::Downloaded(state) => {
                        new.files.insert(name.into(), state);
                        staged.push(name);
                    }
                }
            }
            Ok(())
        }
        .await;

        if let Err(message) = result {
            for name in OPTIONAL_FILES.iter().chain([&MANIFEST]) {
                let _ = fs::remove_file(part(&dir, name));
            }
            return Err(fail(message));
        }
        // Everything arrived: swap the new files in, drop files the source no longer
        // has, then record what was fetched.
        let commit = || -> std::io::Result<()> {
            for name in &staged {
                fs::rename(part(&dir, name), dir.join(name))?;
            }
            for name in OPTIONAL_FILES {
                if !new.files.contains_key(name) {
                    match fs::remove_file(dir.join(name)) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                        _ => {}
                    }
                }
            }
            write_state(&dir, &new)
        };
        commit().map_err(|e| fail(format!("{}: {e}", dir.display())))?;
        Ok(Fetched { dir, transfer })
    }
}

enum Outcome {
    Absent,
    NotModified(FileState),
    Downloaded(FileState),
}

fn part(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.part"))
}

/// One file: conditional when it was fetched before (and is still in the cache),
/// streamed to `<name>.part` when it changed.
async fn fetch_file(
    store: &dyn ObjectStore,
    location: &StorePath,
    dir: &Path,
    name: &str,
    known: Option<&FileState>,
    transfer: &mut Transfer,
    bytes: &AtomicU64,
) -> Result<Outcome, String> {
    let known = known.filter(|_| dir.join(name).is_file());
    let mut options = GetOptions::default();
    if let Some(state) = known {
        if let Some(tag) = &state.e_tag {
            options.if_none_match = Some(tag.clone());
        } else if let Some(date) = &state.last_modified {
            options.if_modified_since = date.parse().ok();
        }
    }
    transfer.requests += 1;
    let result = match store.get_opts(location, options).await {
        Ok(result) => result,
        Err(object_store::Error::NotModified { .. }) => {
            transfer.not_modified += 1;
            return Ok(Outcome::NotModified(known.cloned().unwrap_or_default()));
        }
        Err(object_store::Error::NotFound { .. }) => return Ok(Outcome::Absent),
        Err(e) => return Err(format!("{name}: {e}")),
    };
    let state =
        FileState { e_tag: result.meta.e_tag.clone(), last_modified: Some(result.meta.last_modified.to_rfc3339()) };
    let path = part(dir, name);
    let mut file = fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut body = result.into_stream();
    let mut size = 0u64;
    while let Some(chunk) = body.try_next().await.map_err(|e| format!("{name}: {e}"))? {
        file.write_all(&chunk).map_err(|e| format!("{}: {e}", path.display()))?;
        size += chunk.len() as u64;
        bytes.fetch_add(chunk.len() as u64, Ordering::Relaxed);
    }
    file.sync_all().map_err(|e| format!("{}: {e}", path.display()))?;
    transfer.downloaded += 1;
    transfer.bytes += size;
    Ok(Outcome::Downloaded(state))
}

/// The state of a folder fetched from `url` before; empty when there is none or it
/// was written for another URL.
fn read_state(dir: &Path, url: &str) -> FolderState {
    fs::read(dir.join(STATE_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice::<FolderState>(&b).ok())
        .filter(|s| s.url == url)
        .unwrap_or_default()
}

fn write_state(dir: &Path, state: &FolderState) -> std::io::Result<()> {
    let tmp = dir.join(format!("{STATE_FILE}.part"));
    fs::write(&tmp, serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?)?;
    fs::rename(tmp, dir.join(STATE_FILE))
}
