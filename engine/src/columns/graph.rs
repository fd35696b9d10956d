//! The served generation's column lineage in memory: columns as numbers, edges both
//! ways, so a node page's counts and a column's lineage are walks, never SQL.

use std::collections::{HashMap, HashSet, VecDeque};

use super::{EdgeKind, Status};
use crate::graph::MeshGraph;

/// A node of the mesh graph, by its index there.
pub type NodeId = u32;
type ColumnId = u32;

/// A stored node row: (unique_id, status, message, line, output columns as JSON).
pub type NodeRow = (String, String, Option<String>, Option<u32>, String);
/// A stored edge row: (parent, parent_column, child, child_column, kind).
pub type EdgeRow = (String, String, String, Option<String>, String);

/// The rows the store holds.
#[derive(Debug, Default)]
pub struct ColumnRows {
    pub nodes: Vec<NodeRow>,
    pub edges: Vec<EdgeRow>,
}

impl ColumnRows {
    /// The rows of a lineage extracted in memory (a diff base read from artifacts).
    pub fn from_lineage(nodes: &[super::NodeLineage]) -> Self {
        let mut rows = ColumnRows::default();
        for n in nodes {
            let (message, line) = match &n.status {
                Status::Unavailable { message, line } => (Some(message.clone()), *line),
                _ => (None, None),
            };
            let columns = serde_json::to_string(&n.columns).unwrap_or_default();
            rows.nodes.push((n.unique_id.clone(), n.status.as_str().to_string(), message, line, columns));
            for e in &n.edges {
                rows.edges.push((
                    e.parent.clone(),
                    e.parent_column.clone(),
                    e.child.clone(),
                    e.child_column.clone(),
                    e.kind.as_str().to_string(),
                ));
            }
        }
        rows
    }
}

/// A column one step away, and how it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step<'g> {
    pub node: NodeId,
    /// None for a node that reads the column to join, filter or group.
    pub column: Option<&'g str>,
    pub kind: EdgeKind,
    pub distance: usize,
}

