//! The lineage view of a selection: fan-outs collapsed into "+N more" nodes, a cap
//! on what is drawn, and a deterministic left-to-right layered layout (longest-path
//! layers, barycenter ordering).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use model::dto::{LineageEdge, LineageNode, LineageView};
use petgraph::{graph::NodeIndex, Direction};

use super::MeshGraph;

pub const NODE_WIDTH: f64 = 220.0;
pub const NODE_HEIGHT: f64 = 38.0;
const COLUMN: f64 = 300.0;
const ROW: f64 = 54.0;

#[derive(Debug, Clone)]
pub struct LayoutOptions {
    /// More children (or parents) than this, that lead nowhere else, become "+N more".
    pub fan_out: usize,
    /// At most this many nodes are drawn.
    pub cap: usize,
    /// Nodes whose fan-outs the user expanded.
    pub expanded: HashSet<String>,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions { fan_out: 12, cap: crate::limits::Limits::DEFAULT.view_nodes, expanded: HashSet::new() }
    }
}

/// A drawn item: a node of the graph or a group of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Item {
    Node(NodeIndex),
    /// Children (true) or parents (false) of a node, collapsed.
    More(NodeIndex, bool),
}

pub fn lineage(
    g: &MeshGraph,
    selected: &HashSet<NodeIndex>,
    focus: &HashSet<NodeIndex>,
    options: &LayoutOptions,
) -> LineageView {
    let graph = &g.graph;
    let in_selection = |n: &NodeIndex| selected.contains(n);
    let sorted = |mut v: Vec<NodeIndex>| {
        v.sort_by(|a, b| {
            (&graph[*a].project, &graph[*a].name, &graph[*a].unique_id).cmp(&(
                &graph[*b].project,
                &graph[*b].name,
                &graph[*b].unique_id,
            ))
        });
        v
    };

    // Collapse fan-outs of leaves (or roots) that are not a focus of the view.
    let mut held: HashMap<NodeIndex, Item> = HashMap::new();
    let mut groups: BTreeMap<Item, Vec<NodeIndex>> = BTreeMap::new();
    for &n in &sorted(selected.iter().copied().collect()) {
        if options.expanded.contains(&graph[n].unique_id) {
            continue;
        }
        for (direction, children) in [(Direction::Outgoing, true), (Direction::Incoming, false)] {
            let ends: Vec<NodeIndex> = sorted(
                graph
                    .neighbors_directed(n, direction)
                    .filter(in_selection)
                    .filter(|m| !focus.contains(m) && !held.contains_key(m))
                    .filter(|&m| graph.neighbors_directed(m, direction).all(|x| !selected.contains(&x)))
                    .filter(|&m| graph.neighbors_directed(m, direction.opposite()).filter(in_selection).count() == 1)
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect(),
            );
            if ends.len() > options.fan_out {
                let group = Item::More(n, children);
                for &m in &ends[options.fan_out - 1..] {
                    held.insert(m, group.clone());
                }
                groups.insert(group, ends[options.fan_out - 1..].to_vec());
            }
        }
    }

    // Cap: keep what is nearest the focus.
    let mut visible: Vec<NodeIndex> = sorted(selected.iter().copied().filter(|n| !held.contains_key(n)).collect());
    let mut cut = 0;
    let mut cut_reason = None;
    if visible.len() + groups.len() > options.cap {
        let mut order: Vec<NodeIndex> = Vec::new();
        let mut seen: HashSet<NodeIndex> = HashSet::new();
        let starts: Vec<NodeIndex> = if focus.iter().any(|f| visible.contains(f)) {
            sorted(focus.iter().copied().filter(|f| visible.contains(f)).collect())
        } else {
            visible.iter().take(1).copied().collect()
        };
        let mut queue: VecDeque<NodeIndex> = starts.into_iter().collect();
        seen.extend(queue.iter().copied());
        let allowed: HashSet<NodeIndex> = visible.iter().copied().collect();
        while let Some(n) = queue.pop_front() {
            order.push(n);
            let mut next: Vec<NodeIndex> =
                graph.neighbors_undirected(n).filter(|m| allowed.contains(m) && seen.insert(*m)).collect();
            next = sorted(next);
            queue.extend(next);
        }
        // Nodes not connected to the focus come last.
        order.extend(visible.iter().copied().filter(|n| !seen.contains(n)));
        let room = options.cap.saturating_sub(groups.len()).max(1);
        cut = order.len().saturating_sub(room);
        order.truncate(room);
        let kept: HashSet<NodeIndex> = order.into_iter().collect();
        visible.retain(|n| kept.contains(n));
        groups.retain(|g, _| match g {
            Item::More(owner, _) => kept.contains(owner),
            Item::Node(_) => true,
        });
        cut_reason = Some(format!(
            "{cut} node{} further from the focus left out: a view draws at most {} nodes; narrow the selector or lower the depth",
            if cut == 1 { "" } else { "s" },
            options.cap
        ));
    }

    let mut items: Vec<Item> = visible.iter().map(|&n| Item::Node(n)).collect();
    items.extend(groups.keys().cloned());
    let position: HashMap<Item, usize> = items.iter().cloned().enumerate().map(|(i, it)| (it, i)).collect();
    let shown: HashSet<NodeIndex> = visible.iter().copied().collect();

    // Edges between drawn items.
    let mut edges: Vec<(usize, usize, String)> = Vec::new();
    for &n in &visible {
        for e in graph.edges_directed(n, Direction::Outgoing) {
            let target = petgraph::visit::EdgeRef::target(&e);
            let kind = e.weight().as_str().to_string();
            if shown.contains(&target) {
                edges.push((position[&Item::Node(n)], position[&Item::Node(target)], kind));
            }
        }
    }
    for group in groups.keys() {
        if let Item::More(owner, children) = group {
            let (o, gi) = (position[&Item::Node(*owner)], position[group]);
            edges.push(if *children { (o, gi, "ref".into()) } else { (gi, o, "ref".into()) });
        }
    }
    edges.sort();
    edges.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);

    let coords = layered_positions(items.len(), &edges);
    let mut nodes: Vec<LineageNode> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let (x, y) = coords[i];
        nodes.push(match item {
            Item::Node(n) => LineageNode { x: Some(x), y: Some(y), ..lineage_node(&graph[*n], focus.contains(n)) },
            Item::More(owner, children) => {
                let members = &groups[item];
                let d = &graph[*owner];
                LineageNode {
                    id: format!("more:{}:{}", if *children { "children" } else { "parents" }, d.unique_id),
                    name: format!("+{} more", members.len()),
                    project: d.project.clone(),
                    resource_type: "group".into(),
                    collapsed: Some(members.iter().map(|m| graph[*m].unique_id.clone()).collect()),
                    x: Some(x),
                    y: Some(y),
                    ..LineageNode::default()
                }
            }
        });
    }
    let width = nodes.iter().filter_map(|n| n.x).fold(0.0, f64::max) + NODE_WIDTH;
    let height = nodes.iter().filter_map(|n| n.y).fold(0.0, f64::max) + NODE_HEIGHT;
    let edges = edges
        .into_iter()
        .map(|(s, t, kind)| LineageEdge { source: nodes[s].id.clone(), target: nodes[t].id.clone(), kind })
        .collect();
    LineageView {
        nodes,
        edges,
        selected: selected.len() as u64,
        collapsed: held.len() as u64,
        cut: cut as u64,
        cut_reason,
        width: if visible.is_empty() && groups.is_empty() { 0.0 } else { width },
        height: if visible.is_empty() && groups.is_empty() { 0.0 } else { height },
        ..LineageView::default()
    }
}

