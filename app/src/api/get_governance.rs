use leptos::prelude::*;

use crate::dto::GovernanceView;

#[server(prefix = "/_sfn", endpoint = "get_governance")]
pub async fn get_governance() -> Result<GovernanceView, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.governance().map_err(|e| ServerFnError::new(e.to_string()))
}
