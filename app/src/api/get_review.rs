use leptos::prelude::*;

use crate::{dto::Review, error::Error};

#[server(prefix = "/_sfn", endpoint = "get_review")]
pub async fn get_review(id: String) -> Result<Option<Review>, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.review(&id)
}
