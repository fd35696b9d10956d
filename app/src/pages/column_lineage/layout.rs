//! Where a column lineage's table cards and edges go: one column of cards a step from the
//! focus (upstream left, downstream right), at a fixed readable size in a scrolling
//! frame, never scaled down. A step with more cards than fit is drawn as one card a
//! project (how many nodes and columns it holds), which opens to its nodes, as the node
//! lineage view groups what does not fit.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::dto::{ColumnLineage, ColumnLineageNode};

pub const CARD_WIDTH: i32 = 250;
pub const COLUMN_GAP: i32 = 110;
pub const HEADER_HEIGHT: i32 = 42;
pub const ROW_HEIGHT: i32 = 20;
pub const CARD_GAP: i32 = 18;
/// Cards one step may draw before its nodes are grouped by project.
pub const CARDS_PER_STEP: usize = 12;
/// Cards an opened project group draws; the rest are counted.
pub const CARDS_PER_GROUP: usize = 40;

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub data_type: Option<String>,
    pub y: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CardKind {
    /// A node, by its index in the view.
    Node(usize),
    /// A project's nodes at one step, closed: its key opens it (`expand=`).
    Group { project: String, nodes: usize, columns: usize, key: String },
    /// Nodes of an opened group past what it draws.
    More { count: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub kind: CardKind,
    pub depth: i32,
    pub x: i32,
    pub y: i32,
    pub height: i32,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EdgeLine {
    pub x1: i32,
    pub y1: i32,
    pub x2: i32,
    pub y2: i32,
    pub kind: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    pub cards: Vec<Card>,
    pub edges: Vec<EdgeLine>,
    pub width: i32,
    pub height: i32,
}

/// The key that opens a project's group at a step.
pub fn group_key(depth: i32, project: &str) -> String {
    format!("{depth}:{project}")
}

/// Lays `view` out; `expanded` holds the [`group_key`]s of opened groups.
pub fn layout(view: &ColumnLineage, expanded: &[String]) -> Layout {
    let mut by_depth: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    for (i, n) in view.nodes.iter().enumerate() {
        by_depth.entry(n.depth).or_default().push(i);
    }
    let Some(&first) = by_depth.keys().next() else { return Layout::default() };
    let mut out = Layout::default();
    // Where each node's column (lowercased) and each node's header are drawn.
    let mut column_at: HashMap<(&str, String), (usize, i32)> = HashMap::new();
    let mut node_at: HashMap<&str, (usize, i32)> = HashMap::new();
    for (&depth, nodes) in &by_depth {
        let x = (depth - first) * (CARD_WIDTH + COLUMN_GAP);
        let mut y = 0;
        let mut place = |kind: CardKind, rows: Vec<(String, Option<String>)>, out: &mut Layout| -> usize {
            let height = HEADER_HEIGHT + ROW_HEIGHT * rows.len() as i32 + 6;
            let rows = rows
                .into_iter()
                .enumerate()
                .map(|(r, (name, data_type))| Row { name, data_type, y: y + HEADER_HEIGHT + ROW_HEIGHT * r as i32 })
                .collect();
            out.cards.push(Card { kind, depth, x, y, height, rows });
            y += height + CARD_GAP;
            out.cards.len() - 1
        };
        let grouped = nodes.len() > CARDS_PER_STEP;
        let mut projects: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &i in nodes {
            projects.entry(view.nodes[i].project.as_str()).or_default().push(i);
        }
        for (project, members) in projects {
            let key = group_key(depth, project);
            let open = !grouped || expanded.contains(&key);
            if !open {
                let columns = members.iter().map(|&i| view.nodes[i].columns.len()).sum();
                let card = place(
                    CardKind::Group { project: project.to_string(), nodes: members.len(), columns, key },
                    Vec::new(),
                    &mut out,
                );
                let middle = out.cards[card].y + HEADER_HEIGHT / 2;
                for &i in &members {
                    let n = &view.nodes[i];
                    node_at.insert(&n.unique_id, (card, middle));
                    for c in &n.columns {
                        column_at.insert((&n.unique_id, c.name.to_lowercase()), (card, middle));
                    }
                }
                continue;
            }
            let shown = if grouped { CARDS_PER_GROUP } else { usize::MAX };
            for &i in members.iter().take(shown) {
                let n: &ColumnLineageNode = &view.nodes[i];
                let rows = n.columns.iter().map(|c| (c.name.clone(), c.data_type.clone())).collect();
                let card = place(CardKind::Node(i), rows, &mut out);
                node_at.insert(&n.unique_id, (card, out.cards[card].y + HEADER_HEIGHT / 2));
                for row in &out.cards[card].rows {
                    column_at.insert((&n.unique_id, row.name.to_lowercase()), (card, row.y + ROW_HEIGHT / 2));
                }
            }
            if members.len() > shown {
                place(CardKind::More { count: members.len() - shown }, Vec::new(), &mut out);
            }
        }
        out.height = out.height.max(y);
        out.width = out.width.max(x + CARD_WIDTH);
    }
    let mut drawn = HashSet::new();
    for e in &view.edges {
        let source = e.source.column.as_ref().and_then(|c| column_at.get(&(e.source.node.as_str(), c.to_lowercase())));
        let target = match &e.target.column {
            Some(c) => column_at.get(&(e.target.node.as_str(), c.to_lowercase())),
            None => node_at.get(e.target.node.as_str()),
        };
        let (Some(&(sc, sy)), Some(&(tc, ty))) = (source, target) else { continue };
        if sc == tc || !drawn.insert((sc, sy, tc, ty, e.kind.clone())) {
            continue;
        }
        let (s, t) = (&out.cards[sc], &out.cards[tc]);
        out.edges.push(EdgeLine { x1: s.x + CARD_WIDTH, y1: sy, x2: t.x, y2: ty, kind: e.kind.clone() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::{ColumnCell, ColumnEdgeView, ColumnEnd};

    fn node(id: &str, project: &str, depth: i32, columns: &[&str]) -> ColumnLineageNode {
        ColumnLineageNode {
            unique_id: id.into(),
            name: id.rsplit('.').next().unwrap().into(),
            project: project.into(),
            resource_type: "model".into(),
            columns: columns.iter().map(|c| ColumnCell { name: c.to_string(), data_type: None }).collect(),
            depth,
        }
    }

    fn edge(s: (&str, &str), t: (&str, Option<&str>), kind: &str) -> ColumnEdgeView {
        ColumnEdgeView {
            source: ColumnEnd { node: s.0.into(), column: Some(s.1.into()) },
            target: ColumnEnd { node: t.0.into(), column: t.1.map(str::to_string) },
            kind: kind.into(),
        }
    }

    #[test]
    fn cards_stand_in_one_column_a_step_and_edges_join_their_rows() {
        let view = ColumnLineage {
            nodes: vec![
                node("m.a.up", "a", -1, &["id"]),
                node("m.a.me", "a", 0, &["id"]),
                node("m.b.down", "b", 1, &["ID", "x"]),
            ],
            edges: vec![
                edge(("m.a.up", "id"), ("m.a.me", Some("id")), "copy"),
                edge(("m.a.me", "id"), ("m.b.down", Some("id")), "copy"),
                edge(("m.a.me", "id"), ("m.b.down", None), "filter"),
            ],
            ..ColumnLineage::default()
        };
        let l = layout(&view, &[]);
        let xs: Vec<i32> = l.cards.iter().map(|c| c.x).collect();
        assert_eq!(xs, [0, CARD_WIDTH + COLUMN_GAP, 2 * (CARD_WIDTH + COLUMN_GAP)]);
        assert_eq!(l.edges.len(), 3);
        let first = &l.edges[0];
        assert_eq!((first.x1, first.x2), (CARD_WIDTH, CARD_WIDTH + COLUMN_GAP));
        assert_eq!(first.y1, HEADER_HEIGHT + ROW_HEIGHT / 2, "from the id row");
        assert_eq!(l.edges[2].y2, HEADER_HEIGHT / 2, "a filter ends at the reader's header");
        assert_eq!(l.width, 3 * CARD_WIDTH + 2 * COLUMN_GAP);
    }

    #[test]
    fn a_crowded_step_is_grouped_by_project_until_opened() {
        let mut nodes = vec![node("m.a.me", "a", 0, &["id"])];
        let mut edges = Vec::new();
        for i in 0..30 {
            let project = if i % 3 == 0 { "b" } else { "c" };
            let id = format!("m.{project}.n{i}");
            nodes.push(node(&id, project, 1, &["id"]));
            edges.push(edge(("m.a.me", "id"), (&id, Some("id")), "copy"));
        }
        let view = ColumnLineage { nodes, edges, ..ColumnLineage::default() };
        let closed = layout(&view, &[]);
        let groups: Vec<&CardKind> = closed.cards.iter().filter(|c| c.depth == 1).map(|c| &c.kind).collect();
        assert_eq!(
            groups,
            [
                &CardKind::Group { project: "b".into(), nodes: 10, columns: 10, key: "1:b".into() },
                &CardKind::Group { project: "c".into(), nodes: 20, columns: 20, key: "1:c".into() },
            ]
        );
        assert_eq!(closed.edges.len(), 2, "one edge a group");
        let open = layout(&view, &["1:b".to_string()]);
        assert_eq!(open.cards.iter().filter(|c| matches!(c.kind, CardKind::Node(_))).count(), 11);
        assert_eq!(open.edges.len(), 11);
    }
}
