//! `meshlens diff`: what a project's new artifacts (the head) change in the indexed
//! mesh (the base), which changes break a contract or the mesh's interface, and
//! which nodes, projects and owners downstream each change reaches.

mod compare;
mod format;
mod impact;

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    path::{Path, PathBuf},
};

use model::dto::{DiffReport, LineageView};

pub use format::{markdown, text};

use crate::{
    clock::{Clock, SystemClock},
    columns::{
        graph::{ColumnGraph, ColumnRows},
        link::extract_mesh,
    },
    graph::MeshGraph,
    mesh::{load_project, resolve_as_of, ArtifactSet, LoadError, Mesh, NodeRecord, ProjectRecord},
    store::{DataDir, Reader, StoreError},
};

/// Kinds about what other projects rely on: breaking when the node was public or
/// another project uses it.
const INTERFACE_KINDS: [&str; 5] =
    ["model_removed", "model_renamed", "version_removed", "access_narrowed", "latest_version_moved"];

#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}: neither a meshlens index nor a folder with dbt artifacts (manifest.json)")]
    NoBase(PathBuf),
    #[error("two head folders hold project {name:?}: {first} and {second}")]
    DuplicateProject { name: String, first: PathBuf, second: PathBuf },
}

/// The mesh a diff compares with, resolved once.
pub struct Base {
    /// What it was read from, for the report.
    pub label: String,
    pub mesh: Mesh,
    pub graph: MeshGraph,
    /// Which columns read which, for column-level impact.
    pub columns: ColumnGraph,
    by_id: HashMap<String, usize>,
    adapters: HashMap<String, Option<String>>,
}

impl Base {
    /// The base of `projects`, with version states as of `today` (YYYY-MM-DD).
    pub fn from_projects(label: String, projects: &[ProjectRecord], today: &str) -> Self {
        let mesh = resolve_as_of(projects.to_vec(), today);
        let graph = MeshGraph::from_mesh(&mesh, today);
        let by_id = mesh.nodes.iter().enumerate().map(|(i, n)| (n.record.unique_id.clone(), i)).collect();
        let adapters = projects.iter().map(|p| (p.name.clone(), p.adapter_type.clone())).collect();
        Base { label, mesh, graph, columns: ColumnGraph::default(), by_id, adapters }
    }

    /// The same base with column lineage from an index's column rows.
    pub fn with_column_rows(mut self, rows: ColumnRows) -> Self {
        self.columns = ColumnGraph::from_rows(rows, &self.graph);
        self
    }

    /// The same base with column lineage extracted from its own records' SQL.
    pub fn with_extracted_columns(self) -> Self {
        let changed: HashSet<String> = self.mesh.nodes.iter().map(|n| n.source.clone()).collect();
        let adapters = self.adapters.clone();
        let lineage = extract_mesh(&self.mesh, &changed, &adapters, &Default::default(), &Default::default());
        let rows = ColumnRows::from_lineage(&lineage.nodes);
        self.with_column_rows(rows)
    }

    /// The base as an index folder holds it.
    pub fn from_index(data: &DataDir) -> Result<Self, DiffError> {
        let name = data.current_name().ok_or_else(|| DiffError::NoBase(data.root().to_path_buf()))?;
        let reader = Reader::open(&data.generation_path(&name).join(crate::store::layout_files::DATABASE_FILE))?;
        let base =
            Self::from_projects(format!("index {}", data.root().display()), &reader.project_records()?, reader.today());
        Ok(base.with_column_rows(reader.column_rows()?))
    }

    fn record(&self, unique_id: &str) -> Option<&NodeRecord> {
        self.by_id.get(unique_id).map(|&i| &self.mesh.nodes[i].record)
    }
}

