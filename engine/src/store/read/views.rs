//! What the project, groups, versions and governance pages show, read in one place.

use std::collections::BTreeMap;

use model::dto::{
    ApiModel, ContractCoverage, Deprecation, GovernanceView, GroupView, NodeLink, OwnerSummary, ProjectDetail,
    ProjectLink, VersionView, VersionedModel, VersionsView,
};
use rusqlite::{Connection, OptionalExtension};

use super::{findings_of_project, resolved_record, Reader, StoreError, RECORD};
use crate::mesh::{GroupRecord, NodeRecord};

/// Which stored record a list reads: whole, or light (without descriptions and code).
#[derive(Clone, Copy)]
enum Texts {
    Whole,
    Light,
}

/// Nodes (not external) with their records, for the queries below; `filter_sql` names
/// the node's columns as `n.`.
fn records(
    c: &Connection,
    texts: Texts,
    filter_sql: &str,
    param: &str,
) -> Result<Vec<(String, NodeRecord)>, StoreError> {
    let column = match texts {
        Texts::Whole => "p.record",
        Texts::Light => "p.light",
    };
    let sql = format!(
        "SELECT n.project, {column}, n.owners FROM nodes n {RECORD}
         WHERE n.external = 0 AND {filter_sql} ORDER BY n.project, n.name, n.unique_id"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows =
        stmt.query_map([param], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (project, record, owners) = row?;
        out.push((project, resolved_record(&record, &owners)?));
    }
    Ok(out)
}

fn link(project: &str, r: &NodeRecord) -> NodeLink {
    NodeLink {
        unique_id: r.unique_id.clone(),
        name: r.name.clone(),
        resource_type: r.resource_type.clone(),
        project: project.to_string(),
        version: r.version.clone(),
        ..NodeLink::default()
    }
}

impl Reader {
    pub fn project(&self, name: &str) -> Result<Option<ProjectDetail>, StoreError> {
        let Some(summary) = self.projects()?.into_iter().find(|p| p.name == name) else {
            return Ok(None);
        };
        let owners: Vec<OwnerSummary> = {
            let node_owners = self.with(|c| {
                let mut stmt = c.prepare_cached(
                    "SELECT o.key, count(DISTINCT o.node) FROM owners o JOIN nodes n ON n.unique_id = o.node
                     WHERE n.project = ?1 GROUP BY o.key ORDER BY count(DISTINCT o.node) DESC, o.key",
                )?;
                let rows = stmt.query_map([name], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })?;
            let all = self.owners()?;
            node_owners
                .into_iter()
                .filter_map(|(key, count)| {
                    all.iter().find(|o| o.key == key).map(|o| OwnerSummary { nodes: count, ..o.clone() })
                })
                .collect()
        };
        self.with(|c| {
            let today = self.today.clone();
            let public_models = records(c, Texts::Whole, "n.project = ?1 AND n.resource_type = 'model'", name)?
                .into_iter()
                .filter(|(_, r)| r.access.as_deref() == Some("public"))
                .map(|(_, r)| ApiModel {
                    version_state: r.version_state(&today).map(str::to_string),
                    unique_id: r.unique_id,
                    name: r.name,
                    version: r.version,
                    contract_enforced: r.contract_enforced,
                    description: r.description.lines().next().unwrap_or_default().to_string(),
                })
                .collect();
            let links = |sql: &str| -> Result<Vec<ProjectLink>, StoreError> {
                let mut stmt = c.prepare_cached(sql)?;
                let rows = stmt.query_map([name], |r| Ok(ProjectLink { project: r.get(0)?, edges: r.get(1)? }))?;
                Ok(rows.collect::<Result<_, _>>()?)
            };
            let upstream = links(
                "SELECT p.project, count(*) FROM edges e JOIN nodes p ON p.unique_id = e.parent JOIN nodes ch ON ch.unique_id = e.child
                 WHERE ch.project = ?1 AND p.project != ?1 GROUP BY p.project ORDER BY count(*) DESC, p.project",
            )?;
            let downstream = links(
                "SELECT ch.project, count(*) FROM edges e JOIN nodes p ON p.unique_id = e.parent JOIN nodes ch ON ch.unique_id = e.child
                 WHERE p.project = ?1 AND ch.project != ?1 GROUP BY ch.project ORDER BY count(*) DESC, ch.project",
            )?;
            let findings = findings_of_project(c, Some(name))?;
            let installs = package_installs(c)?;
            let link = |(project, nodes): (&String, &u64)| ProjectLink { project: project.clone(), edges: *nodes };
            let packages = installs.iter().filter(|(i, _, _)| i == name).map(|(_, p, n)| link((p, n))).collect();
            let installed_by = installs.iter().filter(|(_, p, _)| p == name).map(|(i, _, n)| link((i, n))).collect();
            Ok(Some(ProjectDetail {
                summary,
                public_models,
                upstream,
                downstream,
                packages,
                installed_by,
                owners,
                findings,
            }))
        })
    }

    pub fn groups(&self) -> Result<Vec<GroupView>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached("SELECT name, groups FROM projects ORDER BY name")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (project, groups) = row?;
                let groups: Vec<GroupRecord> = serde_json::from_str(&groups)?;
                for g in groups.into_iter().filter(|g| !g.injected) {
                    let members = records(
                        c,
                        Texts::Light,
                        "n.project = ?1 AND n.resource_type NOT IN ('test', 'unit_test')",
                        &project,
                    )?
                    .into_iter()
                    .filter(|(_, r)| r.group.as_deref() == Some(g.name.as_str()) && r.package == g.package)
                    .map(|(p, r)| link(&p, &r))
                    .collect();
                    out.push(GroupView {
                        project: project.clone(),
                        name: g.name,
                        description: g.description,
                        owner_name: g.owner_name,
                        owner_emails: g.owner_emails,
                        members,
                    });
                }
            }
            Ok(out)
        })
    }

    pub fn versions(&self) -> Result<VersionsView, StoreError> {
        self.with(|c| {
            let today = self.today.clone();
            let versioned =
                records(c, Texts::Light, "n.resource_type = 'model' AND n.version IS NOT NULL AND ?1 = ?1", "")?;
            let mut models: BTreeMap<(String, String), VersionedModel> = BTreeMap::new();
            let mut deprecations = Vec::new();
            let mut children = c.prepare_cached(&format!(
                "SELECT n.project, p.light FROM edges e JOIN nodes n ON n.unique_id = e.child {RECORD}
                 WHERE e.parent = ?1 AND n.resource_type NOT IN ('test', 'unit_test') ORDER BY n.project, n.name"
            ))?;
            for (project, r) in versioned {
                let version = r.version.clone().unwrap_or_default();
                let (mut pinned_by, mut following_latest) = (Vec::new(), Vec::new());
                let rows = children
                    .query_map([&r.unique_id], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
                for row in rows {
                    let (child_project, child) = row?;
                    let child: NodeRecord = serde_json::from_str(&child)?;
                    let refs: Vec<_> = child.refs.iter().filter(|x| x.name == r.name).collect();
                    if refs.iter().any(|x| x.version.as_deref() == Some(version.as_str())) {
                        pinned_by.push(link(&child_project, &child));
                    } else if refs.iter().any(|x| x.version.is_none()) {
                        following_latest.push(link(&child_project, &child));
                    }
                }
                let state = r.version_state(&today).unwrap_or("latest").to_string();
                if let Some(date) = &r.deprecation_date {
                    let date = date.get(..10).unwrap_or(date).to_string();
                    deprecations.push(Deprecation {
                        unique_id: r.unique_id.clone(),
                        project: project.clone(),
                        name: r.name.clone(),
                        version: version.clone(),
                        past: date.as_str() < today.as_str(),
                        date,
                        pinned_by: pinned_by.len() as u64,
                    });
                }
                let model = models.entry((project.clone(), r.name.clone())).or_insert_with(|| VersionedModel {
                    project: project.clone(),
                    name: r.name.clone(),
                    latest_version: r.latest_version.clone(),
                    versions: Vec::new(),
                });
                model.versions.push(VersionView {
                    unique_id: r.unique_id.clone(),
                    version,
                    state,
                    deprecation_date: r.deprecation_date.clone(),
                    contract_enforced: r.contract_enforced,
                    pinned_by,
                    following_latest,
                });
            }
            let mut models: Vec<VersionedModel> = models.into_values().collect();
            for m in &mut models {
                m.versions.sort_by(|a, b| version_order(&a.version, &b.version));
            }
            deprecations.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.unique_id.cmp(&b.unique_id)));
            Ok(VersionsView { models, deprecations })
        })
    }

    pub fn governance(&self) -> Result<GovernanceView, StoreError> {
        self.with(|c| {
            let findings = findings_of_project(c, None)?;
            let mut stmt = c.prepare_cached(
                "SELECT project,
                        sum(access = 'public'),
                        sum(access = 'public' AND contract_enforced)
                 FROM nodes WHERE external = 0 AND resource_type = 'model' GROUP BY project ORDER BY project",
            )?;
            let coverage = stmt
                .query_map([], |r| {
                    Ok(ContractCoverage {
                        project: r.get(0)?,
                        public_models: r.get::<_, Option<u64>>(1)?.unwrap_or(0),
                        contracted_public_models: r.get::<_, Option<u64>>(2)?.unwrap_or(0),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let cycles: Option<String> = c
                .query_row("SELECT value FROM mesh_facts WHERE key = 'project_cycles'", [], |r| r.get(0))
                .optional()?;
            let project_cycles = cycles.map(|c| serde_json::from_str(&c)).transpose()?.unwrap_or_default();
            Ok(GovernanceView { findings, coverage, project_cycles })
        })
    }
}

/// (installer, installed project, nodes carried) of every package install.
fn package_installs(c: &Connection) -> Result<Vec<(String, String, u64)>, StoreError> {
    let json: Option<String> =
        c.query_row("SELECT value FROM mesh_facts WHERE key = 'packages'", [], |r| r.get(0)).optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?.unwrap_or_default())
}

/// Versions are numbers in practice; compare them as numbers, else as text.
fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.cmp(b),
    }
}

impl Reader {
    /// Every node and edge, for the in-memory graph of this generation.
    pub fn graph(&self) -> Result<crate::graph::MeshGraph, StoreError> {
        use crate::graph::GraphNode;
        use crate::mesh::EdgeKind;
        self.with(|c| {
            let today = self.today.clone();
            let mut stmt =
                c.prepare_cached(&format!("SELECT n.project, n.external, p.light, n.owners FROM nodes n {RECORD}"))?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })?;
            let mut nodes = Vec::new();
            for row in rows {
                let (project, external, light, owners) = row?;
                nodes.push(GraphNode::from_record(resolved_record(&light, &owners)?, project, external, &today));
            }
            let mut stmt = c.prepare_cached("SELECT parent, child, kind FROM edges")?;
            let edges = stmt
                .query_map([], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, EdgeKind::parse(&r.get::<_, String>(2)?)))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut graph = crate::graph::MeshGraph::new(nodes, edges);
            graph.packages = package_installs(c)?;
            Ok(graph)
        })
    }
}
