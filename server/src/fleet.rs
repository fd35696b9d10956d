//! A fleet of servers from one published index. When `--data` is an object-store URL,
//! the commands work on a local cache of it (`--cache DIR`): `index` and `remove`
//! bring the published generation into the cache, build the next one there as they
//! would in a local folder, upload it and move `CURRENT` (see
//! `meshlens_remote::published`); `serve` follows `CURRENT` into the cache, and its
//! usual watcher swaps to each generation that lands there, so no request fails.

use std::{
    path::{Path, PathBuf},
    time::Instant,
};

use meshlens_remote::{
    published::{Moved, Pointer, Poll, PublishError, Published},
    Location,
};
use sha2::{Digest, Sha256};

use crate::store::DataDir;

/// How many generations `index --data URL` keeps on the store by default.
pub const KEEP_GENERATIONS: u16 = 3;
/// How often `serve --data URL` asks for `CURRENT` by default.
pub const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(10);
/// Where downloads wait, beside the cache's `generations/`, until whole.
const INCOMING: &str = "incoming";

/// `--data` as given: a local data folder, or a published index and its local cache.
pub enum DataLocation {
    Local(DataDir),
    Published(PublishedData),
}

/// A published index and the local folder that holds its current generation.
pub struct PublishedData {
    pub published: Published,
    pub cache: DataDir,
}

/// What following `CURRENT` once did.
#[derive(Debug)]
pub enum Followed {
    /// Nothing is published yet.
    Empty,
    /// `CURRENT` answered "not modified" to the ETag asked with.
    Unchanged,
    /// `CURRENT` names the generation the cache already serves.
    Same(Pointer),
    /// A new generation was downloaded and is now the cache's.
    Swapped { pointer: Pointer, moved: Moved },
}

impl Followed {
    pub fn pointer(&self) -> Option<&Pointer> {
        match self {
            Followed::Same(pointer) | Followed::Swapped { pointer, .. } => Some(pointer),
            _ => None,
        }
    }
}

/// What `index` or `remove` with a published `--data` did to the store.
#[derive(Debug)]
pub enum Publication {
    /// Nothing changed, so nothing was uploaded; `CURRENT` stays.
    Unchanged(Option<String>),
    Published {
        generation: String,
        moved: Moved,
        collected: Vec<String>,
    },
}

/// Reads `--data`: a URL is a published index, anything else a local folder.
pub fn data_location(given: &Path, cache: Option<&Path>) -> anyhow::Result<DataLocation> {
    let remote = match given.to_str().map(Location::parse).transpose()? {
        Some(Location::Remote(remote)) => remote,
        _ => return Ok(DataLocation::Local(DataDir::new(given))),
    };
    let published = Published::open(&remote)?;
    let cache = cache.map(Path::to_path_buf).unwrap_or_else(|| default_cache(published.url()));
    Ok(DataLocation::Published(PublishedData { published, cache: DataDir::new(cache) }))
}

/// `$XDG_CACHE_HOME/meshlens/<hash of the URL>`, else under `~/.cache`, else the
/// temporary folder.
pub fn default_cache(url: &str) -> PathBuf {
    let digest = Sha256::digest(url.as_bytes());
    let hex: String = digest.iter().take(10).map(|b| format!("{b:02x}")).collect();
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("meshlens").join(hex)
}

