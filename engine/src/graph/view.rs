//! Views the API and pages ask for: a lineage view of a selector, the project-level
//! mesh. Computed from the in-memory graph.

use std::collections::{BTreeMap, HashSet};

use model::dto::{LineageNode, LineageView, MeshEdge, MeshProject, MeshView};
use petgraph::visit::EdgeRef;

use super::{
    layout::{layered_positions, lineage, lineage_node, LayoutOptions},
    selector::{self, SelectorError},
    MeshGraph,
};
use crate::mesh::EdgeKind;

/// Most nodes `collapse=false` returns: scripts get the whole selection, up to this.
pub const MAX_UNCOLLAPSED: usize = crate::limits::Limits::DEFAULT.view_nodes_uncollapsed;

#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("select: {0}")]
    Select(SelectorError),
    #[error("exclude: {0}")]
    Exclude(SelectorError),
    #[error("the selection has {0} nodes; collapse=false returns at most {MAX_UNCOLLAPSED}: narrow the selector")]
    TooLarge(usize),
}

/// Tests crowd lineage; they are drawn only when a selector asks for them.
fn asks_for_tests(text: &str) -> bool {
    text.contains("resource_type:test") || text.contains("resource_type:unit_test") || text.contains("test_type:")
}

pub fn lineage_view(
    g: &MeshGraph,
    select: &str,
    exclude: &str,
    collapse: bool,
    expanded: &HashSet<String>,
) -> Result<LineageView, ViewError> {
    let parsed = selector::parse(select.trim()).map_err(ViewError::Select)?;
    let excluded = if exclude.trim().is_empty() {
        None
    } else {
        Some(selector::parse(exclude.trim()).map_err(ViewError::Exclude)?)
    };
    let mut selected = g.select(&parsed, excluded.as_ref());
    if !asks_for_tests(select) {
        selected.retain(|&n| !matches!(g.graph[n].resource_type.as_str(), "test" | "unit_test"));
    }
    let focus = g.focus(&parsed);
    let mut view = if collapse {
        let options = LayoutOptions { expanded: expanded.clone(), ..LayoutOptions::default() };
        lineage(g, &selected, &focus, &options)
    } else {
        if selected.len() > MAX_UNCOLLAPSED {
            return Err(ViewError::TooLarge(selected.len()));
        }
        let mut nodes: Vec<LineageNode> =
            selected.iter().map(|&n| lineage_node(&g.graph[n], focus.contains(&n))).collect();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        let mut edges: Vec<model::dto::LineageEdge> = selected
            .iter()
            .flat_map(|&n| g.graph.edges(n).filter(|e| selected.contains(&e.target())).collect::<Vec<_>>())
            .map(|e| model::dto::LineageEdge {
                source: g.graph[e.source()].unique_id.clone(),
                target: g.graph[e.target()].unique_id.clone(),
                kind: e.weight().as_str().to_string(),
            })
            .collect();
        edges.sort_by(|a, b| (&a.source, &a.target).cmp(&(&b.source, &b.target)));
        LineageView { selected: nodes.len() as u64, nodes, edges, ..LineageView::default() }
    };
    view.select = select.to_string();
    view.exclude = exclude.to_string();
    Ok(view)
}

/// Projects as nodes, the refs between them as weighted edges.
pub fn mesh_view(g: &MeshGraph) -> MeshView {
    let mut projects: BTreeMap<String, MeshProject> = BTreeMap::new();
    for n in g.graph.node_weights() {
        if matches!(n.resource_type.as_str(), "test" | "unit_test") {
            continue;
        }
        let p = projects.entry(n.project.clone()).or_insert_with(|| MeshProject {
            name: n.project.clone(),
            external: true,
            ..MeshProject::default()
        });
        p.nodes += 1;
        p.external &= n.external;
        if n.resource_type == "model" {
            p.models += 1;
            p.public_models += u64::from(n.access.as_deref() == Some("public"));
        }
    }
    let mut edges: BTreeMap<(String, String), MeshEdge> = BTreeMap::new();
    for e in g.graph.edge_references() {
        if *e.weight() == EdgeKind::Ref {
            continue;
        }
        let (parent, child) = (&g.graph[e.source()], &g.graph[e.target()]);
        let edge = edges.entry((parent.project.clone(), child.project.clone())).or_insert_with(|| MeshEdge {
            source: parent.project.clone(),
            target: child.project.clone(),
            ..MeshEdge::default()
        });
        match e.weight() {
            EdgeKind::Inferred => edge.inferred += 1,
            _ => edge.refs += 1,
        }
        let label = match &parent.version {
            Some(v) => format!("{}.v{v}", parent.name),
            None => parent.name.clone(),
        };
        if !edge.models.contains(&label) {
            edge.models.push(label);
            edge.model_ids.push(parent.unique_id.clone());
        }
    }
    // A package install joins two projects even where no node refs the other.
    for (installer, installed, nodes) in &g.packages {
        if !(projects.contains_key(installer) && projects.contains_key(installed)) {
            continue;
        }
        edges
            .entry((installed.clone(), installer.clone()))
            .or_insert_with(|| MeshEdge { source: installed.clone(), target: installer.clone(), ..MeshEdge::default() })
            .packages = *nodes;
    }
    let mut projects: Vec<MeshProject> = projects.into_values().collect();
    let index: BTreeMap<String, usize> = projects.iter().enumerate().map(|(i, p)| (p.name.clone(), i)).collect();
    let pairs: Vec<(usize, usize, String)> =
        edges.values().map(|e| (index[&e.source], index[&e.target], "cross_project".to_string())).collect();
    let coords = layered_positions(projects.len(), &pairs);
    for (p, (x, y)) in projects.iter_mut().zip(coords) {
        p.x = x;
        p.y = y * 1.6;
    }
    let mut edges: Vec<MeshEdge> = edges.into_values().collect();
    for e in &mut edges {
        e.models.sort();
        e.model_ids.sort();
    }
    let width = projects.iter().map(|p| p.x).fold(0.0, f64::max) + super::layout::NODE_WIDTH;
    let height = projects.iter().map(|p| p.y).fold(0.0, f64::max) + super::layout::NODE_HEIGHT * 1.6;
    MeshView { projects, edges, width, height }
}
