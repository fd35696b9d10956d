//! One error type for the JSON API, and one table of its codes.

use axum::{
    response::{IntoResponse, Response},
    Json,
};
use http::StatusCode;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no node has the unique_id {0:?}")]
    NodeNotFound(String),
    #[error("no project named {0:?} is indexed")]
    ProjectNotFound(String),
    #[error("no indexed node is owned by {0:?}")]
    OwnerNotFound(String),
    #[error("no API route at {0}")]
    UnknownRoute(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// The code table: (machine code, HTTP status).
    fn code(&self) -> (&'static str, StatusCode) {
        match self {
            ApiError::NodeNotFound(_) => ("node_not_found", StatusCode::NOT_FOUND),
            ApiError::ProjectNotFound(_) => ("project_not_found", StatusCode::NOT_FOUND),
            ApiError::OwnerNotFound(_) => ("owner_not_found", StatusCode::NOT_FOUND),
            ApiError::UnknownRoute(_) => ("route_not_found", StatusCode::NOT_FOUND),
            ApiError::BadRequest(_) => ("bad_request", StatusCode::BAD_REQUEST),
            ApiError::Internal(_) => ("internal", StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, status) = self.code();
        if status.is_server_error() {
            tracing::error!(error = %self, "API request failed");
        }
        (status, Json(json!({ "error": { "code": code, "message": self.to_string() } }))).into_response()
    }
}

impl From<app::catalog::CatalogError> for ApiError {
    fn from(e: app::catalog::CatalogError) -> Self {
        ApiError::Internal(e.0)
    }
}
