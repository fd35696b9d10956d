//! Node records in the store: each node of a project as JSON, whole and light, with a
//! hash of the whole; written once a project changes and read back on a re-index.

use std::collections::{HashMap, HashSet};

use model::dto::Constraint;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::super::StoreError;
use crate::mesh::{ColumnRecord, GroupRecord, NodeRecord, ProjectRecord};

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

/// What a record's light form leaves out: descriptions, code, meta, database names,
/// run times and node constraints, and columns unless a contract is enforced (the
/// contract type finding reads them, without their descriptions). The light form is
/// what resolving the mesh, the graph, the nodes table and the lists read; it reads
/// back as a [`NodeRecord`] with these parts empty.
#[derive(Default)]
struct LongParts {
    description: String,
    raw_code: Option<String>,
    compiled_code: Option<String>,
    meta: serde_json::Map<String, serde_json::Value>,
    database: Option<String>,
    schema: Option<String>,
    alias: Option<String>,
    execution_time: Option<f64>,
    constraints: Vec<Constraint>,
    columns: Vec<ColumnRecord>,
}

impl LongParts {
    /// Takes the long parts out of `r`, leaving its light form.
    fn take(r: &mut NodeRecord) -> Self {
        let columns = std::mem::take(&mut r.columns);
        if r.contract_enforced {
            r.columns = columns
                .iter()
                .map(|c| ColumnRecord {
                    name: c.name.clone(),
                    description: String::new(),
                    data_type: c.data_type.clone(),
                    catalog_type: c.catalog_type.clone(),
                    constraints: c.constraints.clone(),
                    warehouse_only: c.warehouse_only,
                })
                .collect();
        }
        LongParts {
            description: std::mem::take(&mut r.description),
            raw_code: r.raw_code.take(),
            compiled_code: r.compiled_code.take(),
            meta: std::mem::take(&mut r.meta),
            database: r.database.take(),
            schema: r.schema.take(),
            alias: r.alias.take(),
            execution_time: r.execution_time.take(),
            constraints: std::mem::take(&mut r.constraints),
            columns,
        }
    }

    /// Puts them back: `r` is whole again.
    fn restore(self, r: &mut NodeRecord) {
        r.description = self.description;
        r.raw_code = self.raw_code;
        r.compiled_code = self.compiled_code;
        r.meta = self.meta;
        r.database = self.database;
        r.schema = self.schema;
        r.alias = self.alias;
        r.execution_time = self.execution_time;
        r.constraints = self.constraints;
        r.columns = self.columns;
    }
}

/// A record in both its stored forms: the whole, then (with its long parts taken out
/// for a moment, so nothing is copied) the light.
fn stored(r: &mut NodeRecord) -> serde_json::Result<StoredNode> {
    let record = serde_json::to_string(r)?;
    let hash = record_hash(&record);
    let long = LongParts::take(r);
    let light = serde_json::to_string(r);
    long.restore(r);
    Ok(StoredNode { light: light?, record, hash })
}

fn stored_project(p: &mut ProjectRecord) -> serde_json::Result<StoredProject> {
    let nodes = p.nodes.iter_mut().map(|n| Ok((n.unique_id.clone(), stored(n)?))).collect::<serde_json::Result<_>>()?;
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

/// The `projects` columns [`project_row`] reads, in its order.
pub(in crate::store) const PROJECT_COLUMNS: &str =
    "name, artifact_path, checksum, dbt_version, schema_version, generated_at, adapter_type, groups";

/// A project (without nodes) from a row that starts with [`PROJECT_COLUMNS`].
pub(in crate::store) fn project_row(row: &rusqlite::Row) -> Result<ProjectRecord, StoreError> {
    let groups: String = row.get(7)?;
    Ok(ProjectRecord {
        name: row.get(0)?,
        artifact_path: row.get(1)?,
        checksum: row.get(2)?,
        dbt_version: row.get(3)?,
        schema_version: row.get(4)?,
        generated_at: row.get(5)?,
        adapter_type: row.get(6)?,
        groups: serde_json::from_str::<Vec<GroupRecord>>(&groups)?,
        nodes: Vec::new(),
    })
}

/// Every stored project, without nodes, by name.
fn load_projects(conn: &Connection) -> Result<Vec<ProjectRecord>, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT {PROJECT_COLUMNS} FROM projects ORDER BY name"))?;
    let mut rows = stmt.query([])?;
    let mut projects = Vec::new();
    while let Some(row) = rows.next()? {
        projects.push(project_row(row)?);
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
            columns: vec![ColumnRecord { name: "id".into(), description: "the id".into(), ..Default::default() }],
            tags: vec!["t".into()],
            ..NodeRecord::default()
        };
        record.meta.insert("k".into(), serde_json::json!(1));
        let light: NodeRecord = serde_json::from_str(&stored(&mut record).unwrap().light).unwrap();
        assert!(light.columns.is_empty(), "columns are kept only under an enforced contract");
        record.contract_enforced = true;
        let stored = stored(&mut record).unwrap();
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
        assert_eq!(record.description, "long", "the record is whole again once stored");
    }
}
