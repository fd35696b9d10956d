//! The JSON API under `/api/v1`, beside the pages and answering from the same catalog.
//! Handlers only read parameters: the engine checks them against its limits.

use app::{
    catalog::Catalog,
    dto::{
        ColumnLineage, GovernanceView, GroupView, LineageView, MeshView, NodeDetail, OwnerDetail, OwnerSummary,
        ProjectDetail, ProjectSummary, SearchResults, VersionsView,
    },
};
use axum::{extract::State, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    error::{Path, Query},
    openapi::ErrorAnswer,
    ApiError, AppState,
};

/// The routes under `/api/v1`, each with its description (`openapi.rs`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(projects))
        .routes(routes!(node))
        .routes(routes!(column_lineage))
        .routes(routes!(search))
        .routes(routes!(project))
        .routes(routes!(groups))
        .routes(routes!(lineage))
        .routes(routes!(mesh))
        .routes(routes!(versions))
        .routes(routes!(governance))
        .routes(routes!(owners))
        .routes(routes!(owner))
        .fallback(|uri: axum::http::Uri| async move { ApiError::unknown_route(&format!("/api/v1{}", uri.path())) })
}

pub async fn unknown_route(uri: axum::http::Uri) -> ApiError {
    ApiError::unknown_route(uri.path())
}

/// Blocking engine work (SQLite, Tantivy, layout) runs off the async workers.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&crate::engine::Engine) -> Result<T, app::error::Error> + Send + 'static,
) -> Result<T, ApiError> {
    let engine = state.engine.clone();
    tokio::task::spawn_blocking(move || work(&engine)).await.map_err(ApiError::internal)?.map_err(ApiError::from)
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    status: String,
    /// The embedded demo mesh is served (no index was given).
    demo: bool,
    /// The index generation answering.
    generation: String,
    /// Nodes in that generation.
    nodes: u64,
}

/// Whether the server answers, and from which index generation.
#[utoipa::path(get, path = "/healthz", tag = "mesh", responses((status = 200, description = "The server answers", body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let demo = state.engine.is_demo();
    blocking(&state, move |engine| {
        let generation = engine.generation()?;
        Ok(Json(Health {
            status: "ok".to_string(),
            demo,
            generation: generation.name.clone(),
            nodes: generation.reader.node_count().map_err(app::error::Error::internal)?,
        }))
    })
    .await
}

#[derive(Serialize, ToSchema)]
struct ProjectList {
    projects: Vec<ProjectSummary>,
}

/// Every indexed project with its dbt version and counts.
#[utoipa::path(get, path = "/projects", tag = "mesh", responses((status = 200, description = "The indexed projects", body = ProjectList)))]
async fn projects(State(state): State<AppState>) -> Result<Json<ProjectList>, ApiError> {
    blocking(&state, |engine| Ok(Json(ProjectList { projects: engine.projects()? }))).await
}

/// One node: docs, owners, access, group, version, contract, columns, neighbours, tests.
#[utoipa::path(
    get,
    path = "/nodes/{unique_id}",
    tag = "nodes",
    params(("unique_id" = String, Path, description = "The node's dbt unique_id, such as `model.platform.fct_orders`")),
    responses(
        (status = 200, description = "The node", body = NodeDetail),
        (status = 404, description = "node_not_found", body = ErrorAnswer),
    ),
)]
async fn node(State(state): State<AppState>, Path(unique_id): Path<String>) -> Result<Json<NodeDetail>, ApiError> {
    let id = unique_id.clone();
    blocking(&state, move |engine| engine.node(&id))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError(super::error::node_not_found(&unique_id)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ColumnLineageParams {
    /// up (what the column reads), down (what reads it) or both (the default).
    #[serde(default)]
    direction: String,
    /// Steps to walk each way, 1 to 50 (default 10).
    depth: Option<usize>,
}

/// One column's lineage across projects: the columns it reads and those that read it,
/// each edge `copy`, `transform` or `filter`, and the nodes whose SQL could not be traced.
#[utoipa::path(
    get,
    path = "/columns/{unique_id}/{column}/lineage",
    tag = "lineage",
    params(
        ("unique_id" = String, Path, description = "The node's dbt unique_id"),
        ("column" = String, Path, description = "The column's name, compared case-insensitively"),
        ColumnLineageParams,
    ),
    responses(
        (status = 200, description = "The column's lineage", body = ColumnLineage),
        (status = 400, description = "bad_request: direction or depth out of range", body = ErrorAnswer),
        (status = 404, description = "node_not_found or column_not_found", body = ErrorAnswer),
    ),
)]
async fn column_lineage(
    State(state): State<AppState>,
    Path((unique_id, column)): Path<(String, String)>,
    Query(params): Query<ColumnLineageParams>,
) -> Result<Json<ColumnLineage>, ApiError> {
    let id = unique_id.clone();
    blocking(&state, move |engine| {
        engine.column_lineage(
            &id,
            &column,
            &params.direction,
            params.depth.unwrap_or(crate::limits::COLUMN_DEPTH_DEFAULT),
        )
    })
    .await?
    .map(Json)
    .ok_or_else(|| ApiError(super::error::node_not_found(&unique_id)))
}

