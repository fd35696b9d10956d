//! The served index: the published generation, swapped for a newer one when
//! `meshlens index` publishes it. Requests in flight keep the generation they began with.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    sync::{Arc, Mutex, OnceLock, RwLock},
};

use model::{
    catalog::Catalog,
    dto::{LineageView, MeshView, NodeDetail, ProjectSummary, Review, ReviewSummary, SearchResults, SiteInfo},
    error::{Error, ErrorCode},
};

use crate::{
    clock::{Clock, SystemClock},
    columns::graph::{node_id, ColumnGraph},
    diff::{self, Base},
    generation_error::GenerationError,
    graph::{group::Grouping, view, MeshGraph},
    limits::{check_chars, check_range, Limits},
    mesh::ProjectRecord,
    present,
    search::SearchIndex,
    store::{DataDir, Reader, StoreError},
};

pub struct Generation {
    pub name: String,
    /// The date (YYYY-MM-DD) this generation's graph and pages judge versions by.
    pub today: String,
    pub reader: Reader,
    pub search: SearchIndex,
    pub graph: MeshGraph,
    /// Which columns read which, across the mesh.
    pub columns: ColumnGraph,
    /// Lineage views already laid out, by (select, exclude, expanded).
    lineage_cache: Mutex<HashMap<String, Arc<LineageView>>>,
    /// The resolved mesh diffs compare with, built on the first diff.
    diff_base: Mutex<Option<Arc<Base>>>,
    /// The projects and the refs between them: the same for every visitor of a
    /// generation, laid out on the first `/mesh` (13 ms at 50 projects).
    mesh_view: OnceLock<MeshView>,
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
        grouping: Grouping,
        expanded: &[String],
        limits: &Limits,
    ) -> Result<Arc<LineageView>, Error> {
        let mut expanded_sorted = expanded.to_vec();
        expanded_sorted.sort();
        let key = format!(
            "{select}\u{0}{exclude}\u{0}{collapse}\u{0}{}\u{0}{}",
            grouping.as_str(),
            expanded_sorted.join("\u{0}")
        );
        if let Some(hit) = self.lineage_cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(hit);
        }
        let expanded: HashSet<String> = expanded.iter().cloned().collect();
        let view = Arc::new(
            view::lineage_view(&self.graph, select, exclude, collapse, grouping, &expanded, limits)
                .map_err(view_error)?,
        );
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
        let base = Base::from_projects(label, &self.reader.project_records()?, &self.today);
        let base = Arc::new(base.with_column_rows(self.reader.column_rows()?));
        *slot = Some(base.clone());
        Ok(base)
    }

    fn open(data: &DataDir, name: &str, today: String) -> Result<Self, GenerationError> {
        let path = data.generation_path(name);
        let reader = Reader::open(&path.join(crate::store::layout_files::DATABASE_FILE))?.as_of(today.clone());
        let graph = MeshGraph::from_rows(reader.graph_rows()?, &today);
        graph.warm_selectors();
        let columns = ColumnGraph::from_rows(reader.column_rows()?, &graph);
        Ok(Generation {
            columns,
            name: name.to_string(),
            today,
            search: SearchIndex::open(&path.join(crate::store::layout_files::SEARCH_DIR))?,
            reader,
            graph,
            lineage_cache: Mutex::new(HashMap::new()),
            diff_base: Mutex::new(None),
            mesh_view: OnceLock::new(),
        })
    }
}

pub struct Engine {
    data: DataDir,
    demo: bool,
    limits: Limits,
    clock: Arc<dyn Clock>,
    current: RwLock<Option<Arc<Generation>>>,
    /// Diffs made through the API or the review page, newest last, each with its
    /// estimated size in bytes.
    reviews: Mutex<VecDeque<(Arc<Review>, usize)>>,
    /// Keeps the demo mesh's temporary folder alive as long as the engine.
    _demo_dir: Option<tempfile::TempDir>,
}

impl Engine {
    pub fn open(data: DataDir, demo: bool, demo_dir: Option<tempfile::TempDir>) -> Result<Self, GenerationError> {
        let engine = Engine {
            data,
            demo,
            limits: Limits::DEFAULT,
            clock: Arc::new(SystemClock),
            current: RwLock::new(None),
            reviews: Mutex::new(VecDeque::new()),
            _demo_dir: demo_dir,
        };
        engine.refresh()?;
        Ok(engine)
    }

