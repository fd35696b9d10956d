use leptos::prelude::*;

use crate::dto::SiteInfo;

#[server(prefix = "/_sfn", endpoint = "get_site_info")]
pub async fn get_site_info() -> Result<SiteInfo, ServerFnError> {
    Ok(crate::catalog::use_catalog()?.site())
}
