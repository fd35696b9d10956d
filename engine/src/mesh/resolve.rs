//! Joins the projects into one mesh: which copy of a node wins, which edges cross
//! projects, which are inferred from `source()` relations, and what each project counts.

use std::collections::{BTreeMap, HashMap, HashSet};

use model::dto::{Finding, Owner, ProjectCounts};

use super::{
    findings,
    record::{GroupRecord, NodeRecord, ProjectRecord},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// A dependency inside one project.
    Ref,
    /// A dependency on another project's node (a cross-project ref).
    CrossProject,
    /// A `source()` whose relation is another project's model.
    Inferred,
    /// A dependency on a node of a project installed as a package (`packages.yml`):
    /// the installer's manifest carries that node with its real files.
    Package,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Ref => "ref",
            EdgeKind::CrossProject => "cross_project",
            EdgeKind::Inferred => "inferred",
            EdgeKind::Package => "package",
        }
    }

    pub fn parse(s: &str) -> EdgeKind {
        match s {
            "cross_project" => EdgeKind::CrossProject,
            "inferred" => EdgeKind::Inferred,
            "package" => EdgeKind::Package,
            _ => EdgeKind::Ref,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub parent: String,
    pub child: String,
    pub kind: EdgeKind,
}

#[derive(Debug, Clone)]
pub struct ResolvedNode {
    /// The project that defines the node; for an external node, the upstream project
    /// named by its package.
    pub project: String,
    /// The project whose records hold this node: `project` itself, or for an external
    /// node, the downstream project whose manifest carries the copy.
    pub source: String,
    /// Known only from a copy injected into a downstream manifest.
    pub external: bool,
    pub record: NodeRecord,
}

#[derive(Debug, Default)]
pub struct Mesh {
    pub nodes: Vec<ResolvedNode>,
    pub edges: Vec<Edge>,
    pub findings: Vec<Finding>,
    pub counts: BTreeMap<String, ProjectCounts>,
    /// Groups of projects that depend on each other in a circle (allowed, reported).
    pub project_cycles: Vec<Vec<String>>,
    /// (installer, installed project) → nodes of the installed project the installer's
    /// manifest carries as a package.
    pub packages: BTreeMap<(String, String), u64>,
    /// Nodes two indexed projects both define with real files, neither being the
    /// node's own project: which copy was kept, and why.
    pub duplicates: Vec<Duplicate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub unique_id: String,
    pub kept: String,
    pub dropped: Vec<String>,
}

/// Which of several copies of a node stands for it, best first:
/// 1. the copy in the node's own project (its `package_name`), whatever installs it;
/// 2. a copy with real files in a project that installs the node's package, the newest
///    manifest (`generated_at`) first, then by project name;
/// 3. a copy injected by dbt-loom or dbt Cloud (an external node).
fn rank<'a>(project: &'a ProjectRecord, node: &NodeRecord) -> (u8, std::cmp::Reverse<&'a str>, &'a str) {
    (tier(project, node), std::cmp::Reverse(project.generated_at.as_deref().unwrap_or_default()), &project.name)
}

/// The tier of `rank`: 1 the node's own project, 2 an installer's copy, 3 an injected one.
fn tier(project: &ProjectRecord, node: &NodeRecord) -> u8 {
    if node.injected {
        3
    } else if node.package == project.name || node.package.is_empty() {
        1
    } else {
        2
    }
}

/// The mesh of `projects` as of today by the system clock.
pub fn resolve(projects: &[ProjectRecord]) -> Mesh {
    resolve_owned(projects.to_vec())
}

/// [`resolve`], moving the records into the mesh instead of copying them.
pub fn resolve_owned(projects: Vec<ProjectRecord>) -> Mesh {
    resolve_as_of(projects, &crate::clock::Clock::today(&crate::clock::SystemClock))
}

