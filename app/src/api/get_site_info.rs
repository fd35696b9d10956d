use leptos::prelude::*;

use crate::{dto::SiteInfo, error::Error};

#[server(prefix = "/_sfn", endpoint = "get_site_info")]
pub async fn get_site_info() -> Result<SiteInfo, Error> {
    Ok(crate::catalog::use_catalog()?.site())
}
