//! Group nodes: what a lineage view draws instead of cutting nodes away. Every node
//! of a selection is either drawn or counted inside one group, so a view of 10,000
//! nodes still accounts for all of them.
//!
//! `auto` groups only what does not fit, starting with the levels furthest from the
//! focus: first by folder (sources by `source_name`), then, where that is not enough,
//! by project. The explicit groupings put every node they can into groups of their kind.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use petgraph::graph::NodeIndex;

use super::{GraphNode, MeshGraph};

/// How a view groups nodes, as `group=` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Grouping {
    #[default]
    Auto,
    Project,
    Folder,
    Source,
    Schema,
    Type,
    None,
}

pub const GROUPINGS: [(&str, Grouping); 7] = [
    ("auto", Grouping::Auto),
    ("project", Grouping::Project),
    ("folder", Grouping::Folder),
    ("source", Grouping::Source),
    ("schema", Grouping::Schema),
    ("type", Grouping::Type),
    ("none", Grouping::None),
];

impl Grouping {
    /// `""` is `auto`; anything else must be one of [`GROUPINGS`].
    pub fn parse(text: &str) -> Option<Grouping> {
        let text = text.trim();
        if text.is_empty() {
            return Some(Grouping::Auto);
        }
        GROUPINGS.iter().find(|(name, _)| name.eq_ignore_ascii_case(text)).map(|(_, g)| *g)
    }

    pub fn as_str(self) -> &'static str {
        GROUPINGS.iter().find(|(_, g)| *g == self).map_or("auto", |(name, _)| name)
    }

    pub fn allowed() -> String {
        GROUPINGS.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
    }
}

/// What a group node holds: its id (stable, so `expand=` can name it), its kind, the
/// name drawn on it, its project and its members.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    pub project: String,
    pub members: Vec<NodeIndex>,
}

impl Group {
    /// "ethereum · 312 sources": what the group holds, counted.
    pub fn label(&self, g: &MeshGraph) -> String {
        let breakdown = self.breakdown(g);
        let what = if breakdown.len() == 1 {
            let (kind, _) = breakdown.iter().next().expect("one type");
            plural(self.members.len(), kind)
        } else {
            plural(self.members.len(), "node")
        };
        format!("{} · {what}", self.name)
    }

    /// Members by resource type.
    pub fn breakdown(&self, g: &MeshGraph) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for &m in &self.members {
            *counts.entry(g.graph[m].resource_type.clone()).or_insert(0) += 1;
        }
        counts
    }
}

fn plural(count: usize, kind: &str) -> String {
    match (count, kind) {
        (1, kind) => format!("1 {kind}"),
        (n, "analysis") => format!("{n} analyses"),
        (n, kind) if kind.ends_with('y') => format!("{n} {}ies", &kind[..kind.len() - 1]),
        (n, kind) => format!("{n} {kind}s"),
    }
}

/// The key of a node under a kind of group: (group id, name drawn), or None when the
/// node has no value of that kind (a model has no `source_name`).
fn key(n: &GraphNode, kind: &str) -> Option<(String, String)> {
    let p = &n.project;
    match kind {
        "project" => Some((format!("group:project:{p}"), p.clone())),
        "folder" => {
            let path = n.path.as_deref()?;
            let folder = path.rsplit_once('/').map_or("(root)", |(dir, _)| dir);
            Some((format!("group:folder:{p}:{folder}"), folder.to_string()))
        }
        "source" => {
            let source = n.source_name.as_deref().filter(|_| n.resource_type == "source")?;
            Some((format!("group:source:{p}:{source}"), source.to_string()))
        }
        "schema" => {
            let schema = n.schema.as_deref()?;
            Some((format!("group:schema:{p}:{schema}"), schema.to_string()))
        }
        "type" => Some((format!("group:type:{p}:{}", n.resource_type), n.resource_type.clone())),
        _ => None,
    }
}

/// The fine key `auto` tries first: sources by source, everything else by folder,
/// by type where a node has no file.
fn fine_key(n: &GraphNode) -> Option<(String, String, &'static str)> {
    for kind in ["source", "folder", "type"] {
        if let Some((id, name)) = key(n, kind) {
            return Some((id, name, kind));
        }
    }
    None
}

/// Focus nodes stay drawn unless the focus itself is bigger than this.
const FOCUS_KEPT: usize = 50;

/// How many items a view may draw (`budget`), and how many of them are already taken
/// (fan-out groups).
#[derive(Debug, Clone, Copy)]
pub struct Room {
    pub budget: usize,
    pub taken: usize,
}

