//! Normalised records: one shape for every schema version, stored per project so a
//! re-index can resolve the mesh again without the original files.

use model::dto::{Column, Constraint, Owner};
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

/// Missing fields read as empty: the store keeps a light form of each record that
/// leaves out what resolving the mesh does not read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
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
    pub database: Option<String>,
    pub schema: Option<String>,
    pub alias: Option<String>,
    /// `meta` and `config.meta`, merged (config wins).
    #[serde(default)]
    pub meta: serde_json::Map<String, serde_json::Value>,
    /// Sources: the source's name (`source('name', 'table')`).
    #[serde(default)]
    pub source_name: Option<String>,
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

    /// How a dbt user refers to this node from another project.
    pub fn ref_snippet(&self, project: &str) -> Option<String> {
        match self.resource_type.as_str() {
            "model" => Some(match &self.version {
                Some(v) if v.parse::<f64>().is_ok() => format!("{{{{ ref('{project}', '{}', v={v}) }}}}", self.name),
                Some(v) => format!("{{{{ ref('{project}', '{}', v='{v}') }}}}", self.name),
                None => format!("{{{{ ref('{project}', '{}') }}}}", self.name),
            }),
            "seed" | "snapshot" => Some(format!("{{{{ ref('{project}', '{}') }}}}", self.name)),
            "source" => self.source_name.as_ref().map(|s| format!("{{{{ source('{s}', '{}') }}}}", self.name)),
            _ => None,
        }
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

    #[test]
    fn ref_snippets_as_users_write_them() {
        assert_eq!(
            model(Some("2"), Some("2"), None).ref_snippet("finance").unwrap(),
            "{{ ref('finance', 'orders', v=2) }}"
        );
        assert_eq!(model(None, None, None).ref_snippet("finance").unwrap(), "{{ ref('finance', 'orders') }}");
        let source = NodeRecord {
            name: "web_events".into(),
            resource_type: "source".into(),
            source_name: Some("acme_raw".into()),
            ..NodeRecord::default()
        };
        assert_eq!(source.ref_snippet("platform").unwrap(), "{{ source('acme_raw', 'web_events') }}");
    }
}