/// A node's column.
pub type ColumnAt<'g> = (NodeId, &'g str);
/// An edge of a walk: the column read, the reader (its column None for a filter), how.
pub type WalkEdge<'g> = (ColumnAt<'g>, (NodeId, Option<&'g str>), EdgeKind);

/// A walk's result: the columns reached (the start first), the edges between them, and
/// each node's distance from the start (negative upstream), the nearest it was reached at.
#[derive(Debug, Default)]
pub struct Walk<'g> {
    pub columns: Vec<(NodeId, &'g str)>,
    /// (source, target, kind); a filter's target column is None.
    pub edges: Vec<WalkEdge<'g>>,
    pub depth_of: HashMap<NodeId, i32>,
}

#[derive(Debug, Default)]
pub struct ColumnGraph {
    columns: Vec<(NodeId, Box<str>)>,
    by_name: HashMap<(NodeId, Box<str>), ColumnId>,
    up: Vec<Vec<(ColumnId, EdgeKind)>>,
    down: Vec<Vec<(ColumnId, EdgeKind)>>,
    /// Column → the nodes that read it only to join, filter or group.
    filtered_by: Vec<Vec<NodeId>>,
    /// Node → the filter columns it reads.
    filters_of: HashMap<NodeId, Vec<ColumnId>>,
    status: HashMap<NodeId, (Status, Vec<Box<str>>)>,
}

/// A node of `graph` as the column graph numbers it: by its index there.
pub fn node_id(graph: &MeshGraph, unique_id: &str) -> Option<NodeId> {
    graph.index_of(unique_id).map(|i| i.index() as NodeId)
}

impl ColumnGraph {
    /// Builds the graph over the nodes of `graph` (rows about other nodes are left out).
    pub fn from_rows(rows: ColumnRows, graph: &MeshGraph) -> Self {
        let node_of = |unique_id: &str| node_id(graph, unique_id);
        let mut g = ColumnGraph::default();
        for (id, status, message, line, columns) in rows.nodes {
            let Some(node) = node_of(&id) else { continue };
            let status = match status.as_str() {
                "ok" => Status::Ok,
                "unavailable" => Status::Unavailable { message: message.unwrap_or_default(), line },
                _ => Status::NoSql,
            };
            let columns: Vec<String> = serde_json::from_str(&columns).unwrap_or_default();
            g.status.insert(node, (status, columns.into_iter().map(String::into_boxed_str).collect()));
        }
        for (parent, parent_column, child, child_column, kind) in rows.edges {
            let (Some(p), Some(c), Some(kind)) = (node_of(&parent), node_of(&child), EdgeKind::parse(&kind)) else {
                continue;
            };
            let from = g.intern(p, &parent_column);
            match child_column {
                Some(col) => {
                    let to = g.intern(c, &col);
                    g.down[from as usize].push((to, kind));
                    g.up[to as usize].push((from, kind));
                }
                None => {
                    g.filtered_by[from as usize].push(c);
                    g.filters_of.entry(c).or_default().push(from);
                }
            }
        }
        g
    }

    fn intern(&mut self, node: NodeId, name: &str) -> ColumnId {
        let key = (node, name.to_lowercase().into_boxed_str());
        if let Some(&id) = self.by_name.get(&key) {
            return id;
        }
        let id = self.columns.len() as ColumnId;
        self.columns.push((node, name.into()));
        self.by_name.insert(key, id);
        self.up.push(Vec::new());
        self.down.push(Vec::new());
        self.filtered_by.push(Vec::new());
        id
    }

    fn find(&self, node: NodeId, column: &str) -> Option<ColumnId> {
        self.by_name.get(&(node, column.to_lowercase().into_boxed_str())).copied()
    }

    /// The node's column lineage status; None for a node without SQL lineage (a source, a seed).
    pub fn status(&self, node: NodeId) -> Option<&Status> {
        self.status.get(&node).map(|(s, _)| s)
    }

    /// The node's output columns as its SQL computes them.
    pub fn output_columns(&self, node: NodeId) -> &[Box<str>] {
        self.status.get(&node).map(|(_, c)| c.as_slice()).unwrap_or_default()
    }

    /// The column's spelling in the lineage (the manifest's when it declares it).
    pub fn spelling(&self, node: NodeId, column: &str) -> Option<&str> {
        self.find(node, column).map(|c| &*self.columns[c as usize].1)
    }

    /// The columns `node.column` reads, one step up.
    pub fn upstream(&self, node: NodeId, column: &str) -> Vec<Step<'_>> {
        let Some(c) = self.find(node, column) else { return Vec::new() };
        self.up[c as usize]
            .iter()
            .map(|&(p, kind)| {
                let (n, name) = &self.columns[p as usize];
                Step { node: *n, column: Some(name), kind, distance: 1 }
            })
            .collect()
    }

    /// The columns a node reads only to join, filter or group.
    pub fn filters(&self, node: NodeId) -> Vec<(NodeId, &str)> {
        let ids = self.filters_of.get(&node).map(Vec::as_slice).unwrap_or_default();
        ids.iter().map(|&c| (self.columns[c as usize].0, &*self.columns[c as usize].1)).collect()
    }

    /// Every read of `node.column` downstream, through the whole mesh, nearest first:
    /// columns computed from it, and nodes that filter on it or on a column computed from it.
    pub fn downstream(&self, node: NodeId, column: &str) -> Vec<Step<'_>> {
        let Some(start) = self.find(node, column) else { return Vec::new() };
        let mut seen = HashSet::from([start]);
        let mut queue = VecDeque::from([(start, 0usize)]);
        let mut out = Vec::new();
        let mut filtered: HashSet<NodeId> = HashSet::new();
        while let Some((c, d)) = queue.pop_front() {
            for &n in &self.filtered_by[c as usize] {
                if filtered.insert(n) {
                    out.push(Step { node: n, column: None, kind: EdgeKind::Filter, distance: d + 1 });
                }
            }
            for &(child, kind) in &self.down[c as usize] {
                if seen.insert(child) {
                    let (n, name) = &self.columns[child as usize];
                    out.push(Step { node: *n, column: Some(name), kind, distance: d + 1 });
                    queue.push_back((child, d + 1));
                }
            }
        }
        out
    }

    /// How many columns downstream read `node.column`, through the whole mesh.
    pub fn downstream_count(&self, node: NodeId, column: &str) -> usize {
        self.downstream(node, column).iter().filter(|s| s.column.is_some()).count()
    }

    /// The column's lineage up, down or both, `depth` steps at most.
    pub fn walk(&self, node: NodeId, column: &str, up: bool, down: bool, depth: usize) -> Walk<'_> {
        let mut walk = Walk::default();
        let Some(start) = self.find(node, column) else { return walk };
        let name = |c: ColumnId| (self.columns[c as usize].0, &*self.columns[c as usize].1);
        let mut seen = HashSet::from([start]);
        walk.columns.push(name(start));
        walk.depth_of.insert(node, 0);
        for (direction, wanted) in [(true, up), (false, down)] {
            if !wanted {
                continue;
            }
            let mut queue = VecDeque::from([(start, 0usize)]);
            let step = |d: usize| if direction { -(d as i32 + 1) } else { d as i32 + 1 };
            while let Some((c, d)) = queue.pop_front() {
                if d >= depth {
                    continue;
                }
                let next = if direction { &self.up[c as usize] } else { &self.down[c as usize] };
                for &(other, kind) in next {
                    let (source, target) = if direction { (other, c) } else { (c, other) };
                    let (tn, tc) = name(target);
                    walk.edges.push((name(source), (tn, Some(tc)), kind));
                    if seen.insert(other) {
                        walk.columns.push(name(other));
                        walk.depth_of.entry(self.columns[other as usize].0).or_insert(step(d));
                        queue.push_back((other, d + 1));
                    }
                }
                if !direction {
                    for &n in &self.filtered_by[c as usize] {
                        walk.edges.push((name(c), (n, None), EdgeKind::Filter));
                        walk.depth_of.entry(n).or_insert(step(d));
                    }
                }
            }
        }
        walk
    }
}
