use leptos::prelude::*;

use crate::{dto::MeshView, error::Error};

#[server(prefix = "/_sfn", endpoint = "get_mesh")]
pub async fn get_mesh() -> Result<MeshView, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.mesh()
}
