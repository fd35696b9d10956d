use leptos::prelude::*;

use crate::{dto::SearchResults, error::Error};

/// The engine checks `limit` and `offset` against its limits.
#[server(prefix = "/_sfn", endpoint = "search_nodes")]
pub async fn search_nodes(query: String, limit: usize, offset: usize) -> Result<SearchResults, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.search(&query, limit, offset)
}
