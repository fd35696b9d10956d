//! Column-level lineage: which columns of which nodes each model column reads.
//!
//! The flow: at index time [`link::extract_mesh`] parses every model's compiled SQL in
//! its project's dialect ([`dialect`]), resolves names through its scopes
//! ([`extract`]), and links the relations it reads to the mesh's nodes, across
//! projects. The store keeps the result per node (a status, and one row an edge);
//! when a generation is opened, [`graph::ColumnGraph`] holds the edges in memory for
//! the node page, the column lineage view, search and diff.
//!
//! **Invariant:** a model whose SQL cannot be resolved gets no edges at all, never some:
//! its status says why ("unavailable", with the parser's message and line).

pub mod dialect;
pub mod extract;
pub mod graph;
pub mod link;

use serde::{Deserialize, Serialize};

/// How a column reaches another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Passed through, or renamed.
    Copy,
    /// Read by an expression (a function, an aggregate, a window, arithmetic).
    Transform,
    /// Read only to join, filter or group the rows; it feeds no column.
    Filter,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Copy => "copy",
            EdgeKind::Transform => "transform",
            EdgeKind::Filter => "filter",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "copy" => Some(EdgeKind::Copy),
            "transform" => Some(EdgeKind::Transform),
            "filter" => Some(EdgeKind::Filter),
            _ => None,
        }
    }
}

/// Whether a node's column lineage is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// The SQL could not be resolved: the parser's (or resolver's) message, and its line.
    Unavailable {
        message: String,
        line: Option<u32>,
    },
    /// The manifest has no compiled SQL for it (dbt `parse` only, or not a model).
    NoSql,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Unavailable { .. } => "unavailable",
            Status::NoSql => "no_sql",
        }
    }
}

/// A column another reads: `node`'s column `column`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ColumnEdge {
    pub parent: String,
    pub parent_column: String,
    pub child: String,
    /// None for a filter: it reads the column for the rows, not for one column.
    pub child_column: Option<String>,
    pub kind: EdgeKind,
}

/// One node's column lineage, as extracted at index time.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeLineage {
    pub unique_id: String,
    pub status: Status,
    /// Its output columns, in order (computed from the SQL).
    pub columns: Vec<String>,
    pub edges: Vec<ColumnEdge>,
}

/// How many of a project's SQL nodes gave column lineage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub parsed: usize,
    pub unavailable: usize,
    pub no_sql: usize,
}

impl Coverage {
    pub fn add(&mut self, status: &Status) {
        match status {
            Status::Ok => self.parsed += 1,
            Status::Unavailable { .. } => self.unavailable += 1,
            Status::NoSql => self.no_sql += 1,
        }
    }
}

/// Coverage per project, of the nodes the project defines (not the copies it carries).
pub fn coverage(mesh: &crate::mesh::Mesh, nodes: &[NodeLineage]) -> std::collections::BTreeMap<String, Coverage> {
    let project: std::collections::HashMap<&str, &crate::mesh::ResolvedNode> =
        mesh.nodes.iter().map(|n| (n.record.unique_id.as_str(), n)).collect();
    let mut out = std::collections::BTreeMap::<String, Coverage>::new();
    for n in nodes {
        if let Some(node) = project.get(n.unique_id.as_str()).filter(|n| !n.external) {
            out.entry(node.project.clone()).or_default().add(&n.status);
        }
    }
    out
}
