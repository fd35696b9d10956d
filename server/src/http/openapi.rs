//! `GET /api/v1/openapi.json`: the JSON API as OpenAPI 3.1, generated from the
//! handlers' `#[utoipa::path]` annotations and the model's types.
//!
//! The router serves exactly the routes the document lists: [`documented_routes`] is
//! both, through utoipa-axum, so a route cannot be added without its description. The
//! error answers come from the code table (`app::error::ErrorCode`), so a status lists
//! the codes it can carry.

use std::sync::OnceLock;

use app::error::ErrorCode;
use serde::Serialize;
use utoipa::{
    openapi::{path::Operation, ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder},
    OpenApi as _, ToSchema,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{api, diff, AppState};

/// Every JSON error: `{"error": {"code", "message", "parameter"?}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorAnswer {
    pub error: ErrorBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// The request parameter at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "meshlens",
        description = "The JSON API of meshlens, the explorer for dbt Mesh: projects, nodes, \
            cross-project lineage with dbt selectors, owners, versions, governance findings, \
            search, and change impact. Every error is `{\"error\": {\"code\", \"message\"}}` \
            with the status of its code.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(schemas(ErrorAnswer, ErrorBody, ErrorCode)),
    tags(
        (name = "mesh", description = "Projects, the mesh and its health"),
        (name = "nodes", description = "Models, sources and the rest, one by one or searched"),
        (name = "lineage", description = "Lineage across projects, by dbt selector"),
        (name = "governance", description = "Owners, groups, versions and findings"),
        (name = "impact", description = "What a new manifest breaks downstream"),
    )
)]
struct ApiDoc;

/// The JSON routes and their document, built from the same annotations.
pub fn documented_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(api::healthz))
        .nest("/api/v1", api::router().routes(routes!(openapi_json)))
}

/// The routes that take whole manifests, with the upload limits around them.
pub fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(diff::api))
}

/// The document, built once.
pub fn document() -> &'static OpenApi {
    static DOCUMENT: OnceLock<OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut document = documented_routes().into_openapi();
        document.merge(upload_routes().into_openapi());
        for item in document.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
                add_shared_errors(operation);
            }
        }
        document
    })
}

/// Statuses any request can meet, whatever its route.
const SHARED_STATUSES: [u16; 5] = [405, 408, 414, 500, 503];

/// The error answer with the codes a status carries, from the code table.
pub fn error_response(status: u16) -> Response {
    let codes: Vec<&str> = ErrorCode::ALL.iter().filter(|c| c.status() == status).map(|c| c.as_str()).collect();
    ResponseBuilder::new()
        .description(format!("An error answer; its code is {}", codes.join(" or ")))
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(RefOr::Ref(Ref::from_schema_name("ErrorAnswer")))).build(),
        )
        .build()
}

fn add_shared_errors(operation: &mut Operation) {
    for status in SHARED_STATUSES {
        operation.responses.responses.entry(status.to_string()).or_insert_with(|| RefOr::T(error_response(status)));
    }
}

/// The OpenAPI 3.1 document of this API.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "mesh",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)),
)]
async fn openapi_json() -> axum::Json<&'static OpenApi> {
    axum::Json(document())
}
