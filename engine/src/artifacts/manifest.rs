//! manifest.json, schema v1 (dbt 0.19) to v12 (dbt 1.8 - 1.11, and dbt 2.0), read into
//! one shape. Older names are accepted as aliases (`raw_sql`, `compiled_sql`, list
//! refs), the way dbt's own manifest upgrade (`upgrade_manifest_json`) reads v1 to v11;
//! fields meshlens does not use are skipped (v1 to v3's `disabled` list among them).

use std::{collections::BTreeMap, path::Path};

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{
    lenient::{opt_string_or_number, string_list, RefEntry},
    parse_versioned, ArtifactError,
};

pub const SUPPORTED: std::ops::RangeInclusive<u32> = 1..=12;

/// Resources are read into ordered maps so that which of two entries with one
/// `unique_id` wins does not depend on hashing.
#[derive(Debug, Deserialize)]
#[serde(expecting = "a manifest object")]
pub struct Manifest {
    pub metadata: ManifestMetadata,
    #[serde(default, deserialize_with = "null_default")]
    pub nodes: BTreeMap<String, ManifestNode>,
    #[serde(default, deserialize_with = "null_default")]
    pub sources: BTreeMap<String, ManifestNode>,
    #[serde(default, deserialize_with = "null_default")]
    pub exposures: BTreeMap<String, ManifestNode>,
    #[serde(default, deserialize_with = "null_default")]
    pub metrics: BTreeMap<String, ManifestNode>,
    #[serde(default, deserialize_with = "null_default")]
    pub semantic_models: BTreeMap<String, ManifestNode>,
    #[serde(default, deserialize_with = "null_default")]
    pub saved_queries: BTreeMap<String, ManifestNode>,
    #[serde(default, deserialize_with = "null_default")]
    pub unit_tests: BTreeMap<String, ManifestNode>,
    #[serde(default, deserialize_with = "null_default")]
    pub groups: BTreeMap<String, Group>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a metadata object")]
pub struct ManifestMetadata {
    pub dbt_schema_version: String,
    pub dbt_version: Option<String>,
    pub generated_at: Option<String>,
    pub project_name: Option<String>,
    pub project_id: Option<String>,
    pub adapter_type: Option<String>,
}

/// Every resource in a manifest (nodes, sources, exposures, metrics, semantic models,
/// saved queries, unit tests) read into one shape: what does not apply stays empty.
#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a resource object")]
pub struct ManifestNode {
    pub unique_id: String,
    pub name: String,
    pub resource_type: String,
    pub package_name: String,
    #[serde(deserialize_with = "null_default")]
    pub original_file_path: String,
    pub path: Option<String>,
    pub description: Option<String>,
    #[serde(deserialize_with = "string_list")]
    pub tags: Vec<String>,
    pub meta: Value,
    #[serde(deserialize_with = "null_default")]
    pub config: NodeConfig,
    pub access: Option<String>,
    pub group: Option<String>,
    #[serde(deserialize_with = "opt_string_or_number")]
    pub version: Option<String>,
    #[serde(deserialize_with = "opt_string_or_number")]
    pub latest_version: Option<String>,
    pub deprecation_date: Option<String>,
    pub contract: Option<ContractConfig>,
    #[serde(deserialize_with = "null_default")]
    pub columns: Columns,
    #[serde(deserialize_with = "null_default")]
    pub constraints: Vec<ConstraintDef>,
    #[serde(deserialize_with = "null_default")]
    pub depends_on: DependsOn,
    #[serde(deserialize_with = "null_default")]
    pub refs: Vec<RefEntry>,
    #[serde(alias = "raw_sql")]
    pub raw_code: Option<String>,
    #[serde(alias = "compiled_sql")]
    pub compiled_code: Option<String>,
    pub relation_name: Option<String>,
    pub database: Option<String>,
    pub schema: Option<String>,
    pub alias: Option<String>,
    pub identifier: Option<String>,
    pub source_name: Option<String>,
    pub loaded_at_field: Option<String>,
    pub owner: Option<OwnerDef>,
    pub label: Option<String>,
    pub url: Option<String>,
    pub maturity: Option<String>,
    pub test_metadata: Option<TestMetadata>,
    pub column_name: Option<String>,
    pub attached_node: Option<String>,
    /// Unit tests: the model under test.
    pub model: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a config object")]
pub struct NodeConfig {
    pub enabled: Option<bool>,
    pub materialized: Option<String>,
    pub meta: Value,
    #[serde(deserialize_with = "string_list")]
    pub tags: Vec<String>,
    pub access: Option<String>,
    pub group: Option<String>,
    pub contract: Option<ContractConfig>,
    pub severity: Option<String>,
    pub alias: Option<String>,
    pub schema: Option<String>,
    pub database: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a contract object")]
pub struct ContractConfig {
    pub enforced: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a column object")]
pub struct ColumnDef {
    pub name: String,
    pub description: Option<String>,
    pub data_type: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub constraints: Vec<ConstraintDef>,
    #[serde(deserialize_with = "string_list")]
    pub tags: Vec<String>,
    pub meta: Value,
}

/// Columns in the order the YAML declared them (a JSON object keeps that order).
#[derive(Debug, Default)]
pub struct Columns(pub Vec<ColumnDef>);

impl<'de> Deserialize<'de> for Columns {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Columns;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of column names to columns")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Columns, A::Error> {
                let mut columns = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((key, mut column)) = map.next_entry::<String, ColumnDef>()? {
                    if column.name.is_empty() {
                        column.name = key;
                    }
                    columns.push(column);
                }
                Ok(Columns(columns))
            }
        }
        d.deserialize_map(Visitor)
    }
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default, expecting = "a constraint object")]
pub struct ConstraintDef {
    #[serde(rename = "type")]
    pub kind: String,
    pub expression: Option<String>,
    pub name: Option<String>,
    #[serde(deserialize_with = "string_list")]
    pub columns: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a depends_on object")]
pub struct DependsOn {
    #[serde(deserialize_with = "string_list")]
    pub nodes: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a test_metadata object")]
pub struct TestMetadata {
    pub name: Option<String>,
    pub namespace: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default, expecting = "an owner object")]
pub struct OwnerDef {
    pub name: Option<String>,
    #[serde(deserialize_with = "string_list")]
    pub email: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a group object")]
pub struct Group {
    pub name: String,
    pub unique_id: String,
    pub package_name: String,
    #[serde(deserialize_with = "null_default")]
    pub original_file_path: String,
    pub description: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub owner: OwnerDef,
}

/// `null` reads as the type's default, as dbt itself treats a missing value.
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Parses a manifest, refusing a schema version meshlens does not know before
/// reading anything else, so an unknown layout is never half-read.
pub fn parse(file: &Path, bytes: &[u8]) -> Result<(u32, Manifest), ArtifactError> {
    parse_versioned(file, bytes, "manifest", SUPPORTED, "manifest v1 to v12 (dbt 0.19 to 1.11 and 2.0)")
}

impl ManifestNode {
    /// `access` moved into `config` in later versions; either place counts.
    pub fn access(&self) -> Option<&str> {
        self.access.as_deref().or(self.config.access.as_deref())
    }

