//! Normalised records: one shape for every schema version, stored per project so a
//! re-index can resolve the mesh again without the original files.

use model::dto::{Constraint, Owner};
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

fn is_false(b: &bool) -> bool {
    !*b
}

/// Empty values are left out when stored and read back as empty, which keeps both
/// stored forms small (see `store::write::records` for the light one).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeRecord {
    pub unique_id: String,
    pub name: String,
    pub resource_type: String,
    pub package: String,
    /// A copy of another project's node, injected by dbt-loom or dbt Cloud.
    #[serde(skip_serializing_if = "is_false")]
    pub injected: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_file_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecation_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub materialized: Option<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub contract_enforced: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// `meta` and `config.meta`, merged (config wins).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub meta: serde_json::Map<String, serde_json::Value>,
    /// Sources: the source's name (`source('name', 'table')`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Owners declared on the node itself (meta, config.meta, exposure owner);
    /// group owners are added when the mesh is resolved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<Owner>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnRecord>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<Constraint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<RefRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compiled_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_time: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freshness: Option<FreshnessRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<TestRecord>,
}

/// A column as the project declares it (or, undeclared, as catalog.json reports it).
/// What pages add to it (its tests, a type mismatch) is worked out when a page is made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnRecord {
    pub name: String,
    pub description: String,
    /// The type declared in YAML (the contract type when the contract is enforced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    /// The type the warehouse reports in catalog.json.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_type: Option<String>,
    pub constraints: Vec<Constraint>,
    /// Known only from catalog.json: the project's YAML does not declare it.
    #[serde(skip_serializing_if = "is_false")]
    pub warehouse_only: bool,
}

impl NodeRecord {
    /// latest, prerelease, deprecated or old; None for unversioned nodes.
    pub fn version_state(&self, today: &str) -> Option<&'static str> {
        let version = self.version.as_deref()?;
        if self.deprecation_date.as_deref().is_some_and(|d| d.get(..10).unwrap_or(d) < today) {
            return Some("deprecated");
        }
        let Some(latest) = self.latest_version.as_deref() else {
            return Some("latest");
        };
        let newer = match (version.parse::<f64>(), latest.parse::<f64>()) {
            (Ok(v), Ok(l)) => v > l,
            _ => version > latest,
        };
        Some(if version == latest {
            "latest"
        } else if newer {
            "prerelease"
        } else {
            "old"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(version: Option<&str>, latest: Option<&str>, deprecation: Option<&str>) -> NodeRecord {
        NodeRecord {
            name: "orders".into(),
            resource_type: "model".into(),
            version: version.map(str::to_string),
            latest_version: latest.map(str::to_string),
            deprecation_date: deprecation.map(str::to_string),
            ..NodeRecord::default()
        }
    }

    #[test]
    fn version_states() {
        let today = "2026-11-27";
        assert_eq!(model(None, None, None).version_state(today), None);
        assert_eq!(model(Some("2"), Some("2"), None).version_state(today), Some("latest"));
        assert_eq!(model(Some("3"), Some("2"), None).version_state(today), Some("prerelease"));
        assert_eq!(model(Some("1"), Some("2"), None).version_state(today), Some("old"));
        assert_eq!(model(Some("1"), Some("2"), Some("2025-06-30T00:00:00")).version_state(today), Some("deprecated"));
        assert_eq!(model(Some("1"), Some("2"), Some("2027-01-01")).version_state(today), Some("old"));
        assert_eq!(
            model(Some("10"), Some("9"), None).version_state(today),
            Some("prerelease"),
            "numbers compare as numbers"
        );
    }
}