/// The mesh of `projects`, moved into it, with deprecations judged as of `today` (YYYY-MM-DD).
pub fn resolve_as_of(mut projects: Vec<ProjectRecord>, today: &str) -> Mesh {
    // Every copy of a node, ranked; the first stands for it (see `rank`).
    let (winners, duplicates, packages, installed) = {
        let indexed: HashSet<&str> = projects.iter().map(|p| p.name.as_str()).collect();
        let mut copies: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        let mut order: Vec<&str> = Vec::new();
        let mut packages: BTreeMap<(String, String), u64> = BTreeMap::new();
        let mut installed: HashSet<(String, String)> = HashSet::new();
        for (p, project) in projects.iter().enumerate() {
            for (n, node) in project.nodes.iter().enumerate() {
                let entry = copies.entry(&node.unique_id).or_default();
                if entry.is_empty() {
                    order.push(&node.unique_id);
                }
                entry.push((p, n));
                if !node.injected && !node.package.is_empty() && node.package != project.name {
                    installed.insert((project.name.clone(), node.package.clone()));
                    if indexed.contains(node.package.as_str()) {
                        *packages.entry((project.name.clone(), node.package.clone())).or_default() += 1;
                    }
                }
            }
        }
        let mut winners: Vec<(usize, usize, bool)> = Vec::with_capacity(order.len());
        let mut duplicates = Vec::new();
        for id in order {
            let mut ranked = copies.remove(id).unwrap_or_default();
            ranked.sort_by_key(|&(p, n)| rank(&projects[p], &projects[p].nodes[n]));
            let (p, n) = ranked[0];
            let winner = &projects[p].nodes[n];
            if tier(&projects[p], winner) == 2 {
                let dropped: Vec<String> = ranked[1..]
                    .iter()
                    .filter(|&&(q, m)| tier(&projects[q], &projects[q].nodes[m]) == 2)
                    .map(|&(q, _)| projects[q].name.clone())
                    .collect();
                if !dropped.is_empty() {
                    duplicates.push(Duplicate { unique_id: id.to_string(), kept: projects[p].name.clone(), dropped });
                }
            }
            winners.push((p, n, winner.injected));
        }
        (winners, duplicates, packages, installed)
    };
    // Each project counts what its manifest defines (its own nodes and its packages'),
    // whichever copy stands for a node in the mesh.
    let defined = defined_counts(&projects);
    let mut records: Vec<Vec<Option<NodeRecord>>> =
        projects.iter_mut().map(|p| std::mem::take(&mut p.nodes).into_iter().map(Some).collect()).collect();
    let mut nodes: Vec<ResolvedNode> = Vec::with_capacity(winners.len());
    for (p, n, injected) in winners {
        let Some(record) = records[p][n].take() else { continue };
        nodes.push(ResolvedNode {
            project: if injected { record.package.clone() } else { projects[p].name.clone() },
            source: projects[p].name.clone(),
            external: injected,
            record,
        });
    }
    drop(records);
    let projects = &projects;

    add_group_owners(projects, &mut nodes);
    name_owners_by_email(&mut nodes);
    let index: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (n.record.unique_id.as_str(), i)).collect();

    let mut edges = Vec::new();
    for node in nodes.iter().filter(|n| !n.external) {
        for parent in &node.record.depends_on {
            let Some(&p) = index.get(parent.as_str()) else {
                continue;
            };
            let kind = if nodes[p].project == node.project {
                EdgeKind::Ref
            } else if installed.contains(&(node.project.clone(), nodes[p].record.package.clone())) {
                // The child's project carries this node's package: it refs its own copy.
                EdgeKind::Package
            } else {
                EdgeKind::CrossProject
            };
            edges.push(Edge { parent: parent.clone(), child: node.record.unique_id.clone(), kind });
        }
    }
    edges.extend(inferred_edges(&nodes));
    edges.sort_by(|a, b| (&a.parent, &a.child).cmp(&(&b.parent, &b.child)));
    edges.dedup_by(|a, b| a.parent == b.parent && a.child == b.child);

    let mut findings = findings::find(&nodes, &index, &edges, today);
    findings.extend(findings::duplicates(&nodes, &index, &duplicates));
    let counts = count(&defined, &nodes, &index, &edges, &findings);
    let project_cycles = project_cycles(&nodes, &index, &edges);
    Mesh { nodes, edges, findings, counts, project_cycles, packages, duplicates }
}

/// A group's owner owns the group's nodes. Groups belong to the project that defines
/// them: a group of the same name in another project is another group.
fn add_group_owners(projects: &[ProjectRecord], nodes: &mut [ResolvedNode]) {
    let mut groups: HashMap<(&str, &str), &GroupRecord> = HashMap::new();
    for project in projects {
        for group in &project.groups {
            groups.entry((group.package.as_str(), group.name.as_str())).or_insert(group);
        }
    }
    for node in nodes.iter_mut() {
        let Some(group_name) = node.record.group.clone() else {
            continue;
        };
        let Some(group) = groups.get(&(node.record.package.as_str(), group_name.as_str())) else {
            continue;
        };
        let mut owners: Vec<Owner> = Vec::new();
        if group.owner_emails.is_empty() {
            if let Some(name) = &group.owner_name {
                owners.push(Owner { name: Some(name.clone()), email: None, source: "group".into() });
            }
        }
        for email in &group.owner_emails {
            owners.push(Owner { name: group.owner_name.clone(), email: Some(email.clone()), source: "group".into() });
        }
        owners.append(&mut node.record.owners);
        node.record.owners = owners;
    }
}

