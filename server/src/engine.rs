//! The served index: the published generation, swapped for a newer one when
//! `meshlens index` publishes it. Requests in flight keep the generation they began with.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, RwLock},
};

use app::{
    catalog::{Catalog, CatalogError},
    dto::{LineageView, MeshView, NodeDetail, ProjectSummary, SearchResults, SiteInfo},
};

use crate::{
    graph::{view, MeshGraph},
    search::SearchIndex,
    store::{DataDir, Reader, StoreError},
};

pub struct Generation {
    pub name: String,
    pub reader: Reader,
    pub search: SearchIndex,
    pub graph: MeshGraph,
    /// Lineage views already laid out, by (select, exclude, expanded).
    lineage_cache: Mutex<HashMap<String, Arc<LineageView>>>,
}

/// Views kept per generation; the cache starts over when it is full.
const LINEAGE_CACHE: usize = 256;

impl Generation {
    /// A lineage view, laid out once and then served from the cache.
    pub fn lineage(
        &self,
        select: &str,
        exclude: &str,
        collapse: bool,
        expanded: &[String],
    ) -> Result<Arc<LineageView>, view::ViewError> {
        let mut expanded_sorted = expanded.to_vec();
        expanded_sorted.sort();
        let key = format!("{select}\u{0}{exclude}\u{0}{collapse}\u{0}{}", expanded_sorted.join("\u{0}"));
        if let Some(hit) = self.lineage_cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(hit);
        }
        let expanded: HashSet<String> = expanded.iter().cloned().collect();
        let view = Arc::new(view::lineage_view(&self.graph, select, exclude, collapse, &expanded)?);
        if let Ok(mut cache) = self.lineage_cache.lock() {
            if cache.len() >= LINEAGE_CACHE {
                cache.clear();
            }
            cache.insert(key, view.clone());
        }
        Ok(view)
    }

    fn open(data: &DataDir, name: &str) -> Result<Self, StoreError> {
        let path = data.generation_path(name);
        let reader = Reader::open(&path.join(crate::store::layout_files::DATABASE_FILE))?;
        let graph = reader.graph()?;
        Ok(Generation {
            name: name.to_string(),
            search: SearchIndex::open(&path.join(crate::store::layout_files::SEARCH_DIR))?,
            reader,
            graph,
            lineage_cache: Mutex::new(HashMap::new()),
        })
    }
}

pub struct Engine {
    data: DataDir,
    demo: bool,
    current: RwLock<Option<Arc<Generation>>>,
    /// Keeps the demo mesh's temporary folder alive as long as the engine.
    _demo_dir: Option<tempfile::TempDir>,
}

impl Engine {
    pub fn open(data: DataDir, demo: bool, demo_dir: Option<tempfile::TempDir>) -> Result<Self, StoreError> {
        let engine = Engine { data, demo, current: RwLock::new(None), _demo_dir: demo_dir };
        engine.refresh()?;
        Ok(engine)
    }

    pub fn data(&self) -> &DataDir {
        &self.data
    }

    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// Opens the published generation if it is not the one being served.
    /// Returns whether it swapped.
    pub fn refresh(&self) -> Result<bool, StoreError> {
        let Some(name) = self.data.current_name() else {
            return Ok(false);
        };
        let served = self.current.read().ok().and_then(|c| c.as_ref().map(|g| g.name.clone()));
        if served.as_deref() == Some(name.as_str()) {
            return Ok(false);
        }
        let generation = Arc::new(Generation::open(&self.data, &name)?);
        if let Ok(mut current) = self.current.write() {
            *current = Some(generation);
        }
        tracing::info!(generation = %name, "serving index generation");
        Ok(true)
    }

    pub fn generation(&self) -> Result<Arc<Generation>, CatalogError> {
        self.current
            .read()
            .ok()
            .and_then(|c| c.clone())
            .ok_or_else(|| CatalogError("no index has been published yet".to_string()))
    }
}

fn catalog_error(e: impl std::fmt::Display) -> CatalogError {
    CatalogError(e.to_string())
}

impl Catalog for Engine {
    fn site(&self) -> SiteInfo {
        SiteInfo { demo: self.demo, version: env!("CARGO_PKG_VERSION").to_string() }
    }

    fn projects(&self) -> Result<Vec<ProjectSummary>, CatalogError> {
        self.generation()?.reader.projects().map_err(catalog_error)
    }

    fn node(&self, unique_id: &str) -> Result<Option<NodeDetail>, CatalogError> {
        self.generation()?.reader.node(unique_id).map_err(catalog_error)
    }

    fn project(&self, name: &str) -> Result<Option<app::dto::ProjectDetail>, CatalogError> {
        self.generation()?.reader.project(name).map_err(catalog_error)
    }

    fn groups(&self) -> Result<Vec<app::dto::GroupView>, CatalogError> {
        self.generation()?.reader.groups().map_err(catalog_error)
    }

    fn versions(&self) -> Result<app::dto::VersionsView, CatalogError> {
        self.generation()?.reader.versions().map_err(catalog_error)
    }

    fn governance(&self) -> Result<app::dto::GovernanceView, CatalogError> {
        self.generation()?.reader.governance().map_err(catalog_error)
    }

    fn owners(&self) -> Result<Vec<app::dto::OwnerSummary>, CatalogError> {
        self.generation()?.reader.owners().map_err(catalog_error)
    }

    fn owner(&self, key: &str) -> Result<Option<app::dto::OwnerDetail>, CatalogError> {
        self.generation()?.reader.owner(key).map_err(catalog_error)
    }

    fn lineage(
        &self,
        select: &str,
        exclude: &str,
        expanded: &[String],
    ) -> Result<Result<LineageView, String>, CatalogError> {
        Ok(self.generation()?.lineage(select, exclude, true, expanded).map(|v| (*v).clone()).map_err(|e| e.to_string()))
    }

    fn mesh(&self) -> Result<MeshView, CatalogError> {
        Ok(view::mesh_view(&self.generation()?.graph))
    }

    fn search(&self, query: &str, limit: usize, offset: usize) -> Result<SearchResults, CatalogError> {
        self.generation()?.search.search(query, limit, offset).map_err(catalog_error)
    }
}

pub type SharedEngine = Arc<Engine>;
