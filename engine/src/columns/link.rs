//! The mesh-level pass: every model's extraction, in DAG order, with the relations it
//! reads linked to the mesh's nodes, across projects.
//!
//! A project's extractions are stored with it (in the SQL's own terms: relation names)
//! and reused while the project is unchanged; linking runs again for the whole mesh on
//! every index run, so a kept project's models link to whatever the other projects
//! became.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{
    dialect,
    extract::{extract, Extracted, KnownColumns},
    ColumnEdge, NodeLineage, Status,
};
use crate::mesh::{Mesh, ResolvedNode};

/// One node's extraction as stored with its project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StoredExtract {
    Ok(Extracted),
    Unavailable { message: String, line: Option<u32> },
    NoSql,
}

/// Extractions kept from the previous generation, by (project, unique_id).
pub type KeptExtracts = HashMap<(String, String), StoredExtract>;

/// The column names of kept projects' nodes, by unique_id: their records are light here.
pub type KeptColumns = HashMap<String, Vec<String>>;

/// What the pass produces: the extractions to store for the changed projects, and the
/// linked lineage of every model of the mesh.
#[derive(Debug, Default)]
pub struct MeshLineage {
    pub extracts: Vec<(String, String, StoredExtract)>,
    pub nodes: Vec<NodeLineage>,
}

/// Whether a node has SQL whose columns we trace.
pub fn has_sql_lineage(node: &ResolvedNode) -> bool {
    matches!(node.record.resource_type.as_str(), "model" | "snapshot")
}

