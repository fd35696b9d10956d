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
    /// The index's governance findings as a CI gate: exit code 1 when a finding of a
    /// failing kind exists.
    Check(CheckArgs),
    /// What a project's new artifacts change in the mesh: breaking contract and mesh
    /// changes and everything downstream they reach. Exit code 1 when a change breaks.
    Diff(DiffArgs),
    /// Search the index as the search box does: words, "phrases", -exclusions, OR,
    /// and owner: project: type: access: tag: contract: group: filters.
    Search(SearchArgs),
    /// Answer an AI assistant's questions about the mesh: a Model Context Protocol
    /// server over stdin and stdout, with the tools `meshlens serve` has at /mcp.
    Mcp(McpArgs),
    /// Print the effective settings, each with where it came from (a flag, the
    /// environment, meshlens.toml or the default), and the limits table.
    Config(ConfigArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Junit,
    /// GitHub Actions workflow commands (`::error …`).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    /// A summary to paste into a pull request.
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The mesh to compare with: a meshlens data folder (its published index) or a
    /// folder of dbt artifacts (one project, or folders of several).
    #[arg(long, value_name = "DIR_OR_INDEX")]
    pub base: PathBuf,
    /// The new artifacts: one dbt project folder or target/ folder a project.
    #[arg(long, required = true, num_args = 1.., value_name = "PATH")]
    pub head: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The data folder that holds the index, or the object-store URL it is published
    /// to; without it, the embedded demo mesh.
    #[arg(long, env = "MESHLENS_DATA", value_name = "DIR_OR_URL")]
    pub data: Option<PathBuf>,
    /// With an object-store URL as `--data`: the local folder that holds the published
    /// index's current generation (default: ~/.cache/meshlens/<hash of the URL>).
    #[arg(long, env = "MESHLENS_CACHE", value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// A meshlens.toml to read settings from (default: ./meshlens.toml when present).
    #[arg(long, env = "MESHLENS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Finding kinds that fail the check (default: every kind).
    #[arg(long = "fail-on", value_name = "KIND", num_args = 1.., value_parser = clap::builder::PossibleValuesParser::new(crate::mesh::FINDING_KINDS))]
    pub fail_on: Vec<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
    /// Check the mesh as it would be with these projects' new artifacts (project
    /// folders or target/ folders) in place of the indexed ones.
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub head: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The data folder that holds the index, or the object-store URL it is published
    /// to; without it, the embedded demo mesh.
    #[arg(long, env = "MESHLENS_DATA", value_name = "DIR_OR_URL")]
    pub data: Option<PathBuf>,
    /// With an object-store URL as `--data`: the local folder that holds the published
    /// index's current generation (default: ~/.cache/meshlens/<hash of the URL>).
    #[arg(long, env = "MESHLENS_CACHE", value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// A meshlens.toml to read settings from (default: ./meshlens.toml when present).
    #[arg(long, env = "MESHLENS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// How many hits to print.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(search_limit()))]
    pub limit: u16,
    /// Print the results as JSON, as `GET /api/v1/search` answers.
    #[arg(long)]
    pub json: bool,
    /// The query.
    #[arg(required = true, value_name = "QUERY", num_args = 1..)]
    pub query: Vec<String>,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The data folder that holds the index (or `data` in meshlens.toml); or an
    /// object-store URL (s3://bucket/meshlens/, gs://…, az://…, abfss://…) to publish
    /// the index to, for `serve --data URL` replicas.
    #[arg(long, env = "MESHLENS_DATA", value_name = "DIR_OR_URL")]
    pub data: Option<PathBuf>,
    /// With an object-store URL as `--data`: the local folder that holds the published
    /// index's current generation (default: ~/.cache/meshlens/<hash of the URL>).
    #[arg(long, env = "MESHLENS_CACHE", value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// With an object-store URL as `--data`: how many generations to keep on the store,
    /// the published one and those before it; older ones are deleted after a publish.
    #[arg(long = "keep-generations", value_name = "N", default_value_t = crate::fleet::KEEP_GENERATIONS, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub keep_generations: u16,
    /// A meshlens.toml listing the projects (`[[projects]]` with `path` and optional
    /// `name`). Without PATHs and without this flag, ./meshlens.toml is read.
    #[arg(long, env = "MESHLENS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A dbt-loom config (dbt_loom.config.yml) whose manifests are projects to index
    /// too (types file, s3, gcs, azure, dbt_cloud), or `dbt_loom` in meshlens.toml.
    #[arg(long = "dbt-loom", env = "MESHLENS_DBT_LOOM", value_name = "FILE")]
    pub dbt_loom: Option<PathBuf>,
    /// Keep running and index again at this interval (`30s`, `5m`, `1h`); remote
    /// projects that did not change cost a conditional request a file.
    #[arg(long, value_name = "DURATION", value_parser = interval())]
    pub every: Option<std::time::Duration>,
    /// dbt project folders, or their target/ folders, holding manifest.json; or URLs
    /// of such folders: s3://bucket/prefix/, gs://…, az://…, abfss://…, http(s)://…/.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The data folder that holds the index, or the object-store URL it is published to.
    #[arg(long, env = "MESHLENS_DATA", value_name = "DIR_OR_URL")]
    pub data: PathBuf,
    /// With an object-store URL as `--data`: the local folder that holds the published
    /// index's current generation (default: ~/.cache/meshlens/<hash of the URL>).
    #[arg(long, env = "MESHLENS_CACHE", value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Names of the projects to drop.
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The data folder written by `meshlens index`, or the object-store URL an index
    /// is published to (`index --data URL`), followed into `--cache`. Without it, or
    /// with no index in a folder, the embedded demo mesh is served.
    #[arg(long, env = "MESHLENS_DATA", value_name = "DIR_OR_URL")]
    pub data: Option<PathBuf>,
    /// With an object-store URL as `--data`: the local folder that holds the published
    /// index's current generation (default: ~/.cache/meshlens/<hash of the URL>).
    #[arg(long, env = "MESHLENS_CACHE", value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// With an object-store URL as `--data`: how often to ask whether a new generation
    /// is published (`10s`, `1m`); a new one is downloaded, then served.
    #[arg(long = "poll-every", env = "MESHLENS_POLL_EVERY", value_name = "DURATION", value_parser = interval())]
    pub poll_every: Option<std::time::Duration>,
    /// A meshlens.toml to read settings from (`data`, `[serve]`); default:
    /// ./meshlens.toml when present.
    #[arg(long, env = "MESHLENS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where to listen.
    #[arg(long, env = "MESHLENS_ADDR", value_name = "HOST:PORT", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Diff uploads (`POST /api/v1/diff`, the review form) compared at once; more
    /// are answered 503 with `Retry-After`. Each holds its manifests in memory.
    #[arg(long, env = "MESHLENS_UPLOADS_AT_ONCE", value_name = "N", default_value_t = crate::limits::Limits::DEFAULT.uploads_at_once, value_parser = uploads_at_once())]
    pub uploads_at_once: usize,
    /// Index the config's projects (`[[projects]]`, `dbt_loom`) into the data folder at
    /// this interval (`30s`, `5m`), inside this process; the first run is at start.
    #[arg(long = "index-every", value_name = "DURATION", value_parser = interval())]
    pub index_every: Option<std::time::Duration>,
    /// Items each list of an MCP tool's answer at `POST /mcp` holds; the rest is
    /// summed up ("312 more nodes; narrow the selector").
    #[arg(long = "mcp-max-items", env = "MESHLENS_MCP_MAX_ITEMS", value_name = "N", default_value_t = crate::mcp::McpOptions::DEFAULT_MAX_ITEMS, value_parser = mcp_max_items())]
    pub mcp_max_items: usize,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// The data folder that holds the index, or the object-store URL it is published
    /// to; without it, the embedded demo mesh.
    #[arg(long, env = "MESHLENS_DATA", value_name = "DIR_OR_URL")]
    pub data: Option<PathBuf>,
    /// With an object-store URL as `--data`: the local folder that holds the published
    /// index's current generation (default: ~/.cache/meshlens/<hash of the URL>).
    #[arg(long, env = "MESHLENS_CACHE", value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// A meshlens.toml to read settings from (default: ./meshlens.toml when present).
    #[arg(long, env = "MESHLENS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Items each list of a tool's answer holds; the rest is summed up ("312 more
    /// nodes; narrow the selector").
    #[arg(long = "max-items", env = "MESHLENS_MCP_MAX_ITEMS", value_name = "N", default_value_t = crate::mcp::McpOptions::DEFAULT_MAX_ITEMS, value_parser = mcp_max_items())]
    pub max_items: usize,
}

