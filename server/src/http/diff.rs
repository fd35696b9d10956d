//! Head artifacts sent to the server: `POST /api/v1/diff` for scripts and
//! `POST /review` for the review page's form. Both diff them against the served
//! index and keep the result as a review.
//!
//! Memory stays bounded however many arrive: at most `uploads_at_once` are taken in
//! (the rest answer 503 with `Retry-After` before their body is read), each body is
//! streamed to a temporary file rather than held, and each manifest is read back
//! into memory once, to be parsed.

use std::{path::PathBuf, sync::Arc};

use app::error::{Error, ErrorCode};
use axum::{
    body::Body,
    extract::{FromRequest, Multipart, Request, State},
    response::{IntoResponse, Redirect, Response},
    Json,
};
use futures_util::{Stream, StreamExt};
use http::{header, HeaderValue};
use tokio::io::AsyncWriteExt;

use super::{ApiError, AppState};
use crate::mesh::{load_project, ArtifactSet, ProjectRecord};

/// What a body may be: a manifest as JSON (or as raw bytes), or a form of them.
const ACCEPTED: &str = "application/json, application/octet-stream or multipart/form-data";

enum BodyKind {
    Raw,
    Form,
}

fn body_kind(request: &Request) -> Result<BodyKind, ApiError> {
    let Some(value) = request.headers().get(header::CONTENT_TYPE) else {
        return Ok(BodyKind::Raw);
    };
    let essence = value.to_str().unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.as_str() {
        "multipart/form-data" => Ok(BodyKind::Form),
        "application/json" | "application/octet-stream" | "" => Ok(BodyKind::Raw),
        other => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("a diff upload is {ACCEPTED}, not {}", super::error::clip(other)),
        )),
    }
}

/// One uploaded manifest, on disk until it is parsed.
struct Upload {
    name: String,
    file: tempfile::NamedTempFile,
    bytes: u64,
}

/// Streams `chunks` into a temporary file, counting against what is `left` of the
/// upload's byte budget.
async fn spool<E: std::fmt::Display>(
    name: String,
    mut chunks: impl Stream<Item = Result<axum::body::Bytes, E>> + Unpin,
    left: &mut u64,
    limit: u64,
) -> Result<Upload, ApiError> {
    let file = tempfile::NamedTempFile::new().map_err(ApiError::internal)?;
    let mut out = tokio::fs::File::from_std(file.reopen().map_err(ApiError::internal)?);
    let mut bytes = 0u64;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request(format!("{name}: the upload broke off: {e}")))?;
        bytes += chunk.len() as u64;
        if bytes > *left {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("an upload may hold at most {limit} bytes of manifests"),
            ));
        }
        out.write_all(&chunk).await.map_err(ApiError::internal)?;
    }
    out.flush().await.map_err(ApiError::internal)?;
    *left -= bytes;
    Ok(Upload { name, file, bytes })
}

/// The head manifests of a request, spooled to disk: the JSON body, or the
/// `manifest` files of a multipart form.
async fn receive(request: Request, limit: u64) -> Result<Vec<Upload>, ApiError> {
    let kind = body_kind(&request)?;
    let mut left = limit;
    let mut uploads = Vec::new();
    match kind {
        BodyKind::Form => {
            let mut form =
                Multipart::from_request(request, &()).await.map_err(|e| ApiError::bad_request(e.body_text()))?;
            while let Some(field) = form.next_field().await.map_err(|e| ApiError::bad_request(e.body_text()))? {
                if field.name() != Some("manifest") {
                    continue;
                }
                let name = super::error::clip(field.file_name().unwrap_or("manifest.json"));
                uploads.push(spool(name, field, &mut left, limit).await?);
            }
        }
        BodyKind::Raw => {
            let stream = Body::into_data_stream(request.into_body());
            uploads.push(spool("request body".to_string(), stream, &mut left, limit).await?);
        }
    }
    uploads.retain(|u| u.bytes > 0);
    if uploads.is_empty() {
        return Err(ApiError::bad_request(
            "send a project's manifest.json as the request body, or as `manifest` files of a multipart form",
        ));
    }
    Ok(uploads)
}

