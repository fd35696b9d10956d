//! The resolved mesh's tables: nodes (small rows; records stay in project_nodes),
//! owners, edges, findings, facts (project cycles, package installs) and each project's counts.

use rusqlite::{params, Connection};

use super::super::StoreError;
use crate::mesh::Mesh;

/// Replaces the mesh tables with `mesh`; `doc_keys` are its nodes' search keys, in order.
pub fn write_mesh(conn: &mut Connection, mesh: &Mesh, doc_keys: &[i64]) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    // Whole-table deletes, which SQLite truncates instead of deleting row by row.
    tx.execute_batch(
        "DELETE FROM nodes; DELETE FROM owners; DELETE FROM edges; DELETE FROM findings; DELETE FROM mesh_facts;",
    )?;
    // In key order, so the primary key's B-tree fills page by page.
    let mut order: Vec<usize> = (0..mesh.nodes.len()).collect();
    order.sort_by(|&a, &b| mesh.nodes[a].record.unique_id.cmp(&mesh.nodes[b].record.unique_id));
    {
        let mut insert = tx.prepare(
            "INSERT INTO nodes (unique_id, project, source, name, resource_type, package, version, external, status,
                                test_column, access, contract_enforced, owners, doc_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        for &i in &order {
            let (node, key) = (&mesh.nodes[i], doc_keys[i]);
            let r = &node.record;
            insert.execute(params![
                r.unique_id,
                node.project,
                node.source,
                r.name,
                r.resource_type,
                r.package,
                r.version,
                node.external,
                r.status,
                r.test.as_ref().and_then(|t| t.column_name.as_deref()),
                r.access,
                r.contract_enforced,
                serde_json::to_string(&r.owners)?,
                key,
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
        tx.execute(
            "INSERT INTO mesh_facts (key, value) VALUES ('project_cycles', ?1)",
            [serde_json::to_string(&mesh.project_cycles)?],
        )?;
        let packages: Vec<(&str, &str, u64)> = mesh
            .packages
            .iter()
            .map(|((installer, installed), n)| (installer.as_str(), installed.as_str(), *n))
            .collect();
        tx.execute("INSERT INTO mesh_facts (key, value) VALUES ('packages', ?1)", [serde_json::to_string(&packages)?])?;
        let mut update = tx.prepare("UPDATE projects SET counts = ?2 WHERE name = ?1")?;
        for (project, counts) in &mesh.counts {
            update.execute(params![project, serde_json::to_string(counts)?])?;
        }
    }
    tx.commit()?;
    Ok(())
}
