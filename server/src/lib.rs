//! meshlens: the HTTP server and the CLI on top of the engine (`meshlens_engine`), whose
//! modules are re-exported here under their old paths.

pub use meshlens_engine::{
    artifacts, check, clock, config, diff, engine, graph, ingest, limits, mesh, options, present, search, store,
};

pub mod cli;
pub mod demo;
pub mod fleet;
pub mod http;
pub mod index_run;
pub mod mcp;
