//! The Model Context Protocol server: the mesh's projects, search, nodes, lineage,
//! owners and a head manifest's impact as tools for AI assistants, over stdio
//! (`meshlens mcp`) and over streamable HTTP (`POST /mcp` on `meshlens serve`).
//!
//! The tools answer from the same engine as the JSON API, through its limits and its
//! error table: a tool error carries `{"error": {"code", "message"}}` as the API does.
//! Answers are compact and capped ([`McpOptions::max_items`]); a cut list says what
//! was left out. Nothing here writes: the only path a tool reads is `impact`'s head,
//! and only in the stdio mode a user starts on their own machine.

mod shape;

use std::{path::PathBuf, sync::Arc};

use app::{
    catalog::Catalog,
    error::{Error, ErrorCode},
};
use rmcp::{
    handler::server::{router::tool::ToolRouter, wrapper::Parameters},
    model::{
        CallToolResult, Implementation, ListResourcesResult, PaginatedRequestParams, ReadResourceRequestParams,
        ReadResourceResponse, ReadResourceResult, Resource, ResourceContents, ServerCapabilities, ServerConfig,
    },
    service::RequestContext,
    tool, tool_handler, tool_router,
    transport::streamable_http_server::{
        session::local::LocalSessionManager, StreamableHttpServerConfig, StreamableHttpService,
    },
    ErrorData, RoleServer, ServerHandler,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use meshlens_remote::{Fetcher, Location, RemoteUrl};

use crate::{engine::Engine, mesh::ArtifactSet};

/// How the tools' answers are bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct McpOptions {
    /// Items each list of an answer holds (nodes, hits, columns, changes, owners);
    /// lineage edges may be four times as many.
    pub max_items: usize,
}

impl McpOptions {
    pub const DEFAULT_MAX_ITEMS: usize = 100;
    pub const MAX_ITEMS: std::ops::RangeInclusive<u64> = 1..=5000;
}

impl Default for McpOptions {
    fn default() -> Self {
        McpOptions { max_items: McpOptions::DEFAULT_MAX_ITEMS }
    }
}

/// Where `impact` may read a head manifest from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadFrom {
    /// stdio: the user's own process, so a path on their disk is theirs to give.
    PathsOrUploads,
    /// HTTP: only a manifest sent in the call, within the diff API's upload limits.
    UploadsOnly,
}

