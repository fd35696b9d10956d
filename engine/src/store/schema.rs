//! The SQLite schema of one generation.

/// `PRAGMA user_version` of a generation written with [`SCHEMA`]: a re-index builds on
/// the previous generation only when it has this layout, and a reader refuses others.
pub const SCHEMA_VERSION: i64 = 3;

pub const SCHEMA: &str = r#"
PRAGMA user_version = 3;
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
-- resolves the mesh from when only some projects change. `record` is the whole
-- NodeRecord as JSON; `light` the same without its long texts (description, code,
-- meta, column descriptions), which is all resolving, the graph and lists need;
-- `record_hash` tells a re-index whether a node's search document can be kept.
CREATE TABLE project_nodes (
    project TEXT NOT NULL,
    unique_id TEXT NOT NULL,
    record TEXT NOT NULL,
    light TEXT NOT NULL,
    record_hash INTEGER NOT NULL,
    PRIMARY KEY (project, unique_id)
);
-- The resolved mesh: one row a node. Its record is the project_nodes row of `source`
-- (the node's project, or for an external node the project carrying its copy) with
-- `owners` (JSON) in place of the record's own: resolving adds group owners and
-- names owners known only by email. `doc_key` hashes what its search document is made of.
CREATE TABLE nodes (
    unique_id TEXT PRIMARY KEY,
    project TEXT NOT NULL,
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    package TEXT NOT NULL,
    version TEXT,
    external INTEGER NOT NULL,
    status TEXT,
    test_column TEXT,
    access TEXT,
    contract_enforced INTEGER NOT NULL,
    owners TEXT NOT NULL,
    doc_key INTEGER NOT NULL
) WITHOUT ROWID;
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
-- Facts about the whole mesh, as JSON: `project_cycles`; `packages`, the
-- [installer, installed project, nodes carried] of each package install.
-- Each project's column lineage extractions, in the SQL's own terms (the relations it
-- names): kept with the project like its nodes, and linked to the mesh on every run.
CREATE TABLE project_columns (
    project TEXT NOT NULL,
    unique_id TEXT NOT NULL,
    extract TEXT NOT NULL,
    PRIMARY KEY (project, unique_id)
) WITHOUT ROWID;
-- Each project's nodes' columns and types, [[name, type], ...]: what `select *` over
-- them expands to and what a column lineage's cards show (light records have none).
CREATE TABLE project_node_columns (
    project TEXT NOT NULL,
    unique_id TEXT NOT NULL,
    columns TEXT NOT NULL,
    PRIMARY KEY (project, unique_id)
) WITHOUT ROWID;
-- The mesh's column lineage: one row a SQL node (its status and output columns, JSON),
-- and one row an edge between columns (`child_column` NULL for a join, filter or group-by).
CREATE TABLE column_nodes (
    unique_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    message TEXT,
    line INTEGER,
    columns TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE column_edges (
    parent TEXT NOT NULL,
    parent_column TEXT NOT NULL,
    child TEXT NOT NULL,
    child_column TEXT,
    kind TEXT NOT NULL
);
CREATE TABLE mesh_facts (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_sets_its_version() {
        assert!(SCHEMA.contains(&format!("PRAGMA user_version = {SCHEMA_VERSION};")));
    }
}
