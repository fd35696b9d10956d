//! The SQLite schema of one generation.

pub const SCHEMA: &str = r#"
CREATE TABLE projects (
    name TEXT PRIMARY KEY,
    artifact_path TEXT NOT NULL,
    checksum TEXT NOT NULL,
    dbt_version TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    generated_at TEXT,
    adapter_type TEXT,
    groups TEXT NOT NULL,
    counts TEXT NOT NULL DEFAULT '{}'
);
-- Each project's nodes as its manifest has them, copies included: what a re-index
-- resolves the mesh from when only some projects change.
CREATE TABLE project_nodes (
    project TEXT NOT NULL,
    unique_id TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (project, unique_id)
) WITHOUT ROWID;
-- The resolved mesh: one row a node.
CREATE TABLE nodes (
    unique_id TEXT PRIMARY KEY,
    project TEXT NOT NULL,
    name TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    package TEXT NOT NULL,
    version TEXT,
    external INTEGER NOT NULL,
    status TEXT,
    test_column TEXT,
    record TEXT NOT NULL
);
CREATE INDEX nodes_project ON nodes (project, resource_type);
CREATE TABLE edges (
    parent TEXT NOT NULL,
    child TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (parent, child)
) WITHOUT ROWID;
CREATE INDEX edges_child ON edges (child);
CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    project TEXT NOT NULL,
    node TEXT NOT NULL,
    other TEXT,
    message TEXT NOT NULL
);
CREATE INDEX findings_node ON findings (node);
CREATE INDEX findings_other ON findings (other);
-- Who owns what: one row an owner of a node. `key` is the name, else the email.
CREATE TABLE owners (
    key TEXT NOT NULL,
    node TEXT NOT NULL,
    name TEXT,
    email TEXT,
    source TEXT NOT NULL
);
CREATE INDEX owners_key ON owners (key);
CREATE INDEX owners_email ON owners (email);
-- Facts about the whole mesh, as JSON: `project_cycles`.
CREATE TABLE mesh_facts (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#;
