//! The meshlens UI (Leptos, server-rendered and hydrated) and the types both sides share.

pub mod api;
#[cfg(feature = "ssr")]
pub mod catalog;
mod components;
mod decimal;
pub mod error;
pub mod lineage_style;
pub mod links;
mod matrix_geometry;
mod mesh_geometry;
mod pages;
pub mod sql;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

pub use links::{encode, node_href, owner_href, project_href, search_href};
/// The wire types, shared with the engine (`model::dto`).
pub use model::dto;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Every route renders in `SsrMode::Async`: the server sends whole pages, so they
/// read the same with JavaScript off as on (streamed chunks would need a script).
/// Only this page's own scripts run: the hydration script carries the request's nonce,
/// the bundle comes from this origin, and nothing may frame the app.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
         form-action 'self'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="meshlens" href="/pkg/meshlens.css"/>
        <Title formatter=|text: String| if text.is_empty() { "meshlens".to_string() } else { format!("{text} · meshlens") }/>
        <Router>
            <components::Header/>
            <main class="page">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/nodes/:id") view=pages::NodePage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=pages::SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/projects/:name") view=pages::ProjectPage ssr=SsrMode::Async/>
                    <Route path=path!("/groups") view=pages::GroupsPage ssr=SsrMode::Async/>
                    <Route path=path!("/lineage") view=pages::LineagePage ssr=SsrMode::Async/>
                    <Route path=path!("/mesh") view=pages::MeshPage ssr=SsrMode::Async/>
                    <Route path=path!("/versions") view=pages::VersionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/governance") view=pages::GovernancePage ssr=SsrMode::Async/>
                    <Route path=path!("/owners") view=pages::OwnersPage ssr=SsrMode::Async/>
                    <Route path=path!("/owners/:key") view=pages::OwnerPage ssr=SsrMode::Async/>
                    <Route path=path!("/review") view=pages::ReviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/review/:id") view=pages::ReviewDetailPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
