use leptos::prelude::*;

use crate::dto::SearchResults;

#[server(prefix = "/_sfn", endpoint = "search_nodes")]
pub async fn search_nodes(query: String, limit: usize, offset: usize) -> Result<SearchResults, ServerFnError> {
    /// Most hits one request may ask for.
    const MAX_LIMIT: usize = 100;
    let catalog = crate::catalog::use_catalog()?;
    catalog.search(&query, limit.clamp(1, MAX_LIMIT), offset).map_err(|e| ServerFnError::new(e.to_string()))
}