/// Extracts the models of the `changed` projects, reuses `kept` for the others, and
/// links them all. `adapters` is each project's `metadata.adapter_type`.
///
/// The changed models are parsed on two threads, each `select *` expanded from declared
/// and catalog columns only; the few whose star reads a model known only by its own SQL
/// are done again afterwards, in DAG order, with the upstream model's computed columns.
pub fn extract_mesh(
    mesh: &Mesh,
    changed: &HashSet<String>,
    adapters: &HashMap<String, Option<String>>,
    kept: &KeptExtracts,
    kept_columns: &KeptColumns,
) -> MeshLineage {
    let relations = Relations::new(mesh, kept_columns);
    // Each SQL node's parents in the mesh, once: for the DAG order, resolving and linking.
    let parents: Vec<Vec<usize>> = mesh
        .nodes
        .iter()
        .map(|n| match has_sql_lineage(n) {
            true => n.record.depends_on.iter().filter_map(|p| relations.by_id.get(p.as_str()).copied()).collect(),
            false => Vec::new(),
        })
        .collect();
    let dialects: HashMap<&str, Box<dyn sqlparser::dialect::Dialect + Send + Sync>> = adapters
        .iter()
        .map(|(project, adapter)| (project.as_str(), dialect::for_adapter(adapter.as_deref())))
        .collect();
    let order = dag_order(mesh, &parents);
    let fresh: Vec<usize> = order.iter().copied().filter(|&i| changed.contains(&mesh.nodes[i].source)).collect();
    let extract_one = |i: usize, computed: Option<&[Option<Vec<String>>]>| -> (StoredExtract, bool) {
        let node = &mesh.nodes[i];
        let Some(sql) = node.record.compiled_code.as_deref().filter(|c| !c.trim().is_empty()) else {
            return (StoredExtract::NoSql, false);
        };
        // Every project has its dialect; the generic one is only a fallback.
        let dialect: &dyn sqlparser::dialect::Dialect =
            dialects.get(node.source.as_str()).map_or(&sqlparser::dialect::GenericDialect, |d| &**d);
        let known =
            Known { relations: &relations, parents: &parents[i], computed, wanted: std::cell::Cell::new(false) };
        let stored = match extract(sql, dialect, &known) {
            Ok(e) => StoredExtract::Ok(e),
            Err(u) => StoredExtract::Unavailable { message: u.message, line: u.line },
        };
        (stored, known.wanted.get())
    };
    // First pass, in parallel: without computed columns.
    let half = fresh.len().div_ceil(2);
    let first: Vec<(StoredExtract, bool)> = std::thread::scope(|scope| {
        let chunks: Vec<_> = fresh
            .chunks(half.max(1))
            .map(|chunk| scope.spawn(move || chunk.iter().map(|&i| extract_one(i, None)).collect::<Vec<_>>()))
            .collect();
        chunks.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let mut first: HashMap<usize, (StoredExtract, bool)> = fresh.iter().copied().zip(first).collect();
    // Second pass, in DAG order: redo what wanted computed columns, and link everything.
    let mut computed: Vec<Option<Vec<String>>> = vec![None; mesh.nodes.len()];
    let mut out = MeshLineage::default();
    for i in order {
        let node = &mesh.nodes[i];
        let stored = match first.remove(&i) {
            Some((_, true)) => extract_one(i, Some(&computed)).0,
            Some((stored, false)) => stored,
            None => {
                kept.get(&(node.source.clone(), node.record.unique_id.clone())).cloned().unwrap_or(StoredExtract::NoSql)
            }
        };
        if changed.contains(&node.source) {
            out.extracts.push((node.source.clone(), node.record.unique_id.clone(), stored.clone()));
        }
        let lineage = link(mesh, &relations, &parents[i], i, stored);
        if lineage.status == Status::Ok {
            computed[i] = Some(lineage.columns.clone());
        }
        out.nodes.push(lineage);
    }
    out
}

fn link(mesh: &Mesh, relations: &Relations, parents: &[usize], i: usize, stored: StoredExtract) -> NodeLineage {
    let unique_id = mesh.nodes[i].record.unique_id.clone();
    let extracted = match stored {
        StoredExtract::Ok(e) => e,
        StoredExtract::Unavailable { message, line } => {
            return NodeLineage {
                unique_id,
                status: Status::Unavailable { message, line },
                columns: vec![],
                edges: vec![],
            }
        }
        StoredExtract::NoSql => {
            return NodeLineage { unique_id, status: Status::NoSql, columns: vec![], edges: vec![] }
        }
    };
    let targets: Vec<Option<usize>> = extracted.relations.iter().map(|r| relations.node_for(r, parents)).collect();
    let spelled = |node: usize, column: &str| -> String {
        relations
            .declared(node)
            .and_then(|cols| cols.iter().find(|c| c.eq_ignore_ascii_case(column)).cloned())
            .unwrap_or_else(|| column.to_string())
    };
    let own = |column: &str| spelled(i, column);
    let mut edges = Vec::new();
    let mut read: HashSet<(usize, String)> = HashSet::new();
    for column in &extracted.columns {
        for dep in &column.deps {
            let Some(parent) = targets[dep.relation] else { continue };
            read.insert((parent, dep.column.to_lowercase()));
            edges.push(ColumnEdge {
                parent: mesh.nodes[parent].record.unique_id.clone(),
                parent_column: spelled(parent, &dep.column),
                child: unique_id.clone(),
                child_column: Some(own(&column.name)),
                kind: dep.kind,
            });
        }
    }
    // A filter is recorded only for a column that feeds no output column.
    for dep in &extracted.filters {
        let Some(parent) = targets[dep.relation] else { continue };
        if read.insert((parent, dep.column.to_lowercase())) {
            edges.push(ColumnEdge {
                parent: mesh.nodes[parent].record.unique_id.clone(),
                parent_column: spelled(parent, &dep.column),
                child: unique_id.clone(),
                child_column: None,
                kind: dep.kind,
            });
        }
    }
    edges.sort();
    edges.dedup();
    let columns = extracted.columns.iter().map(|c| own(&c.name)).collect();
    NodeLineage { unique_id, status: Status::Ok, columns, edges }
}

/// Relation names → the mesh's nodes.
struct Relations<'m> {
    by_id: HashMap<&'m str, usize>,
    /// `db.schema.table` (lowercased, unquoted) → nodes with that relation.
    by_key: HashMap<String, Vec<usize>>,
    keys: Vec<Option<String>>,
    mesh: &'m Mesh,
    kept_columns: &'m KeptColumns,
}

impl<'m> Relations<'m> {
    fn new(mesh: &'m Mesh, kept_columns: &'m KeptColumns) -> Self {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        let mut keys = Vec::with_capacity(mesh.nodes.len());
        for (i, n) in mesh.nodes.iter().enumerate() {
            let key = n.record.relation_name.as_deref().map(normalize_relation);
            if let Some(k) = &key {
                by_key.entry(k.clone()).or_default().push(i);
            }
            keys.push(key);
        }
        let by_id = mesh.nodes.iter().enumerate().map(|(i, n)| (n.record.unique_id.as_str(), i)).collect();
        Relations { by_id, by_key, keys, mesh, kept_columns }
    }

    /// A node's columns from catalog.json or its YAML: its record's, else (a kept
    /// project's light record has none) those stored with its project.
    fn declared(&self, node: usize) -> Option<Vec<String>> {
        let record = &self.mesh.nodes[node].record;
        if !record.columns.is_empty() {
            return Some(record.columns.iter().map(|c| c.name.clone()).collect());
        }
        self.kept_columns.get(&record.unique_id).cloned()
    }

    /// The node a relation of a model's SQL stands for: one of its parents whose relation
    /// it names (in full or its last parts), else the mesh's node of that exact relation.
    /// A source whose relation is another project's model stands for that model.
    fn node_for(&self, key: &str, parents: &[usize]) -> Option<usize> {
        let suffix = format!(".{key}");
        let parent = parents.iter().copied().find(|&p| self.keys[p].as_deref() == Some(key)).or_else(|| {
            parents.iter().copied().find(|&p| self.keys[p].as_deref().is_some_and(|k| k.ends_with(&suffix)))
        });
        let found = parent.or_else(|| self.by_key.get(key).and_then(|nodes| self.prefer_model(nodes)))?;
        if self.mesh.nodes[found].record.resource_type == "source" {
            if let Some(model) = self.keys[found]
                .as_deref()
                .and_then(|k| self.by_key.get(k))
                .and_then(|n| n.iter().copied().find(|&m| self.mesh.nodes[m].record.resource_type != "source"))
            {
                return Some(model);
            }
        }
        Some(found)
    }

    fn prefer_model(&self, nodes: &[usize]) -> Option<usize> {
        nodes.iter().copied().find(|&n| self.mesh.nodes[n].record.resource_type != "source").or(nodes.first().copied())
    }
}

/// `"Demo"."Platform"."orders"` or `` `proj`.`ds`.`t` `` → `demo.platform.orders`.
pub fn normalize_relation(relation: &str) -> String {
    relation.chars().filter(|c| !matches!(c, '"' | '`' | '[' | ']')).collect::<String>().to_lowercase()
}

/// The columns `select *` expands to, for one model's relations.
struct Known<'a> {
    relations: &'a Relations<'a>,
    parents: &'a [usize],
    /// The upstream models' computed columns; None in the parallel pass.
    computed: Option<&'a [Option<Vec<String>>]>,
    /// Set when a relation had no declared columns but is a SQL node: its computed
    /// columns could have answered.
    wanted: std::cell::Cell<bool>,
}