    /// The same engine with other limits (`meshlens serve --uploads-at-once`).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The same engine reading another clock (tests fix the date with one); the served
    /// generation is opened again as of its date.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Result<Self, GenerationError> {
        self.clock = clock;
        self.current = RwLock::new(None);
        self.refresh()?;
        Ok(self)
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn data(&self) -> &DataDir {
        &self.data
    }

    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// Opens the published generation if it is not the one being served, or was opened on
    /// another day. Returns whether it swapped.
    pub fn refresh(&self) -> Result<bool, GenerationError> {
        let Some(name) = self.data.current_name() else {
            return Ok(false);
        };
        // A new day is a new view of the same generation: versions may have passed
        // their deprecation date.
        let today = self.clock.today();
        let served = self.current.read().ok().and_then(|c| c.as_ref().map(|g| (g.name.clone(), g.today.clone())));
        if served.as_ref().is_some_and(|(n, t)| *n == name && *t == today) {
            return Ok(false);
        }
        let generation = Arc::new(Generation::open(&self.data, &name, today)?);
        if let Ok(mut current) = self.current.write() {
            *current = Some(generation);
        }
        tracing::info!(generation = %name, "serving index generation");
        Ok(true)
    }

    pub fn generation(&self) -> Result<Arc<Generation>, Error> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
            .ok_or_else(|| Error::new(ErrorCode::NoIndex, "no index has been published yet: run `meshlens index`"))
    }

    /// A laid-out (or, with `collapse` false, whole) lineage view, its input checked
    /// against the limits first.
    pub fn lineage_view(
        &self,
        select: &str,
        exclude: &str,
        collapse: bool,
        group: &str,
        expand: &str,
    ) -> Result<Arc<LineageView>, Error> {
        if select.trim().is_empty() {
            return Err(Error::parameter("select", "give a selector, for example select=+fct_orders+1"));
        }
        self.limits.check_selector("select", select)?;
        self.limits.check_selector("exclude", exclude)?;
        let expanded = self.limits.expand_list(expand)?;
        let grouping = Grouping::parse(group).ok_or_else(|| {
            let shown: String = group.chars().take(40).collect();
            Error::parameter("group", format!("must be one of {}, not {shown:?}", Grouping::allowed()))
        })?;
        self.generation()?.lineage(select, exclude, collapse, grouping, &expanded, &self.limits)
    }
}

fn view_error(e: view::ViewError) -> Error {
    match e {
        view::ViewError::Select(e) => Error::parameter("select", e),
        view::ViewError::Exclude(e) => Error::parameter("exclude", e),
        e @ view::ViewError::TooLarge(..) => Error::parameter("select", e),
    }
}

impl Engine {
    /// What `head` changes against the served index, as `meshlens diff` reports it;
    /// nothing is kept.
    pub fn impact(&self, head: &[ProjectRecord]) -> Result<model::dto::DiffReport, Error> {
        let base = self.generation()?.diff_base().map_err(Error::internal)?;
        Ok(diff::diff(&base, head))
    }

    /// Diffs `head` against the served index and keeps the result for the review page.
    pub fn review(&self, head: &[ProjectRecord]) -> Result<Arc<Review>, Error> {
        let generation = self.generation()?;
        let base = generation.diff_base().map_err(Error::internal)?;
        let report = diff::diff(&base, head);
        let review = Arc::new(Review {
            id: review_id(),
            created: self.clock.now_rfc3339(),
            markdown: diff::markdown(&report),
            lineage: diff::impact_view(&base, &report),
            report,
        });
        let bytes = review_bytes(&review);
        let mut reviews = self.reviews.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        reviews.push_back((review.clone(), bytes));
        // The newest is kept even alone over the budget: its uploader is about to read it.
        while reviews.len() > 1
            && (reviews.len() > self.limits.reviews_kept
                || reviews.iter().map(|(_, b)| b).sum::<usize>() > self.limits.review_bytes)
        {
            reviews.pop_front();
        }
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

/// What a review holds in memory, about: its report, lineage view and markdown are
/// mostly strings, so their JSON size is close to their size on the heap.
fn review_bytes(review: &Review) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, review);
    count.0
}

impl Catalog for Engine {
    fn site(&self) -> SiteInfo {
        SiteInfo { demo: self.demo, version: env!("CARGO_PKG_VERSION").to_string() }
    }

    fn projects(&self) -> Result<Vec<ProjectSummary>, Error> {
        self.generation()?.reader.projects().map_err(Error::internal)
    }

    fn node(&self, unique_id: &str) -> Result<Option<NodeDetail>, Error> {
        let generation = self.generation()?;
        let stored = generation.reader.node(unique_id).map_err(Error::internal)?;
        let Some(stored) = stored else { return Ok(None) };
        let (graph, columns) = (&generation.graph, &generation.columns);
        let id = node_id(graph, unique_id);
        let facts = present::ColumnFacts {
            status: present::columns::status(columns, id),
            filters: present::columns::filters(graph, columns, id),
            annotate: Box::new(move |list| present::columns::annotate(graph, columns, id, list)),
        };
        Ok(Some(present::node_detail(stored, &graph.downstream_of(unique_id), &generation.today, facts)))
    }

