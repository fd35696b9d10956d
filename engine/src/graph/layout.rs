//! The lineage view of a selection: fan-outs collapsed into "+N more" nodes, what does
//! not fit put into group nodes (group.rs), a hard cap only as the last resort, and a
//! deterministic left-to-right layered layout (longest-path layers, barycenter
//! ordering, tall layers wrapped into several columns).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use model::dto::{LineageEdge, LineageNode, LineageView};
use petgraph::{graph::NodeIndex, visit::EdgeRef, Direction};

use super::{
    group::{self, Group, Grouping},
    MeshGraph,
};
use crate::mesh::EdgeKind;

pub const NODE_WIDTH: f64 = 220.0;
pub const NODE_HEIGHT: f64 = 38.0;
const COLUMN: f64 = 300.0;
/// A wrapped layer's columns sit closer than layers do.
const WRAPPED_COLUMN: f64 = 250.0;
const ROW: f64 = 54.0;
/// A layer taller than this is wrapped into several columns.
pub const LAYER_ROWS: usize = 24;

#[derive(Debug, Clone)]
pub struct LayoutOptions {
    /// More children (or parents) than this, that lead nowhere else, become "+N more".
    pub fan_out: usize,
    /// How nodes are grouped (`group=`).
    pub grouping: Grouping,
    /// Items `auto` fits before it groups.
    pub budget: usize,
    /// At most this many items are drawn, whatever the grouping.
    pub cap: usize,
    /// Nodes whose fan-outs the user expanded, and group ids the user expanded.
    pub expanded: HashSet<String>,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        let limits = crate::limits::Limits::DEFAULT;
        LayoutOptions {
            fan_out: 12,
            grouping: Grouping::Auto,
            budget: limits.view_nodes,
            cap: limits.view_nodes_cap,
            expanded: HashSet::new(),
        }
    }
}

