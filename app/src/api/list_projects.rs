use leptos::prelude::*;

use crate::{dto::ProjectSummary, error::Error};

#[server(prefix = "/_sfn", endpoint = "list_projects")]
pub async fn list_projects() -> Result<Vec<ProjectSummary>, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.projects()
}
