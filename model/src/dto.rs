//! Types both sides share: what the server sends and the pages render.
//! They carry only what a page shows, never a whole manifest.

mod diff;

pub use diff::{Change, ColumnConsumer, DiffReport, DownstreamNode, Review, ReviewSummary};
use serde::{Deserialize, Serialize};

/// What every page needs to know about the running instance.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInfo {
    /// True when no index was given and the embedded demo mesh is served.
    pub demo: bool,
    pub version: String,
}

/// Counts over the nodes a project defines (its own and its packages', never the
/// copies injected from another project).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectCounts {
    pub models: u64,
    pub sources: u64,
    pub seeds: u64,
    pub snapshots: u64,
    pub tests: u64,
    pub unit_tests: u64,
    pub exposures: u64,
    pub metrics: u64,
    pub semantic_models: u64,
    pub groups: u64,
    pub public_models: u64,
    pub contracted_models: u64,
    pub versioned_models: u64,
    pub cross_project_edges: u64,
    pub inferred_edges: u64,
    pub findings: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectSummary {
    pub name: String,
    pub dbt_version: String,
    pub schema_version: u32,
    pub generated_at: Option<String>,
    pub adapter_type: Option<String>,
    pub counts: ProjectCounts,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Owner {
    pub name: Option<String>,
    pub email: Option<String>,
    /// Where the owner was declared: `group`, `meta`, `config.meta` or `exposure`.
    pub source: String,
}

/// A neighbour of a node, as a link.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeLink {
    pub unique_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub project: String,
    /// The model version, for versioned models.
    pub version: Option<String>,
    /// The edge joins nodes of two projects.
    pub cross_project: bool,
    /// The edge was inferred from a `source()` that reads another project's model.
    pub inferred: bool,
    /// The node is a copy injected from a project that is not indexed.
    pub external: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Constraint {
    pub kind: String,
    pub expression: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Column {
    pub name: String,
    pub description: String,
    /// The type declared in YAML (the contract type when the contract is enforced).
    pub data_type: Option<String>,
    /// The type the warehouse reports in catalog.json.
    pub catalog_type: Option<String>,
    pub constraints: Vec<Constraint>,
    /// Tests on this column with their latest status.
    #[serde(default)]
    pub tests: Vec<TestSummary>,
    /// The declared and warehouse types differ in meaning (the rule the
    /// `contract_type_mismatch` finding applies).
    #[serde(default)]
    pub type_mismatch: bool,
    /// The columns this one reads, one step up, across projects.
    #[serde(default)]
    pub upstream: Vec<ColumnUpstream>,
    /// How many columns downstream read this one, through the whole mesh.
    #[serde(default)]
    pub downstream_count: u64,
}

/// A column another column reads.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnUpstream {
    /// The unique_id of the node that has the column.
    pub node: String,
    pub column: String,
    /// copy (passed through or renamed), transform (an expression) or filter (read only
    /// to join, filter or group the rows).
    pub kind: String,
    /// The node's name and project, for showing it.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub project: String,
}

/// Whether a node's column lineage is known: ok, unavailable (its SQL could not be
/// resolved: `message` says why, `line` where) or no_sql (no compiled SQL).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnLineageStatus {
    pub status: String,
    pub message: Option<String>,
    #[serde(default)]
    pub line: Option<u32>,
}

/// A column, named by its node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnKey {
    pub node: String,
    pub name: String,
}

/// One end of a column edge; a filter's target column is null (it reads the rows).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnEnd {
    pub node: String,
    pub column: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnEdgeView {
    pub source: ColumnEnd,
    pub target: ColumnEnd,
    pub kind: String,
}

/// A column of a node in a column lineage: its name and type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnCell {
    pub name: String,
    pub data_type: Option<String>,
}

/// A node of a column lineage, with only the columns involved.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnLineageNode {
    pub unique_id: String,
    pub name: String,
    pub project: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub columns: Vec<ColumnCell>,
    /// The node's distance from the column's node: negative upstream, positive downstream.
    #[serde(default)]
    pub depth: i32,
}

