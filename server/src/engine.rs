//! The served index: the published generation, swapped for a newer one when
//! `meshlens index` publishes it. Requests in flight keep the generation they began with.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    sync::{Arc, Mutex, RwLock},
};

use app::{
    catalog::{Catalog, CatalogError},
    dto::{LineageView, MeshView, NodeDetail, ProjectSummary, Review, ReviewSummary, SearchResults, SiteInfo},
};

use crate::{
    diff::{self, Base},
    graph::{view, MeshGraph},
    mesh::ProjectRecord,
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
    /// The resolved mesh diffs compare with, built on the first diff.
    diff_base: Mutex<Option<Arc<Base>>>,
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

    /// The base of a diff against this generation.
    pub fn diff_base(&self) -> Result<Arc<Base>, StoreError> {
        let mut slot = self.diff_base.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(base) = slot.as_ref() {
            return Ok(base.clone());
        }
        let label = format!("the served index (generation {})", self.name);
        let base = Arc::new(Base::from_projects(label, &self.reader.project_records()?));
        *slot = Some(base.clone());
        Ok(base)
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
            diff_base: Mutex::new(None),
        })
    }
}

pub struct Engine {
    data: DataDir,
    demo: bool,
    current: RwLock<Option<Arc<Generation>>>,
    /// Diffs made through the API or the review page, newest last.
    reviews: Mutex<VecDeque<Arc<Review>>>,
    /// Keeps the demo mesh's temporary folder alive as long as the engine.
    _demo_dir: Option<tempfile::TempDir>,
}

impl Engine {
    pub fn open(data: DataDir, demo: bool, demo_dir: Option<tempfile::TempDir>) -> Result<Self, StoreError> {
        let engine = Engine {
            data,
            demo,
            current: RwLock::new(None),
            reviews: Mutex::new(VecDeque::new()),
            _demo_dir: demo_dir,
        };
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

/// Reviews the server keeps in memory; the oldest goes first.
const REVIEWS_KEPT: usize = 50;

impl Engine {
    /// Diffs `head` against the served index and keeps the result for the review page.
    pub fn review(&self, head: &[ProjectRecord]) -> Result<Arc<Review>, CatalogError> {
        let generation = self.generation()?;
        let base = generation.diff_base().map_err(catalog_error)?;
        let report = diff::diff(&base, head);
        let review = Arc::new(Review {
            id: review_id(),
            created: crate::mesh::now_rfc3339(),
            markdown: diff::markdown(&report),
            lineage: diff::impact_view(&base, &report),
            report,
        });
        let mut reviews = self.reviews.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if reviews.len() >= REVIEWS_KEPT {
            reviews.pop_front();
        }
        reviews.push_back(review.clone());
        Ok(review)
    }
}

/// Unguessable enough that one reviewer cannot stumble on another's diff: the
/// standard library's hasher keys are drawn from the operating system's randomness.
fn review_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let word = || {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(count);
        hasher.finish()
    };
    format!("{:016x}{:016x}", word(), word())[..20].to_string()
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

    fn review(&self, id: &str) -> Result<Option<Review>, CatalogError> {
        let reviews = self.reviews.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(reviews.iter().find(|r| r.id == id).map(|r| (**r).clone()))
    }

    fn reviews(&self) -> Result<Vec<ReviewSummary>, CatalogError> {
        let reviews = self.reviews.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(reviews
            .iter()
            .rev()
            .map(|r| ReviewSummary {
                id: r.id.clone(),
                created: r.created.clone(),
                projects: r.report.projects.clone(),
                changes: r.report.changes.len() as u64,
                breaking: r.report.breaking,
            })
            .collect())
    }

    fn search(&self, query: &str, limit: usize, offset: usize) -> Result<SearchResults, CatalogError> {
        self.generation()?.search.search(query, limit, offset).map_err(catalog_error)
    }
}

pub type SharedEngine = Arc<Engine>;
