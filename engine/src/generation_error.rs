//! Why a generation could not be written or opened: its database or its search index.

use crate::{search::SearchError, store::StoreError};

#[derive(Debug, thiserror::Error)]
pub enum GenerationError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("search index: {0}")]
    Search(#[from] SearchError),
}
