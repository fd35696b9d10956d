use leptos::prelude::*;

use crate::{dto::GovernanceView, error::Error};

#[server(prefix = "/_sfn", endpoint = "get_governance")]
pub async fn get_governance() -> Result<GovernanceView, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.governance()
}
