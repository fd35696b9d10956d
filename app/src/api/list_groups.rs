use leptos::prelude::*;

use crate::{dto::GroupView, error::Error};

#[server(prefix = "/_sfn", endpoint = "list_groups")]
pub async fn list_groups() -> Result<Vec<GroupView>, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.groups()
}