    fn project(&self, name: &str) -> Result<Option<model::dto::ProjectDetail>, Error> {
        let generation = self.generation()?;
        let detail = present::project(&generation.reader, name, &generation.today).map_err(Error::internal)?;
        Ok(detail.map(|d| model::dto::ProjectDetail {
            column_lineage: present::columns::coverage(&generation.graph, &generation.columns, name),
            ..d
        }))
    }

    fn groups(&self) -> Result<Vec<model::dto::GroupView>, Error> {
        present::groups(&self.generation()?.reader).map_err(Error::internal)
    }

    fn versions(&self) -> Result<model::dto::VersionsView, Error> {
        let generation = self.generation()?;
        present::versions(&generation.reader, &generation.today).map_err(Error::internal)
    }

    fn governance(&self) -> Result<model::dto::GovernanceView, Error> {
        present::governance(&self.generation()?.reader).map_err(Error::internal)
    }

    fn owners(&self) -> Result<Vec<model::dto::OwnerSummary>, Error> {
        self.generation()?.reader.owners().map_err(Error::internal)
    }

    fn owner(&self, key: &str) -> Result<Option<model::dto::OwnerDetail>, Error> {
        self.generation()?.reader.owner(key).map_err(Error::internal)
    }

    fn lineage(&self, select: &str, exclude: &str, group: &str, expand: &str) -> Result<LineageView, Error> {
        Ok((*self.lineage_view(select, exclude, true, group, expand)?).clone())
    }

    fn mesh(&self) -> Result<MeshView, Error> {
        let generation = self.generation()?;
        Ok(generation.mesh_view.get_or_init(|| view::mesh_view(&generation.graph)).clone())
    }

    fn review(&self, id: &str) -> Result<Option<Review>, Error> {
        let reviews = self.reviews.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(reviews.iter().find(|(r, _)| r.id == id).map(|(r, _)| (**r).clone()))
    }

    fn reviews(&self) -> Result<Vec<ReviewSummary>, Error> {
        let reviews = self.reviews.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(reviews
            .iter()
            .rev()
            .map(|(r, _)| ReviewSummary {
                id: r.id.clone(),
                created: r.created.clone(),
                projects: r.report.projects.clone(),
                changes: r.report.changes.len() as u64,
                breaking: r.report.breaking,
            })
            .collect())
    }

    fn column_lineage(
        &self,
        unique_id: &str,
        column: &str,
        direction: &str,
        depth: usize,
    ) -> Result<Option<model::dto::ColumnLineage>, Error> {
        check_chars("unique_id", unique_id, self.limits.selector_chars)?;
        check_chars("column", column, self.limits.query_chars)?;
        let (up, down) = match direction {
            "up" => (true, false),
            "down" => (false, true),
            "both" | "" => (true, true),
            other => {
                let shown: String = other.chars().take(40).collect();
                return Err(Error::parameter("direction", format!("must be up, down or both, not {shown:?}")));
            }
        };
        let depth = check_range("depth", depth, &self.limits.column_depth)?;
        let generation = self.generation()?;
        let Some(id) = node_id(&generation.graph, unique_id) else { return Ok(None) };
        let mut view = present::columns::lineage(&generation.graph, &generation.columns, id, column, up, down, depth);
        // One read of the cards' types, the start's included, which also says whether
        // the node declares the column.
        let ids: Vec<&str> = view.nodes.iter().map(|n| n.unique_id.as_str()).collect();
        let types = generation.reader.column_types(&ids).map_err(Error::internal)?;
        let known = generation.columns.spelling(id, column).is_some()
            || generation.columns.output_columns(id).iter().any(|c| c.eq_ignore_ascii_case(column))
            || types.get(unique_id).into_iter().flatten().any(|(c, _)| c.eq_ignore_ascii_case(column));
        if !known {
            let shown: String = column.chars().take(80).collect();
            return Err(Error::new(
                ErrorCode::ColumnNotFound,
                format!(
                    "{unique_id} has no column {shown:?} (neither declared, in catalog.json nor computed by its SQL)"
                ),
            ));
        }
        present::columns::fill_types(&mut view, &types);
        Ok(Some(view))
    }

    fn search(&self, query: &str, limit: usize, offset: usize) -> Result<SearchResults, Error> {
        check_range("limit", limit, &self.limits.search_limit)?;
        check_range("offset", offset, &self.limits.search_offset)?;
        check_chars("q", query, self.limits.query_chars)?;
        self.generation()?.search.search(query, limit, offset).map_err(Error::internal)
    }
}

pub type SharedEngine = Arc<Engine>;
