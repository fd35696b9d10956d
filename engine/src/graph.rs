//! The mesh as a petgraph graph: loaded from SQLite with each generation, walked by
//! dbt selectors, laid out for the lineage view.

pub mod group;
mod keys;
pub mod layout;
pub mod selector;
pub mod view;

use std::{
    borrow::Cow,
    collections::{HashMap, HashSet, VecDeque},
};

use petgraph::{
    graph::NodeIndex,
    visit::{EdgeRef, Visitable},
    Direction, Graph,
};

use crate::mesh::{EdgeKind, Mesh, NodeRecord};
use keys::SelectorKeys;
use selector::{Atom, Pattern, Selector};

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
    /// The warehouse schema the node is built in (or a source read from).
    pub schema: Option<String>,
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
            schema: r.schema,
            external,
            status: r.status,
            test_status: None,
        }
    }
}

pub struct MeshGraph {
    pub graph: Graph<GraphNode, EdgeKind>,
    by_id: HashMap<String, NodeIndex>,
    /// What selectors compare of every node, by node index.
    keys: SelectorKeys,
    /// Walks follow edges inferred from `source()` relations (dbt itself cannot).
    pub follow_inferred: bool,
    /// (installer, installed project, nodes carried) of every package install.
    pub packages: Vec<(String, String, u64)>,
    /// Every project, sorted: the order lineage views give project colours in.
    pub projects: Vec<String>,
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
        let keys = SelectorKeys::new(&graph);
        let projects: std::collections::BTreeSet<&str> = graph.node_weights().map(|n| n.project.as_str()).collect();
        let projects = projects.into_iter().map(str::to_string).collect();
        MeshGraph { graph, by_id, keys, follow_inferred: true, packages: Vec::new(), projects }
    }

    /// The graph of a generation as its store holds it, with version states as of
    /// `today` (YYYY-MM-DD).
    pub fn from_rows(rows: crate::store::GraphRows, today: &str) -> Self {
        let nodes = rows
            .nodes
            .into_iter()
            .map(|(project, external, record)| GraphNode::from_record(record, project, external, today))
            .collect();
        let mut graph = MeshGraph::new(nodes, rows.edges);
        graph.packages = rows.packages;
        graph
    }

    /// The graph of a mesh resolved in memory (not read back from an index), with
    /// version states as of `today` (YYYY-MM-DD).
    pub fn from_mesh(mesh: &Mesh, today: &str) -> Self {
        let nodes = mesh
            .nodes
            .iter()
            .map(|n| GraphNode::from_record(n.record.clone(), n.project.clone(), n.external, today))
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

    /// Every node downstream of `unique_id` across projects, over edges of every kind,
    /// tests left out: what a node page says uses it. Walked here, in memory, because
    /// SQLite planned the same recursive query as a scan of every node (40 ms a page at
    /// 50,000 nodes, even for a node with no children).
    pub fn downstream_of(&self, unique_id: &str) -> Vec<&GraphNode> {
        let Some(start) = self.index_of(unique_id) else {
            return Vec::new();
        };
        // A bit per node rather than a hash set: the downstream of a busy mart is 20,000
        // nodes at 200,000, and hashing each was most of its node page.
        let mut seen = self.graph.visit_map();
        seen.insert(start.index());
        let mut stack = vec![start];
        let mut found = Vec::new();
        while let Some(node) = stack.pop() {
            for next in self.graph.neighbors_directed(node, Direction::Outgoing) {
                if !seen.put(next.index()) {
                    stack.push(next);
                    let n = &self.graph[next];
                    if n.resource_type != "test" && n.resource_type != "unit_test" {
                        found.push(n);
                    }
                }
            }
        }
        found
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

    fn matches(&self, i: NodeIndex, method: &str, pattern: &Pattern) -> bool {
        let node = &self.graph[i];
        let value = pattern.text();
        // Lengths first: a scan of the mesh then rarely reads the text of a node's names.
        let whole = pattern;
        let pattern = &pattern.in_text(self.keys.ascii(i));
        let any = |values: &[String]| values.iter().any(|v| pattern.matches(v));
        let opt = |v: &Option<String>| v.as_deref().is_some_and(|v| pattern.matches(v));
        match method {
            "fqn" => self.fqn_matches(i, whole),
            "name" => {
                pattern.matches(&node.name)
                    || pattern.matches(&node.unique_id)
                    || pattern.matches(&node.package)
                    || pattern.matches_joined(&[&node.package, ".", &node.name])
                    || node.version.as_deref().is_some_and(|v| {
                        pattern.matches_joined(&[&node.name, ".v", v]) || pattern.matches_joined(&[&node.name, "_v", v])
                    })
                    || self.fqn_matches(i, whole)
            }
            "unique_id" => pattern.matches(&node.unique_id),
            "tag" => any(&node.tags),
            "project" => pattern.matches(&node.project),
            "package" => pattern.matches(&node.package),
            "group" | "config.group" => opt(&node.group),
            "access" | "config.access" => opt(&node.access),
            "file" => node.path.as_deref().is_some_and(|p| {
                let file = p.rsplit('/').next().unwrap_or(p);
                pattern.matches(file) || pattern.matches(file.rsplit_once('.').map_or(file, |f| f.0))
            }),
            "test_name" => opt(&node.test_name),
            "resource_type" => pattern.matches(&node.resource_type),
            "path" => node.path.as_deref().is_some_and(|p| {
                let dir = value.trim_end_matches('/');
                pattern.matches(p) || p.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
            }),
            // dbt's version states: a deprecated version is still `old`.
            "version" => match value {
                "none" => node.version.is_none() && node.resource_type == "model",
                "old" => matches!(node.version_state.as_deref(), Some("old" | "deprecated")),
                state => node.version_state.as_deref() == Some(state),
            },
            "owner" => {
                node.owners.iter().any(|o| pattern.matches(o) || o.to_lowercase().contains(&value.to_lowercase()))
            }
            "config.materialized" => opt(&node.materialized),
            "source" => {
                node.resource_type == "source"
                    && node
                        .source_name
                        .as_deref()
                        .is_some_and(|s| pattern.matches(s) || pattern.matches_joined(&[s, ".", &node.name]))
            }
            "exposure" | "metric" | "semantic_model" | "saved_query" => {
                node.resource_type == method && pattern.matches(&node.name)
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

    /// The nodes an atom's method and value match, before graph operators. A literal
    /// name (most selectors) is looked up in the name index instead of compared with
    /// every node.
    fn base(&self, method: &str, pattern: &Pattern) -> Vec<NodeIndex> {
        if let Some(lowercase) = pattern.ascii_literal().filter(|_| matches!(method, "name" | "fqn" | "unique_id")) {
            let mut found = self.keys.candidates(&self.graph, lowercase);
            found.retain(|&i| self.matches(i, method, pattern));
            return found;
        }
        self.graph.node_indices().filter(|&i| self.matches(i, method, pattern)).collect()
    }

    /// Builds what selectors look names up in now rather than on the first request.
    pub fn warm_selectors(&self) {
        self.keys.warm(&self.graph);
    }

    fn select_atom(&self, atom: &Atom) -> HashSet<NodeIndex> {
        let pattern = Pattern::new(&atom.value);
        let base = self.base(&atom.method, &pattern);
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
        select.union.iter().flatten().flat_map(|a| self.base(&a.method, &Pattern::new(&a.value))).collect()
    }

    /// `a.b.*` matches a node whose fqn, with or without the package, starts with parts
    /// matching `a`, `b`, `*`, as dbt's fqn method does.
    fn fqn_matches(&self, i: NodeIndex, pattern: &Pattern) -> bool {
        let (Some(wanted), Some(fqn)) = (pattern.lowercase_literal(), self.keys.fqn(i)) else {
            return fqn_matches(pattern.text(), &self.graph[i]);
        };
        let starts = |fqn: &str| fqn.strip_prefix(wanted).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'));
        starts(fqn.0) || starts(fqn.1)
    }

    pub fn ids(&self, nodes: &HashSet<NodeIndex>) -> Vec<String> {
        let mut ids: Vec<String> = nodes.iter().map(|&i| self.graph[i].unique_id.clone()).collect();
        ids.sort();
        ids
    }
}

/// dbt's fully qualified name: the package, the folders under the resource path, the
/// name, and for a versioned model `vN` (borrowed: selectors walk every node).
fn fqn(node: &GraphNode) -> impl Iterator<Item = Cow<'_, str>> {
    let folders = node.path.as_deref().map(|path| {
        let mut folders = path.split('/');
        folders.next_back();
        folders.skip(1)
    });
    std::iter::once(Cow::Borrowed(node.package.as_str()))
        .chain(folders.into_iter().flatten().map(Cow::Borrowed))
        .chain(std::iter::once(Cow::Borrowed(node.name.as_str())))
        .chain(node.version.as_ref().map(|v| Cow::Owned(format!("v{v}"))))
}

/// [`MeshGraph::fqn_matches`] for a pattern with wildcards, part by part.
fn fqn_matches(value: &str, node: &GraphNode) -> bool {
    fn starts_with<'a>(value: &str, mut parts: impl Iterator<Item = Cow<'a, str>>) -> bool {
        value.split('.').all(|w| parts.next().is_some_and(|p| Pattern::new(w).matches(&p)))
    }
    starts_with(value, fqn(node)) || starts_with(value, fqn(node).skip(1))
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
    fn downstream_crosses_projects_and_inferred_edges_and_leaves_tests_out() {
        let g = graph();
        let mut nodes = vec![node("model.p.a", &[]), node("source.r.a", &[]), node("model.r.x", &[])];
        nodes.push(node("exposure.r.dash", &[]));
        let mut inferred = MeshGraph::new(
            nodes,
            vec![
                ("model.p.a".into(), "source.r.a".into(), EdgeKind::Inferred),
                ("source.r.a".into(), "model.r.x".into(), EdgeKind::Ref),
                ("model.r.x".into(), "exposure.r.dash".into(), EdgeKind::Ref),
                // A cycle does not loop the walk.
                ("model.r.x".into(), "model.p.a".into(), EdgeKind::Ref),
            ],
        );
        // A page's "used by" follows inferred edges even where selectors are told not to.
        inferred.follow_inferred = false;
        let names = |g: &MeshGraph, id: &str| {
            let mut ids: Vec<String> = g.downstream_of(id).into_iter().map(|n| n.unique_id.clone()).collect();
            ids.sort();
            ids
        };
        let table: Vec<(&MeshGraph, &str, Vec<&str>)> = vec![
            (&g, "model.p.b", vec!["model.p.c", "model.p.d", "model.q.e"]),
            (&g, "model.p.d", vec![]),
            (&g, "model.nope.x", vec![]),
            (&inferred, "model.p.a", vec!["exposure.r.dash", "model.r.x", "source.r.a"]),
        ];
        for (graph, id, want) in table {
            assert_eq!(names(graph, id), want, "downstream of {id}");
        }
    }

    #[test]
    fn the_name_index_finds_what_comparing_every_node_finds() {
        let mut nodes = vec![
            node("model.p.orders", &[]),
            node("model.p.customers", &[]),
            node("model.q.orders", &[]),
            node("source.q.raw.orders", &[]),
            node("model.ünï.orders", &[]),
        ];
        nodes[0].path = Some("models/marts/finance/orders.sql".into());
        nodes[1].path = Some("models/staging/customers.sql".into());
        nodes[1].version = Some("2".into());
        nodes[2].version = Some("1.5".into());
        let g = MeshGraph::new(nodes, vec![]);
        let values = [
            "orders",
            "ORDERS",
            "p",
            "P.Orders",
            "p.marts",
            "marts.finance",
            "marts.finance.orders",
            "p.marts.finance.orders",
            "customers.v2",
            "customers_v2",
            "orders.v1.5",
            "model.q.orders",
            "source.q.raw.orders",
            "staging",
            "mart",
            "ünï",
            "",
            "nothing",
        ];
        for method in ["name", "fqn", "unique_id"] {
            for value in values {
                let pattern = Pattern::new(value);
                let scanned: Vec<NodeIndex> =
                    g.graph.node_indices().filter(|&i| g.matches(i, method, &pattern)).collect();
                assert_eq!(g.base(method, &pattern), scanned, "{method}:{value}");
            }
        }
        assert_eq!(g.base("name", &Pattern::new("marts.finance")).len(), 1);
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
