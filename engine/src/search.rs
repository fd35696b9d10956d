//! Tantivy: one document a node, searched as you type by name, owner, column, tag,
//! description and code, with filters and facets. The engine knows nothing of HTTP.

mod build;
mod facets;
pub mod highlight;
pub mod query;
mod schema;
mod searcher;

pub use build::{build, doc_key, reusable, update};
pub use searcher::SearchIndex;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Query(#[from] tantivy::query::QueryParserError),
    #[error("{0}")]
    Open(String),
    #[error("limit {limit} or offset {offset} is outside the bounds of `Limits`")]
    OutOfBounds { limit: usize, offset: usize },
}