#[derive(Clone)]
pub struct MeshTools {
    engine: Arc<Engine>,
    options: McpOptions,
    head_from: HeadFrom,
    /// The diff API's permits: an `impact` over HTTP takes one as an upload does.
    uploads: Arc<tokio::sync::Semaphore>,
    tool_router: ToolRouter<Self>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SearchInput {
    /// Words, "phrases", -exclusions, OR, and owner: project: type: access: tag:
    /// contract: group: filters, as in the search box.
    pub query: String,
    /// Hits to return (default 10).
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct NodeInput {
    /// The node's unique_id, for example `model.jaffle_shop.orders`.
    pub unique_id: Option<String>,
    /// Or its name, with `project` when several projects have one by that name.
    pub name: Option<String>,
    pub project: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct LineageInput {
    /// A dbt selector: `+fct_orders`, `fct_orders+2`, `project:finance`, `tag:pii,+orders`.
    pub select: String,
    /// A dbt selector of nodes to leave out.
    pub exclude: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ColumnLineageInput {
    /// The node's unique_id, for example `model.platform.fct_orders`.
    pub unique_id: Option<String>,
    /// Or its name, with `project` when several projects have one by that name.
    pub name: Option<String>,
    pub project: Option<String>,
    /// The column, compared case-insensitively.
    pub column: String,
    /// up (what it reads), down (what reads it) or both (the default).
    pub direction: Option<String>,
    /// Steps each way, 1 to 50 (default 10).
    pub depth: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ImpactInput {
    /// The head: one project's new manifest.json as a JSON object; or, over stdio only,
    /// the path of that manifest (under any name) or of the target/ folder that holds it,
    /// or a URL of either (s3://, gs://, az://, https://).
    pub head: Value,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct OwnersInput {
    /// An owner's key (an email or a name, as `owners` lists them); without it, every owner.
    pub owner: Option<String>,
}

/// A tool's answer: its compact JSON, or the API's error object, as a tool error.
fn answer(result: Result<Value, Error>) -> CallToolResult {
    match result {
        Ok(value) => CallToolResult::structured(value),
        Err(e) => {
            let message = if e.code == ErrorCode::Internal {
                tracing::error!(error = %e.message, "an MCP tool failed");
                "the server could not answer this request; its log has the details".to_string()
            } else {
                e.message
            };
            let mut error = serde_json::json!({ "code": e.code.as_str(), "message": message });
            if let Some(parameter) = e.parameter {
                error["parameter"] = Value::String(parameter);
            }
            CallToolResult::structured_error(serde_json::json!({ "error": error }))
        }
    }
}

impl MeshTools {
    /// Blocking engine work (SQLite, Tantivy) off the async workers, as the API does.
    async fn run(
        &self,
        work: impl FnOnce(&Engine, McpOptions) -> Result<Value, Error> + Send + 'static,
    ) -> CallToolResult {
        let (engine, options) = (self.engine.clone(), self.options);
        let result = tokio::task::spawn_blocking(move || work(&engine, options))
            .await
            .unwrap_or_else(|e| Err(Error::internal(e)));
        answer(result)
    }
}

#[tool_router]
impl MeshTools {
    pub fn new(
        engine: Arc<Engine>,
        options: McpOptions,
        head_from: HeadFrom,
        uploads: Arc<tokio::sync::Semaphore>,
    ) -> Self {
        MeshTools { engine, options, head_from, uploads, tool_router: Self::tool_router() }
    }

    #[tool(
        description = "The indexed dbt projects with their counts, and the mesh: which project uses which, with counts of refs, inferred source() links and package installs."
    )]
    async fn list_projects(&self) -> CallToolResult {
        self.run(|engine, options| Ok(shape::projects(&engine.projects()?, &engine.mesh()?, options.max_items))).await
    }

    #[tool(
        description = "Search every project's models, sources, seeds, snapshots, exposures, metrics and columns, ranked as the search box ranks them."
    )]
    async fn search(&self, Parameters(input): Parameters<SearchInput>) -> CallToolResult {
        self.run(move |engine, options| {
            let limit = input.limit.unwrap_or(10);
            if limit == 0 || limit > options.max_items {
                return Err(Error::parameter(
                    "limit",
                    format!("must be between 1 and {}, not {limit}", options.max_items),
                ));
            }
            Ok(shape::search(&engine.search(&input.query, limit, 0)?))
        })
        .await
    }

    #[tool(
        description = "One node (model, source, seed, snapshot, exposure…): description, owners, access, group, version, contract, columns, parents and children with their unique_ids, and its tests' latest status."
    )]
    async fn get_node(&self, Parameters(input): Parameters<NodeInput>) -> CallToolResult {
        self.run(move |engine, options| {
            let unique_id = named_node(engine, input.unique_id, input.name, input.project.as_deref())?;
            let node = engine.node(&unique_id)?.ok_or_else(|| crate::http::node_not_found(&unique_id))?;
            Ok(shape::node(&node, options.max_items))
        })
        .await
    }

    #[tool(
        description = "The nodes and edges a dbt selector picks across the whole mesh: `+name` for ancestors, `name+` for descendants, `name+2` for two steps, `project:NAME`, unions with spaces and intersections with commas."
    )]
    async fn lineage(&self, Parameters(input): Parameters<LineageInput>) -> CallToolResult {
        self.run(move |engine, options| {
            let view = engine.lineage_view(&input.select, input.exclude.as_deref().unwrap_or(""), false, "", "")?;
            Ok(shape::lineage(&view, options.max_items))
        })
        .await
    }

    #[tool(
        description = "One column's lineage across projects, as the column lineage view draws it: the columns it reads (up) and those that read it (down), each edge copy (passed through or renamed), transform (an expression) or filter (read only to join, filter or group), and the nodes whose SQL could not be traced."
    )]
    async fn column_lineage(&self, Parameters(input): Parameters<ColumnLineageInput>) -> CallToolResult {
        self.run(move |engine, options| {
            let unique_id = named_node(engine, input.unique_id, input.name, input.project.as_deref())?;
            let direction = input.direction.unwrap_or_default();
            let depth = input.depth.unwrap_or(crate::limits::COLUMN_DEPTH_DEFAULT);
            let view = engine
                .column_lineage(&unique_id, &input.column, &direction, depth)?
                .ok_or_else(|| crate::http::node_not_found(&unique_id))?;
            Ok(shape::column_lineage(&view, options.max_items))
        })
        .await
    }

    #[tool(
        description = "What one project's new manifest changes in the mesh, as `meshlens diff` reports it: breaking contract and mesh changes, and the downstream nodes, projects and owners each reaches."
    )]
    async fn impact(&self, Parameters(input): Parameters<ImpactInput>) -> CallToolResult {
        let set = match (&input.head, self.head_from) {
            (Value::Object(_), _) => {
                let _permit = match self.uploads.clone().try_acquire_owned() {
                    Ok(permit) => permit,
                    Err(_) => return answer(Err(busy(&self.engine))),
                };
                let bytes = serde_json::to_vec(&input.head).unwrap_or_default();
                if bytes.len() as u64 > self.engine.limits().upload_bytes {
                    return answer(Err(Error::new(
                        ErrorCode::PayloadTooLarge,
                        format!("an upload may hold at most {} bytes of manifests", self.engine.limits().upload_bytes),
                    )));
                }
                Ok(Head::Uploaded(ArtifactSet::from_bytes(PathBuf::new(), bytes, None, None, None)))
            }
            (Value::String(given), HeadFrom::PathsOrUploads) => match Location::parse(given) {
                Ok(Location::Local(path)) => Ok(Head::Path(path)),
                Ok(Location::Remote(remote)) => Ok(Head::Url(remote)),
                Err(e) => Err(Error::parameter("head", e.to_string())),
            },
            (Value::String(_), HeadFrom::UploadsOnly) => Err(Error::parameter(
                "head",
                "over HTTP, head is the manifest itself as a JSON object; paths are read only by `meshlens mcp` over stdio",
            )),
            _ => Err(Error::parameter("head", "must be a manifest as a JSON object, or (over stdio) a path")),
        };
        self.run(move |engine, options| {
            // A path (stdio only) is read here, off the async threads.
            let set = match set? {
                Head::Uploaded(set) => set,
                Head::Path(path) => read_head(&path)?,
                Head::Url(remote) => fetch_head(&remote)?,
            };
            let project = crate::mesh::load_project(set, None).map_err(|e| Error::parameter("head", e.to_string()))?;
            Ok(shape::impact(&engine.impact(&[project])?, options.max_items))
        })
        .await
    }

    #[tool(
        description = "The owners of the mesh's nodes with how much each owns; or, given `owner`, everything that owner owns with its access, contract and test status."
    )]
    async fn owners(&self, Parameters(input): Parameters<OwnersInput>) -> CallToolResult {
        self.run(move |engine, options| match input.owner {
            None => Ok(shape::owners(&engine.owners()?, options.max_items)),
            Some(key) => {
                let detail = engine.owner(&key)?.ok_or_else(|| crate::http::owner_not_found(&key))?;
                Ok(shape::owner(&detail, options.max_items))
            }
        })
        .await
    }
}

