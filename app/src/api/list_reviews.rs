use leptos::prelude::*;

use crate::dto::ReviewSummary;

#[server(prefix = "/_sfn", endpoint = "list_reviews")]
pub async fn list_reviews() -> Result<Vec<ReviewSummary>, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.reviews().map_err(|e| ServerFnError::new(e.to_string()))
}
