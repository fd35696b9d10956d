//! The data folder: `CURRENT` names the served generation under `generations/`.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use super::{io_error, StoreError};

pub const DATABASE_FILE: &str = "meshlens.sqlite";
pub const SEARCH_DIR: &str = "search";

/// How long a replaced generation is kept for servers that may still read it.
const PRUNE_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn current_file(&self) -> PathBuf {
        self.root.join("CURRENT")
    }

    fn generations(&self) -> PathBuf {
        self.root.join("generations")
    }

    /// The name of the published generation, if any.
    pub fn current_name(&self) -> Option<String> {
        let name = fs::read_to_string(self.current_file()).ok()?;
        let name = name.trim().to_string();
        self.generations().join(&name).join(DATABASE_FILE).is_file().then_some(name)
    }

    pub fn generation_path(&self, name: &str) -> PathBuf {
        self.generations().join(name)
    }

    /// A new, empty generation folder that nobody reads until it is published.
    pub fn create_generation(&self) -> Result<(String, PathBuf), StoreError> {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let name = format!("g{nanos:024}-{}", std::process::id());
        let path = self.generations().join(&name);
        fs::create_dir_all(&path).map_err(io_error(&path))?;
        Ok((name, path))
    }

    /// Makes `name` the served generation: the new CURRENT is written and synced
    /// beside the old one, then renamed over it, so a reader sees one or the other.
    pub fn publish(&self, name: &str) -> Result<(), StoreError> {
        let tmp = self.root.join(format!("CURRENT.{}.tmp", std::process::id()));
        let mut file = fs::File::create(&tmp).map_err(io_error(&tmp))?;
        file.write_all(name.as_bytes()).map_err(io_error(&tmp))?;
        file.sync_all().map_err(io_error(&tmp))?;
        fs::rename(&tmp, self.current_file()).map_err(io_error(self.current_file()))?;
        if let Ok(dir) = fs::File::open(&self.root) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// Removes generations other than the current one and the one before it, and
    /// any left by a killed run, once they are a minute old: a server polls for a
    /// new generation twice a second and may still be answering from an older one.
    pub fn prune(&self, previous: Option<&str>) {
        let current = self.current_name();
        let Ok(entries) = fs::read_dir(self.generations()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if Some(name.as_str()) == current.as_deref() || Some(name.as_str()) == previous {
                continue;
            }
            let age =
                entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok()).unwrap_or_default();
            if age >= PRUNE_AFTER {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}
