//! A node page's view of a stored node.

use model::dto::{Column, Contract, ContractColumn, Freshness, NodeDetail, NodeLink};

use crate::{
    graph::GraphNode,
    mesh::{same_type, NodeRecord},
    store::StoredNode,
};

/// The node page's view of a stored node, with version states judged as of `today`;
/// `downstream` is every node downstream of it (`MeshGraph::downstream_of`).
pub fn node_detail(stored: StoredNode, downstream: &[&GraphNode], today: &str, lineage: ColumnFacts) -> NodeDetail {
    let StoredNode { project, external, record: r, parents, children, tests, findings } = stored;
    // Borrowed and deduplicated before anything is copied: a busy mart has tens of
    // thousands of downstream nodes and a few dozen projects among them.
    let projects: std::collections::HashSet<&str> =
        downstream.iter().map(|n| n.project.as_str()).filter(|p| *p != project).collect();
    let mut used_by_projects: Vec<String> = projects.into_iter().map(str::to_string).collect();
    used_by_projects.sort();
    let mut used_by_exposures: Vec<NodeLink> = downstream
        .iter()
        .filter(|n| n.resource_type == "exposure")
        .map(|n| NodeLink {
            unique_id: n.unique_id.clone(),
            name: n.name.clone(),
            resource_type: n.resource_type.clone(),
            project: n.project.clone(),
            version: n.version.clone(),
            cross_project: false,
            inferred: false,
            external: n.external,
        })
        .collect();
    used_by_exposures.sort_by(|a, b| (&a.project, &a.name, &a.unique_id).cmp(&(&b.project, &b.name, &b.unique_id)));
    let contract = Contract {
        enforced: r.contract_enforced,
        columns: r
            .columns
            .iter()
            .filter_map(|c| {
                Some(ContractColumn {
                    name: c.name.clone(),
                    contract_type: c.data_type.clone()?,
                    catalog_type: c.catalog_type.clone(),
                    constraints: c.constraints.clone(),
                })
            })
            .collect(),
        constraints: r.constraints.clone(),
    };
    let mut columns: Vec<Column> = r
        .columns
        .iter()
        .map(|c| Column {
            name: c.name.clone(),
            description: c.description.clone(),
            data_type: c.data_type.clone(),
            catalog_type: c.catalog_type.clone(),
            constraints: c.constraints.clone(),
            type_mismatch: matches!((&c.data_type, &c.catalog_type), (Some(a), Some(b)) if !same_type(a, b)),
            tests: tests
                .iter()
                .filter(|t| t.column.as_deref().is_some_and(|col| col.eq_ignore_ascii_case(&c.name)))
                .cloned()
                .collect(),
            ..Column::default()
        })
        .collect();
    (lineage.annotate)(&mut columns);
    let ref_snippet = if external { None } else { ref_snippet(&r, &project) };
    let meta =
        if r.meta.is_empty() { String::new() } else { serde_json::to_string_pretty(&r.meta).unwrap_or_default() };
    NodeDetail {
        description_html: super::markdown::render(&r.description),
        version_state: r.version_state(today).map(str::to_string),
        ref_snippet,
        meta,
        freshness: r.freshness.map(|f| Freshness {
            status: f.status,
            max_loaded_at: f.max_loaded_at,
            snapshotted_at: f.snapshotted_at,
            age_seconds: f.age_seconds,
        }),
        unique_id: r.unique_id,
        name: r.name,
        resource_type: r.resource_type,
        project,
        package: r.package,
        description: r.description,
        original_file_path: r.original_file_path,
        external,
        owners: r.owners,
        group: r.group,
        access: r.access,
        version: r.version,
        latest_version: r.latest_version,
        deprecation_date: r.deprecation_date,
        materialized: r.materialized,
        relation_name: r.relation_name,
        database: r.database,
        schema: r.schema,
        alias: r.alias,
        tags: r.tags,
        raw_code: r.raw_code,
        compiled_code: r.compiled_code,
        contract,
        columns,
        parents,
        children,
        tests,
        status: r.status,
        execution_time: r.execution_time,
        used_by_exposures,
        used_by_projects,
        findings,
        column_lineage: lineage.status,
        column_filters: lineage.filters,
    }
}

/// What column lineage adds to a node page.
pub struct ColumnFacts<'g> {
    pub status: model::dto::ColumnLineageStatus,
    pub filters: Vec<model::dto::ColumnUpstream>,
    /// Adds upstream columns and downstream counts to the node's columns.
    pub annotate: Annotate<'g>,
}

impl ColumnFacts<'_> {
    /// No column lineage: a page made without the generation's column graph.
    pub fn none() -> Self {
        ColumnFacts { status: Default::default(), filters: Vec::new(), annotate: Box::new(|_| {}) }
    }
}

/// Fills in a node's columns' lineage.
pub type Annotate<'g> = Box<dyn FnOnce(&mut Vec<Column>) + 'g>;

/// How a dbt user refers to this node from another project.
pub fn ref_snippet(r: &NodeRecord, project: &str) -> Option<String> {
    match r.resource_type.as_str() {
        "model" => Some(match &r.version {
            Some(v) if v.parse::<f64>().is_ok() => format!("{{{{ ref('{project}', '{}', v={v}) }}}}", r.name),
            Some(v) => format!("{{{{ ref('{project}', '{}', v='{v}') }}}}", r.name),
            None => format!("{{{{ ref('{project}', '{}') }}}}", r.name),
        }),
        "seed" | "snapshot" => Some(format!("{{{{ ref('{project}', '{}') }}}}", r.name)),
        "source" => r.source_name.as_ref().map(|s| format!("{{{{ source('{s}', '{}') }}}}", r.name)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(version: Option<&str>) -> NodeRecord {
        NodeRecord {
            name: "orders".into(),
            resource_type: "model".into(),
            version: version.map(str::to_string),
            ..NodeRecord::default()
        }
    }

    #[test]
    fn ref_snippets_as_users_write_them() {
        assert_eq!(ref_snippet(&model(Some("2")), "finance").unwrap(), "{{ ref('finance', 'orders', v=2) }}");
        assert_eq!(ref_snippet(&model(None), "finance").unwrap(), "{{ ref('finance', 'orders') }}");
        let source = NodeRecord {
            name: "web_events".into(),
            resource_type: "source".into(),
            source_name: Some("acme_raw".into()),
            ..NodeRecord::default()
        };
        assert_eq!(ref_snippet(&source, "platform").unwrap(), "{{ source('acme_raw', 'web_events') }}");
    }
}
