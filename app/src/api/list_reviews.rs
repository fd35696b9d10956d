use leptos::prelude::*;

use crate::{dto::ReviewSummary, error::Error};

#[server(prefix = "/_sfn", endpoint = "list_reviews")]
pub async fn list_reviews() -> Result<Vec<ReviewSummary>, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.reviews()
}
