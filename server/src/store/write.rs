//! Writing a generation: kept projects are copied from the served one, changed
//! projects replace theirs, then the whole mesh is resolved again.

use std::{collections::HashMap, fs, path::Path};

use rusqlite::{params, Connection};

use super::{
    io_error,
    layout::{DataDir, DATABASE_FILE, SEARCH_DIR},
    schema::SCHEMA,
    StoreError,
};
use crate::{
    mesh::{resolve, GroupRecord, Mesh, NodeRecord, ProjectRecord},
    search,
};

/// What one index run changes.
#[derive(Debug, Default)]
pub struct GenerationChange {
    /// Projects added or replaced (by name).
    pub replace: Vec<ProjectRecord>,
    /// Projects dropped (by name).
    pub remove: Vec<String>,
}

#[derive(Debug)]
pub struct WriteSummary {
    pub generation: String,
    pub projects: usize,
    pub nodes: usize,
    pub edges: usize,
    pub findings: usize,
    pub project_cycles: Vec<Vec<String>>,
}

/// Writes and publishes a new generation. On error nothing is published and the
/// served generation stays as it was.
pub fn write_generation(data: &DataDir, change: GenerationChange) -> Result<WriteSummary, StoreError> {
    let previous = data.current_name();
    let previous_db = previous.as_deref().map(|p| data.generation_path(p).join(DATABASE_FILE));
    let (name, path) = data.create_generation()?;
    match build(&path, previous_db.as_deref(), change) {
        Ok(summary) => {
            data.publish(&name)?;
            data.prune(previous.as_deref());
            Ok(WriteSummary { generation: name, ..summary })
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&path);
            Err(e)
        }
    }
}

fn build(path: &Path, previous_db: Option<&Path>, change: GenerationChange) -> Result<WriteSummary, StoreError> {
    let db_path = path.join(DATABASE_FILE);
    let mut conn = Connection::open(&db_path)?;
    // A generation that fails is deleted whole, so it needs no journal while it is built.
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    conn.execute_batch(SCHEMA)?;

    if let Some(previous) = previous_db {
        copy_kept_projects(&conn, previous, &change)?;
    }
    for project in &change.replace {
        insert_project(&mut conn, project)?;
    }

    let projects = load_records(&conn)?;
    let mesh = resolve(&projects);
    write_mesh(&mut conn, &mesh)?;
    search::build(&path.join(SEARCH_DIR), &mesh.nodes)?;

    conn.close().map_err(|(_, e)| e)?;
    fs::File::open(&db_path).and_then(|f| f.sync_all()).map_err(io_error(&db_path))?;
    Ok(WriteSummary {
        generation: String::new(),
        projects: projects.len(),
        nodes: mesh.nodes.len(),
        edges: mesh.edges.len(),
        findings: mesh.findings.len(),
        project_cycles: mesh.project_cycles,
    })
}

fn copy_kept_projects(conn: &Connection, previous: &Path, change: &GenerationChange) -> Result<(), StoreError> {
    conn.execute("ATTACH DATABASE ?1 AS old", [previous.to_string_lossy()])?;
    conn.execute_batch("CREATE TEMP TABLE changed (name TEXT PRIMARY KEY)")?;
    {
        let mut insert = conn.prepare("INSERT OR IGNORE INTO temp.changed (name) VALUES (?1)")?;
        for name in change.replace.iter().map(|p| &p.name).chain(change.remove.iter()) {
            insert.execute([name])?;
        }
    }
    conn.execute_batch(
        "INSERT INTO main.projects SELECT * FROM old.projects WHERE name NOT IN (SELECT name FROM temp.changed);
         INSERT INTO main.project_nodes SELECT * FROM old.project_nodes WHERE project NOT IN (SELECT name FROM temp.changed);",
    )?;
    conn.execute_batch("DETACH DATABASE old")?;
    Ok(())
}

/// One transaction a project.
fn insert_project(conn: &mut Connection, project: &ProjectRecord) -> Result<(), StoreError> {
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
        let mut insert =
            tx.prepare("INSERT OR REPLACE INTO project_nodes (project, unique_id, record) VALUES (?1, ?2, ?3)")?;
        for node in &project.nodes {
            insert.execute(params![project.name, node.unique_id, serde_json::to_string(node)?])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Every project with its nodes, as stored.
fn load_records(conn: &Connection) -> Result<Vec<ProjectRecord>, StoreError> {
    let mut projects: Vec<ProjectRecord> = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT name, artifact_path, checksum, dbt_version, schema_version, generated_at, adapter_type, groups
             FROM projects ORDER BY name",
        )?;
        let mut rows = stmt.query([])?;
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
    }
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

fn write_mesh(conn: &mut Connection, mesh: &Mesh) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO nodes (unique_id, project, name, resource_type, package, version, external, status, test_column, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for node in &mesh.nodes {
            let r = &node.record;
            insert.execute(params![
                r.unique_id,
                node.project,
                r.name,
                r.resource_type,
                r.package,
                r.version,
                node.external,
                r.status,
                r.test.as_ref().and_then(|t| t.column_name.clone()),
                serde_json::to_string(r)?,
            ])?;
        }
        let mut insert =
            tx.prepare("INSERT INTO owners (key, node, name, email, source) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for node in mesh.nodes.iter().filter(|n| !n.external) {
            for o in &node.record.owners {
                if let Some(key) = o.name.as_ref().or(o.email.as_ref()) {
                    insert.execute(params![key, node.record.unique_id, o.name, o.email, o.source])?;
                }
            }
        }
        let mut insert = tx.prepare("INSERT OR IGNORE INTO edges (parent, child, kind) VALUES (?1, ?2, ?3)")?;
        for edge in &mesh.edges {
            insert.execute(params![edge.parent, edge.child, edge.kind.as_str()])?;
        }
        let mut insert = tx.prepare(
            "INSERT INTO findings (kind, severity, project, node, other, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for f in &mesh.findings {
            insert.execute(params![f.kind, f.severity, f.project, f.node, f.other, f.message])?;
        }
        let mut update = tx.prepare("UPDATE projects SET counts = ?2 WHERE name = ?1")?;
        for (project, counts) in &mesh.counts {
            update.execute(params![project, serde_json::to_string(counts)?])?;
        }
    }
    tx.commit()?;
    Ok(())
}
