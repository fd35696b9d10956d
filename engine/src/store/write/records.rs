//! Node records in the store: each node of a project as JSON, whole and light, with a
//! hash of the whole; written once a project changes and read back on a re-index.

use std::collections::{HashMap, HashSet};

use model::dto::{Constraint, Owner};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::super::StoreError;
use crate::mesh::{FreshnessRecord, GroupRecord, NodeRecord, ProjectRecord, RefRecord, TestRecord};

/// One node as stored in `project_nodes`.
pub struct StoredNode {
    pub record: String,
    pub light: String,
    pub hash: i64,
}

/// A changed project as stored: its row and its nodes by unique_id.
pub struct StoredProject {
    pub name: String,
    row: ProjectRecord,
    pub nodes: Vec<(String, StoredNode)>,
}

/// The first 64 bits of the SHA-256 of a stored record.
fn record_hash(json: &str) -> i64 {
    let digest = Sha256::digest(json.as_bytes());
    i64::from_le_bytes(digest[..8].try_into().unwrap_or_default())
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A record's light form: what resolving the mesh, the graph, the nodes table and the
/// lists read, with empty values left out. It reads back as a [`NodeRecord`] without
/// descriptions, code, meta, database names and run times, and with columns only where
/// a contract is enforced (the contract type finding reads them).
#[derive(Serialize)]
struct Light<'a> {
    unique_id: &'a str,
    name: &'a str,
    resource_type: &'a str,
    package: &'a str,
    #[serde(skip_serializing_if = "is_false")]
    injected: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_file_path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deprecation_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    materialized: Option<&'a str>,
    #[serde(skip_serializing_if = "is_false")]
    contract_enforced: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    relation_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_name: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    owners: &'a [Owner],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    columns: Vec<LightColumn<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    depends_on: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    refs: &'a [RefRecord],
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    freshness: Option<&'a FreshnessRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    test: Option<&'a TestRecord>,
}

#[derive(Serialize)]
struct LightColumn<'a> {
    name: &'a str,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    catalog_type: Option<&'a str>,
    constraints: &'a [Constraint],
}

fn light_json(r: &NodeRecord) -> serde_json::Result<String> {
    let columns = if r.contract_enforced {
        r.columns
            .iter()
            .map(|c| LightColumn {
                name: &c.name,
                description: "",
                data_type: c.data_type.as_deref(),
                catalog_type: c.catalog_type.as_deref(),
                constraints: &c.constraints,
            })
            .collect()
    } else {
        Vec::new()
    };
    serde_json::to_string(&Light {
        unique_id: &r.unique_id,
        name: &r.name,
        resource_type: &r.resource_type,
        package: &r.package,
        injected: r.injected,
        original_file_path: r.original_file_path.as_deref(),
        access: r.access.as_deref(),
        group: r.group.as_deref(),
        version: r.version.as_deref(),
        latest_version: r.latest_version.as_deref(),
        deprecation_date: r.deprecation_date.as_deref(),
        materialized: r.materialized.as_deref(),
        contract_enforced: r.contract_enforced,
        relation_name: r.relation_name.as_deref(),
        source_name: r.source_name.as_deref(),
        tags: &r.tags,
        owners: &r.owners,
        columns,
        depends_on: &r.depends_on,
        refs: &r.refs,
        status: r.status.as_deref(),
        freshness: r.freshness.as_ref(),
        test: r.test.as_ref(),
    })
}

fn stored(r: &NodeRecord) -> serde_json::Result<StoredNode> {
    let record = serde_json::to_string(r)?;
    let hash = record_hash(&record);
    Ok(StoredNode { light: light_json(r)?, record, hash })
}

fn stored_project(p: &mut ProjectRecord) -> serde_json::Result<StoredProject> {
    let nodes = p.nodes.iter().map(|n| Ok((n.unique_id.clone(), stored(n)?))).collect::<serde_json::Result<_>>()?;
    let row = ProjectRecord {
        name: p.name.clone(),
        artifact_path: p.artifact_path.clone(),
        checksum: p.checksum.clone(),
        dbt_version: p.dbt_version.clone(),
        schema_version: p.schema_version,
        generated_at: p.generated_at.clone(),
        adapter_type: p.adapter_type.clone(),
        groups: p.groups.clone(),
        nodes: Vec::new(),
    };
    Ok(StoredProject { name: p.name.clone(), row, nodes })
}

