//! Reading one generation through a small pool of read-only connections.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Mutex,
};

use model::dto::{Finding, NodeLink, ProjectSummary, TestSummary};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use super::StoreError;

mod lists;
mod owners;
use crate::mesh::NodeRecord;
pub use lists::{ColumnTypes, GraphRows, Nodes, PackageInstall, Texts};

/// How many idle connections the pool keeps.
const POOL_SIZE: usize = 8;

pub struct Reader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// The date version states are judged by (YYYY-MM-DD): the served generation's, so
    /// its pages and its graph agree.
    today: String,
}

impl Reader {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let reader = Reader {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
            today: crate::clock::Clock::today(&crate::clock::SystemClock),
        };
        // Fail now, not on the first request, if the file is not a database of this layout.
        let version = reader.with(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?))?;
        if version != super::schema::SCHEMA_VERSION {
            return Err(StoreError::Layout(path.to_path_buf()));
        }
        reader
            .with(|c| c.query_row("SELECT count(*) FROM projects", [], |r| r.get::<_, i64>(0)).map_err(Into::into))?;
        Ok(reader)
    }

    /// The same reader, judging version states as of `today` (YYYY-MM-DD).
    pub fn as_of(mut self, today: String) -> Self {
        self.today = today;
        self
    }

    pub fn today(&self) -> &str {
        &self.today
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let pooled = self.idle.lock().map(|mut idle| idle.pop()).unwrap_or(None);
        let conn = match pooled {
            Some(conn) => conn,
            None => Connection::open_with_flags(
                &self.path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
        };
        let result = f(&conn);
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < POOL_SIZE {
                idle.push(conn);
            }
        }
        result
    }

    pub fn projects(&self) -> Result<Vec<ProjectSummary>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {}, counts FROM projects ORDER BY name",
                super::write::PROJECT_COLUMNS
            ))?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let project = super::write::project_row(row)?;
                let counts: String = row.get(8)?;
                out.push(ProjectSummary {
                    name: project.name,
                    dbt_version: project.dbt_version,
                    schema_version: project.schema_version,
                    generated_at: project.generated_at,
                    adapter_type: project.adapter_type,
                    counts: serde_json::from_str(&counts)?,
                });
            }
            Ok(out)
        })
    }

    /// Checksum and artifact path of every stored project, to skip unchanged ones.
    /// Every project's nodes as their manifests have them: what a diff compares with.
    pub fn project_records(&self) -> Result<Vec<crate::mesh::ProjectRecord>, StoreError> {
        self.with(super::write::load_records)
    }

    pub fn checksums(&self) -> Result<HashMap<String, (String, String)>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached("SELECT name, checksum, artifact_path FROM projects")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn node_count(&self) -> Result<u64, StoreError> {
        self.with(|c| Ok(c.query_row("SELECT count(*) FROM nodes", [], |r| r.get(0))?))
    }

    /// A node as stored, with its neighbours, tests and findings (what is further
    /// downstream comes from the generation's graph).
    pub fn node(&self, unique_id: &str) -> Result<Option<StoredNode>, StoreError> {
        self.with(|c| {
            let row = c
                .prepare_cached(&format!(
                    "SELECT n.project, n.external, p.record, n.owners FROM nodes n {RECORD} WHERE n.unique_id = ?1"
                ))?
                .query_row([unique_id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
                })
                .optional()?;
            let Some((project, external, record, owners)) = row else {
                return Ok(None);
            };
            let record = resolved_record(&record, &owners)?;
            let parents = neighbours(c, unique_id, Direction::Parents)?;
            let (tests, children): (Vec<_>, Vec<_>) = neighbours(c, unique_id, Direction::Children)?
                .into_iter()
                .partition(|(link, _, _)| link.resource_type == "test");
            let tests = tests
                .into_iter()
                .map(|(link, status, column)| TestSummary {
                    unique_id: link.unique_id,
                    name: link.name,
                    column,
                    status,
                })
                .collect();
            Ok(Some(StoredNode {
                project,
                external,
                record,
                parents: parents.into_iter().map(|n| n.0).collect(),
                children: children.into_iter().map(|n| n.0).collect(),
                tests,
                findings: findings_of(c, unique_id)?,
            }))
        })
    }
}

