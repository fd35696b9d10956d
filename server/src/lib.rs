//! meshlens: the engine (artifacts, mesh, store, search) and the HTTP server.

pub mod artifacts;
pub mod check;
pub mod cli;
pub mod config;
pub mod demo;
pub mod diff;
pub mod engine;
pub mod graph;
pub mod http;
pub mod indexer;
pub mod limits;
pub mod markdown;
pub mod mesh;
pub mod search;
pub mod store;
