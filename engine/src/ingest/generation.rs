//! Writing and publishing one generation: kept projects come from the served one,
//! changed projects replace theirs, the whole mesh is resolved again, and the store
//! and the search index are written side by side before the generation is published.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    fs,
    path::Path,
    sync::{mpsc, Arc},
    time::Instant,
};

use super::{search_plan::SearchPlan, IngestError};
use crate::{
    columns,
    mesh::{resolve_as_of, Mesh, ProjectRecord, ResolvedNode},
    search,
    store::{
        has_current_layout,
        layout_files::{DATABASE_FILE, SEARCH_DIR},
        serialize, DataDir, NewDatabase, PreviousDatabase, RecordHashes, StoreError,
    },
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
    /// Per project, how many of its models' SQL gave column lineage.
    pub column_lineage: BTreeMap<String, columns::Coverage>,
}

/// Writes and publishes a new generation, as of `today`. On error nothing is
/// published and the served generation stays as it was.
pub fn write_generation(data: &DataDir, change: GenerationChange, today: &str) -> Result<WriteSummary, IngestError> {
    let previous = data.current_name();
    let previous_dir = previous.as_deref().map(|p| data.generation_path(p));
    let (name, path) = data.create_generation()?;
    match build(&path, previous_dir.as_deref(), change, today) {
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

fn build(
    path: &Path,
    previous: Option<&Path>,
    change: GenerationChange,
    today: &str,
) -> Result<WriteSummary, IngestError> {
    let db_path = path.join(DATABASE_FILE);
    let mut phase = Phase::start();
    let GenerationChange { mut replace, remove } = change;
    let previous_db = previous.map(|p| p.join(DATABASE_FILE));
    // A previous generation of this layout is copied and changed in place: its kept
    // projects' records stay where they are. One of an older layout is read whole.
    let base = previous_db.as_deref().filter(|db| has_current_layout(db));
    let mut changed: HashSet<String> = replace.iter().map(|p| p.name.clone()).chain(remove.iter().cloned()).collect();
    if let (None, Some(old)) = (base, previous_db.as_deref()) {
        for project in PreviousDatabase::open(old)?.projects()? {
            if changed.insert(project.name.clone()) {
                replace.push(project);
            }
        }
    }

    let stored = serialize(&mut replace)?;
    phase.done("serialize records");

    let mut db = match base {
        Some(base) => NewDatabase::copy_of(base, &db_path, &changed)?,
        None => NewDatabase::create(&db_path)?,
    };
    // The documents the previous generation's search index holds, by node.
    let previous_keys = if base.is_some() { db.search_keys()? } else { HashMap::new() };
    // Kept projects resolve from their light records; changed ones from the whole.
    let (kept, mut hashes) = db.light_projects(&changed)?;
    for project in &stored {
        for (unique_id, node) in &project.nodes {
            hashes.insert((project.name.clone(), unique_id.clone()), node.hash);
        }
    }
    phase.done("open and load kept records");
    let adapters: HashMap<String, Option<String>> =
        kept.iter().chain(replace.iter()).map(|p| (p.name.clone(), p.adapter_type.clone())).collect();

    // The database writer stores the changed projects while the mesh is resolved, then
    // the mesh tables while the search index is written.
    let (mesh_sender, mesh_receiver) = mpsc::channel::<SharedMesh>();
    let changed_ref = &changed;
    let (written, resolved) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<BTreeMap<String, columns::Coverage>, StoreError> {
            let mut phase = Phase::start();
            for project in &stored {
                db.insert_project(project)?;
            }
            drop(stored);
            phase.done("insert changed projects (writer)");
            let Ok(mesh) = mesh_receiver.recv() else {
                // Resolving failed; its error is the one reported.
                return Ok(BTreeMap::new());
            };
            // Column lineage is extracted on its own thread while the mesh tables are
            // written here and the search index on the caller's thread.
            let (kept, kept_columns) = db.kept_extracts()?;
            let lineage = std::thread::scope(|inner| -> Result<_, StoreError> {
                let extraction = inner.spawn(|| {
                    let mut phase = Phase::start();
                    let lineage = columns::link::extract_mesh(&mesh.0, changed_ref, &adapters, &kept, &kept_columns);
                    phase.done("column lineage");
                    lineage
                });
                db.write_mesh(&mesh.0, &mesh.1)?;
                db.write_node_columns(&mesh.0, changed_ref)?;
                phase.done("mesh tables (writer)");
                Ok(extraction.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            })?;
            drop((kept, kept_columns));
            db.write_columns(&lineage)?;
            phase.done("column tables (writer)");
            let coverage = columns::coverage(&mesh.0, &lineage.nodes);
            // Written to disk while the search index may still be being written.
            db.finish()?;
            phase.done("close and sync (writer)");
            Ok(coverage)
        });
        let inputs = Inputs { path, previous, base, changed: &changed, hashes: &hashes, previous_keys: &previous_keys };
        let resolved = resolve_and_index(&inputs, kept, replace, today, mesh_sender);
        let written = writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (written, resolved)
    });
    let mesh = resolved?;
    let column_lineage = written?;
    phase.done("resolve, store and index");
    let summary = WriteSummary {
        generation: String::new(),
        projects: mesh.0.counts.len(),
        nodes: mesh.0.nodes.len(),
        edges: mesh.0.edges.len(),
        findings: mesh.0.findings.len(),
        project_cycles: mesh.0.project_cycles.clone(),
        duplicates: mesh.0.duplicates.clone(),
        column_lineage,
    };
    // Hundreds of megabytes of small allocations take a while to free; the caller
    // need not wait for it (a process that exits first never frees them at all).
    std::thread::spawn(move || drop(mesh));
    Ok(summary)
}