    pub fn group(&self) -> Option<&str> {
        self.group.as_deref().or(self.config.group.as_deref())
    }

    pub fn contract_enforced(&self) -> bool {
        self.contract
            .as_ref()
            .and_then(|c| c.enforced)
            .or_else(|| self.config.contract.as_ref().and_then(|c| c.enforced))
            .unwrap_or(false)
    }

    /// Tags are repeated in `config.tags`; the union, in order, without repeats.
    pub fn all_tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        for tag in self.tags.iter().chain(self.config.tags.iter()) {
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
        tags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(version: u32, nodes: &str) -> Vec<u8> {
        format!(
            r#"{{"metadata": {{"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v{version}.json", "dbt_version": "1.0.0"}}, "nodes": {nodes}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn unknown_schema_versions_are_refused_by_name() {
        let err = parse(Path::new("p/manifest.json"), &manifest(13, "{}")).unwrap_err().to_string();
        assert!(err.contains("p/manifest.json"), "{err}");
        assert!(err.contains("metadata.dbt_schema_version"), "{err}");
        assert!(err.contains("v13"), "{err}");
        assert!(parse(Path::new("m"), &manifest(0, "{}")).is_err());
        assert!(parse(Path::new("m"), &manifest(1, "{}")).is_ok(), "v1 (dbt 0.19) is read");
    }

    #[test]
    fn old_names_read_as_new_ones() {
        let (version, m) = parse(
            Path::new("m"),
            &manifest(
                4,
                r#"{"model.p.a": {"unique_id": "model.p.a", "name": "a", "resource_type": "model",
                    "package_name": "p", "raw_sql": "select 1", "refs": [["b"], ["q", "c"]],
                    "columns": {"id": {"name": "id"}, "amount": {"name": "amount"}},
                    "config": {"materialized": "table", "tags": "nightly"}, "tags": null}}"#,
            ),
        )
        .unwrap();
        assert_eq!(version, 4);
        let node = &m.nodes["model.p.a"];
        assert_eq!(node.raw_code.as_deref(), Some("select 1"));
        assert_eq!(node.refs[1].package.as_deref(), Some("q"));
        assert_eq!(node.columns.0.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["id", "amount"]);
        assert_eq!(node.all_tags(), ["nightly"]);
        assert!(m.groups.is_empty());
    }

    #[test]
    fn a_wrong_type_names_its_path() {
        let err =
            parse(Path::new("m.json"), &manifest(12, r#"{"model.p.a": {"name": "a", "depends_on": {"nodes": [1]}}}"#))
                .unwrap_err()
                .to_string();
        assert!(err.contains("nodes.model.p.a.depends_on.nodes"), "{err}");
    }
}
