//! The queries behind the project, groups, versions and governance pages and the
//! in-memory graph: records and aggregates as stored. What a page makes of them is in
//! `crate::present`.

use std::collections::HashMap;

use model::dto::{ContractCoverage, Finding, ProjectLink};
use rusqlite::{Connection, OptionalExtension};

use super::{findings_of_project, resolved_record, Reader, StoreError, RECORD};
use crate::mesh::{EdgeKind, GroupRecord, NodeRecord};

/// Each node's columns with their types, by unique_id.
pub type ColumnTypes = HashMap<String, Vec<(String, Option<String>)>>;

/// Which stored record a list reads: whole, or light (without descriptions and code).
#[derive(Clone, Copy)]
pub enum Texts {
    Whole,
    Light,
}

/// Which of the indexed projects' own nodes (never external ones) a list reads.
#[derive(Clone, Copy)]
pub enum Nodes<'a> {
    /// A project's models.
    ModelsOf(&'a str),
    /// A project's nodes other than tests.
    NodesOf(&'a str),
    /// Every versioned model.
    Versioned,
}

/// (installer, installed project, nodes carried) of every package install.
pub type PackageInstall = (String, String, u64);

/// Every node and edge of a generation, for its in-memory graph.
pub struct GraphRows {
    /// (project, external, light record with its resolved owners).
    pub nodes: Vec<(String, bool, NodeRecord)>,
    pub edges: Vec<(String, String, EdgeKind)>,
    pub packages: Vec<PackageInstall>,
}

/// Nodes with their records (project, record), ordered by project, name and id.
fn records(c: &Connection, texts: Texts, nodes: Nodes) -> Result<Vec<(String, NodeRecord)>, StoreError> {
    let column = match texts {
        Texts::Whole => "p.record",
        Texts::Light => "p.light",
    };
    let (filter, param) = match nodes {
        Nodes::ModelsOf(project) => ("n.project = ?1 AND n.resource_type = 'model'", project),
        Nodes::NodesOf(project) => ("n.project = ?1 AND n.resource_type NOT IN ('test', 'unit_test')", project),
        Nodes::Versioned => ("n.resource_type = 'model' AND n.version IS NOT NULL AND ?1 = ?1", ""),
    };
    let sql = format!(
        "SELECT n.project, {column}, n.owners FROM nodes n {RECORD}
         WHERE n.external = 0 AND {filter} ORDER BY n.project, n.name, n.unique_id"
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

fn package_installs(c: &Connection) -> Result<Vec<PackageInstall>, StoreError> {
    let json: Option<String> =
        c.query_row("SELECT value FROM mesh_facts WHERE key = 'packages'", [], |r| r.get(0)).optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?.unwrap_or_default())
}

impl Reader {
    /// Indexed projects' own nodes with their records.
    pub fn records(&self, texts: Texts, nodes: Nodes) -> Result<Vec<(String, NodeRecord)>, StoreError> {
        self.with(|c| records(c, texts, nodes))
    }

    /// The children of `parent` other than tests, with their light records (project, record).
    pub fn child_records(&self, parent: &str) -> Result<Vec<(String, NodeRecord)>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT n.project, p.light FROM edges e JOIN nodes n ON n.unique_id = e.child {RECORD}
                 WHERE e.parent = ?1 AND n.resource_type NOT IN ('test', 'unit_test') ORDER BY n.project, n.name"
            ))?;
            let rows = stmt.query_map([parent], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (project, light) = row?;
                out.push((project, serde_json::from_str(&light)?));
            }
            Ok(out)
        })
    }

    /// The projects `name` depends on and those that depend on it, with the number of
    /// edges between them, most first.
    pub fn project_links(&self, name: &str) -> Result<(Vec<ProjectLink>, Vec<ProjectLink>), StoreError> {
        self.with(|c| {
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
            Ok((upstream, downstream))
        })
    }

    /// The owners of a project's nodes with how many each owns, most first.
    pub fn owner_counts(&self, project: &str) -> Result<Vec<(String, u64)>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT o.key, count(DISTINCT o.node) FROM owners o JOIN nodes n ON n.unique_id = o.node
                 WHERE n.project = ?1 GROUP BY o.key ORDER BY count(DISTINCT o.node) DESC, o.key",
            )?;
            let rows = stmt.query_map([project], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Every package install of the mesh.
    pub fn package_installs(&self) -> Result<Vec<PackageInstall>, StoreError> {
        self.with(package_installs)
    }

    /// Each project's groups (its own and the copies it carries), by project name.
    pub fn project_groups(&self) -> Result<Vec<(String, Vec<GroupRecord>)>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached("SELECT name, groups FROM projects ORDER BY name")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (project, groups) = row?;
                out.push((project, serde_json::from_str(&groups)?));
            }
            Ok(out)
        })
    }

    /// Every finding, or one project's, by kind, project and node.
    pub fn findings(&self, project: Option<&str>) -> Result<Vec<Finding>, StoreError> {
        self.with(|c| findings_of_project(c, project))
    }

    /// Each project's public models and how many of them enforce a contract.
    pub fn contract_coverage(&self) -> Result<Vec<ContractCoverage>, StoreError> {
        self.with(|c| {
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
            Ok(coverage)
        })
    }

    /// Projects that depend on each other in a cycle.
    pub fn project_cycles(&self) -> Result<Vec<Vec<String>>, StoreError> {
        self.with(|c| {
            let cycles: Option<String> = c
                .query_row("SELECT value FROM mesh_facts WHERE key = 'project_cycles'", [], |r| r.get(0))
                .optional()?;
            Ok(cycles.map(|c| serde_json::from_str(&c)).transpose()?.unwrap_or_default())
        })
    }

    /// Every node and edge, for the in-memory graph of this generation.
    pub fn graph_rows(&self) -> Result<GraphRows, StoreError> {
        self.with(|c| {
            let mut stmt =
                c.prepare_cached(&format!("SELECT n.project, n.external, p.light, n.owners FROM nodes n {RECORD}"))?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })?;
            let mut nodes = Vec::new();
            for row in rows {
                let (project, external, light, owners) = row?;
                nodes.push((project, external, resolved_record(&light, &owners)?));
            }
            let mut stmt = c.prepare_cached("SELECT parent, child, kind FROM edges")?;
            let edges = stmt
                .query_map([], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, EdgeKind::parse(&r.get::<_, String>(2)?)))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(GraphRows { nodes, edges, packages: package_installs(c)? })
        })
    }

    /// The mesh's column lineage, for the in-memory column graph of this generation.
    pub fn column_rows(&self) -> Result<crate::columns::graph::ColumnRows, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached("SELECT unique_id, status, message, line, columns FROM column_nodes")?;
            let nodes = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            let mut stmt =
                c.prepare_cached("SELECT parent, parent_column, child, child_column, kind FROM column_edges")?;
            let edges = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(crate::columns::graph::ColumnRows { nodes, edges })
        })
    }

    /// Each node's columns with their types (the warehouse's, else the declared): for
    /// the cards of a column lineage.
    pub fn column_types(&self, unique_ids: &[&str]) -> Result<ColumnTypes, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT c.columns FROM nodes n JOIN project_node_columns c
                 ON c.project = n.source AND c.unique_id = n.unique_id WHERE n.unique_id = ?1",
            )?;
            let mut out = HashMap::new();
            for id in unique_ids {
                let columns: Option<String> = stmt.query_row([id], |r| r.get(0)).optional()?;
                if let Some(columns) = columns {
                    out.insert(id.to_string(), serde_json::from_str(&columns)?);
                }
            }
            Ok(out)
        })
    }
}
