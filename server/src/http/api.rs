//! The JSON API under `/api/v1`, beside the pages and answering from the same catalog.
//! Handlers only read parameters: the engine checks them against its limits.

use app::{catalog::Catalog, error::ErrorCode};
use axum::{extract::State, routing::get, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    error::{Path, Query},
    ApiError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects", get(projects))
        .route("/nodes/{unique_id}", get(node))
        .route("/search", get(search))
        .route("/projects/{name}", get(project))
        .route("/groups", get(groups))
        .route("/lineage", get(lineage))
        .route("/mesh", get(mesh))
        .route("/versions", get(versions))
        .route("/governance", get(governance))
        .route("/owners", get(owners))
        .route("/owners/{key}", get(owner))
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

pub async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let demo = state.engine.is_demo();
    blocking(&state, move |engine| {
        let generation = engine.generation()?;
        Ok(Json(json!({
            "status": "ok",
            "demo": demo,
            "generation": generation.name,
            "nodes": generation.reader.node_count().map_err(app::error::Error::internal)?,
        })))
    })
    .await
}

async fn projects(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    blocking(&state, |engine| Ok(Json(json!({ "projects": engine.projects()? })))).await
}

async fn node(
    State(state): State<AppState>,
    Path(unique_id): Path<String>,
) -> Result<Json<app::dto::NodeDetail>, ApiError> {
    let id = unique_id.clone();
    blocking(&state, move |engine| engine.node(&id)).await?.map(Json).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NodeNotFound,
            format!("no node has the unique_id {:?}", super::error::clip(&unique_id)),
        )
    })
}

async fn project(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<app::dto::ProjectDetail>, ApiError> {
    let asked = name.clone();
    blocking(&state, move |engine| engine.project(&asked)).await?.map(Json).ok_or_else(|| {
        ApiError::new(
            ErrorCode::ProjectNotFound,
            format!("no project named {:?} is indexed", super::error::clip(&name)),
        )
    })
}

#[derive(Deserialize)]
struct LineageParams {
    #[serde(default)]
    select: String,
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

async fn lineage(
    State(state): State<AppState>,
    Query(params): Query<LineageParams>,
) -> Result<Json<app::dto::LineageView>, ApiError> {
    blocking(&state, move |engine| {
        let collapse = params.collapse.unwrap_or(true);
        let view = engine.lineage_view(&params.select, &params.exclude, collapse, &params.group, &params.expand)?;
        Ok(Json((*view).clone()))
    })
    .await
}

async fn mesh(State(state): State<AppState>) -> Result<Json<app::dto::MeshView>, ApiError> {
    blocking(&state, |engine| engine.mesh().map(Json)).await
}

async fn groups(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    blocking(&state, |engine| Ok(Json(json!({ "groups": engine.groups()? })))).await
}

async fn versions(State(state): State<AppState>) -> Result<Json<app::dto::VersionsView>, ApiError> {
    blocking(&state, |engine| engine.versions().map(Json)).await
}

async fn governance(State(state): State<AppState>) -> Result<Json<app::dto::GovernanceView>, ApiError> {
    blocking(&state, |engine| engine.governance().map(Json)).await
}

async fn owners(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    blocking(&state, |engine| Ok(Json(json!({ "owners": engine.owners()? })))).await
}

async fn owner(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Json<app::dto::OwnerDetail>, ApiError> {
    let asked = key.clone();
    blocking(&state, move |engine| engine.owner(&asked)).await?.map(Json).ok_or_else(|| {
        ApiError::new(ErrorCode::OwnerNotFound, format!("no indexed node is owned by {:?}", super::error::clip(&key)))
    })
}

#[derive(Deserialize)]
struct SearchParams {
    #[serde(default)]
    q: String,
    limit: Option<usize>,
    #[serde(default)]
    offset: usize,
}

/// Hits a search returns when `limit` is not given.
const DEFAULT_LIMIT: usize = 20;

async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Json<app::dto::SearchResults>, ApiError> {
    blocking(&state, move |engine| {
        engine.search(&params.q, params.limit.unwrap_or(DEFAULT_LIMIT), params.offset).map(Json)
    })
    .await
}
