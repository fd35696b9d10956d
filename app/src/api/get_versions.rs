use leptos::prelude::*;

use crate::dto::VersionsView;

#[server(prefix = "/_sfn", endpoint = "get_versions")]
pub async fn get_versions() -> Result<VersionsView, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.versions().map_err(|e| ServerFnError::new(e.to_string()))
}
