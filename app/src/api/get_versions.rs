use leptos::prelude::*;

use crate::{dto::VersionsView, error::Error};

#[server(prefix = "/_sfn", endpoint = "get_versions")]
pub async fn get_versions() -> Result<VersionsView, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.versions()
}
