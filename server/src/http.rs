//! The web server: the Leptos pages, the JSON API and the embedded static files,
//! built by one `app()` that `main` and the tests share.

mod api;
mod assets;
mod diff;
mod error;

use std::sync::Arc;

use app::{catalog::SharedCatalog, shell, App};
use axum::{
    body::Body,
    extract::DefaultBodyLimit,
    extract::{FromRef, Request, State},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use http::StatusCode;
use http::{header, HeaderValue};
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    compression::CompressionLayer, limit::RequestBodyLimitLayer, set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
};

pub use error::ApiError;

use crate::engine::Engine;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub engine: Arc<Engine>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The whole router, as served.
pub fn app(engine: Arc<Engine>) -> Router {
    let leptos_options = LeptosOptions::builder().output_name(assets::output_name()).site_pkg_dir("pkg").build();
    let state = AppState { leptos_options: leptos_options.clone(), engine: engine.clone() };
    assets::precompress();
    let catalog: SharedCatalog = engine;
    let context = move || provide_context(catalog.clone());
    let routes = generate_route_list(App);

    Router::new()
        .route("/healthz", get(api::healthz))
        .nest("/api/v1", api::router())
        .route("/api/{*rest}", axum::routing::any(api::unknown_route))
        .route("/pkg/{*file}", get(assets::serve))
        .route("/favicon.svg", get(assets::serve))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(move |state: State<AppState>, req: Request<Body>| page_not_found(state, req, context.clone()))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // Head artifacts for a diff are whole manifests.
        .merge(
            Router::new()
                .route("/api/v1/diff", post(diff::api))
                .route("/review", post(diff::form))
                .layer(DefaultBodyLimit::disable())
                .layer(RequestBodyLimitLayer::new(diff::MAX_UPLOAD_BYTES)),
        )
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
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .with_state(state)
}

/// No request takes longer than this; a slow client cannot hold a worker.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// Requests carry selectors and queries, not files.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Any other path: the app's own 404 page, with a real 404 status.
async fn page_not_found(
    State(state): State<AppState>,
    req: Request<Body>,
    context: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    if req.uri().path().starts_with("/api/") {
        return ApiError::UnknownRoute(req.uri().path().to_string()).into_response();
    }
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(context, move || shell(options.clone()));
    let mut response = render(req).await.into_response();
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}