/// One project: its public models and the projects up- and downstream of it.
#[utoipa::path(
    get,
    path = "/projects/{name}",
    tag = "mesh",
    params(("name" = String, Path, description = "The dbt project's name")),
    responses(
        (status = 200, description = "The project", body = ProjectDetail),
        (status = 404, description = "project_not_found", body = ErrorAnswer),
    ),
)]
async fn project(State(state): State<AppState>, Path(name): Path<String>) -> Result<Json<ProjectDetail>, ApiError> {
    let asked = name.clone();
    blocking(&state, move |engine| engine.project(&asked))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError(super::error::project_not_found(&name)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LineageParams {
    /// A dbt selector: `+fct_orders`, `project:finance`, `tag:daily+`, unions and intersections.
    #[serde(default)]
    select: String,
    /// A dbt selector of nodes to leave out.
    #[serde(default)]
    exclude: String,
    /// `false`: the whole selection, uncollapsed and without layout, for scripts.
    collapse: Option<bool>,
    /// auto (the default), project, folder, source, schema, type or none.
    #[serde(default)]
    group: String,
    /// Comma-separated ids of nodes whose fan-outs are drawn in full, and of groups
    /// drawn node by node.
    #[serde(default)]
    expand: String,
}

/// The nodes and edges a selector picks across projects, collapsed into groups and laid out
/// unless `collapse=false`.
#[utoipa::path(
    get,
    path = "/lineage",
    tag = "lineage",
    params(LineageParams),
    responses(
        (status = 200, description = "The selected nodes and edges", body = LineageView),
        (status = 400, description = "bad_request: a selector mistake or a value out of range", body = ErrorAnswer),
    ),
)]
async fn lineage(
    State(state): State<AppState>,
    Query(params): Query<LineageParams>,
) -> Result<Json<LineageView>, ApiError> {
    blocking(&state, move |engine| {
        let collapse = params.collapse.unwrap_or(true);
        let view = engine.lineage_view(&params.select, &params.exclude, collapse, &params.group, &params.expand)?;
        Ok(Json((*view).clone()))
    })
    .await
}

/// The projects as a graph: which project reads which, by ref, inferred source or package.
#[utoipa::path(get, path = "/mesh", tag = "mesh", responses((status = 200, description = "The project graph", body = MeshView)))]
async fn mesh(State(state): State<AppState>) -> Result<Json<MeshView>, ApiError> {
    blocking(&state, |engine| engine.mesh().map(Json)).await
}

#[derive(Serialize, ToSchema)]
struct GroupList {
    groups: Vec<GroupView>,
}

/// The dbt groups of every project, with their owners and models.
#[utoipa::path(get, path = "/groups", tag = "governance", responses((status = 200, description = "The groups", body = GroupList)))]
async fn groups(State(state): State<AppState>) -> Result<Json<GroupList>, ApiError> {
    blocking(&state, |engine| Ok(Json(GroupList { groups: engine.groups()? }))).await
}

/// Versioned models: their versions, the latest, deprecations and who still pins old ones.
#[utoipa::path(get, path = "/versions", tag = "governance", responses((status = 200, description = "The versioned models", body = VersionsView)))]
async fn versions(State(state): State<AppState>) -> Result<Json<VersionsView>, ApiError> {
    blocking(&state, |engine| engine.versions().map(Json)).await
}

/// Governance findings and contract coverage across the mesh.
#[utoipa::path(get, path = "/governance", tag = "governance", responses((status = 200, description = "The findings and coverage", body = GovernanceView)))]
async fn governance(State(state): State<AppState>) -> Result<Json<GovernanceView>, ApiError> {
    blocking(&state, |engine| engine.governance().map(Json)).await
}

#[derive(Serialize, ToSchema)]
struct OwnerList {
    owners: Vec<OwnerSummary>,
}

/// Everyone who owns nodes, with how many.
#[utoipa::path(get, path = "/owners", tag = "governance", responses((status = 200, description = "The owners", body = OwnerList)))]
async fn owners(State(state): State<AppState>) -> Result<Json<OwnerList>, ApiError> {
    blocking(&state, |engine| Ok(Json(OwnerList { owners: engine.owners()? }))).await
}

/// Everything one owner owns, with access, contract and test status.
#[utoipa::path(
    get,
    path = "/owners/{key}",
    tag = "governance",
    params(("key" = String, Path, description = "The owner's key, as `GET /api/v1/owners` lists it")),
    responses(
        (status = 200, description = "The owner's nodes", body = OwnerDetail),
        (status = 404, description = "owner_not_found", body = ErrorAnswer),
    ),
)]
async fn owner(State(state): State<AppState>, Path(key): Path<String>) -> Result<Json<OwnerDetail>, ApiError> {
    let asked = key.clone();
    blocking(&state, move |engine| engine.owner(&asked))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError(super::error::owner_not_found(&key)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchParams {
    /// Words and filters, as in the search box: `orders owner:finance type:model`.
    #[serde(default)]
    q: String,
    /// Hits to return (default 20), within the server's limits: 1 to 1,000 unless configured.
    limit: Option<usize>,
    /// Hits to skip, within the server's limits: 0 to 10,000 unless configured.
    #[serde(default)]
    offset: usize,
}

/// Hits a search returns when `limit` is not given.
const DEFAULT_LIMIT: usize = 20;

/// Nodes by name, description, column, owner or tag, best first, with facets.
#[utoipa::path(
    get,
    path = "/search",
    tag = "nodes",
    params(SearchParams),
    responses(
        (status = 200, description = "The hits, best first", body = SearchResults),
        (status = 400, description = "bad_request: a query mistake, or limit or offset out of range", body = ErrorAnswer),
    ),
)]
async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    blocking(&state, move |engine| {
        engine.search(&params.q, params.limit.unwrap_or(DEFAULT_LIMIT), params.offset).map(Json)
    })
    .await
}
