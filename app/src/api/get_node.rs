use leptos::prelude::*;

use crate::{dto::NodeDetail, error::Error};

#[server(prefix = "/_sfn", endpoint = "get_node")]
pub async fn get_node(unique_id: String) -> Result<Option<NodeDetail>, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.node(&unique_id)
}
