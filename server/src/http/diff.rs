//! Head artifacts sent to the server: `POST /api/v1/diff` for scripts and
//! `POST /review` for the review page's form. Both diff them against the served
//! index and keep the result as a review.

use std::path::PathBuf;

use axum::{
    extract::{FromRequest, Multipart, Request, State},
    response::{IntoResponse, Redirect, Response},
    Json,
};
use http::{header, HeaderValue};

use super::{ApiError, AppState};
use crate::mesh::{load_project, ArtifactSet, ProjectRecord};

/// Uploads carry whole manifests: this much, not the 1 MB other requests get.
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024 * 1024;

/// The head projects in a request: a manifest.json as the JSON body, or a
/// multipart form with one `manifest` file a project.
async fn head_projects(request: Request) -> Result<Vec<ProjectRecord>, ApiError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut manifests: Vec<(String, Vec<u8>)> = Vec::new();
    if multipart {
        let mut form = Multipart::from_request(request, &()).await.map_err(|e| ApiError::BadRequest(e.body_text()))?;
        while let Some(field) = form.next_field().await.map_err(|e| ApiError::BadRequest(e.body_text()))? {
            if field.name() != Some("manifest") {
                continue;
            }
            let name = field.file_name().unwrap_or("manifest.json").to_string();
            let bytes = field.bytes().await.map_err(|e| ApiError::BadRequest(e.body_text()))?;
            if !bytes.is_empty() {
                manifests.push((name, bytes.to_vec()));
            }
        }
    } else {
        let bytes =
            axum::body::Bytes::from_request(request, &()).await.map_err(|e| ApiError::BadRequest(e.body_text()))?;
        if !bytes.is_empty() {
            manifests.push(("request body".to_string(), bytes.to_vec()));
        }
    }
    if manifests.is_empty() {
        return Err(ApiError::BadRequest(
            "send a project's manifest.json as the request body, or as `manifest` files of a multipart form".into(),
        ));
    }
    tokio::task::spawn_blocking(move || {
        let mut projects: Vec<ProjectRecord> = Vec::new();
        for (name, bytes) in manifests {
            let set = ArtifactSet::from_bytes(PathBuf::new(), bytes, None, None, None);
            let project =
                load_project(&set, None).map_err(|e| ApiError::BadRequest(format!("{name} (uploaded): {e}")))?;
            if projects.iter().any(|p| p.name == project.name) {
                return Err(ApiError::BadRequest(format!("two uploaded manifests are of project {:?}", project.name)));
            }
            projects.push(project);
        }
        Ok(projects)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
}

async fn review(state: &AppState, request: Request) -> Result<std::sync::Arc<app::dto::Review>, ApiError> {
    let head = head_projects(request).await?;
    let engine = state.engine.clone();
    Ok(tokio::task::spawn_blocking(move || engine.review(&head))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))??)
}

/// `POST /api/v1/diff`: the report as `meshlens diff --format json` prints it; the
/// review page is named in `Location`.
pub async fn api(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let review = review(&state, request).await?;
    let mut response = Json(&review.report).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/review/{}", review.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `POST /review`: the review page's form; answers with the review's page, or the
/// form again with the reason it could not compare.
pub async fn form(State(state): State<AppState>, request: Request) -> Response {
    match review(&state, request).await {
        Ok(review) => Redirect::to(&format!("/review/{}", review.id)).into_response(),
        Err(e) => Redirect::to(&format!("/review?error={}", app::links::encode(&e.to_string()))).into_response(),
    }
}