/// The resolved mesh with its nodes' search keys, shared by the database writer and
/// the search index.
type SharedMesh = Arc<(Mesh, Vec<i64>)>;

/// What resolving and indexing read besides the records.
struct Inputs<'a> {
    /// The new generation's folder.
    path: &'a Path,
    /// The served generation's folder, and its database when it has this layout.
    previous: Option<&'a Path>,
    base: Option<&'a Path>,
    /// Projects replaced or removed in this run.
    changed: &'a HashSet<String>,
    hashes: &'a RecordHashes,
    previous_keys: &'a HashMap<String, i64>,
}

/// Resolves the mesh, hands it to the database writer, and writes the search index.
fn resolve_and_index(
    inputs: &Inputs,
    kept: Vec<ProjectRecord>,
    replace: Vec<ProjectRecord>,
    today: &str,
    mesh_sender: mpsc::Sender<SharedMesh>,
) -> Result<SharedMesh, IngestError> {
    let mut phase = Phase::start();
    let mut projects = kept;
    projects.extend(replace);
    projects.sort_by(|a, b| a.name.cmp(&b.name));
    let mesh = resolve_as_of(projects, today);
    phase.done("resolve");

    let doc_keys: Vec<i64> = mesh
        .nodes
        .iter()
        .map(|n| {
            let hash = inputs.hashes.get(&(n.source.clone(), n.record.unique_id.clone())).copied().unwrap_or_default();
            search::doc_key(n, hash, today)
        })
        .collect();
    let whole = |n: &ResolvedNode| inputs.changed.contains(&n.source);
    let plan = SearchPlan::new(
        &mesh,
        &doc_keys,
        inputs.previous_keys,
        inputs.previous.filter(|_| inputs.base.is_some()).map(|p| p.join(SEARCH_DIR)),
    );
    // Documents to write whose node is known here only by its light record: read whole
    // from the previous generation, which holds the same record.
    let mut fetched: Vec<ResolvedNode> = Vec::new();
    if let Some(base) = inputs.base {
        let old = PreviousDatabase::open(base)?;
        for &i in plan.documents() {
            let node = &mesh.nodes[i];
            if !whole(node) {
                if let Some(mut record) = old.whole_record(&node.source, &node.record.unique_id)? {
                    record.owners = node.record.owners.clone();
                    fetched.push(ResolvedNode { record, ..node.clone() });
                }
            }
        }
    }
    phase.done("plan search");
    let shared = Arc::new((mesh, doc_keys));
    let _ = mesh_sender.send(shared.clone());

    let search_dir = inputs.path.join(SEARCH_DIR);
    let mesh = &shared.0;
    let docs = plan.documents().iter().map(|&i| &mesh.nodes[i]).filter(|n| whole(n)).chain(fetched.iter());
    match &plan {
        SearchPlan::Update { previous, remove, .. } => {
            let remove: Vec<&str> = remove.iter().map(String::as_str).collect();
            search::update(&search_dir, previous, &remove, docs, today)?;
        }
        SearchPlan::Build { .. } => {
            let docs: Vec<&ResolvedNode> = docs.collect();
            search::build(&search_dir, docs.into_iter(), today)?;
        }
    }
    phase.done("search index");
    drop(fetched);
    Ok(shared)
}
