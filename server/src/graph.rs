//! The mesh as a petgraph graph: loaded from SQLite with each generation, walked by
//! dbt selectors, laid out for the lineage view.

pub mod layout;
pub mod selector;
pub mod view;

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::{graph::NodeIndex, visit::EdgeRef, Direction, Graph};

use crate::mesh::{EdgeKind, Mesh, NodeRecord};
use selector::{glob_match, Atom, Selector};

/// What selection, layout and lenses need of a node.
#[derive(Debug, Clone, Default)]
pub struct GraphNode {
    pub unique_id: String,
    pub name: String,
    pub project: String,
    pub package: String,
    pub resource_type: String,
    pub access: Option<String>,
    pub group: Option<String>,
    pub tags: Vec<String>,
    pub path: Option<String>,
    pub version: Option<String>,
    pub version_state: Option<String>,
    pub materialized: Option<String>,
    pub contract_enforced: bool,
    pub owners: Vec<String>,
    pub source_name: Option<String>,
    pub external: bool,
    /// Latest run status of the node itself.
    pub status: Option<String>,
    /// Worst latest status of the tests on the node: fail, warn, pass.
    pub test_status: Option<String>,
    pub generic_test: bool,
    /// Generic tests: the test's name (`unique`, `not_null`, `accepted_values`, ...).
    pub test_name: Option<String>,
}

impl GraphNode {
    /// A resolved node as the graph holds it; `today` decides deprecated versions.
    pub fn from_record(r: NodeRecord, project: String, external: bool, today: &str) -> Self {
        let mut owners: Vec<String> = Vec::new();
        for o in &r.owners {
            for key in o.name.iter().chain(o.email.iter()) {
                if !owners.contains(key) {
                    owners.push(key.clone());
                }
            }
        }
        GraphNode {
            version_state: r.version_state(today).map(str::to_string),
            generic_test: r.test.as_ref().is_some_and(|t| t.test_name.is_some()),
            test_name: r.test.as_ref().and_then(|t| t.test_name.clone()),
            unique_id: r.unique_id,
            name: r.name,
            project,
            package: r.package,
            resource_type: r.resource_type,
            access: r.access,
            group: r.group,
            tags: r.tags,
            path: r.original_file_path,
            version: r.version,
            materialized: r.materialized,
            contract_enforced: r.contract_enforced,
            owners,
            source_name: r.source_name,
            external,
            status: r.status,
            test_status: None,
        }
    }
}

pub struct MeshGraph {
    pub graph: Graph<GraphNode, EdgeKind>,
    by_id: HashMap<String, NodeIndex>,
    /// Walks follow edges inferred from `source()` relations (dbt itself cannot).
    pub follow_inferred: bool,
}

impl MeshGraph {
    pub fn new(nodes: Vec<GraphNode>, edges: Vec<(String, String, EdgeKind)>) -> Self {
        let mut graph = Graph::with_capacity(nodes.len(), edges.len());
        let mut by_id = HashMap::with_capacity(nodes.len());
        for node in nodes {
            let id = node.unique_id.clone();
            by_id.insert(id, graph.add_node(node));
        }
        for (parent, child, kind) in edges {
            if let (Some(&p), Some(&c)) = (by_id.get(&parent), by_id.get(&child)) {
                graph.add_edge(p, c, kind);
            }
        }
        // A test's status colours its model in the test-status lens.
        let rank = |s: &str| match s {
            "fail" | "error" => 3,
            "warn" => 2,
            "pass" => 1,
            _ => 0,
        };
        let updates: Vec<(NodeIndex, String)> = graph
            .node_indices()
            .filter(|&i| graph[i].resource_type == "test")
            .filter_map(|t| graph[t].status.clone().map(|s| (t, s)))
            .flat_map(|(t, s)| {
                graph.neighbors_directed(t, Direction::Incoming).map(move |m| (m, s.clone())).collect::<Vec<_>>()
            })
            .collect();
        for (model, status) in updates {
            let current = graph[model].test_status.as_deref().map(rank).unwrap_or(0);
            if rank(&status) > current {
                graph[model].test_status = Some(status);
            }
        }
        MeshGraph { graph, by_id, follow_inferred: true }
    }

