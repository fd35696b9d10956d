use leptos::prelude::*;

use crate::dto::ProjectDetail;

#[server(prefix = "/_sfn", endpoint = "get_project")]
pub async fn get_project(name: String) -> Result<Option<ProjectDetail>, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.project(&name).map_err(|e| ServerFnError::new(e.to_string()))
}
