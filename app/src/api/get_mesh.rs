use leptos::prelude::*;

use crate::dto::MeshView;

#[server(prefix = "/_sfn", endpoint = "get_mesh")]
pub async fn get_mesh() -> Result<MeshView, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.mesh().map_err(|e| ServerFnError::new(e.to_string()))
}
