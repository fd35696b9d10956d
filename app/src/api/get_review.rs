use leptos::prelude::*;

use crate::dto::Review;

#[server(prefix = "/_sfn", endpoint = "get_review")]
pub async fn get_review(id: String) -> Result<Option<Review>, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.review(&id).map_err(|e| ServerFnError::new(e.to_string()))
}
