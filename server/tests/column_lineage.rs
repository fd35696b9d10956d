//! Column lineage over `tests/column-mesh` (real dbt 1.11 artifacts): meshlens' edges
//! agree with an independent oracle, sqlglot's `lineage` over the same compiled SQL
//! (`tests/column-mesh/oracle.py` → `expected-lineage.json`), except where listed.

#[path = "support/common.rs"]
mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    sync::Arc,
};

use app::catalog::Catalog;
use serde_json::Value;
use server::{engine::Engine, ingest::index_paths, store::DataDir};

fn mesh_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/column-mesh")
}

fn engine() -> (tempfile::TempDir, Arc<Engine>) {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let paths: Vec<PathBuf> = ["core", "analytics"].iter().map(|p| mesh_dir().join("artifacts").join(p)).collect();
    let report = index_paths(&data, &paths, |_| {}).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    (tmp, Arc::new(Engine::open(data, false, None).unwrap()))
}

/// Where meshlens answers otherwise than sqlglot on purpose: (model, column, why).
const ACCEPTED: &[(&str, &str, &str)] = &[(
    "model.analytics.customers_from_source",
    "*",
    "the source declares core's dim_customers table: meshlens links it to that model, across projects \
     (issue 16), where sqlglot can only name the relation the SQL reads",
)];

fn accepted(model: &str, column: &str) -> bool {
    ACCEPTED.iter().any(|(m, c, _)| *m == model && (*c == "*" || *c == column))
}

type Edges = BTreeSet<(String, String, String)>;

#[test]
fn column_lineage_agrees_with_sqlglot_on_every_model_of_the_fixture_mesh() {
    let (_tmp, engine) = engine();
    let expected: Value =
        serde_json::from_slice(&std::fs::read(mesh_dir().join("expected-lineage.json")).unwrap()).unwrap();
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for (model, want) in expected["models"].as_object().unwrap() {
        let node = engine.node(model).unwrap().unwrap_or_else(|| panic!("{model} is indexed"));
        let status = want["status"].as_str().unwrap();
        let ours = node.column_lineage.status.as_str();
        if status == "unparseable" {
            assert_eq!(ours, "unavailable", "{model}: sqlglot cannot trace it, meshlens must say so");
            assert!(node.columns.iter().all(|c| c.upstream.is_empty()), "{model} has no edges");
            continue;
        }
        assert_eq!(ours, "ok", "{model}: {:?}", node.column_lineage.message);
        for (column, upstream) in want["columns"].as_object().unwrap() {
            let want: Edges = upstream
                .as_array()
                .unwrap()
                .iter()
                .map(|e| (s(&e["node"]), s(&e["column"]).to_lowercase(), s(&e["kind"])))
                .collect();
            let got: Edges = node
                .columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(column))
                .map(|c| c.upstream.iter().map(|u| (u.node.clone(), u.column.to_lowercase(), u.kind.clone())).collect())
                .unwrap_or_default();
            compared += 1;
            if want != got && !accepted(model, column) {
                disagreements.push(format!("{model}.{column}\n  sqlglot:  {want:?}\n  meshlens: {got:?}"));
            }
        }
        let want: BTreeSet<(String, String)> = want["filters_only"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (s(&e["node"]), s(&e["column"]).to_lowercase()))
            .collect();
        let got: BTreeSet<(String, String)> =
            node.column_filters.iter().map(|f| (f.node.clone(), f.column.to_lowercase())).collect();
        if want != got && !accepted(model, "filters") && !accepted(model, "*") {
            disagreements.push(format!("{model} filters\n  sqlglot:  {want:?}\n  meshlens: {got:?}"));
        }
    }
    assert!(compared > 40, "compared {compared} columns");
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

#[test]
fn a_source_declaring_another_project_s_model_links_to_that_model_s_columns() {
    let (_tmp, engine) = engine();
    let node = engine.node("model.analytics.customers_from_source").unwrap().unwrap();
    let ups: BTreeMap<String, Vec<(String, String)>> = node
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.upstream.iter().map(|u| (u.node.clone(), u.project.clone())).collect()))
        .collect();
    assert!(!ups.is_empty());
    for (column, up) in &ups {
        for (node, project) in up {
            assert_eq!(node, "model.core.dim_customers", "{column}");
            assert_eq!(project, "core");
        }
    }
}

/// A head for `diff`: core with dim_customers' `customer_id` removed from its enforced
/// contract, its `full_name` declared as an integer, and order_payments' `paid_amount`
/// (which nothing reads) removed from its YAML.
fn head_changing_core(dir: &Path) -> Vec<app::dto::Change> {
    let to = dir.join("core");
    std::fs::create_dir_all(&to).unwrap();
    let manifest: PathBuf = mesh_dir().join("artifacts/core/manifest.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(manifest).unwrap()).unwrap();
    let columns = m["nodes"]["model.core.dim_customers"]["columns"].as_object_mut().unwrap();
    columns.remove("customer_id").unwrap();
    columns["full_name"]["data_type"] = Value::String("integer".into());
    m["nodes"]["model.core.order_payments"]["columns"].as_object_mut().unwrap().remove("paid_amount").unwrap();
    std::fs::write(to.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
    let (_tmp, engine) = engine();
    let head = server::diff::load_head(&[to]).unwrap();
    engine.impact(&head).unwrap().changes
}

#[test]
fn diff_names_the_columns_downstream_that_read_a_removed_or_retyped_column_across_projects() {
    let tmp = tempfile::tempdir().unwrap();
    let changes = head_changing_core(tmp.path());
    let find = |kind: &str, column: &str| {
        changes
            .iter()
            .find(|c| c.kind == kind && c.column.as_deref() == Some(column))
            .unwrap_or_else(|| panic!("{kind} {column}"))
    };
    let removed = find("column_removed", "customer_id");
    assert!(removed.breaking);
    let readers = removed.column_downstream.as_ref().expect("column_downstream");
    let reader =
        |node: &str, column: Option<&str>| readers.iter().find(|r| r.node == node && r.column.as_deref() == column);
    let renamed = reader("model.analytics.client_summary", Some("client_id")).expect("renamed across projects");
    assert_eq!((renamed.kind.as_str(), renamed.distance, renamed.project.as_str()), ("copy", 1, "analytics"));
    assert!(reader("model.analytics.customers_from_source", Some("customer_id")).is_some(), "through the source");
    assert!(readers.windows(2).all(|w| w[0].distance <= w[1].distance), "nearest first");
    // Node-level downstream is as it was.
    assert!(removed.downstream.iter().any(|d| d.unique_id == "model.analytics.client_summary"));

    let retyped = find("column_type_changed", "full_name");
    assert!(retyped.breaking);
    assert!(!retyped.column_downstream.as_ref().unwrap().is_empty());

    let unread = find("column_removed", "paid_amount");
    assert_eq!(unread.column_downstream.as_deref(), Some(&[][..]), "nothing reads it");
    assert!(!unread.breaking, "no enforced contract: dbt's rule does not break it");

    let report = app::dto::DiffReport { changes: changes.clone(), projects: vec!["core".into()], ..Default::default() };
    let markdown = server::diff::markdown(&report);
    assert!(markdown.contains("0 downstream columns read it"), "{markdown}");
    let first = markdown.find("Columns that read dim_customers.customer_id").expect("column consumers listed");
    let nodes = markdown.find("Downstream of dim_customers").expect("nodes listed");
    assert!(first < nodes, "column consumers first");
    assert!(markdown.contains("model.analytics.client_summary.client_id"), "{markdown}");
}
