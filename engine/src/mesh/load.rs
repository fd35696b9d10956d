//! From a folder of artifacts to a normalised project record.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use model::dto::{Constraint, Owner};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::record::{ColumnRecord, FreshnessRecord, GroupRecord, NodeRecord, ProjectRecord, RefRecord, TestRecord};
use crate::artifacts::{
    self,
    catalog::Catalog,
    manifest::{ColumnDef, ConstraintDef, ManifestNode, OwnerDef},
    ArtifactError,
};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}: no manifest.json in this folder or in its target/ folder")]
    NoManifest(PathBuf),
    #[error(transparent)]
    Artifact(#[from] ArtifactError),
    #[error("{file}: `metadata.project_name` is {manifest:?} but the configuration names this project {configured:?}")]
    NameMismatch { file: PathBuf, manifest: String, configured: String },
}

/// The artifact files of one project, read into memory and checksummed.
pub struct ArtifactSet {
    pub dir: PathBuf,
    manifest: Vec<u8>,
    catalog: Option<Vec<u8>>,
    run_results: Option<Vec<u8>>,
    sources: Option<Vec<u8>>,
    pub checksum: String,
}

impl ArtifactSet {
    /// `path` is a dbt project folder or its `target/` folder.
    pub fn read(path: &Path) -> Result<Self, LoadError> {
        let dir = if path.join("manifest.json").is_file() {
            path.to_path_buf()
        } else if path.join("target").join("manifest.json").is_file() {
            path.join("target")
        } else {
            return Err(LoadError::NoManifest(path.to_path_buf()));
        };
        let optional = |name: &str| -> Result<Option<Vec<u8>>, ArtifactError> {
            let file = dir.join(name);
            if file.is_file() {
                artifacts::read_file(&file).map(Some)
            } else {
                Ok(None)
            }
        };
        let manifest = artifacts::read_file(&dir.join("manifest.json"))?;
        let catalog = optional("catalog.json")?;
        let run_results = optional("run_results.json")?;
        let sources = optional("sources.json")?;
        Ok(Self::from_bytes(dir, manifest, catalog, run_results, sources))
    }

    /// Artifacts already in memory (an upload); `dir` names them in errors.
    pub fn from_bytes(
        dir: PathBuf,
        manifest: Vec<u8>,
        catalog: Option<Vec<u8>>,
        run_results: Option<Vec<u8>>,
        sources: Option<Vec<u8>>,
    ) -> Self {
        let mut hasher = Sha256::new();
        for part in [Some(&manifest), catalog.as_ref(), run_results.as_ref(), sources.as_ref()] {
            // The length prefix keeps "a file moved its bytes to the next" from colliding.
            let bytes = part.map(Vec::as_slice).unwrap_or_default();
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        }
        let checksum = format!("{:x}", hasher.finalize());
        ArtifactSet { dir, manifest, catalog, run_results, sources, checksum }
    }

    pub fn manifest_len(&self) -> usize {
        self.manifest.len()
    }
}

/// The folder name a project falls back to when its manifest does not name it.
fn folder_name(dir: &Path) -> String {
    let named = if dir.file_name().is_some_and(|n| n == "target") { dir.parent().unwrap_or(dir) } else { dir };
    named
        .canonicalize()
        .unwrap_or_else(|_| named.to_path_buf())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".to_string())
}

