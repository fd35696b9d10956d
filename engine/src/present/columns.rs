//! Column lineage as the pages and the API show it: a node's columns with what they read
//! and how many read them, and one column's lineage walk with its nodes as table cards.

use std::collections::BTreeMap;

use model::dto::{
    Column, ColumnCell, ColumnEdgeView, ColumnEnd, ColumnKey, ColumnLineage, ColumnLineageNode, ColumnLineageStatus,
    ColumnUpstream,
};
use petgraph::{graph::NodeIndex, Direction};

use crate::{
    columns::{
        graph::{ColumnGraph, NodeId},
        Status,
    },
    graph::{GraphNode, MeshGraph},
};

fn node(graph: &MeshGraph, id: NodeId) -> &GraphNode {
    &graph.graph[NodeIndex::new(id as usize)]
}

pub fn status(columns: &ColumnGraph, id: Option<NodeId>) -> ColumnLineageStatus {
    let status = id.and_then(|i| columns.status(i)).unwrap_or(&Status::NoSql);
    let (message, line) = match status {
        Status::Ok => (None, None),
        Status::Unavailable { message, line } => (Some(message.clone()), *line),
        Status::NoSql => (Some("the manifest has no compiled SQL for this node".to_string()), None),
    };
    ColumnLineageStatus { status: status.as_str().to_string(), message, line }
}

/// Adds to a node's columns what each reads and how many read it; a model whose
/// YAML and catalog list no columns gets the columns its SQL computes.
pub fn annotate(graph: &MeshGraph, columns: &ColumnGraph, id: Option<NodeId>, list: &mut Vec<Column>) {
    let Some(id) = id else { return };
    if list.is_empty() {
        list.extend(columns.output_columns(id).iter().map(|c| Column { name: c.to_string(), ..Column::default() }));
    }
    for column in list.iter_mut() {
        column.upstream = columns
            .upstream(id, &column.name)
            .into_iter()
            .filter_map(|s| Some(upstream(graph, s.node, s.column?, s.kind.as_str())))
            .collect();
        column.upstream.sort_by(|a, b| (&a.project, &a.name, &a.column).cmp(&(&b.project, &b.name, &b.column)));
        column.downstream_count = columns.downstream_count(id, &column.name) as u64;
    }
}

/// The columns a node reads only to join, filter or group.
pub fn filters(graph: &MeshGraph, columns: &ColumnGraph, id: Option<NodeId>) -> Vec<ColumnUpstream> {
    let Some(id) = id else { return Vec::new() };
    let mut out: Vec<ColumnUpstream> =
        columns.filters(id).into_iter().map(|(n, c)| upstream(graph, n, c, "filter")).collect();
    out.sort_by(|a, b| (&a.project, &a.name, &a.column).cmp(&(&b.project, &b.name, &b.column)));
    out
}

fn upstream(graph: &MeshGraph, id: NodeId, column: &str, kind: &str) -> ColumnUpstream {
    let n = node(graph, id);
    ColumnUpstream {
        node: n.unique_id.clone(),
        column: column.to_string(),
        kind: kind.to_string(),
        name: n.name.clone(),
        project: n.project.clone(),
    }
}

/// The lineage of `column` of node `id`, `depth` steps up, down or both; the cards'
/// types are filled in by [`fill_types`].
pub fn lineage(
    graph: &MeshGraph,
    columns: &ColumnGraph,
    id: NodeId,
    column: &str,
    up: bool,
    down: bool,
    depth: usize,
) -> ColumnLineage {
    let walk = columns.walk(id, column, up, down, depth);
    let start = node(graph, id);
    let spelled = columns.spelling(id, column).unwrap_or(column).to_string();
    // Each node's cells.
    let mut cells: BTreeMap<NodeId, Vec<&str>> = BTreeMap::new();
    cells.entry(id).or_default().push(&spelled);
    for &(n, c) in &walk.columns {
        let list = cells.entry(n).or_default();
        if !list.iter().any(|x| x.eq_ignore_ascii_case(c)) {
            list.push(c);
        }
    }
    let mut edges = Vec::with_capacity(walk.edges.len());
    for &((sn, sc), (tn, tc), kind) in &walk.edges {
        cells.entry(tn).or_default();
        edges.push(ColumnEdgeView {
            source: ColumnEnd { node: node(graph, sn).unique_id.clone(), column: Some(sc.to_string()) },
            target: ColumnEnd { node: node(graph, tn).unique_id.clone(), column: tc.map(str::to_string) },
            kind: kind.as_str().to_string(),
        });
    }
    let mut nodes: Vec<ColumnLineageNode> = cells
        .iter()
        .map(|(&n, cols)| {
            let g = node(graph, n);
            ColumnLineageNode {
                unique_id: g.unique_id.clone(),
                name: g.name.clone(),
                project: g.project.clone(),
                resource_type: g.resource_type.clone(),
                columns: cols.iter().map(|c| ColumnCell { name: c.to_string(), data_type: None }).collect(),
                depth: walk.depth_of.get(&n).copied().unwrap_or(0),
            }
        })
        .collect();
    nodes.sort_by(|a, b| (a.depth, &a.project, &a.name).cmp(&(b.depth, &b.project, &b.name)));
    // What the walk cannot see through: SQL nodes next to it whose lineage is unavailable.
    let mut unavailable: Vec<String> = Vec::new();
    for &n in cells.keys() {
        let index = NodeIndex::new(n as usize);
        let mut next: Vec<NodeIndex> = Vec::new();
        if down {
            next.extend(graph.graph.neighbors_directed(index, Direction::Outgoing));
        }
        if up {
            next.push(index);
        }
        for m in next {
            if matches!(columns.status(m.index() as u32), Some(Status::Unavailable { .. })) {
                unavailable.push(graph.graph[m].unique_id.clone());
            }
        }
    }
    unavailable.sort();
    unavailable.dedup();
    ColumnLineage { column: ColumnKey { node: start.unique_id.clone(), name: spelled }, nodes, edges, unavailable }
}

/// Puts each card's column types in, from the nodes' records.
pub fn fill_types(view: &mut ColumnLineage, types: &crate::store::ColumnTypes) {
    for n in &mut view.nodes {
        let Some(known) = types.get(&n.unique_id) else { continue };
        for cell in &mut n.columns {
            cell.data_type =
                known.iter().find(|(name, _)| name.eq_ignore_ascii_case(&cell.name)).and_then(|(_, t)| t.clone());
        }
    }
}

/// Column lineage coverage of a project's own SQL nodes, with its failures.
pub fn coverage(graph: &MeshGraph, columns: &ColumnGraph, project: &str) -> model::dto::ColumnCoverage {
    let mut out = model::dto::ColumnCoverage::default();
    for index in graph.graph.node_indices() {
        let n = &graph.graph[index];
        if n.project != project || n.external {
            continue;
        }
        match columns.status(index.index() as u32) {
            Some(Status::Ok) => out.parsed += 1,
            Some(Status::Unavailable { message, line }) => {
                out.unavailable += 1;
                if out.failures.len() < 50 {
                    out.failures.push(model::dto::ColumnFailure {
                        unique_id: n.unique_id.clone(),
                        name: n.name.clone(),
                        message: message.clone(),
                        line: *line,
                    });
                }
            }
            Some(Status::NoSql) => out.no_sql += 1,
            None => {}
        }
    }
    out.failures.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
