use leptos::prelude::*;

use crate::dto::OwnerSummary;

#[server(prefix = "/_sfn", endpoint = "list_owners")]
pub async fn list_owners() -> Result<Vec<OwnerSummary>, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.owners().map_err(|e| ServerFnError::new(e.to_string()))
}
