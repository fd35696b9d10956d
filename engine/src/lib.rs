//! The meshlens engine: dbt artifacts → mesh → store and search index → graph, diff and
//! check, behind one façade (`engine::Engine`) that implements the UI's `Catalog`.
//! It knows neither the web nor the UI (no axum, no Leptos): see ARCHITECTURE.md.

pub mod artifacts;
pub mod check;
pub mod clock;
pub mod columns;
pub mod config;
pub mod diff;
pub mod engine;
pub mod generation_error;
pub mod graph;
pub mod ingest;
pub mod limits;
pub mod mesh;
pub mod options;
pub mod present;
pub mod search;
pub mod store;