fn busy(engine: &Engine) -> Error {
    Error::new(
        ErrorCode::Busy,
        format!(
            "the server is comparing {} uploads already; try again in a few seconds",
            engine.limits().uploads_at_once
        ),
    )
}

/// The unique_id of the node called `name` (in `project`, when given): exactly one, or
/// an error that lists the candidates.
/// The node a tool names: by `unique_id`, else by `name` (and `project`).
fn named_node(
    engine: &Engine,
    unique_id: Option<String>,
    name: Option<String>,
    project: Option<&str>,
) -> Result<String, Error> {
    match (unique_id, name) {
        (Some(id), _) => Ok(id),
        (None, Some(name)) => node_by_name(engine, &name, project),
        (None, None) => Err(Error::new(ErrorCode::BadRequest, "give unique_id, or name (and project)")),
    }
}

fn node_by_name(engine: &Engine, name: &str, project: Option<&str>) -> Result<String, Error> {
    let quoted = format!("\"{}\"", name.replace('"', ""));
    let query = match project {
        Some(project) => format!("{quoted} project:{project}"),
        None => quoted,
    };
    let found = engine.search(&query, 50, 0)?;
    let exact: Vec<_> = found
        .hits
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case(name) && project.is_none_or(|p| h.project == p))
        .collect();
    match exact.as_slice() {
        [one] => Ok(one.unique_id.clone()),
        [] => Err(Error::new(
            ErrorCode::NodeNotFound,
            match project {
                Some(p) => format!("no node named {name:?} in project {p:?}"),
                None => format!("no node is named {name:?}"),
            },
        )),
        many => Err(Error::parameter(
            "name",
            format!(
                "{} nodes are named {name:?}: {}; give unique_id, or project",
                many.len(),
                many.iter().map(|h| h.unique_id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// The head `impact` compares: uploaded in the call, or a path the stdio user gave.
enum Head {
    Uploaded(ArtifactSet),
    Path(PathBuf),
    /// A manifest or artifacts folder behind a URL (stdio only, as a path is).
    Url(RemoteUrl),
}

/// A head behind a URL, fetched as `meshlens index` fetches a project (the optional
/// artifacts beside it when present) into a folder removed once it is read.
fn fetch_head(remote: &RemoteUrl) -> Result<ArtifactSet, Error> {
    let scratch = tempfile::Builder::new()
        .prefix("meshlens-head-")
        .tempdir()
        .map_err(|e| Error::new(ErrorCode::Internal, format!("a folder for the head: {e}")))?;
    let report = Fetcher::new(scratch.path()).fetch_all(std::slice::from_ref(remote), |_| {});
    let fetched = match report.outcomes.into_iter().next() {
        Some(Ok(fetched)) => fetched,
        Some(Err(e)) => return Err(Error::parameter("head", e.to_string())),
        None => return Err(Error::parameter("head", format!("{remote}: nothing fetched"))),
    };
    ArtifactSet::read(&fetched.dir).map_err(|e| Error::parameter("head", format!("{remote}: {e}")))
}

/// A head given as a path: a manifest file under any name, or the project or target/
/// folder that holds `manifest.json` (with the catalog and run results beside it).
fn read_head(path: &std::path::Path) -> Result<ArtifactSet, Error> {
    let named_manifest = path.file_name().is_some_and(|n| n == "manifest.json");
    if path.is_file() && !named_manifest {
        let bytes = std::fs::read(path).map_err(|e| Error::parameter("head", format!("{}: {e}", path.display())))?;
        return Ok(ArtifactSet::from_bytes(path.to_path_buf(), bytes, None, None, None));
    }
    let folder = if path.is_file() { path.parent().unwrap_or(path) } else { path };
    ArtifactSet::read(folder).map_err(|e| Error::parameter("head", e.to_string()))
}

const PROJECT_URI: &str = "meshlens://projects/";

#[tool_handler(router = self.tool_router)]
impl ServerHandler for MeshTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().build())
            .with_server_info(Implementation::new("meshlens", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "meshlens indexes every project of a dbt Mesh. Use search to find nodes, get_node for one node's \
                 owners, contract, columns, parents and children, lineage with a dbt selector for what is upstream \
                 or downstream across projects, owners for who owns what, and impact for what a new manifest breaks.",
            )
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let engine = self.engine.clone();
        let projects = tokio::task::spawn_blocking(move || engine.projects())
            .await
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?
            .map_err(|e| ErrorData::internal_error(e.message, None))?;
        let resources = projects
            .into_iter()
            .map(|p| {
                Resource::new(format!("{PROJECT_URI}{}", p.name), p.name.clone())
                    .with_title(format!("dbt project {}", p.name))
                    .with_description(format!(
                        "{} models, {} sources, {} public models; dbt {}",
                        p.counts.models, p.counts.sources, p.counts.public_models, p.dbt_version
                    ))
                    .with_mime_type("application/json")
            })
            .collect();
        Ok(ListResourcesResult::with_all_items(resources))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri.clone();
        let Some(name) = uri.strip_prefix(PROJECT_URI).map(str::to_string) else {
            return Err(ErrorData::resource_not_found(
                format!("no resource at {uri}; projects are {PROJECT_URI}NAME"),
                None,
            ));
        };
        let engine = self.engine.clone();
        let asked = name.clone();
        let project = tokio::task::spawn_blocking(move || engine.project(&asked))
            .await
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?
            .map_err(|e| ErrorData::internal_error(e.message, None))?
            .ok_or_else(|| ErrorData::resource_not_found(crate::http::project_not_found(&name).message, None))?;
        let text = serde_json::to_string(&project).map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        Ok(ReadResourceResult::new(vec![ResourceContents::text(text, uri).with_mime_type("application/json")]).into())
    }
}

/// `POST /mcp` on `meshlens serve`: the same tools over streamable HTTP, stateless
/// (each request stands alone, so replicas behind a load balancer need no stickiness)
/// and answered as JSON.
///
/// The Host check rmcp makes against DNS rebinding is off: `/mcp` reads the same data
/// as `/api/v1`, which any page on the same host can already read, and `serve` may be
/// reached under any name its operator gives it.
pub fn http_service(
    engine: Arc<Engine>,
    options: McpOptions,
    uploads: Arc<tokio::sync::Semaphore>,
) -> StreamableHttpService<MeshTools, LocalSessionManager> {
    let body_bytes = usize::try_from(engine.limits().upload_bytes).unwrap_or(usize::MAX);
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_max_request_body_bytes(body_bytes)
        .disable_allowed_hosts();
    StreamableHttpService::new(
        move || Ok(MeshTools::new(engine.clone(), options, HeadFrom::UploadsOnly, uploads.clone())),
        LocalSessionManager::default().into(),
        config,
    )
}

/// `meshlens mcp`: the tools over this process's stdin and stdout until the client
/// closes them.
pub async fn serve_stdio(engine: Arc<Engine>, options: McpOptions) -> anyhow::Result<()> {
    use rmcp::ServiceExt;
    let uploads = Arc::new(tokio::sync::Semaphore::new(engine.limits().uploads_at_once));
    let tools = MeshTools::new(engine, options, HeadFrom::PathsOrUploads, uploads);
    let running = tools.serve(rmcp::transport::stdio()).await?;
    running.waiting().await?;
    Ok(())
}
