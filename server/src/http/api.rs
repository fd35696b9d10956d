//! The JSON API under `/api/v1`, beside the pages and answering from the same catalog.

use app::catalog::Catalog;
use axum::{
    extract::{Path, Query, State},
    routing::get,
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ApiError, AppState};

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
        .fallback(|uri: axum::http::Uri| async move { ApiError::UnknownRoute(format!("/api/v1{}", uri.path())) })
}

pub async fn unknown_route(uri: axum::http::Uri) -> ApiError {
    ApiError::UnknownRoute(uri.path().to_string())
}

pub async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let generation = state.engine.generation()?;
    Ok(Json(json!({
        "status": "ok",
        "demo": state.engine.is_demo(),
        "generation": generation.name,
        "nodes": generation.reader.node_count().map_err(|e| ApiError::Internal(e.to_string()))?,
    })))
}

async fn projects(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "projects": state.engine.projects()? })))
}

async fn node(
    State(state): State<AppState>,
    Path(unique_id): Path<String>,
) -> Result<Json<app::dto::NodeDetail>, ApiError> {
    state.engine.node(&unique_id)?.map(Json).ok_or(ApiError::NodeNotFound(unique_id))
}

async fn project(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<app::dto::ProjectDetail>, ApiError> {
    state.engine.project(&name)?.map(Json).ok_or(ApiError::ProjectNotFound(name))
}

#[derive(Deserialize)]
struct LineageParams {
    #[serde(default)]
    select: String,
    #[serde(default)]
    exclude: String,
    /// `false`: the whole selection, uncollapsed and without layout, for scripts.
    collapse: Option<bool>,
    /// Comma-separated ids of nodes whose fan-outs are drawn in full.
    #[serde(default)]
    expand: String,
}

async fn lineage(
    State(state): State<AppState>,
    Query(params): Query<LineageParams>,
) -> Result<Json<app::dto::LineageView>, ApiError> {
    if params.select.trim().is_empty() {
        return Err(ApiError::BadRequest("select: give a selector, for example select=+fct_orders+1".into()));
    }
    let expanded: Vec<String> = params.expand.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
    let generation = state.engine.generation()?;
    let view = generation
        .lineage(&params.select, &params.exclude, params.collapse.unwrap_or(true), &expanded)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(Json((*view).clone()))
}

async fn mesh(State(state): State<AppState>) -> Result<Json<app::dto::MeshView>, ApiError> {
    Ok(Json(state.engine.mesh()?))
}

async fn groups(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "groups": state.engine.groups()? })))
}

async fn versions(State(state): State<AppState>) -> Result<Json<app::dto::VersionsView>, ApiError> {
    Ok(Json(state.engine.versions()?))
}

async fn governance(State(state): State<AppState>) -> Result<Json<app::dto::GovernanceView>, ApiError> {
    Ok(Json(state.engine.governance()?))
}

async fn owners(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "owners": state.engine.owners()? })))
}

async fn owner(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Json<app::dto::OwnerDetail>, ApiError> {
    state.engine.owner(&key)?.map(Json).ok_or(ApiError::OwnerNotFound(key))
}

#[derive(Deserialize)]
struct SearchParams {
    #[serde(default)]
    q: String,
    limit: Option<usize>,
    #[serde(default)]
    offset: usize,
}

async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Json<app::dto::SearchResults>, ApiError> {
    let limit = params.limit.unwrap_or(20);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::BadRequest(format!("limit must be between 1 and 200, not {limit}")));
    }
    if params.offset > 10_000 {
        return Err(ApiError::BadRequest(format!("offset must be at most 10000, not {}", params.offset)));
    }
    Ok(Json(state.engine.search(&params.q, limit, params.offset)?))
}
