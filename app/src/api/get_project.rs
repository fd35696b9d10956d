use leptos::prelude::*;

use crate::{dto::ProjectDetail, error::Error};

#[server(prefix = "/_sfn", endpoint = "get_project")]
pub async fn get_project(name: String) -> Result<Option<ProjectDetail>, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.project(&name)
}