/// A drawn item: a node of the graph or a group of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Item {
    Node(NodeIndex),
    Group(usize),
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
    let mut groups: Vec<Group> = Vec::new();
    let mut held: HashMap<NodeIndex, usize> = HashMap::new();
    let mut pinned: HashSet<NodeIndex> = HashSet::new();
    let all = sorted(selected.iter().copied().collect());
    for &n in &all {
        if options.expanded.contains(&graph[n].unique_id) {
            pinned.extend(graph.neighbors_undirected(n).filter(in_selection));
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
                let members = ends[options.fan_out - 1..].to_vec();
                let kind = if children { "children" } else { "parents" };
                for &m in &members {
                    held.insert(m, groups.len());
                }
                groups.push(Group {
                    id: format!("more:{kind}:{}", graph[n].unique_id),
                    kind,
                    name: format!("+{} more", members.len()),
                    project: graph[n].project.clone(),
                    members,
                });
            }
        }
    }
    pinned.retain(|n| !held.contains_key(n));
    let fan_outs = groups.len();

    // What does not fit goes into groups.
    let free: Vec<NodeIndex> = all.iter().copied().filter(|n| !held.contains_key(n)).collect();
    for grouped in group::group(
        g,
        &free,
        focus,
        &pinned,
        options.grouping,
        &options.expanded,
        group::Room { budget: options.budget, taken: fan_outs },
    ) {
        for &m in &grouped.members {
            held.insert(m, groups.len());
        }
        groups.push(grouped);
    }
    let mut visible: Vec<NodeIndex> = free.into_iter().filter(|n| !held.contains_key(n)).collect();

    // The last resort: keep what is nearest the focus.
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
            let next: Vec<NodeIndex> =
                graph.neighbors_undirected(n).filter(|m| allowed.contains(m) && seen.insert(*m)).collect();
            queue.extend(sorted(next));
        }
        // Nodes not connected to the focus come last.
        order.extend(visible.iter().copied().filter(|n| !seen.contains(n)));
        let room = options.cap.saturating_sub(groups.len()).max(1);
        cut = order.len().saturating_sub(room);
        order.truncate(room);
        let kept: HashSet<NodeIndex> = order.into_iter().collect();
        visible.retain(|n| kept.contains(n));
        cut_reason = Some(format!(
            "{cut} node{} further from the focus left out: a view draws at most {} nodes and groups; group them (group=auto) or narrow the selector",
            if cut == 1 { "" } else { "s" },
            options.cap
        ));
    }

    let mut items: Vec<Item> = visible.iter().map(|&n| Item::Node(n)).collect();
    items.extend((0..groups.len()).map(Item::Group));
    let position: HashMap<Item, usize> = items.iter().copied().enumerate().map(|(i, it)| (it, i)).collect();
    let item_of = |n: NodeIndex| -> Option<usize> {
        match held.get(&n) {
            Some(&gi) => position.get(&Item::Group(gi)).copied(),
            None => position.get(&Item::Node(n)).copied(),
        }
    };

    // Edges between drawn items; those to or from a group are counted.
    let mut edges: BTreeMap<(usize, usize), (EdgeKind, u64)> = BTreeMap::new();
    for &n in &all {
        let Some(s) = item_of(n) else { continue };
        for e in graph.edges_directed(n, Direction::Outgoing) {
            if !selected.contains(&e.target()) {
                continue;
            }
            let Some(t) = item_of(e.target()) else { continue };
            if s == t {
                continue;
            }
            let entry = edges.entry((s, t)).or_insert((*e.weight(), 0));
            entry.1 += 1;
            // The strongest kind speaks for the bundle: cross-project, inferred, package, ref.
            if rank(*e.weight()) > rank(entry.0) {
                entry.0 = *e.weight();
            }
        }
    }
    let pairs: Vec<(usize, usize, String)> = edges.keys().map(|&(s, t)| (s, t, String::new())).collect();

    let coords = layered_positions(items.len(), &pairs);
    let mut nodes: Vec<LineageNode> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let (x, y) = coords[i];
        nodes.push(match item {
            Item::Node(n) => LineageNode { x: Some(x), y: Some(y), ..lineage_node(&graph[*n], focus.contains(n)) },
            Item::Group(gi) => {
                let group = &groups[*gi];
                let fan_out = matches!(group.kind, "children" | "parents");
                LineageNode {
                    id: group.id.clone(),
                    name: group.name.clone(),
                    project: group.project.clone(),
                    resource_type: "group".into(),
                    // Fan-outs list their ids, as they always have; other groups may
                    // hold thousands, and are counted instead.
                    collapsed: fan_out.then(|| group.members.iter().map(|m| graph[*m].unique_id.clone()).collect()),
                    count: Some(group.members.len() as u64),
                    group_kind: Some(group.kind.to_string()),
                    label: Some(if fan_out {
                        let owner = group.id.splitn(3, ':').nth(2).unwrap_or_default();
                        let owner = g.index_of(owner).map_or(owner, |o| graph[o].name.as_str());
                        format!("{} more {} of {owner}", group.members.len(), group.kind)
                    } else {
                        group.label(g)
                    }),
                    breakdown: Some(group.breakdown(g)),
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
        .map(|((s, t), (kind, count))| {
            let grouped = matches!(items[s], Item::Group(_)) || matches!(items[t], Item::Group(_));
            LineageEdge {
                source: nodes[s].id.clone(),
                target: nodes[t].id.clone(),
                kind: kind.as_str().to_string(),
                count: grouped.then_some(count),
            }
        })
        .collect();
    let fan_out_held: usize = groups[..fan_outs].iter().map(|g| g.members.len()).sum();
    let grouped: usize = groups.iter().map(|g| g.members.len()).sum();
    LineageView {
        nodes,
        edges,
        selected: selected.len() as u64,
        collapsed: fan_out_held as u64,
        cut: cut as u64,
        cut_reason,
        grouping: options.grouping.as_str().to_string(),
        grouped: grouped as u64,
        projects: g.projects.clone(),
        width: if items.is_empty() { 0.0 } else { width },
        height: if items.is_empty() { 0.0 } else { height },
        ..LineageView::default()
    }
}

fn rank(kind: EdgeKind) -> u8 {
    match kind {
        EdgeKind::CrossProject => 3,
        EdgeKind::Inferred => 2,
        EdgeKind::Package => 1,
        EdgeKind::Ref => 0,
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
        x: None,
        y: None,
        ..LineageNode::default()
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
    // A layer of more than LAYER_ROWS items wraps into columns, filled row by row so
    // the barycenter order still runs top to bottom.
    let columns: Vec<usize> = rows.iter().map(|r| r.len().div_ceil(LAYER_ROWS).max(1)).collect();
    let heights: Vec<usize> = rows.iter().zip(&columns).map(|(r, &k)| r.len().div_ceil(k)).collect();
    let tallest = heights.iter().copied().max().unwrap_or(0);
    let mut coords = vec![(0.0, 0.0); count];
    let mut x = 0.0;
    for ((row, &k), &height) in rows.iter().zip(&columns).zip(&heights) {
        let offset = (tallest - height) as f64 * ROW / 2.0;
        for (p, &n) in row.iter().enumerate() {
            coords[n] = (x + (p % k) as f64 * WRAPPED_COLUMN, offset + (p / k) as f64 * ROW);
        }
        x += COLUMN + (k - 1) as f64 * WRAPPED_COLUMN;
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
        assert_eq!(more.count, Some(989));
        assert_eq!(more.group_kind.as_deref(), Some("children"));
        assert_eq!(more.label.as_deref(), Some("989 more children of hub"));
        accounted_for(&view);
        // Expanded, the fan-out is drawn in full: a tall layer wraps into columns.
        let options = LayoutOptions { expanded: ["hub".to_string()].into(), ..LayoutOptions::default() };
        let view = lineage(&g, &all, &focus, &options);
        assert_eq!(view.nodes.len(), 1001);
        assert_eq!(view.cut, 0);
        accounted_for(&view);
        let ys: HashSet<i64> = view.nodes.iter().filter(|n| n.id != "hub").map(|n| n.y.unwrap() as i64).collect();
        assert!(ys.len() <= LAYER_ROWS, "{} rows", ys.len());
        no_overlaps(&view);
    }

    /// `selected` = drawn nodes + the counts of the groups + what the cap cut.
    fn accounted_for(view: &LineageView) {
        let drawn = view.nodes.iter().filter(|n| n.resource_type != "group").count() as u64;
        let grouped: u64 = view.nodes.iter().filter_map(|n| n.count).sum();
        assert_eq!(view.grouped, grouped);
        assert_eq!(view.selected, drawn + grouped + view.cut, "every node is drawn, grouped or counted as cut");
    }

    fn no_overlaps(view: &LineageView) {
        let mut boxes: Vec<(f64, f64)> = view.nodes.iter().map(|n| (n.x.unwrap(), n.y.unwrap())).collect();
        boxes.sort_by(|a, b| a.partial_cmp(b).unwrap());
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                if b.0 >= a.0 + NODE_WIDTH {
                    break;
                }
                assert!(b.1 >= a.1 + NODE_HEIGHT || a.1 >= b.1 + NODE_HEIGHT, "{a:?} overlaps {b:?}");
            }
        }
    }

    /// Three layers of 150 nodes each under one mart: `auto` draws the mart's parents
    /// and groups the two levels beyond them, furthest first.
    #[test]
    fn auto_groups_what_does_not_fit_and_accounts_for_everything() {
        let mut nodes = vec![node("mart")];
        let mut edges = Vec::new();
        for i in 0..150 {
            for (layer, folder) in [(0, "staging"), (1, "intermediate"), (2, "marts")] {
                let mut n = node(&format!("l{layer}_{i:03}"));
                n.path = Some(format!("models/{folder}/{}.sql", n.name));
                nodes.push(n);
            }
            edges.push((format!("l0_{i:03}"), format!("l1_{i:03}"), EdgeKind::Ref));
            edges.push((format!("l1_{i:03}"), format!("l2_{i:03}"), EdgeKind::Ref));
            edges.push((format!("l2_{i:03}"), "mart".to_string(), EdgeKind::Ref));
        }
        let g = MeshGraph::new(nodes, edges);
        let all: HashSet<NodeIndex> = g.graph.node_indices().collect();
        let focus: HashSet<NodeIndex> = [g.index_of("mart").unwrap()].into();
        let view = lineage(&g, &all, &focus, &LayoutOptions::default());
        assert_eq!(view.cut, 0);
        accounted_for(&view);
        let groups: Vec<(&str, u64)> = view
            .nodes
            .iter()
            .filter(|n| n.resource_type == "group")
            .map(|n| (n.id.as_str(), n.count.unwrap()))
            .collect();
        assert_eq!(groups, [("group:folder:p:models/intermediate", 150), ("group:folder:p:models/staging", 150)]);
        let bundle = view.edges.iter().find(|e| e.source == "group:folder:p:models/staging").unwrap();
        assert_eq!((bundle.target.as_str(), bundle.count), ("group:folder:p:models/intermediate", Some(150)));
        // 150 parents in one layer wrap into columns of at most LAYER_ROWS.
        let ys: HashSet<i64> =
            view.nodes.iter().filter(|n| n.id.starts_with("l2_")).map(|n| n.y.unwrap() as i64).collect();
        assert!(ys.len() <= LAYER_ROWS);
        no_overlaps(&view);
        // Expanding a group draws its members, and groups nothing else that fits.
        let options = LayoutOptions {
            expanded: ["group:folder:p:models/staging".to_string()].into(),
            ..LayoutOptions::default()
        };
        let view = lineage(&g, &all, &focus, &options);
        accounted_for(&view);
        assert!(view.nodes.iter().any(|n| n.id == "l0_000"));
        // group=none draws everything up to the hard cap, then cuts and says so.
        let options = LayoutOptions { grouping: Grouping::None, cap: 300, ..LayoutOptions::default() };
        let view = lineage(&g, &all, &focus, &options);
        assert_eq!((view.nodes.len(), view.cut), (300, 151));
        accounted_for(&view);
        assert!(view.cut_reason.unwrap().contains("at most 300"));
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
