//! SQLite, the system of record: it stores and reads what the ingest pipeline
//! (`crate::ingest`) decided. Each index run writes a new generation folder beside the
//! served one and publishes it by an atomic rename; readers keep the generation they
//! opened until they let it go.

mod layout;
mod read;
mod schema;
mod write;

pub use layout::DataDir;

/// File names inside a generation folder.
pub mod layout_files {
    pub use super::layout::{DATABASE_FILE, SEARCH_DIR};
}
pub use read::{ColumnTypes, GraphRows, Nodes, PackageInstall, Reader, StoredNode, Texts};
pub use write::{has_current_layout, serialize, NewDatabase, PreviousDatabase, RecordHashes, StoredProject};

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: this index was written by another version of meshlens; run `meshlens index` again")]
    Layout(PathBuf),
    #[error("stored record is not valid: {0}")]
    Record(#[from] serde_json::Error),
}

pub(crate) fn io_error(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.into();
    move |source| StoreError::Io { path, source }
}
