use leptos::prelude::*;

use crate::{dto::ColumnLineage, error::Error};

/// One column's lineage, or why not: an unknown node is `node_not_found`, a known node
/// without the column `column_not_found`, a bad direction or depth names its parameter.
#[server(prefix = "/_sfn", endpoint = "get_column_lineage")]
pub async fn get_column_lineage(
    unique_id: String,
    column: String,
    direction: String,
    depth: usize,
) -> Result<ColumnLineage, Error> {
    use crate::error::ErrorCode;
    let catalog = crate::catalog::use_catalog()?;
    catalog.column_lineage(&unique_id, &column, &direction, depth)?.ok_or_else(|| {
        let shown: String = unique_id.chars().take(200).collect();
        Error::new(ErrorCode::NodeNotFound, format!("no node has the unique_id {shown:?}"))
    })
}
