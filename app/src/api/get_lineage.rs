use leptos::prelude::*;

use crate::dto::LineageView;

/// A laid-out lineage view; `Err` inside carries a selector mistake to show the user.
/// `expanded` is a comma-separated list of ids (a form-encoded list cannot be empty).
#[server(prefix = "/_sfn", endpoint = "get_lineage")]
pub async fn get_lineage(
    select: String,
    exclude: String,
    expanded: String,
) -> Result<Result<LineageView, String>, ServerFnError> {
    let catalog = crate::catalog::use_catalog()?;
    let expanded: Vec<String> = expanded.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
    catalog.lineage(&select, &exclude, &expanded).map_err(|e| ServerFnError::new(e.to_string()))
}