    /// The graph of a mesh resolved in memory (not read back from an index).
    pub fn from_mesh(mesh: &Mesh) -> Self {
        let today = crate::mesh::today();
        let nodes = mesh
            .nodes
            .iter()
            .map(|n| GraphNode::from_record(n.record.clone(), n.project.clone(), n.external, &today))
            .collect();
        let edges = mesh.edges.iter().map(|e| (e.parent.clone(), e.child.clone(), e.kind)).collect();
        MeshGraph::new(nodes, edges)
    }

    pub fn index_of(&self, unique_id: &str) -> Option<NodeIndex> {
        self.by_id.get(unique_id).copied()
    }

    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }

    /// Nodes reachable in `direction` within `depth` steps (all when None), `start` excluded.
    pub fn walk(&self, start: NodeIndex, direction: Direction, depth: Option<usize>) -> HashSet<NodeIndex> {
        let mut seen = HashSet::new();
        let mut queue = VecDeque::from([(start, 0usize)]);
        while let Some((node, d)) = queue.pop_front() {
            if depth.is_some_and(|max| d >= max) {
                continue;
            }
            let edges = self.graph.edges_directed(node, direction);
            let next_nodes =
                edges.filter(|e| self.follow_inferred || *e.weight() != EdgeKind::Inferred).map(|e| match direction {
                    Direction::Outgoing => e.target(),
                    Direction::Incoming => e.source(),
                });
            for next in next_nodes {
                if next != start && seen.insert(next) {
                    queue.push_back((next, d + 1));
                }
            }
        }
        seen
    }

    fn matches(&self, node: &GraphNode, method: &str, value: &str) -> bool {
        let any = |values: &[String]| values.iter().any(|v| glob_match(value, v));
        let opt = |v: &Option<String>| v.as_deref().is_some_and(|v| glob_match(value, v));
        match method {
            "fqn" => fqn_matches(value, node),
            "name" => {
                fqn_matches(value, node)
                    || glob_match(value, &node.name)
                    || glob_match(value, &node.unique_id)
                    || glob_match(value, &node.package)
                    || glob_match(value, &format!("{}.{}", node.package, node.name))
                    || node.version.as_deref().is_some_and(|v| {
                        glob_match(value, &format!("{}.v{v}", node.name))
                            || glob_match(value, &format!("{}_v{v}", node.name))
                    })
            }
            "unique_id" => glob_match(value, &node.unique_id),
            "tag" => any(&node.tags),
            "project" => glob_match(value, &node.project),
            "package" => glob_match(value, &node.package),
            "group" | "config.group" => opt(&node.group),
            "access" | "config.access" => opt(&node.access),
            "file" => node.path.as_deref().is_some_and(|p| {
                let file = p.rsplit('/').next().unwrap_or(p);
                glob_match(value, file) || glob_match(value, file.rsplit_once('.').map_or(file, |f| f.0))
            }),
            "test_name" => opt(&node.test_name),
            "resource_type" => glob_match(value, &node.resource_type),
            "path" => node.path.as_deref().is_some_and(|p| {
                let dir = value.trim_end_matches('/');
                glob_match(value, p) || p.starts_with(&format!("{dir}/"))
            }),
            // dbt's version states: a deprecated version is still `old`.
            "version" => match value {
                "none" => node.version.is_none() && node.resource_type == "model",
                "old" => matches!(node.version_state.as_deref(), Some("old" | "deprecated")),
                state => node.version_state.as_deref() == Some(state),
            },
            "owner" => {
                node.owners.iter().any(|o| glob_match(value, o) || o.to_lowercase().contains(&value.to_lowercase()))
            }
            "config.materialized" => opt(&node.materialized),
            "source" => {
                node.resource_type == "source"
                    && node
                        .source_name
                        .as_deref()
                        .is_some_and(|s| glob_match(value, s) || glob_match(value, &format!("{s}.{}", node.name)))
            }
            "exposure" | "metric" | "semantic_model" | "saved_query" => {
                node.resource_type == method && glob_match(value, &node.name)
            }
            "test_type" => match value {
                "generic" => node.resource_type == "test" && node.generic_test,
                "singular" | "data" => node.resource_type == "test" && !node.generic_test,
                "unit" => node.resource_type == "unit_test",
                _ => false,
            },
            _ => false,
        }
    }

    fn select_atom(&self, atom: &Atom) -> HashSet<NodeIndex> {
        let base: Vec<NodeIndex> =
            self.graph.node_indices().filter(|&i| self.matches(&self.graph[i], &atom.method, &atom.value)).collect();
        let mut out: HashSet<NodeIndex> = base.iter().copied().collect();
        for &node in &base {
            if atom.at {
                let down = self.walk(node, Direction::Outgoing, None);
                for &d in &down {
                    out.extend(self.walk(d, Direction::Incoming, None));
                }
                out.extend(down);
                out.extend(self.walk(node, Direction::Incoming, None));
            }
            if let Some(depth) = atom.parents {
                out.extend(self.walk(node, Direction::Incoming, depth));
            }
            if let Some(depth) = atom.children {
                out.extend(self.walk(node, Direction::Outgoing, depth));
            }
        }
        out
    }

    /// The nodes a selector picks, minus those the exclusion picks.
    pub fn select(&self, select: &Selector, exclude: Option<&Selector>) -> HashSet<NodeIndex> {
        let evaluate = |s: &Selector| -> HashSet<NodeIndex> {
            let mut union = HashSet::new();
            for intersection in &s.union {
                let mut sets = intersection.iter().map(|a| self.select_atom(a));
                let Some(mut acc) = sets.next() else { continue };
                for set in sets {
                    acc.retain(|n| set.contains(n));
                }
                union.extend(acc);
            }
            union
        };
        let mut selected = evaluate(select);
        if let Some(exclude) = exclude {
            let excluded = evaluate(exclude);
            selected.retain(|n| !excluded.contains(n));
        }
        selected
    }

    /// What `dbt ls` answers: the selection plus the tests of any selected node
    /// (dbt's eager indirect selection), less the exclusion and the tests it reaches.
    pub fn select_with_tests(&self, select: &Selector, exclude: Option<&Selector>) -> HashSet<NodeIndex> {
        let with_tests = |mut set: HashSet<NodeIndex>| {
            let tests: Vec<NodeIndex> = set
                .iter()
                .flat_map(|&n| self.graph.neighbors_directed(n, Direction::Outgoing))
                .filter(|&t| matches!(self.graph[t].resource_type.as_str(), "test" | "unit_test"))
                .collect();
            set.extend(tests);
            set
        };
        let mut selected = with_tests(self.select(select, None));
        if let Some(exclude) = exclude {
            let excluded = with_tests(self.select(exclude, None));
            selected.retain(|n| !excluded.contains(n));
        }
        selected
    }

    /// The base nodes of a selector (what its atoms match before graph operators): the
    /// focus of a view.
    pub fn focus(&self, select: &Selector) -> HashSet<NodeIndex> {
        select
            .union
            .iter()
            .flatten()
            .flat_map(|a| {
                self.graph
                    .node_indices()
                    .filter(|&i| self.matches(&self.graph[i], &a.method, &a.value))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    pub fn ids(&self, nodes: &HashSet<NodeIndex>) -> Vec<String> {
        let mut ids: Vec<String> = nodes.iter().map(|&i| self.graph[i].unique_id.clone()).collect();
        ids.sort();
        ids
    }
}

/// dbt's fully qualified name: the package, the folders under the resource path, the
/// name, and for a versioned model `vN`.
fn fqn(node: &GraphNode) -> Vec<String> {
    let mut parts = vec![node.package.clone()];
    if let Some(path) = &node.path {
        let mut folders: Vec<&str> = path.split('/').collect();
        folders.pop();
        parts.extend(folders.into_iter().skip(1).map(str::to_string));
    }
    parts.push(node.name.clone());
    if let Some(v) = &node.version {
        parts.push(format!("v{v}"));
    }
    parts
}

/// `a.b.*` matches a node whose fqn, with or without the package, starts with parts
/// matching `a`, `b`, `*`, as dbt's fqn method does.
fn fqn_matches(value: &str, node: &GraphNode) -> bool {
    let wanted: Vec<&str> = value.split('.').collect();
    let fqn = fqn(node);
    let prefix =
        |parts: &[String]| wanted.len() <= parts.len() && wanted.iter().zip(parts).all(|(w, p)| glob_match(w, p));
    prefix(&fqn) || prefix(&fqn[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, tags: &[&str]) -> GraphNode {
        let mut parts = id.split('.');
        let resource_type = parts.next().unwrap().to_string();
        let package = parts.next().unwrap().to_string();
        GraphNode {
            unique_id: id.into(),
            name: parts.next_back().unwrap().into(),
            project: package.clone(),
            package,
            resource_type,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..GraphNode::default()
        }
    }

    /// a -> b -> c -> d, b -> e (other project), e -> t (test)
    fn graph() -> MeshGraph {
        MeshGraph::new(
            vec![
                node("model.p.a", &["raw"]),
                node("model.p.b", &[]),
                node("model.p.c", &["mart"]),
                node("model.p.d", &["mart"]),
                node("model.q.e", &["mart"]),
                node("test.q.t", &[]),
            ],
            vec![
                ("model.p.a".into(), "model.p.b".into(), EdgeKind::Ref),
                ("model.p.b".into(), "model.p.c".into(), EdgeKind::Ref),
                ("model.p.c".into(), "model.p.d".into(), EdgeKind::Ref),
                ("model.p.b".into(), "model.q.e".into(), EdgeKind::CrossProject),
                ("model.q.e".into(), "test.q.t".into(), EdgeKind::Ref),
            ],
        )
    }

    fn run(g: &MeshGraph, select: &str, exclude: Option<&str>) -> Vec<String> {
        let s = selector::parse(select).unwrap();
        let e = exclude.map(|e| selector::parse(e).unwrap());
        g.ids(&g.select(&s, e.as_ref())).into_iter().map(|id| id.rsplit('.').next().unwrap().to_string()).collect()
    }

    #[test]
    fn graph_walks() {
        let g = graph();
        let table: Vec<(&str, Option<&str>, Vec<&str>)> = vec![
            ("b", None, vec!["b"]),
            ("+c", None, vec!["a", "b", "c"]),
            ("1+c", None, vec!["b", "c"]),
            ("b+", None, vec!["b", "c", "d", "e", "t"]),
            ("b+1", None, vec!["b", "c", "e"]),
            ("1+b+1", None, vec!["a", "b", "c", "e"]),
            ("@c", None, vec!["a", "b", "c", "d"]),
            ("tag:mart", None, vec!["c", "d", "e"]),
            ("tag:mart,project:p", None, vec!["c", "d"]),
            ("a d", None, vec!["a", "d"]),
            ("b+", Some("resource_type:test"), vec!["b", "c", "d", "e"]),
            ("project:p", Some("tag:mart"), vec!["a", "b"]),
            ("p", None, vec!["a", "b", "c", "d"]),
            ("*", Some("project:p"), vec!["e", "t"]),
            ("tag:nope", None, vec![]),
        ];
        for (select, exclude, want) in table {
            assert_eq!(run(&g, select, exclude), want, "{select} --exclude {exclude:?}");
        }
    }

    #[test]
    fn a_failing_test_colours_its_model() {
        let mut nodes = vec![node("model.q.e", &[]), node("test.q.t", &[]), node("test.q.u", &[])];
        nodes[1].status = Some("pass".into());
        nodes[2].status = Some("fail".into());
        let g = MeshGraph::new(
            nodes,
            vec![
                ("model.q.e".into(), "test.q.t".into(), EdgeKind::Ref),
                ("model.q.e".into(), "test.q.u".into(), EdgeKind::Ref),
            ],
        );
        assert_eq!(g.graph[g.index_of("model.q.e").unwrap()].test_status.as_deref(), Some("fail"));
    }
}
