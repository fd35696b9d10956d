use leptos::prelude::*;

use crate::dto::OwnerDetail;

#[server(prefix = "/_sfn", endpoint = "get_owner")]
pub async fn get_owner(key: String) -> Result<Option<OwnerDetail>, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.owner(&key).map_err(|e| ServerFnError::new(e.to_string()))
}