/// `GET /api/v1/columns/{unique_id}/{column}/lineage`: which columns a column reads and
/// which read it, across projects.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnLineage {
    pub column: ColumnKey,
    pub nodes: Vec<ColumnLineageNode>,
    pub edges: Vec<ColumnEdgeView>,
    /// Nodes next to the walk whose column lineage is unavailable: what it cannot see through.
    pub unavailable: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Freshness {
    /// pass, warn, error or runtime error.
    pub status: String,
    pub max_loaded_at: Option<String>,
    pub snapshotted_at: Option<String>,
    pub age_seconds: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contract {
    pub enforced: bool,
    /// Columns whose YAML declares a type: the contract type beside the warehouse's.
    pub columns: Vec<ContractColumn>,
    /// Model-level constraints; column constraints are on each column.
    pub constraints: Vec<Constraint>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractColumn {
    pub name: String,
    pub contract_type: String,
    pub catalog_type: Option<String>,
    pub constraints: Vec<Constraint>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestSummary {
    pub unique_id: String,
    pub name: String,
    pub column: Option<String>,
    /// Latest status from run_results.json: pass, fail, warn, error, skipped.
    pub status: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub kind: String,
    pub severity: String,
    pub project: String,
    pub node: String,
    pub other: Option<String>,
    /// The project of `other`.
    #[serde(default)]
    pub other_project: Option<String>,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeDetail {
    pub unique_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub project: String,
    pub package: String,
    pub description: String,
    /// The description rendered from markdown and sanitised: safe to insert as HTML.
    pub description_html: String,
    pub original_file_path: Option<String>,
    pub external: bool,
    pub owners: Vec<Owner>,
    pub group: Option<String>,
    pub access: Option<String>,
    pub version: Option<String>,
    pub latest_version: Option<String>,
    pub deprecation_date: Option<String>,
    /// latest, prerelease, old or deprecated, for versioned models.
    pub version_state: Option<String>,
    pub materialized: Option<String>,
    pub relation_name: Option<String>,
    pub database: Option<String>,
    pub schema: Option<String>,
    pub alias: Option<String>,
    /// `meta` and `config.meta`, merged, as indented JSON (empty when there is none).
    pub meta: String,
    pub tags: Vec<String>,
    /// How another project refers to this node: `{{ ref('finance', 'orders', v=2) }}`.
    pub ref_snippet: Option<String>,
    pub raw_code: Option<String>,
    pub compiled_code: Option<String>,
    pub contract: Contract,
    pub columns: Vec<Column>,
    pub parents: Vec<NodeLink>,
    pub children: Vec<NodeLink>,
    pub tests: Vec<TestSummary>,
    /// Latest status of this node in run_results.json.
    pub status: Option<String>,
    /// Seconds the latest run took.
    pub execution_time: Option<f64>,
    pub freshness: Option<Freshness>,
    /// Exposures downstream of this node, across projects.
    pub used_by_exposures: Vec<NodeLink>,
    /// Other projects with nodes downstream of this one.
    pub used_by_projects: Vec<String>,
    pub findings: Vec<Finding>,
    /// Whether this node's column lineage is known.
    #[serde(default)]
    pub column_lineage: ColumnLineageStatus,
    /// Columns this node reads only to join, filter or group its rows.
    #[serde(default)]
    pub column_filters: Vec<ColumnUpstream>,
}

/// A piece of a snippet; highlighted pieces matched the query.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnippetPart {
    pub text: String,
    pub highlight: bool,
}

/// An owner and how much they own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnerSummary {
    /// The owner's name, else their email: what `/owners/{key}` shows.
    pub key: String,
    pub emails: Vec<String>,
    /// Where the ownership was declared: group, meta, config.meta, exposure.
    pub sources: Vec<String>,
    pub nodes: u64,
}

/// A node an owner owns, with what a reviewer checks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnedNode {
    pub unique_id: String,
    pub name: String,
    pub resource_type: String,
    pub project: String,
    pub version: Option<String>,
    pub access: Option<String>,
    pub contract_enforced: bool,
    /// Latest run status (for a source, its freshness).
    pub status: Option<String>,
    /// Tests on the node that failed or warned in the latest run.
    pub failing_tests: u64,
    pub source: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnerDetail {
    pub owner: OwnerSummary,
    /// By project, then name.
    pub nodes: Vec<OwnedNode>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub unique_id: String,
    pub name: String,
    pub project: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The first owner (a name, else an email).
    pub owner: Option<String>,
    pub access: Option<String>,
    pub version: Option<String>,
    /// Where the query matched: name, owner, column, tag, description, code, ...
    pub matched_field: String,
    pub snippet: Vec<SnippetPart>,
    /// With a `column:` filter, the column the hit has: the hit opens its lineage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Counts over every hit (not only the page shown), by field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facets {
    pub project: Vec<FacetCount>,
    #[serde(rename = "type")]
    pub resource_type: Vec<FacetCount>,
    pub access: Vec<FacetCount>,
    pub owner: Vec<FacetCount>,
    pub group: Vec<FacetCount>,
    pub contract: Vec<FacetCount>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub query: String,
    pub total: u64,
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
    /// Parts of the query that were searched as plain words instead, and why.
    pub ignored: Vec<String>,
    pub took_ms: f64,
}

/// A public model: part of a project's API.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiModel {
    pub unique_id: String,
    pub name: String,
    pub version: Option<String>,
    pub version_state: Option<String>,
    pub contract_enforced: bool,
    pub description: String,
}

/// Refs from one project to another.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectLink {
    pub project: String,
    /// Edges between the two projects (cross-project, package and inferred); for a
    /// package link, the installed project's nodes the installer carries.
    pub edges: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectDetail {
    pub summary: ProjectSummary,
    pub public_models: Vec<ApiModel>,
    /// Projects this one depends on.
    pub upstream: Vec<ProjectLink>,
    /// Projects that depend on this one.
    pub downstream: Vec<ProjectLink>,
    /// Indexed projects this one installs as dbt packages (`edges`: the nodes it carries).
    #[serde(default)]
    pub packages: Vec<ProjectLink>,
    /// Indexed projects that install this one as a dbt package.
    #[serde(default)]
    pub installed_by: Vec<ProjectLink>,
    pub owners: Vec<OwnerSummary>,
    pub findings: Vec<Finding>,
    /// How many of its models' compiled SQL gave column lineage.
    #[serde(default)]
    pub column_lineage: ColumnCoverage,
}

/// Column lineage coverage of one project's models and snapshots.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnCoverage {
    pub parsed: u64,
    /// SQL that could not be traced, each with the parser's message.
    pub unavailable: u64,
    /// No compiled SQL in the manifest.
    pub no_sql: u64,
    /// The unavailable ones (at most 50), with why.
    #[serde(default)]
    pub failures: Vec<ColumnFailure>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnFailure {
    pub unique_id: String,
    pub name: String,
    pub message: String,
    pub line: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupView {
    pub project: String,
    pub name: String,
    pub description: Option<String>,
    pub owner_name: Option<String>,
    pub owner_emails: Vec<String>,
    pub members: Vec<NodeLink>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionView {
    pub unique_id: String,
    pub version: String,
    /// latest, prerelease, old or deprecated.
    pub state: String,
    pub deprecation_date: Option<String>,
    pub contract_enforced: bool,
    /// Downstream nodes that pin this version (`v=…`).
    pub pinned_by: Vec<NodeLink>,
    /// Downstream nodes that ref the model without a version and so follow latest.
    pub following_latest: Vec<NodeLink>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionedModel {
    pub project: String,
    pub name: String,
    pub latest_version: Option<String>,
    pub versions: Vec<VersionView>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deprecation {
    pub unique_id: String,
    pub project: String,
    pub name: String,
    pub version: String,
    pub date: String,
    /// The date has passed.
    pub past: bool,
    /// Downstream nodes still pinning it.
    pub pinned_by: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionsView {
    pub models: Vec<VersionedModel>,
    /// Every deprecation date, soonest first.
    pub deprecations: Vec<Deprecation>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractCoverage {
    pub project: String,
    pub public_models: u64,
    pub contracted_public_models: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GovernanceView {
    pub findings: Vec<Finding>,
    pub coverage: Vec<ContractCoverage>,
    /// Projects that depend on each other in a circle.
    pub project_cycles: Vec<Vec<String>>,
}

/// A node as the lineage view draws it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineageNode {
    pub id: String,
    pub name: String,
    pub project: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub access: Option<String>,
    pub contract: bool,
    pub version: Option<String>,
    pub version_state: Option<String>,
    pub materialized: Option<String>,
    /// Worst latest status of the node's tests.
    pub test_status: Option<String>,
    pub external: bool,
    /// One of the nodes the selector names (not reached by `+` or `@`).
    pub focus: bool,
    /// For a "+N more" node: the ids it holds.
    pub collapsed: Option<Vec<String>>,
    /// A group node (`"type": "group"`): how many nodes it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// What it groups by: project, folder, source, schema, type, or children/parents
    /// (a fan-out of one node).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_kind: Option<String>,
    /// What it holds, counted: "ethereum · 312 sources".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Its nodes by resource type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<std::collections::BTreeMap<String, u64>>,
    /// On a review's graph: changed_breaking, changed or downstream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
    /// On a review's graph: the node's owners.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
    /// Position of the node's top-left corner; absent without layout.
    pub x: Option<f64>,
    pub y: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineageEdge {
    pub source: String,
    pub target: String,
    /// ref, cross_project or inferred.
    pub kind: String,
    /// An edge to or from a group node: how many edges of the graph it stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineageView {
    pub select: String,
    pub exclude: String,
    pub nodes: Vec<LineageNode>,
    pub edges: Vec<LineageEdge>,
    /// How many nodes the selector picked (tests left out unless asked for).
    pub selected: u64,
    /// How many of those are held in "+N more" nodes.
    pub collapsed: u64,
    /// How many were left out to keep the view readable, and why: only past the hard
    /// cap, whatever the grouping.
    pub cut: u64,
    pub cut_reason: Option<String>,
    /// The grouping the view was asked for: auto, project, folder, source, schema,
    /// type or none.
    #[serde(default)]
    pub grouping: String,
    /// How many selected nodes are inside group nodes (fan-outs included), so
    /// `selected` = drawn nodes + `grouped` + `cut`.
    #[serde(default)]
    pub grouped: u64,
    /// Every project of the mesh, in the order their colours are given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<String>,
    pub width: f64,
    pub height: f64,
}

/// A project in the mesh graph.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeshProject {
    pub name: String,
    pub nodes: u64,
    pub models: u64,
    pub public_models: u64,
    /// Known only from copies injected into other projects' manifests.
    pub external: bool,
    pub x: f64,
    pub y: f64,
}

/// Refs from one project's nodes to another's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeshEdge {
    /// The project whose nodes are used.
    pub source: String,
    /// The project whose nodes use them.
    pub target: String,
    pub refs: u64,
    pub inferred: u64,
    /// Nodes of `source` that `target`'s manifest carries because it installs `source`
    /// as a dbt package (0: not a package).
    #[serde(default)]
    pub packages: u64,
    /// The upstream models the downstream project uses (`name` or `name.vN`).
    pub models: Vec<String>,
    /// Their unique_ids.
    pub model_ids: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeshView {
    pub projects: Vec<MeshProject>,
    pub edges: Vec<MeshEdge>,
    pub width: f64,
    pub height: f64,
}