/// An owner declared by email alone (`meta.owner: cfo@acme.io`) is the person or
/// team that another declaration names with that email.
fn name_owners_by_email(nodes: &mut [ResolvedNode]) {
    let mut names: HashMap<String, String> = HashMap::new();
    for owner in nodes.iter().flat_map(|n| n.record.owners.iter()) {
        if let (Some(name), Some(email)) = (&owner.name, &owner.email) {
            names.entry(email.to_lowercase()).or_insert_with(|| name.clone());
        }
    }
    for owner in nodes.iter_mut().flat_map(|n| n.record.owners.iter_mut()) {
        if owner.name.is_none() {
            owner.name = owner.email.as_ref().and_then(|e| names.get(&e.to_lowercase()).cloned());
        }
    }
}

/// `"DB"."Schema"."Table"`, `db.schema.table` and `` `db`.`schema`.`table` `` are one relation.
pub fn normalise_relation(relation: &str) -> String {
    relation.chars().filter(|c| !matches!(c, '"' | '`' | '[' | ']')).flat_map(char::to_lowercase).collect()
}

fn inferred_edges(nodes: &[ResolvedNode]) -> Vec<Edge> {
    let mut by_relation: HashMap<String, &ResolvedNode> = HashMap::new();
    for node in
        nodes.iter().filter(|n| !n.external && matches!(n.record.resource_type.as_str(), "model" | "seed" | "snapshot"))
    {
        if let Some(relation) = &node.record.relation_name {
            by_relation.entry(normalise_relation(relation)).or_insert(node);
        }
    }
    nodes
        .iter()
        .filter(|n| !n.external && n.record.resource_type == "source")
        .filter_map(|source| {
            let relation = normalise_relation(source.record.relation_name.as_deref()?);
            let model = by_relation.get(&relation)?;
            (model.project != source.project).then(|| Edge {
                parent: model.record.unique_id.clone(),
                child: source.record.unique_id.clone(),
                kind: EdgeKind::Inferred,
            })
        })
        .collect()
}

/// Strongly connected groups of two or more projects in the project graph.
fn project_cycles(nodes: &[ResolvedNode], index: &HashMap<&str, usize>, edges: &[Edge]) -> Vec<Vec<String>> {
    let mut graph = petgraph::graphmap::DiGraphMap::<&str, ()>::new();
    for edge in edges.iter().filter(|e| e.kind != EdgeKind::Ref) {
        if let (Some(&p), Some(&c)) = (index.get(edge.parent.as_str()), index.get(edge.child.as_str())) {
            graph.add_edge(nodes[p].project.as_str(), nodes[c].project.as_str(), ());
        }
    }
    let mut cycles: Vec<Vec<String>> = petgraph::algo::tarjan_scc(&graph)
        .into_iter()
        .filter(|scc| scc.len() > 1)
        .map(|scc| {
            let mut names: Vec<String> = scc.into_iter().map(str::to_string).collect();
            names.sort();
            names
        })
        .collect();
    cycles.sort();
    cycles
}

/// Per project, the nodes and groups its manifest defines (not injected copies).
fn defined_counts(projects: &[ProjectRecord]) -> BTreeMap<String, ProjectCounts> {
    let mut counts = BTreeMap::new();
    for project in projects {
        let groups = project.groups.iter().filter(|g| !g.injected).count() as u64;
        let c = counts.entry(project.name.clone()).or_insert(ProjectCounts { groups, ..ProjectCounts::default() });
        for r in project.nodes.iter().filter(|n| !n.injected) {
            count_node(c, r);
        }
    }
    counts
}

fn count_node(c: &mut ProjectCounts, r: &NodeRecord) {
    match r.resource_type.as_str() {
        "model" => {
            c.models += 1;
            c.public_models += u64::from(r.access.as_deref() == Some("public"));
            c.contracted_models += u64::from(r.contract_enforced);
            c.versioned_models += u64::from(r.version.is_some());
        }
        "source" => c.sources += 1,
        "seed" => c.seeds += 1,
        "snapshot" => c.snapshots += 1,
        "test" => c.tests += 1,
        "unit_test" => c.unit_tests += 1,
        "exposure" => c.exposures += 1,
        "metric" => c.metrics += 1,
        "semantic_model" => c.semantic_models += 1,
        _ => {}
    }
}

