use leptos::prelude::*;

use crate::dto::GroupView;

#[server(prefix = "/_sfn", endpoint = "list_groups")]
pub async fn list_groups() -> Result<Vec<GroupView>, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.groups().map_err(|e| ServerFnError::new(e.to_string()))
}