/// Parses and normalises one project's artifacts. `configured_name` names a project
/// whose manifest does not (schema v10 and older); where both do, they must agree.
/// It takes the files' bytes and lets each go once it is parsed: the record needs about
/// as much memory again, and a manifest may be hundreds of MB.
pub fn load_project(set: ArtifactSet, configured_name: Option<&str>) -> Result<ProjectRecord, LoadError> {
    let ArtifactSet { dir, manifest: manifest_bytes, catalog: catalog_bytes, run_results, sources, checksum } = set;
    let dir = &dir;
    let (schema_version, manifest) = artifacts::manifest::parse(&dir.join("manifest.json"), &manifest_bytes)?;
    drop(manifest_bytes);
    let catalog = match &catalog_bytes {
        Some(bytes) => Some(artifacts::catalog::parse(&dir.join("catalog.json"), bytes)?),
        None => None,
    };
    drop(catalog_bytes);
    let statuses: HashMap<String, (String, Option<f64>)> = match &run_results {
        Some(bytes) => artifacts::run_results::parse(&dir.join("run_results.json"), bytes)?
            .results
            .into_iter()
            .map(|r| (r.unique_id, (r.status, r.execution_time)))
            .collect(),
        None => HashMap::new(),
    };
    drop(run_results);
    let freshness: HashMap<String, FreshnessRecord> = match &sources {
        Some(bytes) => artifacts::sources::parse(&dir.join("sources.json"), bytes)?
            .results
            .into_iter()
            .map(|r| {
                (
                    r.unique_id,
                    FreshnessRecord {
                        status: r.status,
                        max_loaded_at: r.max_loaded_at,
                        snapshotted_at: r.snapshotted_at,
                        age_seconds: r.max_loaded_at_time_ago_in_s,
                    },
                )
            })
            .collect(),
        None => HashMap::new(),
    };
    drop(sources);

    let manifest_name = manifest.metadata.project_name.clone().filter(|n| !n.is_empty());
    let name = match (manifest_name, configured_name) {
        (Some(m), Some(c)) if m != c => {
            return Err(LoadError::NameMismatch {
                file: dir.join("manifest.json"),
                manifest: m,
                configured: c.to_string(),
            })
        }
        (Some(m), _) => m,
        (None, Some(c)) => c.to_string(),
        (None, None) => folder_name(dir),
    };

    let mut groups: Vec<GroupRecord> = manifest
        .groups
        .into_values()
        .map(|g| GroupRecord {
            injected: is_injected(&name, &g.package_name, &g.original_file_path),
            unique_id: g.unique_id,
            name: g.name,
            package: g.package_name,
            description: g.description,
            owner_name: g.owner.name,
            owner_emails: g.owner.email,
        })
        .collect();
    groups.sort_by(|a, b| a.unique_id.cmp(&b.unique_id));

    let all = manifest
        .nodes
        .into_values()
        .chain(manifest.sources.into_values())
        .chain(manifest.exposures.into_values())
        .chain(manifest.metrics.into_values())
        .chain(manifest.semantic_models.into_values())
        .chain(manifest.saved_queries.into_values())
        .chain(manifest.unit_tests.into_values());
    let mut nodes: Vec<NodeRecord> = all
        // Hook operations (`operation.*`) are not resources anyone browses or selects.
        .filter(|n| {
            n.config.enabled != Some(false)
                && !n.unique_id.is_empty()
                && n.resource_type != "operation"
                && !n.unique_id.starts_with("operation.")
        })
        .map(|n| normalise(&name, n, catalog.as_ref(), &statuses, &freshness))
        .collect();
    // A unique_id given twice (under two keys, or in two sections) is one node: the first
    // in section order (nodes, sources, ...) and then key order wins, as the sort is stable.
    nodes.sort_by(|a, b| a.unique_id.cmp(&b.unique_id));
    nodes.dedup_by(|later, first| later.unique_id == first.unique_id);

    Ok(ProjectRecord {
        name,
        artifact_path: dir.to_string_lossy().into_owned(),
        checksum,
        dbt_version: manifest.metadata.dbt_version.unwrap_or_default(),
        schema_version,
        generated_at: manifest.metadata.generated_at,
        adapter_type: manifest.metadata.adapter_type,
        groups,
        nodes,
    })
}

/// dbt-loom and dbt Cloud copy upstream nodes into a downstream manifest with no file
/// of their own and the upstream project as package.
fn is_injected(project: &str, package: &str, original_file_path: &str) -> bool {
    original_file_path.is_empty() && !package.is_empty() && package != project
}

