//! The read interface the UI needs, implemented by the server's engine and put in
//! context. The UI never sees SQL or the search index.

use std::sync::Arc;

use crate::dto::{
    GovernanceView, GroupView, LineageView, MeshView, NodeDetail, OwnerDetail, OwnerSummary, ProjectDetail,
    ProjectSummary, Review, ReviewSummary, SearchResults, SiteInfo, VersionsView,
};

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CatalogError(pub String);

pub trait Catalog: Send + Sync + 'static {
    fn site(&self) -> SiteInfo;
    fn projects(&self) -> Result<Vec<ProjectSummary>, CatalogError>;
    fn node(&self, unique_id: &str) -> Result<Option<NodeDetail>, CatalogError>;
    fn project(&self, name: &str) -> Result<Option<ProjectDetail>, CatalogError>;
    fn groups(&self) -> Result<Vec<GroupView>, CatalogError>;
    fn versions(&self) -> Result<VersionsView, CatalogError>;
    fn governance(&self) -> Result<GovernanceView, CatalogError>;
    /// A laid-out lineage view, or why the selector cannot be read.
    fn lineage(
        &self,
        select: &str,
        exclude: &str,
        expanded: &[String],
    ) -> Result<Result<LineageView, String>, CatalogError>;
    fn mesh(&self) -> Result<MeshView, CatalogError>;
    fn owners(&self) -> Result<Vec<OwnerSummary>, CatalogError>;
    fn owner(&self, key: &str) -> Result<Option<OwnerDetail>, CatalogError>;
    fn search(&self, query: &str, limit: usize, offset: usize) -> Result<SearchResults, CatalogError>;
    /// A diff kept for its review page.
    fn review(&self, id: &str) -> Result<Option<Review>, CatalogError>;
    /// The kept diffs, newest first.
    fn reviews(&self) -> Result<Vec<ReviewSummary>, CatalogError>;
}

pub type SharedCatalog = Arc<dyn Catalog>;

/// The catalog the server put in context.
pub fn use_catalog() -> Result<SharedCatalog, leptos::prelude::ServerFnError> {
    leptos::prelude::use_context::<SharedCatalog>()
        .ok_or_else(|| leptos::prelude::ServerFnError::new("the catalog is missing from context"))
}
