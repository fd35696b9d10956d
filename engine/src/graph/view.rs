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

#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("select: {0}")]
    Select(SelectorError),
    #[error("exclude: {0}")]
    Exclude(SelectorError),
    #[error("the selection has {0} nodes; collapse=false returns at most {1}: narrow the selector")]
    TooLarge(usize, usize),
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
    grouping: super::group::Grouping,
    expanded: &HashSet<String>,
    limits: &crate::limits::Limits,
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
        let options = LayoutOptions {
            expanded: expanded.clone(),
            grouping,
            budget: limits.view_nodes,
            cap: limits.view_nodes_cap,
            ..LayoutOptions::default()
        };
        lineage(g, &selected, &focus, &options)
    } else {
        if selected.len() > limits.view_nodes_uncollapsed {
            return Err(ViewError::TooLarge(selected.len(), limits.view_nodes_uncollapsed));
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
                count: None,
            })
            .collect();
        edges.sort_by(|a, b| (&a.source, &a.target).cmp(&(&b.source, &b.target)));
        LineageView { selected: nodes.len() as u64, nodes, edges, grouping: "none".into(), ..LineageView::default() }
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
    let coords = mesh_positions(projects.len(), &pairs);
    for (p, (x, y)) in projects.iter_mut().zip(coords) {
        p.x = x;
        p.y = y;
    }
    let mut edges: Vec<MeshEdge> = edges.into_values().collect();
    for e in &mut edges {
        e.models.sort();
        e.model_ids.sort();
    }
    let width = projects.iter().map(|p| p.x).fold(0.0, f64::max) + super::layout::NODE_WIDTH;
    let height = projects.iter().map(|p| p.y).fold(0.0, f64::max) + MESH_BOX_HEIGHT;
    MeshView { projects, edges, width, height }
}

/// A project box's height on the mesh page.
const MESH_BOX_HEIGHT: f64 = 60.0;
/// Space a project takes along the circle.
const CIRCLE_STEP: f64 = 330.0;
/// The most projects one layer of the layered layout holds before the circle reads better.
const MESH_LAYER_MAX: usize = 6;

/// Where each project sits. A mesh that flows one way (no cycle, no layer too tall) is
/// laid out in layers, upstream on the left. A mesh with edges both ways or cycles is
/// laid out on a circle, where no edge runs through a box and the two directions of a
/// pair bend apart; the page bends every edge to its left.
pub fn mesh_positions(count: usize, pairs: &[(usize, usize, String)]) -> Vec<(f64, f64)> {
    let layered: Vec<(f64, f64)> =
        layered_positions(count, pairs).into_iter().map(|(x, y)| (x * 1.25, y * 2.4)).collect();
    let forward = pairs.iter().all(|(s, t, _)| s == t || layered[*s].0 < layered[*t].0);
    let mut per_layer: BTreeMap<i64, usize> = BTreeMap::new();
    for (x, _) in &layered {
        *per_layer.entry(*x as i64).or_default() += 1;
    }
    let widest = per_layer.values().copied().max().unwrap_or(0);
    // Two layers apart, an edge would pass behind the boxes between them.
    let skips = pairs.iter().any(|(s, t, _)| {
        let (a, b) = (layered[*s].0, layered[*t].0);
        layered
            .iter()
            .any(|(x, y)| *x > a && *x < b && (*y - layered[*s].1).abs() < 1.0 && (*y - layered[*t].1).abs() < 1.0)
    });
    if count <= 2 || (forward && widest <= MESH_LAYER_MAX && !skips) {
        return layered;
    }
    let radius = (count as f64 * CIRCLE_STEP / std::f64::consts::TAU).max(260.0);
    let mut coords: Vec<(f64, f64)> = (0..count)
        .map(|i| {
            let angle = std::f64::consts::TAU * i as f64 / count as f64 - std::f64::consts::FRAC_PI_2;
            (radius + radius * angle.cos(), radius + radius * angle.sin())
        })
        .collect();
    let (min_x, min_y) = coords.iter().fold((f64::MAX, f64::MAX), |(a, b), (x, y)| (a.min(*x), b.min(*y)));
    for c in &mut coords {
        *c = (c.0 - min_x, c.1 - min_y);
    }
    coords
}

#[cfg(test)]
mod tests {
    use super::{mesh_positions, MESH_BOX_HEIGHT};
    use crate::graph::layout::NODE_WIDTH;

    fn pairs(list: &[(usize, usize)]) -> Vec<(usize, usize, String)> {
        list.iter().map(|&(s, t)| (s, t, "cross_project".to_string())).collect()
    }

    fn apart(coords: &[(f64, f64)]) -> bool {
        coords.iter().enumerate().all(|(i, a)| {
            coords[i + 1..].iter().all(|b| (a.0 - b.0).abs() >= NODE_WIDTH || (a.1 - b.1).abs() >= MESH_BOX_HEIGHT)
        })
    }

    #[test]
    fn a_mesh_that_flows_one_way_is_layered() {
        let coords = mesh_positions(4, &pairs(&[(0, 1), (0, 2), (1, 3), (2, 3)]));
        assert!(coords[0].0 < coords[1].0 && coords[1].0 < coords[3].0, "{coords:?}");
        assert!(apart(&coords));
    }

    #[test]
    fn projects_linked_both_ways_sit_on_a_circle() {
        let all: Vec<(usize, usize)> =
            (0..5).flat_map(|s| (0..5).filter(move |&t| t != s).map(move |t| (s, t))).collect();
        let coords = mesh_positions(5, &pairs(&all));
        let ys: std::collections::BTreeSet<i64> = coords.iter().map(|c| c.1 as i64).collect();
        assert!(ys.len() >= 3, "not one row: {coords:?}");
        assert!(apart(&coords));
        let many = mesh_positions(50, &pairs(&all));
        assert!(apart(&many), "50 projects do not overlap");
    }
}
