//! The web server: the Leptos pages, the JSON API and the embedded static files,
//! built by one `app()` that `main` and the tests share.
//!
//! Every response passes the same layers: a request id (`x-request-id`, sent back),
//! one log line per request, a panic caught as a 500, the URI, body and time limits of
//! the engine's `Limits`, and the security headers.

mod api;
mod assets;
mod diff;
mod error;
pub mod openapi;

use std::sync::Arc;

use app::{catalog::SharedCatalog, error::ErrorCode, shell, App};
use axum::{
    body::Body,
    extract::DefaultBodyLimit,
    extract::{FromRef, Request, State},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use http::StatusCode;
use http::{header, HeaderValue};
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
    LatencyUnit,
};

pub use error::{node_not_found, owner_not_found, project_not_found, ApiError};

use crate::{engine::Engine, limits::Limits, mcp::McpOptions};

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub engine: Arc<Engine>,
    /// One permit for each diff upload that may be taken in at once.
    pub uploads: Arc<tokio::sync::Semaphore>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The whole router, as served, with the MCP tools' default caps.
pub fn app(engine: Arc<Engine>) -> Router {
    app_with(engine, McpOptions::default())
}

/// The whole router, as served.
pub fn app_with(engine: Arc<Engine>, mcp: McpOptions) -> Router {
    let limits = engine.limits().clone();
    let leptos_options = LeptosOptions::builder().output_name(assets::output_name()).site_pkg_dir("pkg").build();
    let state = AppState {
        leptos_options: leptos_options.clone(),
        engine: engine.clone(),
        uploads: Arc::new(tokio::sync::Semaphore::new(limits.uploads_at_once)),
    };
    assets::precompress();
    let mcp = crate::mcp::http_service(engine.clone(), mcp, state.uploads.clone());
    let catalog: SharedCatalog = engine;
    let context = move || provide_context(catalog.clone());
    let routes = generate_route_list(App);

    let router = Router::from(openapi::documented_routes())
        .route("/api/{*rest}", axum::routing::any(api::unknown_route))
        .route("/pkg/{*file}", get(assets::serve))
        .route("/favicon.svg", get(assets::serve))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(move |state: State<AppState>, req: Request<Body>| page_not_found(state, req, context.clone()))
        .layer(RequestBodyLimitLayer::new(limits.body_bytes))
        // Head artifacts for a diff are whole manifests.
        .merge(
            Router::from(openapi::upload_routes())
                .route("/review", post(diff::form))
                // An MCP `impact` call carries a head manifest, as a diff upload does.
                .nest_service("/mcp", mcp)
                .layer(DefaultBodyLimit::disable())
                .layer(RequestBodyLimitLayer::new(usize::try_from(limits.upload_bytes).unwrap_or(usize::MAX))),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(limits.clone(), uri_within_limits))
        // Pages set their own Content-Security-Policy with the request's nonce; JSON and
        // files get one that allows nothing.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.request_timeout))
        .layer(middleware::from_fn(error::api_errors_as_json))
        .layer(middleware::from_fn(error::server_fn_errors_with_their_status))
        .with_state(state);
    with_request_layers(router)
}

/// The layers every request passes first, outermost last: an id, a log line, and a
/// panic turned into a 500 (inside the request's span, so its log names the id).
pub fn with_request_layers(router: Router) -> Router {
    router
        .layer(CatchPanicLayer::custom(panicked))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", id, method = %request.method(), path = %error::clip(request.uri().path()))
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(LatencyUnit::Micros))
                // The line above has the status; the error itself is logged where it is known.
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// A handler panicked: the client gets a 500 (JSON, as every error), the log the reason.
fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let reason = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = reason, "a handler panicked; the server goes on");
    ApiError::new(ErrorCode::Internal, reason).into_response()
}

/// A route that exists but not for this method: JSON for the API, text elsewhere.
async fn method_not_allowed(request: Request<Body>) -> Response {
    let message = format!("{} is not a method of {}", request.method(), error::clip(request.uri().path()));
    if is_api(request.uri().path()) {
        ApiError::new(ErrorCode::MethodNotAllowed, message).into_response()
    } else {
        (StatusCode::METHOD_NOT_ALLOWED, message).into_response()
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz"
}

/// Paths and query strings longer than the limits are refused before any handler
/// reads them.
async fn uri_within_limits(State(limits): State<Limits>, request: Request<Body>, next: Next) -> Response {
    let uri = request.uri();
    let (path, query) = (uri.path().len(), uri.query().map_or(0, str::len));
    let refused = if path > limits.path_bytes {
        Some(format!("a path may hold at most {} bytes, not {path}", limits.path_bytes))
    } else if query > limits.query_bytes {
        Some(format!("a query string may hold at most {} bytes, not {query}", limits.query_bytes))
    } else {
        None
    };
    match refused {
        Some(message) if is_api(uri.path()) => ApiError::new(ErrorCode::UriTooLong, message).into_response(),
        Some(message) => (StatusCode::URI_TOO_LONG, message).into_response(),
        None => next.run(request).await,
    }
}

/// Any other path: the app's own 404 page, with a real 404 status.
async fn page_not_found(
    State(state): State<AppState>,
    req: Request<Body>,
    context: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    if req.uri().path().starts_with("/api/") {
        return ApiError::unknown_route(req.uri().path()).into_response();
    }
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(context, move || shell(options.clone()));
    let mut response = render(req).await.into_response();
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}