fn normalise(
    project: &str,
    n: ManifestNode,
    catalog: Option<&Catalog>,
    statuses: &HashMap<String, (String, Option<f64>)>,
    freshness: &HashMap<String, FreshnessRecord>,
) -> NodeRecord {
    let injected = is_injected(project, &n.package_name, &n.original_file_path);
    let mut owners = Vec::new();
    owners_from_meta(&n.meta, "meta", &mut owners);
    owners_from_meta(&n.config.meta, "config.meta", &mut owners);
    if let Some(owner) = &n.owner {
        owners.extend(owners_from_def(owner, "exposure"));
    }
    let columns = columns_of(&n, catalog);
    let status = statuses.get(&n.unique_id);
    let relation_name = n.relation_name.clone().or_else(|| relation_of(&n));
    // dbt 2.0 writes no `config.materialized` for a seed without a `seeds:` block; a seed
    // is materialized as a seed all the same.
    let materialized = matches!(n.resource_type.as_str(), "model" | "seed" | "snapshot")
        .then(|| n.config.materialized.clone())
        .flatten()
        .or_else(|| (n.resource_type == "seed").then(|| "seed".to_string()));
    let test = (n.resource_type == "test").then(|| TestRecord {
        attached_node: n.attached_node.clone(),
        column_name: n.column_name.clone(),
        test_name: n.test_metadata.as_ref().and_then(|t| t.name.clone()),
        severity: n.config.severity.clone(),
    });
    NodeRecord {
        injected,
        access: n.access().map(str::to_string),
        group: n.group().map(str::to_string),
        contract_enforced: n.contract_enforced(),
        tags: n.all_tags(),
        description: n.description.clone().unwrap_or_default(),
        original_file_path: Some(n.original_file_path.clone()).filter(|p| !p.is_empty()),
        constraints: n.constraints.iter().map(constraint).collect(),
        refs: n
            .refs
            .iter()
            .map(|r| RefRecord { name: r.name.clone(), package: r.package.clone(), version: r.version.clone() })
            .collect(),
        status: status.map(|s| s.0.clone()),
        execution_time: status.and_then(|s| s.1),
        freshness: freshness.get(&n.unique_id).cloned(),
        owners,
        columns,
        relation_name,
        materialized,
        test,
        database: n.database.clone(),
        schema: n.schema.clone(),
        alias: n.alias.clone().or_else(|| n.identifier.clone()),
        meta: merged_meta(&n.meta, &n.config.meta),
        source_name: n.source_name.clone(),
        unique_id: n.unique_id,
        name: n.name,
        resource_type: n.resource_type,
        package: n.package_name,
        version: n.version,
        latest_version: n.latest_version,
        deprecation_date: n.deprecation_date,
        depends_on: n.depends_on.nodes,
        raw_code: n.raw_code,
        compiled_code: n.compiled_code,
    }
}