fn mcp_max_items() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(crate::mcp::McpOptions::MAX_ITEMS)
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The settings of `meshlens serve`, as it would read them.
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Print them as JSON: `{"settings": {NAME: {"value", "origin"}}, "projects": [...]}`.
    #[arg(long)]
    pub json: bool,
}

/// `--every`, `--index-every` and `--poll-every`: a humantime duration of at least a second.
fn interval() -> impl clap::builder::TypedValueParser<Value = std::time::Duration> {
    use clap::builder::TypedValueParser;
    clap::builder::StringValueParser::new().try_map(|s: String| {
        let d =
            humantime::parse_duration(&s).map_err(|e| format!("{s:?} is not a duration such as 30s, 5m or 1h: {e}"))?;
        if d < std::time::Duration::from_secs(1) {
            return Err(format!("{s:?}: the interval must be at least 1s"));
        }
        Ok(d)
    })
}

/// `--uploads-at-once`'s range is the config file's.
fn uploads_at_once() -> clap::builder::RangedU64ValueParser<usize> {
    let range = crate::config::UPLOADS_AT_ONCE;
    clap::builder::RangedU64ValueParser::<usize>::new().range(*range.start() as u64..=*range.end() as u64)
}

/// `--limit`'s range is the engine's.
fn search_limit() -> std::ops::RangeInclusive<i64> {
    let range = &crate::limits::Limits::DEFAULT.search_limit;
    *range.start() as i64..=*range.end() as i64
}