/// `DIR` is a meshlens data folder (its published index), or a folder of dbt
/// artifacts: a project, its target/, or folders holding several projects.
pub fn load_base(path: &Path) -> Result<Base, DiffError> {
    let data = DataDir::new(path);
    if data.current_name().is_some() {
        return Base::from_index(&data);
    }
    let folders = artifact_folders(path, 3);
    if folders.is_empty() {
        return Err(DiffError::NoBase(path.to_path_buf()));
    }
    let projects = folders
        .iter()
        .map(|folder| load_project(ArtifactSet::read(folder)?, None))
        .collect::<Result<Vec<_>, LoadError>>()?;
    Ok(Base::from_projects(format!("artifacts {}", path.display()), &projects, &SystemClock.today())
        .with_extracted_columns())
}

/// Folders under `path` that hold a manifest.json (directly or in target/).
fn artifact_folders(path: &Path, depth: usize) -> Vec<PathBuf> {
    if path.join("manifest.json").is_file() || path.join("target").join("manifest.json").is_file() {
        return vec![path.to_path_buf()];
    }
    if depth == 0 {
        return Vec::new();
    }
    let mut children: Vec<PathBuf> = std::fs::read_dir(path)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    children.sort();
    children.into_iter().flat_map(|child| artifact_folders(&child, depth - 1)).collect()
}

/// Each PATH is one project's new artifacts (a project folder or its target/).
pub fn load_head(paths: &[PathBuf]) -> Result<Vec<ProjectRecord>, DiffError> {
    let mut projects: Vec<ProjectRecord> = Vec::new();
    let mut from: HashMap<String, PathBuf> = HashMap::new();
    for path in paths {
        let project = load_project(ArtifactSet::read(path)?, None)?;
        if let Some(first) = from.insert(project.name.clone(), path.clone()) {
            return Err(DiffError::DuplicateProject { name: project.name, first, second: path.clone() });
        }
        projects.push(project);
    }
    Ok(projects)
}

/// Compares each head project with the base's copy of it.
pub fn diff(base: &Base, head: &[ProjectRecord]) -> DiffReport {
    let mut changes = Vec::new();
    let mut gone: HashSet<String> = HashSet::new();
    let mut head_versions = impact::HeadVersions::new();
    for project in head {
        let base_nodes: Vec<&NodeRecord> =
            base.mesh.nodes.iter().filter(|n| !n.external && n.project == project.name).map(|n| &n.record).collect();
        let head_nodes: Vec<&NodeRecord> = project.nodes.iter().filter(|n| !n.injected).collect();
        let head_ids: HashSet<&str> = head_nodes.iter().map(|n| n.unique_id.as_str()).collect();
        gone.extend(
            base_nodes.iter().filter(|n| !head_ids.contains(n.unique_id.as_str())).map(|n| n.unique_id.clone()),
        );
        head_versions.extend(
            head_nodes
                .iter()
                .filter_map(|n| n.version.as_ref().map(|v| (n.package.clone(), n.name.clone(), v.clone()))),
        );
        changes.extend(compare::changes(&project.name, project.adapter_type.as_deref(), &base_nodes, &head_nodes));
    }
    for change in &mut changes {
        impact::fill(base, change, &gone, &head_versions);
        if INTERFACE_KINDS.contains(&change.kind.as_str())
            && change.downstream.iter().any(|d| d.project != change.project)
        {
            change.breaking = true;
        }
    }
    changes
        .sort_by(|a, b| (!a.breaking, &a.project, &a.node, &a.kind).cmp(&(!b.breaking, &b.project, &b.node, &b.kind)));
    let breaking: Vec<_> = changes.iter().filter(|c| c.breaking).collect();
    let impacted_projects = breaking
        .iter()
        .flat_map(|c| c.downstream_projects.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let impacted_owners = breaking
        .iter()
        .flat_map(|c| c.downstream_owners.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    DiffReport {
        base: base.label.clone(),
        projects: head.iter().map(|p| p.name.clone()).collect(),
        breaking: breaking.len() as u64,
        changes,
        impacted_projects,
        impacted_owners,
    }
}

/// The review page's graph of a report.
pub fn impact_view(base: &Base, report: &DiffReport) -> LineageView {
    impact::view(base, &report.changes)
}
