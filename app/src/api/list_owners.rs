use leptos::prelude::*;

use crate::{dto::OwnerSummary, error::Error};

#[server(prefix = "/_sfn", endpoint = "list_owners")]
pub async fn list_owners() -> Result<Vec<OwnerSummary>, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.owners()
}
