use leptos::prelude::*;

use crate::{dto::LineageView, error::Error};

/// A laid-out lineage view, or why not (a selector mistake names `select` or `exclude`).
/// `expanded` is a comma-separated list of ids (a form-encoded list cannot be empty);
/// `group` is what `group=` says (empty: auto).
#[server(prefix = "/_sfn", endpoint = "get_lineage")]
pub async fn get_lineage(
    select: String,
    exclude: String,
    group: String,
    expanded: String,
) -> Result<LineageView, Error> {
    let catalog = crate::catalog::use_catalog()?;
    catalog.lineage(&select, &exclude, &group, &expanded)
}