/// Reads each spooled manifest once and loads its project.
fn load(uploads: Vec<Upload>) -> Result<Vec<ProjectRecord>, Error> {
    let mut projects: Vec<ProjectRecord> = Vec::new();
    for upload in uploads {
        let bytes = std::fs::read(upload.file.path()).map_err(Error::internal)?;
        drop(upload.file);
        let set = ArtifactSet::from_bytes(PathBuf::new(), bytes, None, None, None);
        let project = load_project(set, None)
            .map_err(|e| Error::new(ErrorCode::BadRequest, format!("{} (uploaded): {e}", upload.name)))?;
        if projects.iter().any(|p| p.name == project.name) {
            return Err(Error::new(
                ErrorCode::BadRequest,
                format!("two uploaded manifests are of project {:?}", project.name),
            ));
        }
        projects.push(project);
    }
    Ok(projects)
}

async fn review(state: &AppState, request: Request) -> Result<Arc<app::dto::Review>, ApiError> {
    // Taken before the body is read: a refused upload costs nothing.
    let _permit = state.uploads.clone().try_acquire_owned().map_err(|_| {
        ApiError::new(
            ErrorCode::Busy,
            format!(
                "the server is comparing {} uploads already; try again in a few seconds",
                state.engine.limits().uploads_at_once
            ),
        )
    })?;
    let uploads = receive(request, state.engine.limits().upload_bytes).await?;
    let engine = state.engine.clone();
    tokio::task::spawn_blocking(move || engine.review(&load(uploads)?))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::from)
}

/// The files of a multipart upload: one or more `manifest` fields.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Only its schema is used: the form is read as a stream.
pub struct ManifestForm {
    /// Head manifests, one per changed project.
    #[schema(value_type = Vec<String>, format = Binary)]
    manifest: Vec<Vec<u8>>,
}

/// `POST /api/v1/diff`: the report as `meshlens diff --format json` prints it; the
/// review page is named in `Location`.
#[utoipa::path(
    post,
    path = "/api/v1/diff",
    tag = "impact",
    description = "Compares head manifests with the served index: the changes, breaking ones first, with every \
        node, project and owner they reach downstream; what `meshlens diff --format json` prints. The body is one \
        manifest.json, or a multipart form of `manifest` files; uploads are limited in size and in number at once.",
    request_body(content(
        (Object = "application/json"),
        (String = "application/octet-stream"),
        (ManifestForm = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "The diff report", body = app::dto::DiffReport, headers(("Location" = String, description = "The review page of this diff"))),
        (status = 400, description = "bad_request: not a manifest, or two of one project", body = super::openapi::ErrorAnswer),
        (status = 413, description = "payload_too_large", body = super::openapi::ErrorAnswer),
        (status = 415, description = "unsupported_media_type", body = super::openapi::ErrorAnswer),
        (status = 503, description = "busy: too many uploads at once (see Retry-After); or no_index", body = super::openapi::ErrorAnswer),
    ),
)]
pub async fn api(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let review = review(&state, request).await?;
    let mut response = Json(&review.report).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/review/{}", review.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `POST /review`: the review page's form; answers with the review's page, or the
/// form again with the reason it could not compare. A busy server says so with its
/// status, so that the browser's user can simply send the form again.
pub async fn form(State(state): State<AppState>, request: Request) -> Response {
    match review(&state, request).await {
        Ok(review) => Redirect::to(&format!("/review/{}", review.id)).into_response(),
        Err(e) if e.0.code == ErrorCode::Busy => e.into_response(),
        Err(e) => Redirect::to(&format!("/review?error={}", app::links::encode(&e.to_string()))).into_response(),
    }
}
