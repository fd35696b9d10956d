//! The read interface the UI needs, implemented by the engine and put in the UI's
//! context. The UI never sees SQL or the search index.

use std::sync::Arc;

use crate::{
    dto::{
        ColumnLineage, GovernanceView, GroupView, LineageView, MeshView, NodeDetail, OwnerDetail, OwnerSummary,
        ProjectDetail, ProjectSummary, Review, ReviewSummary, SearchResults, SiteInfo, VersionsView,
    },
    error::Error,
};

/// Every method checks its input against the engine's limits and answers with a
/// typed [`Error`]; `Ok(None)` is "no such thing".
pub trait Catalog: Send + Sync + 'static {
    fn site(&self) -> SiteInfo;
    fn projects(&self) -> Result<Vec<ProjectSummary>, Error>;
    fn node(&self, unique_id: &str) -> Result<Option<NodeDetail>, Error>;
    fn project(&self, name: &str) -> Result<Option<ProjectDetail>, Error>;
    fn groups(&self) -> Result<Vec<GroupView>, Error>;
    fn versions(&self) -> Result<VersionsView, Error>;
    fn governance(&self) -> Result<GovernanceView, Error>;
    /// A laid-out lineage view. `group` is auto (or empty), project, folder, source,
    /// schema, type or none; `expand` is a comma-separated list of node ids whose
    /// fan-outs are drawn in full and of group ids drawn node by node. A selector
    /// mistake is a `bad_request` naming `select` or `exclude`.
    fn lineage(&self, select: &str, exclude: &str, group: &str, expand: &str) -> Result<LineageView, Error>;
    fn mesh(&self) -> Result<MeshView, Error>;
    fn owners(&self) -> Result<Vec<OwnerSummary>, Error>;
    fn owner(&self, key: &str) -> Result<Option<OwnerDetail>, Error>;
    fn search(&self, query: &str, limit: usize, offset: usize) -> Result<SearchResults, Error>;
    /// One column's lineage across projects: `direction` up, down or both, `depth`
    /// steps. `Ok(None)` when the node is unknown; a `column_not_found` error when the
    /// node is known and the column is not.
    fn column_lineage(
        &self,
        unique_id: &str,
        column: &str,
        direction: &str,
        depth: usize,
    ) -> Result<Option<ColumnLineage>, Error>;
    /// A diff kept for its review page.
    fn review(&self, id: &str) -> Result<Option<Review>, Error>;
    /// The kept diffs, newest first.
    fn reviews(&self) -> Result<Vec<ReviewSummary>, Error>;
}

pub type SharedCatalog = Arc<dyn Catalog>;