/// Groups `free` (the nodes left after fan-outs) so that at most `room.budget` items
/// remain where `auto` can manage it. `pinned` nodes (the fan-outs a user expanded)
/// stay drawn, as the focus does. Returns the groups, each with at least two members.
pub fn group(
    g: &MeshGraph,
    free: &[NodeIndex],
    focus: &HashSet<NodeIndex>,
    pinned: &HashSet<NodeIndex>,
    grouping: Grouping,
    expanded: &HashSet<String>,
    room: Room,
) -> Vec<Group> {
    let Room { budget, taken: extra } = room;
    let graph = &g.graph;
    let focus_small = free.iter().filter(|n| focus.contains(n)).count() <= FOCUS_KEPT;
    let eligible = |n: NodeIndex| !(pinned.contains(&n) || focus_small && focus.contains(&n));
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut member_of: HashMap<NodeIndex, String> = HashMap::new();
    let add = |groups: &mut BTreeMap<String, Group>,
               member_of: &mut HashMap<NodeIndex, String>,
               n: NodeIndex,
               (id, name, kind): (String, String, &'static str)| {
        let entry = groups.entry(id.clone()).or_insert_with(|| Group {
            id: id.clone(),
            kind,
            name,
            project: graph[n].project.clone(),
            members: Vec::new(),
        });
        entry.members.push(n);
        member_of.insert(n, id);
    };

    let explicit = match grouping {
        Grouping::None => return Vec::new(),
        Grouping::Auto => None,
        Grouping::Project => Some("project"),
        Grouping::Folder => Some("folder"),
        Grouping::Source => Some("source"),
        Grouping::Schema => Some("schema"),
        Grouping::Type => Some("type"),
    };
    if let Some(kind) = explicit {
        for &n in free {
            if !eligible(n) {
                continue;
            }
            if let Some((id, name)) = key(&graph[n], kind) {
                if !expanded.contains(&id) {
                    add(&mut groups, &mut member_of, n, (id, name, kind));
                }
            }
        }
        return finish(groups);
    }

    if free.len() + extra <= budget {
        return Vec::new();
    }
    let levels = levels(g, free, focus);
    let items = |groups: &BTreeMap<String, Group>, member_of: &HashMap<NodeIndex, String>| {
        free.len() - member_of.len() + groups.len() + extra
    };
    // Fine groups, furthest level first.
    'fine: for level in levels.iter().rev() {
        for &n in level {
            if !eligible(n) {
                continue;
            }
            let Some(fine) = fine_key(&graph[n]) else { continue };
            if expanded.contains(&fine.0) {
                continue;
            }
            add(&mut groups, &mut member_of, n, fine);
        }
        if items(&groups, &member_of) <= budget {
            break 'fine;
        }
    }
    // Then whole projects, furthest level first, taking in their fine groups.
    if items(&groups, &member_of) > budget {
        for level in levels.iter().rev() {
            for &n in level {
                if !eligible(n) {
                    continue;
                }
                let node = &graph[n];
                let Some(coarse) = key(node, "project") else { continue };
                let fine_id = fine_key(node).map(|k| k.0).unwrap_or_default();
                if expanded.contains(&coarse.0) || expanded.contains(&fine_id) {
                    continue;
                }
                match member_of.get(&n).cloned() {
                    Some(id) if id == coarse.0 => {}
                    Some(id) => {
                        let fine = groups.remove(&id).expect("a member's group exists");
                        for m in fine.members {
                            member_of.remove(&m);
                            add(&mut groups, &mut member_of, m, (coarse.0.clone(), coarse.1.clone(), "project"));
                        }
                    }
                    None => add(&mut groups, &mut member_of, n, (coarse.0.clone(), coarse.1.clone(), "project")),
                }
            }
            if items(&groups, &member_of) <= budget {
                break;
            }
        }
    }
    finish(groups)
}

/// Groups of one are drawn as their node.
fn finish(groups: BTreeMap<String, Group>) -> Vec<Group> {
    groups.into_values().filter(|g| g.members.len() > 1).collect()
}