/// A node as the store holds it, with what is read around it: what a node page is made from.
#[derive(Debug, Clone)]
pub struct StoredNode {
    /// The project it belongs to, and whether it is only known from another project's refs.
    pub project: String,
    pub external: bool,
    /// Its whole record, with the owners resolving the mesh gave it.
    pub record: NodeRecord,
    pub parents: Vec<NodeLink>,
    /// Children other than tests.
    pub children: Vec<NodeLink>,
    /// Tests on it with their latest status.
    pub tests: Vec<TestSummary>,
    pub findings: Vec<Finding>,
}

/// Joins a node (`n`) to its stored records (`p`): `p.record` whole, `p.light` without long texts.
pub(super) const RECORD: &str = "JOIN project_nodes p ON p.project = n.source AND p.unique_id = n.unique_id";

/// A node's record as resolved: the stored one with the owners resolution gave it.
pub(super) fn resolved_record(record: &str, owners: &str) -> Result<NodeRecord, StoreError> {
    let mut record: NodeRecord = serde_json::from_str(record)?;
    record.owners = serde_json::from_str(owners)?;
    Ok(record)
}

/// A neighbour with its latest status and, for a test, the column it tests.
type Neighbour = (NodeLink, Option<String>, Option<String>);

enum Direction {
    Parents,
    Children,
}

/// Neighbours with their latest status and (for tests) the column tested.
fn neighbours(c: &Connection, unique_id: &str, direction: Direction) -> Result<Vec<Neighbour>, StoreError> {
    // One query, joined on the parent or the child side.
    macro_rules! neighbour_sql {
        ($join:literal, $filter:literal) => {
            concat!(
                "SELECT n.unique_id, n.name, n.resource_type, n.project, n.external, e.kind, n.status, n.test_column, n.version
                 FROM edges e JOIN nodes n ON n.unique_id = e.", $join, " WHERE e.", $filter, " = ?1
                 ORDER BY n.project, n.name, n.unique_id"
            )
        };
    }
    let sql = match direction {
        Direction::Parents => neighbour_sql!("parent", "child"),
        Direction::Children => neighbour_sql!("child", "parent"),
    };
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map(params![unique_id], |r| {
        let kind: String = r.get(5)?;
        Ok((
            NodeLink { cross_project: kind != "ref", inferred: kind == "inferred", ..node_link(r, 8)? },
            r.get(6)?,
            r.get(7)?,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A link from a row that starts with unique_id, name, resource_type, project and
/// external, with the version in column `version`.
fn node_link(r: &rusqlite::Row, version: usize) -> rusqlite::Result<NodeLink> {
    Ok(NodeLink {
        unique_id: r.get(0)?,
        name: r.get(1)?,
        resource_type: r.get(2)?,
        project: r.get(3)?,
        external: r.get(4)?,
        version: r.get(version)?,
        cross_project: false,
        inferred: false,
    })
}

/// A `findings` row as selected by the queries below.
fn finding_row(r: &rusqlite::Row) -> rusqlite::Result<Finding> {
    Ok(Finding {
        kind: r.get(0)?,
        severity: r.get(1)?,
        project: r.get(2)?,
        node: r.get(3)?,
        other: r.get(4)?,
        message: r.get(5)?,
        other_project: r.get(6)?,
    })
}

fn findings_of(c: &Connection, unique_id: &str) -> Result<Vec<Finding>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT f.kind, f.severity, f.project, f.node, f.other, f.message, o.project FROM findings f
         LEFT JOIN nodes o ON o.unique_id = f.other WHERE f.node = ?1 OR f.other = ?1 ORDER BY f.id",
    )?;
    let rows = stmt.query_map([unique_id], finding_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every finding, or a project's, grouped by kind.
fn findings_of_project(c: &Connection, project: Option<&str>) -> Result<Vec<Finding>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT f.kind, f.severity, f.project, f.node, f.other, f.message, o.project FROM findings f
         LEFT JOIN nodes o ON o.unique_id = f.other
         WHERE ?1 IS NULL OR f.project = ?1 ORDER BY f.kind, f.project, f.node, f.id",
    )?;
    let rows = stmt.query_map([project], finding_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