/// A graph node as the view draws it, without a position.
pub fn lineage_node(d: &super::GraphNode, focus: bool) -> LineageNode {
    LineageNode {
        id: d.unique_id.clone(),
        name: d.name.clone(),
        project: d.project.clone(),
        resource_type: d.resource_type.clone(),
        access: d.access.clone(),
        contract: d.contract_enforced,
        version: d.version.clone(),
        version_state: d.version_state.clone(),
        materialized: d.materialized.clone(),
        test_status: d.test_status.clone(),
        external: d.external,
        focus,
        collapsed: None,
        impact: None,
        owners: Vec::new(),
        x: None,
        y: None,
    }
}

/// Layers by longest path from the roots (back edges of cycles ignored), order within
/// a layer by the mean position of neighbours, then positions.
pub fn layered_positions(count: usize, edges: &[(usize, usize, String)]) -> Vec<(f64, f64)> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (s, t, _) in edges {
        if s != t {
            children[*s].push(*t);
            parents[*t].push(*s);
        }
    }
    // Kahn's algorithm; nodes left in cycles are released in index order.
    let mut indegree: Vec<usize> = parents.iter().map(Vec::len).collect();
    let mut layer = vec![0usize; count];
    let mut done = vec![false; count];
    let mut queue: VecDeque<usize> = (0..count).filter(|&i| indegree[i] == 0).collect();
    let mut processed = 0;
    while processed < count {
        let Some(n) = queue.pop_front() else {
            // A cycle: take the first node not placed yet.
            if let Some(n) = (0..count).find(|&i| !done[i]) {
                indegree[n] = 0;
                queue.push_back(n);
            }
            continue;
        };
        if done[n] {
            continue;
        }
        done[n] = true;
        processed += 1;
        for &c in &children[n] {
            if !done[c] {
                layer[c] = layer[c].max(layer[n] + 1);
                indegree[c] = indegree[c].saturating_sub(1);
                if indegree[c] == 0 {
                    queue.push_back(c);
                }
            }
        }
    }
    let layers = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (i, &l) in layer.iter().enumerate() {
        rows[l].push(i);
    }
    let mut rank = vec![0f64; count];
    let renumber = |rows: &Vec<Vec<usize>>, rank: &mut Vec<f64>| {
        for row in rows {
            for (p, &n) in row.iter().enumerate() {
                rank[n] = p as f64;
            }
        }
    };
    renumber(&rows, &mut rank);
    for sweep in 0..4 {
        let down = sweep % 2 == 0;
        let order: Vec<usize> =
            if down { (1..layers).collect() } else { (0..layers.saturating_sub(1)).rev().collect() };
        for l in order {
            let neighbours = if down { &parents } else { &children };
            let mut keyed: Vec<(f64, usize)> = rows[l]
                .iter()
                .map(|&n| {
                    let ns = &neighbours[n];
                    let key = if ns.is_empty() {
                        rank[n]
                    } else {
                        ns.iter().map(|&m| rank[m]).sum::<f64>() / ns.len() as f64
                    };
                    (key, n)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal).then(a.1.cmp(&b.1)));
            rows[l] = keyed.into_iter().map(|(_, n)| n).collect();
            renumber(&rows, &mut rank);
        }
    }
    let tallest = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut coords = vec![(0.0, 0.0); count];
    for (l, row) in rows.iter().enumerate() {
        let offset = (tallest - row.len()) as f64 * ROW / 2.0;
        for (p, &n) in row.iter().enumerate() {
            coords[n] = (l as f64 * COLUMN, offset + p as f64 * ROW);
        }
    }
    coords
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{graph::GraphNode, mesh::EdgeKind};

    fn node(id: &str) -> GraphNode {
        GraphNode {
            unique_id: id.into(),
            name: id.into(),
            project: "p".into(),
            resource_type: "model".into(),
            ..GraphNode::default()
        }
    }

    fn star(children: usize) -> MeshGraph {
        let mut nodes = vec![node("hub")];
        let mut edges = Vec::new();
        for i in 0..children {
            let id = format!("c{i:04}");
            nodes.push(node(&id));
            edges.push(("hub".to_string(), id, EdgeKind::Ref));
        }
        MeshGraph::new(nodes, edges)
    }

    #[test]
    fn a_thousand_children_collapse_into_one_more_node() {
        let g = star(1000);
        let all: HashSet<NodeIndex> = g.graph.node_indices().collect();
        let focus: HashSet<NodeIndex> = [g.index_of("hub").unwrap()].into();
        let view = lineage(&g, &all, &focus, &LayoutOptions::default());
        assert_eq!(view.selected, 1001);
        assert_eq!(view.nodes.len(), 1 + 11 + 1);
        let more = view.nodes.iter().find(|n| n.collapsed.is_some()).unwrap();
        assert_eq!(more.name, "+989 more");
        assert_eq!(more.collapsed.as_ref().unwrap().len(), 989);
        assert_eq!(view.collapsed, 989);
        assert_eq!(view.cut, 0);
        // Expanded, the cap applies instead and says so.
        let options = LayoutOptions { expanded: ["hub".to_string()].into(), ..LayoutOptions::default() };
        let view = lineage(&g, &all, &focus, &options);
        assert_eq!(view.nodes.len(), 400);
        assert_eq!(view.cut, 601);
        assert!(view.cut_reason.unwrap().contains("at most 400"));
    }

    #[test]
    fn layers_run_left_to_right_and_are_deterministic() {
        let nodes = vec![node("a"), node("b"), node("c"), node("d")];
        let edges = vec![
            ("a".to_string(), "b".to_string(), EdgeKind::Ref),
            ("b".to_string(), "c".to_string(), EdgeKind::Ref),
            ("a".to_string(), "c".to_string(), EdgeKind::Ref),
            ("c".to_string(), "d".to_string(), EdgeKind::Ref),
            ("d".to_string(), "b".to_string(), EdgeKind::Ref),
        ];
        let g = MeshGraph::new(nodes, edges);
        let all: HashSet<NodeIndex> = g.graph.node_indices().collect();
        let first = lineage(&g, &all, &HashSet::new(), &LayoutOptions::default());
        let second = lineage(&g, &all, &HashSet::new(), &LayoutOptions::default());
        assert_eq!(first, second);
        let x = |id: &str| first.nodes.iter().find(|n| n.id == id).unwrap().x.unwrap();
        assert!(x("a") < x("b") || x("a") < x("c"), "a comes first");
        assert_eq!(first.edges.len(), 5);
    }

    #[test]
    fn a_chain_two_hundred_deep_lays_out_in_two_hundred_columns() {
        let nodes: Vec<GraphNode> = (0..200).map(|i| node(&format!("n{i:03}"))).collect();
        let edges = (1..200).map(|i| (format!("n{:03}", i - 1), format!("n{i:03}"), EdgeKind::Ref)).collect();
        let g = MeshGraph::new(nodes, edges);
        let all: HashSet<NodeIndex> = g.graph.node_indices().collect();
        let view = lineage(&g, &all, &HashSet::new(), &LayoutOptions::default());
        let xs: HashSet<i64> = view.nodes.iter().map(|n| n.x.unwrap() as i64).collect();
        assert_eq!(xs.len(), 200);
        assert_eq!(view.width, 199.0 * COLUMN + NODE_WIDTH);
    }
}
