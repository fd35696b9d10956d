//! The command line: one options struct a subcommand, flags with env fallbacks.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "meshlens",
    version,
    propagate_version = true,
    about = "A self-hosted explorer for dbt Mesh: index many dbt projects' artifacts, browse them as one mesh."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index dbt projects' artifacts (manifest.json; catalog.json, run_results.json
    /// and sources.json when present) into DIR, keeping projects indexed before.
    Index(IndexArgs),
    /// Serve the web app and JSON API over the index in DIR (or the embedded demo mesh).
    Serve(ServeArgs),
    /// Drop projects from the index in DIR; the others stay.
    Remove(RemoveArgs),
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The data folder that holds the index.
    #[arg(long, env = "MESHLENS_DATA", value_name = "DIR")]
    pub data: PathBuf,
    /// A meshlens.toml listing the projects (`[[projects]]` with `path` and optional
    /// `name`). Without PATHs and without this flag, ./meshlens.toml is read.
    #[arg(long, env = "MESHLENS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// dbt project folders, or their target/ folders, holding manifest.json.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The data folder that holds the index.
    #[arg(long, env = "MESHLENS_DATA", value_name = "DIR")]
    pub data: PathBuf,
    /// Names of the projects to drop.
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The data folder written by `meshlens index`. Without it, or with no index in
    /// it, the embedded demo mesh is served.
    #[arg(long, env = "MESHLENS_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Where to listen.
    #[arg(long, env = "MESHLENS_ADDR", value_name = "HOST:PORT", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
}
