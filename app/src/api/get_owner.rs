use leptos::prelude::*;

use crate::{dto::OwnerDetail, error::Error};

#[server(prefix = "/_sfn", endpoint = "get_owner")]
pub async fn get_owner(key: String) -> Result<Option<OwnerDetail>, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.owner(&key)
}
