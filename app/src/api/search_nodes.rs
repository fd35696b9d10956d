use leptos::prelude::*;

use crate::dto::SearchResults;

#[server(prefix = "/_sfn", endpoint = "search_nodes")]
pub async fn search_nodes(query: String, limit: usize) -> Result<SearchResults, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    catalog
        .search(&query, limit.clamp(1, 100))
        .map_err(|e| ServerFnError::new(e.to_string()))
}