/// Every project of `projects` as stored, on one thread per core.
pub fn serialize(projects: &mut [ProjectRecord]) -> Result<Vec<StoredProject>, StoreError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(projects.len()).max(1);
    let per_thread = projects.len().div_ceil(threads).max(1);
    let chunks: Vec<serde_json::Result<Vec<StoredProject>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = projects
            .chunks_mut(per_thread)
            .map(|chunk| scope.spawn(move || chunk.iter_mut().map(stored_project).collect()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let mut out = Vec::with_capacity(projects.len());
    for chunk in chunks {
        out.extend(chunk?);
    }
    Ok(out)
}

/// One transaction a project: its row and its nodes.
pub fn insert_project(conn: &mut Connection, stored: &StoredProject) -> Result<(), StoreError> {
    let project = &stored.row;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO projects (name, artifact_path, checksum, dbt_version, schema_version, generated_at, adapter_type, groups)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            project.name,
            project.artifact_path,
            project.checksum,
            project.dbt_version,
            project.schema_version,
            project.generated_at,
            project.adapter_type,
            serde_json::to_string(&project.groups)?,
        ],
    )?;
    {
        let mut insert = tx.prepare(
            "INSERT OR REPLACE INTO project_nodes (project, unique_id, record, light, record_hash)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (unique_id, node) in &stored.nodes {
            insert.execute(params![project.name, unique_id, node.record, node.light, node.hash])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Every stored project, without nodes, by name.
fn load_projects(conn: &Connection) -> Result<Vec<ProjectRecord>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT name, artifact_path, checksum, dbt_version, schema_version, generated_at, adapter_type, groups
         FROM projects ORDER BY name",
    )?;
    let mut rows = stmt.query([])?;
    let mut projects = Vec::new();
    while let Some(row) = rows.next()? {
        let groups: String = row.get(7)?;
        projects.push(ProjectRecord {
            name: row.get(0)?,
            artifact_path: row.get(1)?,
            checksum: row.get(2)?,
            dbt_version: row.get(3)?,
            schema_version: row.get(4)?,
            generated_at: row.get(5)?,
            adapter_type: row.get(6)?,
            groups: serde_json::from_str::<Vec<GroupRecord>>(&groups)?,
            nodes: Vec::new(),
        });
    }
    Ok(projects)
}

/// Every project with its nodes' whole records, as stored (this layout and the one before).
pub fn load_records(conn: &Connection) -> Result<Vec<ProjectRecord>, StoreError> {
    let mut projects = load_projects(conn)?;
    let position: HashMap<String, usize> = projects.iter().enumerate().map(|(i, p)| (p.name.clone(), i)).collect();
    let mut stmt = conn.prepare("SELECT project, record FROM project_nodes ORDER BY project, unique_id")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let project: String = row.get(0)?;
        let record: String = row.get(1)?;
        if let Some(&i) = position.get(&project) {
            projects[i].nodes.push(serde_json::from_str::<NodeRecord>(&record)?);
        }
    }
    Ok(projects)
}

/// Stored record hashes, by (project, unique_id).
pub type RecordHashes = HashMap<(String, String), i64>;

/// The projects not in `skip`, with light node records, and the hashes of their records.
pub fn load_light(conn: &Connection, skip: &HashSet<String>) -> Result<(Vec<ProjectRecord>, RecordHashes), StoreError> {
    let mut projects: Vec<ProjectRecord> =
        load_projects(conn)?.into_iter().filter(|p| !skip.contains(&p.name)).collect();
    let mut hashes = RecordHashes::new();
    let mut stmt =
        conn.prepare("SELECT unique_id, light, record_hash FROM project_nodes WHERE project = ?1 ORDER BY unique_id")?;
    for project in &mut projects {
        let mut rows = stmt.query([&project.name])?;
        while let Some(row) = rows.next()? {
            let light: String = row.get(1)?;
            project.nodes.push(serde_json::from_str::<NodeRecord>(&light)?);
            hashes.insert((project.name.clone(), row.get(0)?), row.get(2)?);
        }
    }
    Ok((projects, hashes))
}

/// One node's whole record as stored by project `source`.
pub fn whole_record(conn: &Connection, source: &str, unique_id: &str) -> Result<Option<NodeRecord>, StoreError> {
    let record: Option<String> = conn
        .prepare_cached("SELECT record FROM project_nodes WHERE project = ?1 AND unique_id = ?2")?
        .query_row([source, unique_id], |r| r.get(0))
        .optional()?;
    Ok(record.map(|r| serde_json::from_str(&r)).transpose()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_records_leave_out_long_texts_and_keep_the_rest() {
        let mut record = NodeRecord {
            unique_id: "model.p.a".into(),
            description: "long".into(),
            raw_code: Some("select 1".into()),
            compiled_code: Some("select 1".into()),
            columns: vec![model::dto::Column { name: "id".into(), description: "the id".into(), ..Default::default() }],
            tags: vec!["t".into()],
            ..NodeRecord::default()
        };
        record.meta.insert("k".into(), serde_json::json!(1));
        let light: NodeRecord = serde_json::from_str(&stored(&record).unwrap().light).unwrap();
        assert!(light.columns.is_empty(), "columns are kept only under an enforced contract");
        record.contract_enforced = true;
        let stored = stored(&record).unwrap();
        let light: NodeRecord = serde_json::from_str(&stored.light).unwrap();
        assert_eq!((light.description.as_str(), light.raw_code, light.compiled_code), ("", None, None));
        assert!(light.meta.is_empty());
        assert_eq!(light.columns[0].name, "id");
        assert_eq!(light.columns[0].description, "");
        assert_eq!(light.tags, ["t"]);
        assert_eq!(light.unique_id, "model.p.a");
        let whole: NodeRecord = serde_json::from_str(&stored.record).unwrap();
        assert_eq!(whole.description, "long");
        assert_eq!(stored.hash, record_hash(&stored.record));
    }
}
