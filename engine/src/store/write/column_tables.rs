//! The column lineage tables: each project's extractions, and the mesh's linked lineage.

use rusqlite::{params, Connection};

use super::super::StoreError;
use std::collections::HashSet;

use crate::{
    columns::{
        link::{KeptColumns, KeptExtracts, MeshLineage, StoredExtract},
        Status,
    },
    mesh::Mesh,
};

pub fn kept_extracts(conn: &Connection) -> Result<KeptExtracts, StoreError> {
    let mut stmt = conn.prepare("SELECT project, unique_id, extract FROM project_columns")?;
    let mut rows = stmt.query([])?;
    let mut kept = KeptExtracts::new();
    while let Some(row) = rows.next()? {
        let text: String = row.get(2)?;
        let extract: StoredExtract = serde_json::from_str(&text)?;
        kept.insert((row.get(0)?, row.get(1)?), extract);
    }
    Ok(kept)
}

pub fn write_columns(conn: &mut Connection, lineage: &MeshLineage) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute_batch("DELETE FROM column_nodes; DELETE FROM column_edges;")?;
    {
        let mut insert =
            tx.prepare("INSERT OR REPLACE INTO project_columns (project, unique_id, extract) VALUES (?1, ?2, ?3)")?;
        for (project, unique_id, extract) in &lineage.extracts {
            insert.execute(params![project, unique_id, serde_json::to_string(extract)?])?;
        }
        let mut node = tx.prepare(
            "INSERT OR REPLACE INTO column_nodes (unique_id, status, message, line, columns) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut edge = tx.prepare(
            "INSERT INTO column_edges (parent, parent_column, child, child_column, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for n in &lineage.nodes {
            let (message, line) = match &n.status {
                Status::Unavailable { message, line } => (Some(message.as_str()), *line),
                _ => (None, None),
            };
            node.execute(params![n.unique_id, n.status.as_str(), message, line, serde_json::to_string(&n.columns)?])?;
            for e in &n.edges {
                edge.execute(params![e.parent, e.parent_column, e.child, e.child_column, e.kind.as_str()])?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

pub fn kept_columns(conn: &Connection) -> Result<KeptColumns, StoreError> {
    let mut stmt = conn.prepare("SELECT unique_id, columns FROM project_node_columns")?;
    let mut rows = stmt.query([])?;
    let mut kept = KeptColumns::new();
    while let Some(row) = rows.next()? {
        let text: String = row.get(1)?;
        let columns: Vec<(String, Option<String>)> = serde_json::from_str(&text)?;
        kept.insert(row.get(0)?, columns.into_iter().map(|(name, _)| name).collect());
    }
    Ok(kept)
}

pub fn write_node_columns(conn: &mut Connection, mesh: &Mesh, changed: &HashSet<String>) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    {
        let mut insert = tx
            .prepare("INSERT OR REPLACE INTO project_node_columns (project, unique_id, columns) VALUES (?1, ?2, ?3)")?;
        for node in mesh.nodes.iter().filter(|n| changed.contains(&n.source) && !n.record.columns.is_empty()) {
            let columns: Vec<(&str, Option<&str>)> = node
                .record
                .columns
                .iter()
                .map(|c| (c.name.as_str(), c.catalog_type.as_deref().or(c.data_type.as_deref())))
                .collect();
            insert.execute(params![node.source, node.record.unique_id, serde_json::to_string(&columns)?])?;
        }
    }
    tx.commit()?;
    Ok(())
}
