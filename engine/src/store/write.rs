//! Writing a generation's database. The ingest pipeline decides what goes in; this
//! module only knows how it is laid out: kept projects' records stay where a copy of
//! the previous database holds them, changed projects replace theirs, and the mesh
//! tables are written whole.

mod column_tables;
mod mesh_tables;
mod records;

use std::{
    collections::{HashMap, HashSet},
    fs,
    path::{Path, PathBuf},
};

use rusqlite::{Connection, OpenFlags};

pub(super) use records::{load_records, project_row, PROJECT_COLUMNS};
pub use records::{serialize, RecordHashes, StoredProject};

use super::{
    io_error,
    schema::{SCHEMA, SCHEMA_VERSION},
    StoreError,
};
use crate::{
    columns::link::{KeptColumns, KeptExtracts, MeshLineage},
    mesh::{Mesh, NodeRecord, ProjectRecord},
};

/// The layout version of a generation's database, if it can be read.
fn layout_version(db: &Path) -> Option<i64> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).ok()
}

/// Whether the database at `db` has this version's layout, so a new generation can
/// start from a copy of it.
pub fn has_current_layout(db: &Path) -> bool {
    layout_version(db) == Some(SCHEMA_VERSION)
}

/// Settings for writing a generation nobody reads yet: a generation that fails is
/// deleted whole, so it needs no journal; a large cache keeps SQLite from spilling
/// pages to disk in the middle of a transaction.
const WRITE_PRAGMAS: &str =
    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;";

/// The database of a generation being written.
pub struct NewDatabase {
    conn: Connection,
    path: PathBuf,
}

impl NewDatabase {
    /// An empty database of this layout at `path`.
    pub fn create(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.execute_batch(WRITE_PRAGMAS)?;
        conn.execute_batch(SCHEMA)?;
        Ok(NewDatabase { conn, path: path.to_path_buf() })
    }

    /// A copy at `path` of `base` (of this layout, see [`has_current_layout`]) without
    /// the projects in `drop`: the others' records stay where they are.
    pub fn copy_of(base: &Path, path: &Path, drop: &HashSet<String>) -> Result<Self, StoreError> {
        fs::copy(base, path).map_err(io_error(path))?;
        let conn = Connection::open(path)?;
        conn.execute_batch(WRITE_PRAGMAS)?;
        let tx = conn.unchecked_transaction()?;
        {
            let mut delete_nodes = tx.prepare("DELETE FROM project_nodes WHERE project = ?1")?;
            let mut delete_project = tx.prepare("DELETE FROM projects WHERE name = ?1")?;
            let mut delete_columns = tx.prepare("DELETE FROM project_columns WHERE project = ?1")?;
            let mut delete_node_columns = tx.prepare("DELETE FROM project_node_columns WHERE project = ?1")?;
            for name in drop {
                delete_nodes.execute([name])?;
                delete_columns.execute([name])?;
                delete_node_columns.execute([name])?;
                delete_project.execute([name])?;
            }
        }
        tx.commit()?;
        Ok(NewDatabase { conn, path: path.to_path_buf() })
    }

    /// The search key of every node the mesh tables hold (those of the copied
    /// generation, until [`write_mesh`](Self::write_mesh) replaces them).
    pub fn search_keys(&self) -> Result<HashMap<String, i64>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT unique_id, doc_key FROM nodes")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stored projects not in `skip`, with light node records, and their records' hashes.
    pub fn light_projects(&self, skip: &HashSet<String>) -> Result<(Vec<ProjectRecord>, RecordHashes), StoreError> {
        records::load_light(&self.conn, skip)
    }

    /// Stores one project's row and nodes, in one transaction.
    pub fn insert_project(&mut self, project: &StoredProject) -> Result<(), StoreError> {
        records::insert_project(&mut self.conn, project)
    }

    /// Replaces the mesh tables with `mesh`; `doc_keys` are its nodes' search keys, in order.
    pub fn write_mesh(&mut self, mesh: &Mesh, doc_keys: &[i64]) -> Result<(), StoreError> {
        mesh_tables::write_mesh(&mut self.conn, mesh, doc_keys)
    }

    /// The column lineage extractions of the projects this database still holds, and
    /// their nodes' column names.
    pub fn kept_extracts(&self) -> Result<(KeptExtracts, KeptColumns), StoreError> {
        Ok((column_tables::kept_extracts(&self.conn)?, column_tables::kept_columns(&self.conn)?))
    }

    /// Stores the columns of the changed projects' nodes (`source` in `changed`).
    pub fn write_node_columns(&mut self, mesh: &Mesh, changed: &HashSet<String>) -> Result<(), StoreError> {
        column_tables::write_node_columns(&mut self.conn, mesh, changed)
    }

    /// Stores the changed projects' extractions and replaces the mesh's column lineage.
    pub fn write_columns(&mut self, lineage: &MeshLineage) -> Result<(), StoreError> {
        column_tables::write_columns(&mut self.conn, lineage)
    }

    /// Closes the database and writes it to disk.
    pub fn finish(self) -> Result<(), StoreError> {
        self.conn.close().map_err(|(_, e)| e)?;
        fs::File::open(&self.path).and_then(|f| f.sync_all()).map_err(io_error(&self.path))
    }
}

/// A published generation's database, read while the next one is written.
pub struct PreviousDatabase {
    conn: Connection,
}

impl PreviousDatabase {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(PreviousDatabase { conn: Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)? })
    }

    /// Every project with its nodes' whole records (this layout and the one before).
    pub fn projects(&self) -> Result<Vec<ProjectRecord>, StoreError> {
        records::load_records(&self.conn)
    }

    /// One node's whole record as stored by project `source`.
    pub fn whole_record(&self, source: &str, unique_id: &str) -> Result<Option<NodeRecord>, StoreError> {
        records::whole_record(&self.conn, source, unique_id)
    }
}