/// `free` by distance from the focus (edges either way, within `free`), nearest
/// first; what the focus does not reach comes last.
fn levels(g: &MeshGraph, free: &[NodeIndex], focus: &HashSet<NodeIndex>) -> Vec<Vec<NodeIndex>> {
    let allowed: HashSet<NodeIndex> = free.iter().copied().collect();
    let mut distance: HashMap<NodeIndex, usize> = HashMap::new();
    let mut queue: VecDeque<NodeIndex> = VecDeque::new();
    for &n in free {
        if focus.contains(&n) {
            distance.insert(n, 0);
            queue.push_back(n);
        }
    }
    while let Some(n) = queue.pop_front() {
        let d = distance[&n];
        for m in g.graph.neighbors_undirected(n) {
            if allowed.contains(&m) && !distance.contains_key(&m) {
                distance.insert(m, d + 1);
                queue.push_back(m);
            }
        }
    }
    let far = distance.values().copied().max().map_or(0, |d| d + 1);
    let mut levels: Vec<Vec<NodeIndex>> = vec![Vec::new(); far + 1];
    for &n in free {
        levels[distance.get(&n).copied().unwrap_or(far)].push(n);
    }
    levels.retain(|l| !l.is_empty());
    levels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mesh::EdgeKind;

    fn node(project: &str, name: &str, kind: &str, folder: &str) -> GraphNode {
        GraphNode {
            unique_id: format!("{kind}.{project}.{name}"),
            name: name.into(),
            project: project.into(),
            resource_type: kind.into(),
            path: Some(format!("{folder}/{name}.sql")),
            source_name: (kind == "source").then(|| format!("raw_{folder}")),
            ..GraphNode::default()
        }
    }

    /// A mart reading 3 folders of 40 models in project `a`, each model reading its
    /// own source in project `b`'s 2 source systems.
    fn mart() -> MeshGraph {
        let mut nodes = vec![node("a", "mart", "model", "marts")];
        let mut edges = Vec::new();
        for i in 0..120 {
            let folder = ["staging", "intermediate", "core"][i % 3];
            let m = node("a", &format!("m{i:03}"), "model", folder);
            let s = node("b", &format!("s{i:03}"), "source", ["x", "y"][i % 2]);
            edges.push((m.unique_id.clone(), "model.a.mart".to_string(), EdgeKind::Ref));
            edges.push((s.unique_id.clone(), m.unique_id.clone(), EdgeKind::Ref));
            nodes.push(m);
            nodes.push(s);
        }
        MeshGraph::new(nodes, edges)
    }

    fn run(g: &MeshGraph, grouping: Grouping, expanded: &[&str], budget: usize) -> Vec<Group> {
        let free: Vec<NodeIndex> = g.graph.node_indices().collect();
        let focus: HashSet<NodeIndex> = [g.index_of("model.a.mart").unwrap()].into();
        let expanded: HashSet<String> = expanded.iter().map(|s| s.to_string()).collect();
        group(g, &free, &focus, &HashSet::new(), grouping, &expanded, Room { budget, taken: 0 })
    }

    fn summary(groups: &[Group]) -> Vec<(String, usize)> {
        groups.iter().map(|g| (g.id.clone(), g.members.len())).collect()
    }

    #[test]
    fn groupings_parse_from_the_url() {
        for (text, want) in [
            ("", Some(Grouping::Auto)),
            ("auto", Some(Grouping::Auto)),
            ("Project", Some(Grouping::Project)),
            ("none", Some(Grouping::None)),
            ("schema", Some(Grouping::Schema)),
            ("colour", None),
        ] {
            assert_eq!(Grouping::parse(text), want, "{text:?}");
        }
        assert_eq!(Grouping::allowed(), "auto, project, folder, source, schema, type, none");
    }

    #[test]
    fn auto_groups_nothing_that_fits() {
        assert!(run(&mart(), Grouping::Auto, &[], 241).is_empty());
    }

    #[test]
    fn auto_groups_the_furthest_level_first() {
        let g = mart();
        let groups = run(&g, Grouping::Auto, &[], 200);
        // The 120 sources (two levels away) fold into their 2 source systems; the
        // models next to the focus stay drawn.
        assert_eq!(
            summary(&groups),
            [("group:source:b:raw_x".to_string(), 60), ("group:source:b:raw_y".to_string(), 60)]
        );
        assert_eq!(groups[0].label(&g), "raw_x · 60 sources");
        assert_eq!(groups[0].breakdown(&g), BTreeMap::from([("source".to_string(), 60)]));
    }

    #[test]
    fn auto_goes_on_to_nearer_levels_and_then_to_projects() {
        let g = mart();
        let groups = run(&g, Grouping::Auto, &[], 10);
        assert_eq!(
            summary(&groups),
            [
                ("group:folder:a:core".to_string(), 40),
                ("group:folder:a:intermediate".to_string(), 40),
                ("group:folder:a:staging".to_string(), 40),
                ("group:source:b:raw_x".to_string(), 60),
                ("group:source:b:raw_y".to_string(), 60),
            ]
        );
        let groups = run(&g, Grouping::Auto, &[], 5);
        assert_eq!(
            summary(&groups),
            [
                ("group:folder:a:core".to_string(), 40),
                ("group:folder:a:intermediate".to_string(), 40),
                ("group:folder:a:staging".to_string(), 40),
                ("group:project:b".to_string(), 120)
            ]
        );
    }

    #[test]
    fn an_expanded_group_is_drawn_node_by_node() {
        let g = mart();
        let groups = run(&g, Grouping::Auto, &["group:source:b:raw_x"], 200);
        assert_eq!(summary(&groups), [("group:source:b:raw_y".to_string(), 60)]);
    }

    #[test]
    fn explicit_groupings_group_everything_but_the_focus() {
        let g = mart();
        let groups = run(&g, Grouping::Project, &[], 10_000);
        assert_eq!(summary(&groups), [("group:project:a".to_string(), 120), ("group:project:b".to_string(), 120)]);
        assert_eq!(groups[0].label(&g), "a · 120 models");
        let groups = run(&g, Grouping::Type, &["group:type:a:model"], 10_000);
        assert_eq!(summary(&groups), [("group:type:b:source".to_string(), 120)]);
        assert!(run(&g, Grouping::None, &[], 1).is_empty());
    }
}
