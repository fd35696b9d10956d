//! Writing a generation: kept projects are copied from the served one, changed
//! projects replace theirs, then the whole mesh is resolved again.

mod mesh_tables;
mod records;

use std::{
    collections::{HashMap, HashSet},
    fs,
    path::{Path, PathBuf},
    sync::{mpsc, Arc},
    time::Instant,
};

use rusqlite::{Connection, OpenFlags};

pub(super) use records::load_records;

use super::{
    io_error,
    layout::{DataDir, DATABASE_FILE, SEARCH_DIR},
    schema::{SCHEMA, SCHEMA_VERSION},
    StoreError,
};
use crate::{
    mesh::{resolve_owned, Mesh, ProjectRecord, ResolvedNode},
    search,
};

/// What one index run changes.
#[derive(Debug, Default)]
pub struct GenerationChange {
    /// Projects added or replaced (by name).
    pub replace: Vec<ProjectRecord>,
    /// Projects dropped (by name).
    pub remove: Vec<String>,
}

#[derive(Debug)]
pub struct WriteSummary {
    pub generation: String,
    pub projects: usize,
    pub nodes: usize,
    pub edges: usize,
    pub findings: usize,
    pub project_cycles: Vec<Vec<String>>,
    /// Nodes two installers define with their files: the copy kept and the others.
    pub duplicates: Vec<crate::mesh::Duplicate>,
}

/// Writes and publishes a new generation. On error nothing is published and the
/// served generation stays as it was.
pub fn write_generation(data: &DataDir, change: GenerationChange) -> Result<WriteSummary, StoreError> {
    let previous = data.current_name();
    let previous_dir = previous.as_deref().map(|p| data.generation_path(p));
    let (name, path) = data.create_generation()?;
    match build(&path, previous_dir.as_deref(), change) {
        Ok(summary) => {
            data.publish(&name)?;
            data.prune(previous.as_deref());
            Ok(WriteSummary { generation: name, ..summary })
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&path);
            Err(e)
        }
    }
}

/// Times the steps of a write, for `MESHLENS_LOG=debug`.
struct Phase(Instant);

impl Phase {
    fn start() -> Self {
        Phase(Instant::now())
    }

    fn done(&mut self, step: &str) {
        tracing::debug!(step, ms = self.0.elapsed().as_secs_f64() * 1000.0, "index write step");
        self.0 = Instant::now();
    }
}

/// The layout version of a generation's database, if it can be read.
fn layout_version(db: &Path) -> Option<i64> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).ok()
}

/// Settings for writing a generation nobody reads yet: a generation that fails is
/// deleted whole, so it needs no journal; a large cache keeps SQLite from spilling
/// pages to disk in the middle of a transaction.
const WRITE_PRAGMAS: &str =
    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;";