impl KnownColumns for Known<'_> {
    /// catalog.json's columns, else the declared ones (both are the record's columns),
    /// else the upstream model's own output as extracted before it (DAG order).
    fn columns_of(&self, relation: &str) -> Option<Vec<String>> {
        let node = self.relations.node_for(relation, self.parents)?;
        if let Some(columns) = self.relations.declared(node) {
            return Some(columns);
        }
        match self.computed {
            Some(computed) => computed[node].clone(),
            None => {
                self.wanted.set(self.wanted.get() || has_sql_lineage(&self.relations.mesh.nodes[node]));
                None
            }
        }
    }
}

/// The SQL nodes, parents before children (Kahn's algorithm over their parents); nodes
/// in a cycle, which dbt refuses, come last in mesh order.
fn dag_order(mesh: &Mesh, parents_of: &[Vec<usize>]) -> Vec<usize> {
    let sql: Vec<usize> = (0..mesh.nodes.len()).filter(|&i| has_sql_lineage(&mesh.nodes[i])).collect();
    let is_sql: HashSet<usize> = sql.iter().copied().collect();
    let mut pending: HashMap<usize, usize> = HashMap::new();
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for &i in &sql {
        let parents: HashSet<usize> = parents_of[i].iter().copied().filter(|p| is_sql.contains(p) && *p != i).collect();
        pending.insert(i, parents.len());
        for p in parents {
            children.entry(p).or_default().push(i);
        }
    }
    let mut ready: Vec<usize> = sql.iter().copied().filter(|i| pending[i] == 0).rev().collect();
    let mut order = Vec::with_capacity(sql.len());
    let mut done = HashSet::new();
    while let Some(i) = ready.pop() {
        order.push(i);
        done.insert(i);
        for &c in children.get(&i).map(Vec::as_slice).unwrap_or_default() {
            let left = pending.get_mut(&c).expect("every SQL node is pending");
            *left -= 1;
            if *left == 0 {
                ready.push(c);
            }
        }
    }
    order.extend(sql.into_iter().filter(|i| !done.contains(i)));
    order
}