impl PublishedData {
    /// Asks for `CURRENT` (conditionally, with `known`, an earlier answer's ETag) and
    /// brings its generation into the cache when the cache does not serve it yet.
    pub async fn follow(&self, known: Option<&str>) -> Result<Followed, PublishError> {
        let pointer = match self.published.poll(known).await? {
            Poll::Empty => return Ok(Followed::Empty),
            Poll::Unchanged => return Ok(Followed::Unchanged),
            Poll::Current(pointer) => pointer,
        };
        let served = self.cache.current_name();
        if served.as_deref() == Some(pointer.generation.as_str()) {
            return Ok(Followed::Same(pointer));
        }
        let local =
            |path: &Path, e: std::io::Error| PublishError::Local { path: path.to_path_buf(), message: e.to_string() };
        let incoming = self.cache.root().join(INCOMING).join(&pointer.generation);
        if incoming.exists() {
            tokio::fs::remove_dir_all(&incoming).await.map_err(|e| local(&incoming, e))?;
        }
        tokio::fs::create_dir_all(&incoming).await.map_err(|e| local(&incoming, e))?;
        let moved = match self.published.download(&pointer.generation, &incoming).await {
            Ok(moved) => moved,
            Err(e) => {
                let _ = tokio::fs::remove_dir_all(&incoming).await;
                return Err(e);
            }
        };
        let target = self.cache.generation_path(&pointer.generation);
        if target.exists() {
            tokio::fs::remove_dir_all(&target).await.map_err(|e| local(&target, e))?;
        }
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(|e| local(parent, e))?;
        }
        tokio::fs::rename(&incoming, &target).await.map_err(|e| local(&target, e))?;
        let to_store = |e: crate::store::StoreError| PublishError::Local {
            path: self.cache.root().to_path_buf(),
            message: e.to_string(),
        };
        self.cache.publish(&pointer.generation).map_err(to_store)?;
        self.cache.prune(served.as_deref());
        Ok(Followed::Swapped { pointer, moved })
    }

    /// Runs `change` (an index or a remove) on the cache, brought up to `CURRENT`
    /// first, and publishes the generation it wrote, if it wrote one. `CURRENT` moves
    /// only if no other indexer moved it meanwhile.
    pub fn update<T>(
        &self,
        keep: usize,
        change: impl FnOnce(&DataDir) -> anyhow::Result<T>,
    ) -> anyhow::Result<(T, Publication)> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let url = self.published.url();
        let followed = runtime.block_on(self.follow(None))?;
        let from = followed.pointer().cloned();
        let before = self.cache.current_name();
        let result = change(&self.cache)?;
        let after = self.cache.current_name();
        let Some(generation) = after.filter(|a| Some(a) != before.as_ref()) else {
            return Ok((result, Publication::Unchanged(before)));
        };
        let started = Instant::now();
        let moved = runtime.block_on(self.published.upload(&generation, &self.cache.generation_path(&generation)))?;
        runtime.block_on(self.published.move_current(&generation, from.as_ref()))?;
        tracing::info!(%url, %generation, files = moved.files, bytes = moved.bytes, seconds = started.elapsed().as_secs_f64(), "published");
        let collected = match runtime.block_on(self.published.collect_garbage(&generation, keep)) {
            Ok(collected) => collected,
            Err(e) => {
                // The new generation is published; old ones go next time.
                eprintln!("warning: {e} (old generations are removed on the next publish)");
                Vec::new()
            }
        };
        Ok((result, Publication::Published { generation, moved, collected }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_published_indexes_and_paths_are_folders() {
        let cache = tempfile::tempdir().unwrap();
        match data_location(Path::new("s3://bucket/meshlens/"), Some(cache.path())).unwrap() {
            DataLocation::Published(p) => {
                assert_eq!(p.published.url(), "s3://bucket/meshlens/");
                assert_eq!(p.cache.root(), cache.path());
            }
            DataLocation::Local(_) => panic!("a URL is a published index"),
        }
        assert!(matches!(data_location(Path::new("/var/data"), None).unwrap(), DataLocation::Local(_)));
        let err = data_location(Path::new("ftp://host/x"), None).err().unwrap().to_string();
        assert!(err.contains("unknown scheme"), "{err}");
    }

    #[test]
    fn each_url_has_its_own_default_cache() {
        assert_ne!(default_cache("s3://a/x/"), default_cache("s3://a/y/"));
        assert!(default_cache("s3://a/x/").ends_with(default_cache("s3://a/x/").file_name().unwrap()));
    }
}
