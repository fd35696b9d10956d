use leptos::prelude::*;

use crate::dto::ProjectSummary;

#[server(prefix = "/_sfn", endpoint = "list_projects")]
pub async fn list_projects() -> Result<Vec<ProjectSummary>, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.projects().map_err(|e| ServerFnError::new(e.to_string()))
}