fn merged_meta(meta: &Value, config_meta: &Value) -> serde_json::Map<String, Value> {
    let mut merged = meta.as_object().cloned().unwrap_or_default();
    if let Some(config) = config_meta.as_object() {
        merged.extend(config.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    merged
}

fn constraint(c: &ConstraintDef) -> Constraint {
    Constraint { kind: c.kind.clone(), expression: c.expression.clone() }
}

/// The declared columns and the warehouse's, in the warehouse's order (what `select *`
/// returns), each declared one with its YAML; declared columns the warehouse lacks last.
fn columns_of(n: &ManifestNode, catalog: Option<&Catalog>) -> Vec<ColumnRecord> {
    let declared = |c: &ColumnDef| ColumnRecord {
        name: c.name.clone(),
        description: c.description.clone().unwrap_or_default(),
        data_type: c.data_type.clone().filter(|t| !t.is_empty()),
        catalog_type: catalog.and_then(|cat| cat.column_type(&n.unique_id, &c.name)).map(str::to_string),
        constraints: c.constraints.iter().map(constraint).collect(),
        warehouse_only: false,
    };
    let warehouse = catalog.map(|c| c.columns_of(&n.unique_id)).unwrap_or_default();
    let find = |name: &str| n.columns.0.iter().find(|d| d.name.eq_ignore_ascii_case(name));
    let mut out: Vec<ColumnRecord> = warehouse
        .iter()
        .map(|c| match find(&c.name) {
            Some(d) => declared(d),
            None => ColumnRecord {
                name: c.name.clone(),
                description: c.comment.clone().unwrap_or_default(),
                data_type: None,
                catalog_type: c.data_type.clone(),
                constraints: Vec::new(),
                // Without YAML columns, the warehouse's are the node's columns, as before.
                warehouse_only: !n.columns.0.is_empty(),
            },
        })
        .collect();
    for d in &n.columns.0 {
        if !warehouse.iter().any(|c| c.name.eq_ignore_ascii_case(&d.name)) {
            out.push(declared(d));
        }
    }
    out
}

/// Older manifests carry no `relation_name`; build it the way dbt quotes it.
fn relation_of(n: &ManifestNode) -> Option<String> {
    if !matches!(n.resource_type.as_str(), "model" | "seed" | "snapshot" | "source") {
        return None;
    }
    let object = n.identifier.as_deref().or(n.alias.as_deref()).unwrap_or(&n.name);
    let parts: Vec<&str> = [n.database.as_deref(), n.schema.as_deref(), Some(object)]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect();
    (parts.len() >= 2).then(|| parts.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join("."))
}

fn owners_from_def(owner: &OwnerDef, source: &str) -> Vec<Owner> {
    if owner.email.is_empty() {
        return owner
            .name
            .iter()
            .map(|name| Owner { name: Some(name.clone()), email: None, source: source.to_string() })
            .collect();
    }
    owner
        .email
        .iter()
        .map(|email| Owner { name: owner.name.clone(), email: Some(email.clone()), source: source.to_string() })
        .collect()
}

/// `meta.owner` is free-form: a name, an email, `{name, email}`, or a list of those.
fn owners_from_meta(meta: &Value, source: &str, out: &mut Vec<Owner>) {
    fn push(value: &Value, source: &str, out: &mut Vec<Owner>) {
        match value {
            Value::String(s) if !s.trim().is_empty() => {
                let s = s.trim().to_string();
                let owner = if s.contains('@') {
                    Owner { name: None, email: Some(s), source: source.to_string() }
                } else {
                    Owner { name: Some(s), email: None, source: source.to_string() }
                };
                if !out.iter().any(|o| o.name == owner.name && o.email == owner.email) {
                    out.push(owner);
                }
            }
            Value::Object(map) => {
                let def = OwnerDef {
                    name: map.get("name").and_then(Value::as_str).map(str::to_string),
                    email: match map.get("email") {
                        Some(Value::String(e)) => vec![e.clone()],
                        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                        _ => Vec::new(),
                    },
                };
                for owner in owners_from_def(&def, source) {
                    if !out.iter().any(|o| o.name == owner.name && o.email == owner.email) {
                        out.push(owner);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| push(v, source, out)),
            _ => {}
        }
    }
    if let Some(owner) = meta.get("owner") {
        push(owner, source, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_owners_of_every_shape() {
        let mut out = Vec::new();
        owners_from_meta(&serde_json::json!({"owner": "ana@acme.io"}), "meta", &mut out);
        owners_from_meta(
            &serde_json::json!({"owner": ["Bo", {"name": "Cy", "email": ["c@x", "d@x"]}]}),
            "config.meta",
            &mut out,
        );
        owners_from_meta(&serde_json::json!({"owner": "ana@acme.io"}), "config.meta", &mut out);
        let shown: Vec<String> = out
            .iter()
            .map(|o| format!("{}|{}|{}", o.name.as_deref().unwrap_or(""), o.email.as_deref().unwrap_or(""), o.source))
            .collect();
        assert_eq!(shown, ["|ana@acme.io|meta", "Bo||config.meta", "Cy|c@x|config.meta", "Cy|d@x|config.meta"]);
    }

    #[test]
    fn injected_copies_have_no_file_and_another_package() {
        assert!(is_injected("finance", "platform", ""));
        assert!(!is_injected("finance", "platform", "models/x.sql"));
        assert!(!is_injected("finance", "finance", ""));
    }
}
