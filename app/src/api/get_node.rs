use leptos::prelude::*;

use crate::{dto::NodeDetail, error::Error};

/// The node page's node. Its hydration state is this value, serialised into the page
/// beside the HTML it renders, so it leaves out the raw description: the page shows
/// only the rendered one (the JSON API still answers both).
#[server(prefix = "/_sfn", endpoint = "get_node")]
pub async fn get_node(unique_id: String) -> Result<Option<NodeDetail>, Error> {
    let catalog = crate::catalog::use_catalog()?;
    Ok(catalog.node(&unique_id)?.map(|node| NodeDetail { description: String::new(), ..node }))
}
