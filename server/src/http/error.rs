//! The JSON API's error answer, `{"error": {"code", "message"}}`, from the engine's
//! [`Error`] and its code table (`app::error`), and the extractors that answer
//! their rejections the same way.

use app::error::{Error, ErrorCode};
use axum::{
    extract::FromRequestParts,
    response::{IntoResponse, Response},
    Json,
};
use http::{header, request::Parts, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;

use super::openapi::{ErrorAnswer, ErrorBody};

/// Seconds a client is asked to wait when the server is busy.
pub const RETRY_AFTER_SECONDS: u32 = 5;

#[derive(Debug)]
pub struct ApiError(pub Error);

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError(Error::new(code, message))
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::BadRequest, message)
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError(Error::internal(e))
    }

    pub fn unknown_route(path: &str) -> Self {
        ApiError::new(ErrorCode::RouteNotFound, format!("no API route at {}", clip(path)))
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let Error { code, message, parameter } = self.0;
        let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // The details of a failure are for the log (with the request's id), not the client.
        let message = if code == ErrorCode::Internal {
            tracing::error!(error = %message, "request failed");
            "the server could not answer this request; its log has the details".to_string()
        } else {
            if status.is_server_error() {
                tracing::warn!(code = code.as_str(), error = %message, "request refused");
            }
            message
        };
        let answer = ErrorAnswer { error: ErrorBody { code, message, parameter } };
        let mut response = (status, Json(answer)).into_response();
        if code == ErrorCode::Busy {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        response
    }
}

/// The start of a long path or value, for a message.
/// The not-found answers, shared by the JSON API and the MCP tools.
pub fn node_not_found(unique_id: &str) -> Error {
    Error::new(ErrorCode::NodeNotFound, format!("no node has the unique_id {:?}", clip(unique_id)))
}

pub fn project_not_found(name: &str) -> Error {
    Error::new(ErrorCode::ProjectNotFound, format!("no project named {:?} is indexed", clip(name)))
}

pub fn owner_not_found(key: &str) -> Error {
    Error::new(ErrorCode::OwnerNotFound, format!("no indexed node is owned by {:?}", clip(key)))
}

pub fn clip(text: &str) -> String {
    const SHOWN: usize = 200;
    match text.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// `axum::extract::Query`, answering a query string it cannot read with the API's
/// JSON error, which names the parameter (`offset: invalid digit found in string`).
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|rejection| ApiError::bad_request(clip(&rejection.body_text())))
    }
}

/// `axum::extract::Path`, with the API's JSON error for a path it cannot decode.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|rejection| ApiError::bad_request(clip(&rejection.body_text())))
    }
}

/// The code of an error status that a layer, not a handler, answered with.
fn code_of_status(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        404 => ErrorCode::RouteNotFound,
        405 => ErrorCode::MethodNotAllowed,
        408 => ErrorCode::Timeout,
        413 => ErrorCode::PayloadTooLarge,
        414 => ErrorCode::UriTooLong,
        415 => ErrorCode::UnsupportedMediaType,
        503 => ErrorCode::Busy,
        s if s >= 500 => ErrorCode::Internal,
        _ => ErrorCode::BadRequest,
    }
}

/// Under `/api/`, an error that a layer answered in plain text (a body over the
/// limit, a timeout) is answered as the API's JSON error instead.
pub async fn api_errors_as_json(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    const READ: usize = 4096;
    let text = match axum::body::to_bytes(response.into_body(), READ).await {
        Ok(bytes) if !bytes.is_empty() => String::from_utf8_lossy(&bytes).trim().to_string(),
        _ => status.canonical_reason().unwrap_or("error").to_ascii_lowercase(),
    };
    let mut answer = ApiError::new(code_of_status(status), clip(&text)).into_response();
    *answer.status_mut() = status;
    answer
}

/// A server function's error answer takes the status of the error's code: the server
/// function machinery answers every error with 500, the request's own mistakes included.
pub async fn server_fn_errors_with_their_status(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key("serverfnerror") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    const READ: usize = 64 * 1024;
    let Ok(bytes) = axum::body::to_bytes(body, READ).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "the server function's error could not be read").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<Error>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