/// The defined counts with the mesh's edges and findings added, by owning project.
fn count(
    defined: &BTreeMap<String, ProjectCounts>,
    nodes: &[ResolvedNode],
    index: &HashMap<&str, usize>,
    edges: &[Edge],
    findings: &[Finding],
) -> BTreeMap<String, ProjectCounts> {
    let mut counts = defined.clone();
    for edge in edges {
        let Some(&child) = index.get(edge.child.as_str()) else {
            continue;
        };
        let Some(c) = counts.get_mut(&nodes[child].project) else {
            continue;
        };
        match edge.kind {
            EdgeKind::CrossProject => c.cross_project_edges += 1,
            EdgeKind::Inferred => c.inferred_edges += 1,
            EdgeKind::Ref | EdgeKind::Package => {}
        }
    }
    for finding in findings {
        if let Some(c) = counts.get_mut(&finding.project) {
            c.findings += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_match_across_quoting_and_case() {
        assert_eq!(normalise_relation("\"Demo\".\"Platform\".\"FCT_ORDERS\""), "demo.platform.fct_orders");
        assert_eq!(normalise_relation("`demo`.`platform`.`fct_orders`"), "demo.platform.fct_orders");
    }

    fn node(id: &str, package: &str, injected: bool, deps: &[&str]) -> NodeRecord {
        NodeRecord {
            unique_id: id.into(),
            name: id.rsplit('.').next().unwrap().into(),
            resource_type: id.split('.').next().unwrap().into(),
            package: package.into(),
            injected,
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            ..NodeRecord::default()
        }
    }

    fn project(name: &str, nodes: Vec<NodeRecord>) -> ProjectRecord {
        ProjectRecord { name: name.into(), nodes, ..ProjectRecord::default() }
    }

    #[test]
    fn an_indexed_upstream_wins_over_its_copy_and_edges_cross() {
        let up = project("up", vec![node("model.up.a", "up", false, &[])]);
        let down = project(
            "down",
            vec![node("model.up.a", "up", true, &[]), node("model.down.b", "down", false, &["model.up.a"])],
        );
        let mesh = resolve(&[up, down]);
        assert_eq!(mesh.nodes.len(), 2);
        assert!(mesh.nodes.iter().all(|n| !n.external));
        assert_eq!(mesh.edges.len(), 1);
        assert_eq!(mesh.edges[0].kind, EdgeKind::CrossProject);
        assert_eq!(mesh.counts["down"].models, 1);
        assert_eq!(mesh.counts["down"].cross_project_edges, 1);
        assert_eq!(mesh.counts["up"].cross_project_edges, 0);
    }

    #[test]
    fn a_copy_without_its_project_is_external() {
        let down = project(
            "down",
            vec![node("model.up.a", "up", true, &[]), node("model.down.b", "down", false, &["model.up.a"])],
        );
        let mesh = resolve(&[down]);
        let a = mesh.nodes.iter().find(|n| n.record.unique_id == "model.up.a").unwrap();
        assert!(a.external);
        assert_eq!(a.project, "up");
        assert_eq!(mesh.counts["down"].models, 1);
        assert_eq!(mesh.counts["down"].cross_project_edges, 1);
    }

    #[test]
    fn a_versioned_model_without_its_latest_version_is_a_finding() {
        let mut v1 = node("model.a.m.v1", "a", false, &[]);
        v1.version = Some("1".into());
        v1.latest_version = Some("2".into());
        v1.access = Some("protected".into());
        let mesh = resolve(&[project("a", vec![v1])]);
        let kinds: Vec<&str> = mesh.findings.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(kinds, ["missing_latest_version"]);
        assert_eq!(mesh.counts["a"].findings, 1);
    }

    #[test]
    fn project_cycles_are_found() {
        let a = project("a", vec![node("model.a.x", "a", false, &["model.b.y"])]);
        let b = project("b", vec![node("model.b.y", "b", false, &[]), node("model.b.z", "b", false, &["model.a.x"])]);
        let c = project("c", vec![node("model.c.w", "c", false, &["model.a.x"])]);
        let mesh = resolve(&[a, b, c]);
        assert_eq!(mesh.project_cycles, vec![vec!["a".to_string(), "b".to_string()]]);
    }

    #[test]
    fn sources_reading_another_projects_table_get_inferred_edges() {
        let mut model = node("model.up.orders", "up", false, &[]);
        model.relation_name = Some("\"wh\".\"up\".\"orders\"".into());
        let mut source = node("source.down.raw.orders", "down", false, &[]);
        source.relation_name = Some("WH.UP.ORDERS".into());
        let mesh = resolve(&[project("up", vec![model]), project("down", vec![source])]);
        assert_eq!(mesh.edges.len(), 1);
        assert_eq!(mesh.edges[0].kind, EdgeKind::Inferred);
        assert_eq!(mesh.counts["down"].inferred_edges, 1);
        assert_eq!(mesh.counts["down"].cross_project_edges, 0);
    }
}
