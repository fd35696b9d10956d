//! Normalised records: one shape for every schema version, stored per project so a
//! re-index can resolve the mesh again without the original files.

use app::dto::{Column, Constraint, Owner};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProjectRecord {
    pub name: String,
    pub artifact_path: String,
    pub checksum: String,
    pub dbt_version: String,
    pub schema_version: u32,
    pub generated_at: Option<String>,
    pub adapter_type: Option<String>,
    pub groups: Vec<GroupRecord>,
    pub nodes: Vec<NodeRecord>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GroupRecord {
    pub unique_id: String,
    pub name: String,
    pub package: String,
    pub description: Option<String>,
    pub owner_name: Option<String>,
    pub owner_emails: Vec<String>,
    /// A copy of another project's group carried into this manifest.
    pub injected: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RefRecord {
    pub name: String,
    pub package: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TestRecord {
    pub attached_node: Option<String>,
    pub column_name: Option<String>,
    pub test_name: Option<String>,
    pub severity: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FreshnessRecord {
    pub status: String,
    pub max_loaded_at: Option<String>,
    pub snapshotted_at: Option<String>,
    pub age_seconds: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NodeRecord {
    pub unique_id: String,
    pub name: String,
    pub resource_type: String,
    pub package: String,
    /// A copy of another project's node, injected by dbt-loom or dbt Cloud.
    pub injected: bool,
    pub description: String,
    pub original_file_path: Option<String>,
    pub access: Option<String>,
    pub group: Option<String>,
    pub version: Option<String>,
    pub latest_version: Option<String>,
    pub deprecation_date: Option<String>,
    pub materialized: Option<String>,
    pub contract_enforced: bool,
    pub relation_name: Option<String>,
    pub tags: Vec<String>,
    /// Owners declared on the node itself (meta, config.meta, exposure owner);
    /// group owners are added when the mesh is resolved.
    pub owners: Vec<Owner>,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    pub depends_on: Vec<String>,
    pub refs: Vec<RefRecord>,
    pub raw_code: Option<String>,
    pub compiled_code: Option<String>,
    pub status: Option<String>,
    pub execution_time: Option<f64>,
    pub freshness: Option<FreshnessRecord>,
    pub test: Option<TestRecord>,
}