fn build(path: &Path, previous: Option<&Path>, change: GenerationChange) -> Result<WriteSummary, StoreError> {
    let db_path = path.join(DATABASE_FILE);
    let mut phase = Phase::start();
    let GenerationChange { mut replace, remove } = change;
    let previous_db = previous.map(|p| p.join(DATABASE_FILE));
    // A previous generation of this layout is copied and changed in place: its kept
    // projects' records stay where they are. One of an older layout is read whole.
    let base = previous_db.as_deref().filter(|db| layout_version(db) == Some(SCHEMA_VERSION));
    let mut changed: HashSet<String> = replace.iter().map(|p| p.name.clone()).chain(remove.iter().cloned()).collect();
    if let (None, Some(old)) = (base, previous_db.as_deref()) {
        let old = Connection::open_with_flags(old, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        for project in records::load_records(&old)? {
            if changed.insert(project.name.clone()) {
                replace.push(project);
            }
        }
    }

    let stored = records::serialize(&mut replace)?;
    phase.done("serialize records");

    let mut conn = match base {
        Some(base) => {
            fs::copy(base, &db_path).map_err(io_error(&db_path))?;
            let conn = Connection::open(&db_path)?;
            conn.execute_batch(WRITE_PRAGMAS)?;
            let tx = conn.unchecked_transaction()?;
            {
                let mut delete_nodes = tx.prepare("DELETE FROM project_nodes WHERE project = ?1")?;
                let mut delete_project = tx.prepare("DELETE FROM projects WHERE name = ?1")?;
                for name in &changed {
                    delete_nodes.execute([name])?;
                    delete_project.execute([name])?;
                }
            }
            tx.commit()?;
            conn
        }
        None => {
            let conn = Connection::open(&db_path)?;
            conn.execute_batch(WRITE_PRAGMAS)?;
            conn.execute_batch(SCHEMA)?;
            conn
        }
    };
    // The documents the previous generation's search index holds, by node.
    let previous_keys: HashMap<String, i64> = match base {
        Some(_) => {
            let mut stmt = conn.prepare("SELECT unique_id, doc_key FROM nodes")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            rows.collect::<Result<_, _>>()?
        }
        None => HashMap::new(),
    };
    // Kept projects resolve from their light records; changed ones from the whole.
    let (kept, mut hashes) = records::load_light(&conn, &changed)?;
    for project in &stored {
        for (unique_id, node) in &project.nodes {
            hashes.insert((project.name.clone(), unique_id.clone()), node.hash);
        }
    }
    phase.done("open and load kept records");

    // The database writer stores the changed projects while the mesh is resolved, then
    // the mesh tables while the search index is written.
    let (mesh_sender, mesh_receiver) = mpsc::channel::<SharedMesh>();
    let (written, resolved) = std::thread::scope(|scope| {
        let db_path = &db_path;
        let writer = scope.spawn(move || -> Result<(), StoreError> {
            let mut phase = Phase::start();
            for project in &stored {
                records::insert_project(&mut conn, project)?;
            }
            drop(stored);
            phase.done("insert changed projects (writer)");
            let Ok(mesh) = mesh_receiver.recv() else {
                // Resolving failed; its error is the one reported.
                return Ok(());
            };
            mesh_tables::write_mesh(&mut conn, &mesh.0, &mesh.1)?;
            phase.done("mesh tables (writer)");
            // Written to disk while the search index may still be being written.
            conn.close().map_err(|(_, e)| e)?;
            fs::File::open(db_path).and_then(|f| f.sync_all()).map_err(io_error(db_path))?;
            phase.done("close and sync (writer)");
            Ok(())
        });
        let resolved =
            resolve_and_index(path, previous, base, kept, replace, &changed, &hashes, &previous_keys, mesh_sender);
        let written = writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (written, resolved)
    });
    let mesh = resolved?;
    written?;
    phase.done("resolve, store and index");
    let summary = WriteSummary {
        generation: String::new(),
        projects: mesh.0.counts.len(),
        nodes: mesh.0.nodes.len(),
        edges: mesh.0.edges.len(),
        findings: mesh.0.findings.len(),
        project_cycles: mesh.0.project_cycles.clone(),
        duplicates: mesh.0.duplicates.clone(),
    };
    // Hundreds of megabytes of small allocations take a while to free; the caller
    // need not wait for it (a process that exits first never frees them at all).
    std::thread::spawn(move || drop(mesh));
    Ok(summary)
}

/// The resolved mesh with its nodes' search keys, shared by the database writer and
/// the search index.
type SharedMesh = Arc<(Mesh, Vec<i64>)>;

/// Resolves the mesh, hands it to the database writer, and writes the search index.
#[allow(clippy::too_many_arguments)]
fn resolve_and_index(
    path: &Path,
    previous: Option<&Path>,
    base: Option<&Path>,
    kept: Vec<ProjectRecord>,
    replace: Vec<ProjectRecord>,
    changed: &HashSet<String>,
    hashes: &records::RecordHashes,
    previous_keys: &HashMap<String, i64>,
    mesh_sender: mpsc::Sender<SharedMesh>,
) -> Result<SharedMesh, StoreError> {
    let mut phase = Phase::start();
    let mut projects = kept;
    projects.extend(replace);
    projects.sort_by(|a, b| a.name.cmp(&b.name));
    let mesh = resolve_owned(projects);
    phase.done("resolve");

    let today = crate::mesh::today();
    let doc_keys: Vec<i64> = mesh
        .nodes
        .iter()
        .map(|n| {
            let hash = hashes.get(&(n.source.clone(), n.record.unique_id.clone())).copied().unwrap_or_default();
            search::doc_key(n, hash, &today)
        })
        .collect();
    let whole = |n: &ResolvedNode| changed.contains(&n.source);
    let plan = SearchPlan::new(
        &mesh,
        &doc_keys,
        previous_keys,
        previous.filter(|_| base.is_some()).map(|p| p.join(SEARCH_DIR)),
    );
    // Documents to write whose node is known here only by its light record: read whole
    // from the previous generation, which holds the same record.
    let mut fetched: Vec<ResolvedNode> = Vec::new();
    if let Some(base) = base {
        let old = Connection::open_with_flags(base, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        for &i in plan.documents() {
            let node = &mesh.nodes[i];
            if !whole(node) {
                if let Some(mut record) = records::whole_record(&old, &node.source, &node.record.unique_id)? {
                    record.owners = node.record.owners.clone();
                    fetched.push(ResolvedNode { record, ..node.clone() });
                }
            }
        }
    }
    phase.done("plan search");
    let shared = Arc::new((mesh, doc_keys));
    let _ = mesh_sender.send(shared.clone());

    let search_dir = path.join(SEARCH_DIR);
    let mesh = &shared.0;
    let docs = plan.documents().iter().map(|&i| &mesh.nodes[i]).filter(|n| whole(n)).chain(fetched.iter());
    match &plan {
        SearchPlan::Update { previous, remove, .. } => {
            let remove: Vec<&str> = remove.iter().map(String::as_str).collect();
            search::update(&search_dir, previous, &remove, docs)?;
        }
        SearchPlan::Build { .. } => {
            let docs: Vec<&ResolvedNode> = docs.collect();
            search::build(&search_dir, docs.into_iter())?;
        }
    }
    phase.done("search index");
    drop(fetched);
    Ok(shared)
}

/// How the new search index is made: the previous one updated with the documents that
/// changed, or (with no usable previous one, or most documents changed) a new one.
enum SearchPlan {
    Update { previous: PathBuf, remove: Vec<String>, add: Vec<usize> },
    Build { all: Vec<usize> },
}

impl SearchPlan {
    fn new(mesh: &Mesh, keys: &[i64], previous_keys: &HashMap<String, i64>, previous: Option<PathBuf>) -> Self {
        let all = || SearchPlan::Build { all: (0..mesh.nodes.len()).collect() };
        let Some(previous) = previous.filter(|dir| !previous_keys.is_empty() && search::reusable(dir)) else {
            return all();
        };
        let add: Vec<usize> = (0..mesh.nodes.len())
            .filter(|&i| previous_keys.get(&mesh.nodes[i].record.unique_id) != Some(&keys[i]))
            .collect();
        let current: HashSet<&str> = mesh.nodes.iter().map(|n| n.record.unique_id.as_str()).collect();
        // A changed document is deleted and added again; a node that is gone, deleted.
        let mut remove: Vec<String> = add.iter().map(|&i| mesh.nodes[i].record.unique_id.clone()).collect();
        remove.extend(previous_keys.keys().filter(|id| !current.contains(id.as_str())).cloned());
        if remove.len() * 2 > mesh.nodes.len().max(1) {
            return all();
        }
        SearchPlan::Update { previous, remove, add }
    }

    /// The nodes whose documents are written, by position in the mesh.
    fn documents(&self) -> &[usize] {
        match self {
            SearchPlan::Update { add, .. } => add,
            SearchPlan::Build { all } => all,
        }
    }
}
