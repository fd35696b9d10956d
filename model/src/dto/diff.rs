//! What `meshlens diff`, `POST /api/v1/diff` and the review page report: the changes a
//! project's new artifacts make to the indexed mesh, and who downstream they reach.

use serde::{Deserialize, Serialize};

use super::LineageView;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffReport {
    /// What the head was compared with: an index folder or artifact folders.
    pub base: String,
    /// The projects whose new artifacts were compared.
    pub projects: Vec<String>,
    /// Changes, breaking ones first.
    pub changes: Vec<Change>,
    /// How many changes are breaking.
    pub breaking: u64,
    /// Every project and owner a breaking change reaches downstream.
    pub impacted_projects: Vec<String>,
    pub impacted_owners: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// contract_disabled, column_removed, column_type_changed, constraint_removed,
    /// materialization_changed, access_narrowed, version_removed, latest_version_moved,
    /// model_removed, model_renamed; and the non-breaking contract_enforced,
    /// column_added, description_changed, code_changed, access_widened,
    /// version_deprecated, model_deprecated, version_added, model_added.
    pub kind: String,
    pub breaking: bool,
    pub project: String,
    /// The node as the base knows it (the head's id for an added node).
    pub node: String,
    pub name: String,
    pub resource_type: String,
    pub column: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub message: String,
    /// Every node downstream of the change, across projects, nearest first.
    pub downstream: Vec<DownstreamNode>,
    pub downstream_projects: Vec<String>,
    pub downstream_owners: Vec<String>,
    /// For column_removed and column_type_changed: the columns downstream that read the
    /// column, through the whole mesh, nearest first (empty: nothing reads it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column_downstream: Option<Vec<ColumnConsumer>>,
}

/// A column that reads a changed column, or a node that reads it to join, filter or
/// group (`column` null, `kind` filter).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnConsumer {
    pub node: String,
    pub column: Option<String>,
    pub project: String,
    pub owners: Vec<String>,
    /// copy, transform or filter: how this step reads the one before it.
    pub kind: String,
    /// Steps from the changed column: 1 for a direct reader.
    pub distance: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DownstreamNode {
    pub unique_id: String,
    pub name: String,
    pub resource_type: String,
    pub project: String,
    pub owners: Vec<String>,
    /// Steps from the changed node: 1 for a direct child.
    pub distance: u32,
    /// A direct child's `ref` to the changed model pins this version.
    pub pinned_version: Option<String>,
    /// Whether the pinned version still exists in the head.
    pub pinned_version_exists: Option<bool>,
}

/// A diff kept by the server for its review page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub id: String,
    /// When the diff was made, RFC 3339 (UTC).
    pub created: String,
    pub report: DiffReport,
    /// The summary a reviewer pastes into a pull request.
    pub markdown: String,
    /// The changed nodes and everything downstream of them, coloured by impact.
    pub lineage: LineageView,
}

/// A line of the review list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewSummary {
    pub id: String,
    pub created: String,
    pub projects: Vec<String>,
    pub changes: u64,
    pub breaking: u64,
}
